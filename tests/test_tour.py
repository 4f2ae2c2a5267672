"""The tour command: every file it lists is written, readable, and on the page."""

import matplotlib

matplotlib.use("Agg")

import io  # noqa: E402
import re  # noqa: E402
from importlib.metadata import entry_points  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from sknetviz.__main__ import main  # noqa: E402
from sknetviz._tour import TOUR_STEPS, run_tour  # noqa: E402

SIGNATURES = {".png": b"\x89PNG\r\n\x1a\n", ".gif": b"GIF89a"}


@pytest.fixture(scope="module")
def quick_tour(tmp_path_factory):
    """One quick tour for the whole module: its paths, progress and open figures."""
    out_dir = tmp_path_factory.mktemp("tour")
    progress = io.StringIO()
    plt.close("all")
    paths = run_tour(out_dir, quick=True, stream=progress)
    return out_dir, paths, progress.getvalue(), plt.get_fignums()


def test_tour_writes_a_png_per_figure_one_gif_and_the_index_last(quick_tour):
    out_dir, paths, _, _ = quick_tour
    assert paths[-1] == out_dir / "index.html"
    suffixes = [path.suffix for path in paths[:-1]]
    assert set(suffixes) == {".png", ".gif"}
    assert suffixes.count(".gif") == 1
    assert len(set(paths)) == len(paths)
    # File names start with their step number, so a directory listing keeps
    # the guide's order, and every step contributes at least one figure.
    step_numbers = [int(path.name[:2]) for path in paths[:-1]]
    assert step_numbers == sorted(step_numbers)
    assert set(step_numbers) == set(range(1, len(TOUR_STEPS) + 1))


def test_tour_closes_every_figure_it_draws(quick_tour):
    *_, open_figures = quick_tour
    assert open_figures == []


def test_every_listed_image_exists_and_is_valid(quick_tour):
    _, paths, _, _ = quick_tour
    for path in paths[:-1]:
        assert path.is_file()
        assert path.stat().st_size > 0
        assert path.read_bytes().startswith(SIGNATURES[path.suffix]), path.name
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.format == path.suffix[1:].upper()
            assert min(image.size) >= 100


def test_gif_is_an_animation(quick_tour):
    _, paths, _, _ = quick_tour
    (gif,) = [path for path in paths if path.suffix == ".gif"]
    with Image.open(gif) as image:
        assert image.n_frames > 10


def test_index_shows_every_image_in_order_with_a_caption(quick_tour):
    out_dir, paths, _, _ = quick_tour
    page = paths[-1].read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert sources == [path.name for path in paths[:-1]]
    assert all((out_dir / source).is_file() for source in sources)
    assert page.count("<figcaption>") == len(sources)
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    titles = [f"{n}. {step.title}" for n, step in enumerate(TOUR_STEPS, 1)]
    assert headings == ["Contents", *titles]
    # Self-contained: nothing is fetched from elsewhere.
    assert "http://" not in page and "https://" not in page


def test_index_is_a_way_in_to_the_docs_and_the_code(quick_tour):
    """Contents that link to every section; under each picture the call that
    drew it; each section links to its chapter, its example and its code,
    which the page holds."""
    _, paths, _, _ = quick_tour
    page = paths[-1].read_text(encoding="utf-8")
    for number, step in enumerate(TOUR_STEPS, 1):
        assert f'<li><a href="#step-{number}">' in page
        assert f'<section id="step-{number}">' in page
        assert f"user_guide/{step.chapter}." in page
        assert f"{step.example}." in page
        assert f'<details id="code-{number}">' in page
        assert f"def {step.draw.__name__}(page, quick):" in page
    calls = re.findall(r'<p class="call">Drawn by <code>(.*?)</code>', page)
    assert len(calls) == page.count("<figcaption>")
    assert any("BoundaryEvolutionDisplay.from_estimator(" in c for c in calls)


def test_index_links_to_the_docs_it_is_given(tmp_path):
    paths = run_tour(
        tmp_path, quick=True, steps=[2], stream=io.StringIO(), docs="file:///docs/"
    )
    page = paths[-1].read_text(encoding="utf-8")
    assert 'href="file:///docs/index.html"' in page
    assert 'href="file:///docs/user_guide/activation_functions.html"' in page
    assert 'href="file:///docs/auto_examples/plot_activation_functions.html"' in page


def test_index_holds_the_keras_example_epoch_lines(quick_tour):
    _, paths, _, _ = quick_tour
    page = paths[-1].read_text(encoding="utf-8")
    assert re.search(r"<pre>Epoch 1/\d+ - loss: \d\.\d{4} - val_loss: ", page)
    assert "Test accuracy on 30 held-out flowers" in page


def test_progress_names_each_step_and_its_files(quick_tour):
    _, paths, progress, _ = quick_tour
    for number, step in enumerate(TOUR_STEPS, 1):
        assert f"[{number}/{len(TOUR_STEPS)}] {step.title} ... " in progress
    for path in paths[:-1]:
        assert path.name in progress


def test_steps_runs_only_the_chosen_steps(tmp_path):
    paths = run_tour(tmp_path, quick=True, steps=[2], stream=io.StringIO())
    assert [path.name for path in paths] == [
        "02_activation_functions.png",
        "index.html",
    ]
    assert "<h2>2. Activation functions</h2>" in paths[-1].read_text(encoding="utf-8")


@pytest.mark.parametrize("steps", [[0], [len(TOUR_STEPS) + 1]])
def test_steps_out_of_range_is_an_error(tmp_path, steps):
    with pytest.raises(ValueError, match=r"steps must be numbers from 1 to 10"):
        run_tour(tmp_path, quick=True, steps=steps, stream=io.StringIO())


def test_cli_ends_with_the_index_path(tmp_path, capsys, monkeypatch):
    # Only step 2, to keep the test short: the whole tour runs in the fixture.
    monkeypatch.setattr("sknetviz._tour.TOUR_STEPS", TOUR_STEPS[1:2])
    main(["tour", "--out", str(tmp_path / "out"), "--quick"])
    lines = capsys.readouterr().out.splitlines()
    index = (tmp_path / "out" / "index.html").resolve()
    assert lines[-1] == str(index)
    assert index.is_file()
    assert str(index.parent) in lines[0]


def test_demo_is_the_quick_tour(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sknetviz._tour.TOUR_STEPS", TOUR_STEPS[1:2])
    main(["demo", "--output-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert "(quick)" in out
    assert out.splitlines()[-1] == str(tmp_path.resolve() / "index.html")


def test_cli_needs_a_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "tour" in capsys.readouterr().err


def _out_error(capsys, argv):
    """The exit code and the last line of stderr of a command that must fail."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code, capsys.readouterr().err.splitlines()[-1]


@pytest.mark.parametrize("command", ["tour", "demo"])
def test_out_naming_an_existing_file_is_a_usage_error(
    tmp_path, capsys, monkeypatch, command
):
    monkeypatch.setattr("sknetviz._tour.TOUR_STEPS", TOUR_STEPS[1:2])
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    code, error = _out_error(capsys, [command, "--out", str(existing)])
    assert code == 2
    # demo's option has two names, "--out/--output-dir".
    assert error.startswith(f"sknetviz {command}: error: argument --out")
    assert f"{existing.resolve()} is a file, not a directory" in error
    assert "give a new or existing directory" in error
    assert existing.read_text() == "keep me"


def test_out_under_an_existing_file_names_that_file(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sknetviz._tour.TOUR_STEPS", TOUR_STEPS[1:2])
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    out = existing / "figures" / "tour"
    code, error = _out_error(capsys, ["tour", "--quick", "--out", str(out)])
    assert code == 2
    assert error.startswith("sknetviz tour: error: argument --out: ")
    assert f"cannot create the directory {out.resolve()}: " in error
    assert f"{existing.resolve()} is a file, not a directory" in error
    assert existing.read_text() == "keep me"


def test_out_that_cannot_be_created_says_why(tmp_path, capsys, monkeypatch):
    # Running as root, a read-only directory would still be writable, so the
    # refusal is staged: the directory cannot be made, for the reason given.
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("sknetviz._tour.TOUR_STEPS", TOUR_STEPS[1:2])
    monkeypatch.setattr("pathlib.Path.mkdir", refuse)
    out = tmp_path / "tour"
    code, error = _out_error(capsys, ["tour", "--quick", "--out", str(out)])
    assert code == 2
    assert error == (
        f"sknetviz tour: error: argument --out: cannot create the directory "
        f"{out.resolve()}: Permission denied; give a directory you can write to"
    )


def test_out_that_cannot_be_written_into_says_so(tmp_path, capsys, monkeypatch):
    # Staged too: a read-only directory is writable for root.
    monkeypatch.setattr("sknetviz._tour.TOUR_STEPS", TOUR_STEPS[1:2])
    monkeypatch.setattr("os.access", lambda path, mode: False)
    code, error = _out_error(capsys, ["tour", "--quick", "--out", str(tmp_path)])
    assert code == 2
    assert error == (
        f"sknetviz tour: error: argument --out: cannot write into the directory "
        f"{tmp_path.resolve()}: permission denied; give a directory you can "
        f"write to"
    )
    assert list(tmp_path.iterdir()) == []


def test_console_script_is_main():
    (script,) = entry_points(group="console_scripts", name="sknetviz")
    assert script.value == "sknetviz.__main__:main"
    assert script.load() is main
