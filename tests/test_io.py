"""sknetviz.io: model files that load only what sknetviz trusts; pickle as usual."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import MLPVisualClassifier, SimpleCNNClassifier
from sknetviz.io import UntrustedTypeError, dump, load

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


def _make(name):
    if name == "mlp":
        return MLPVisualClassifier((16,), dropout=0.1, max_iter=5, random_state=0)
    if name == "cnn":
        return SimpleCNNClassifier(filters=(4, 8), max_iter=3, random_state=0)
    return make_pipeline(
        StandardScaler(), MLPVisualClassifier((8,), max_iter=5, random_state=0)
    )


@pytest.mark.parametrize("name", ["mlp", "cnn", "pipeline"])
def test_dump_and_load_round_trip(name, digits, tmp_path):
    X, y = digits
    estimator = _make(name).fit(X, y)
    path = tmp_path / f"{name}.skops"
    dump(estimator, path)
    loaded = load(path)
    assert type(loaded) is type(estimator)
    assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))
    # A loaded model trains on: warm_start continues from the saved weights.
    network = loaded[-1] if name == "pipeline" else loaded
    epochs_saved = len(network.loss_curve_)
    network.set_params(warm_start=True, max_iter=1)
    loaded.fit(X, y)
    assert len(network.loss_curve_) == epochs_saved + 1


def _rewrite_schema(path, old, new):
    """Copy a skops file with ``old`` replaced by ``new`` in its schema."""
    crafted = path.with_name("crafted.skops")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(crafted, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "schema.json":
                text = data.decode()
                assert old in text
                data = text.replace(old, new).encode()
            target.writestr(item, data)
    return crafted


def _file_naming(module, name, digits, tmp_path):
    """A saved MLP whose output activation the file names as module.name."""
    X, y = digits
    path = tmp_path / "mlp.skops"
    dump(MLPVisualClassifier((8,), max_iter=3, random_state=0).fit(X, y), path)
    return _rewrite_schema(
        path,
        '"__class__": "softmax",\n                    "__module__": '
        '"sknetviz.nn.activations"',
        f'"__class__": "{name}",\n                    "__module__": "{module}"',
    )


def test_a_file_naming_a_foreign_function_is_refused_before_anything_runs(
    digits, tmp_path, monkeypatch
):
    # os.system, which a pickle would call.
    crafted = _file_naming("os", "system", digits, tmp_path)
    calls = []
    monkeypatch.setattr("os.system", lambda *args: calls.append(args))
    with pytest.raises(UntrustedTypeError, match=r"os\.system") as error:
        load(crafted)
    assert error.value.types == ["os.system"]
    assert isinstance(error.value, ValueError)
    assert calls == []


def test_names_that_only_pass_through_sknetviz_are_not_trusted(digits, tmp_path):
    # sknetviz._cnn imports scikit-learn's Interval: "sknetviz._cnn.Interval"
    # resolves, but it is not sknetviz's own, so a file cannot borrow it.
    crafted = _file_naming("sknetviz._cnn", "Interval", digits, tmp_path)
    with pytest.raises(UntrustedTypeError, match=r"sknetviz\._cnn\.Interval"):
        load(crafted)


def test_pickle_keeps_working(digits):
    X, y = digits
    estimator = _make("cnn").fit(X, y)
    buffer = io.BytesIO()
    pickle.dump(estimator, buffer)
    restored = pickle.loads(buffer.getvalue())
    assert_array_equal(restored.predict(X), estimator.predict(X))
    assert np.all(np.isfinite(restored.coefs_[0]))


def _reduce_file(tmp_path, module, name, arguments):
    """A file whose whole content is a call of module.name(*arguments), as
    skops' ConstructorFromReduceNode would make it on load."""
    path = tmp_path / "call.skops"

    def text(value, node_id):
        return {
            "__class__": "str", "__module__": "builtins", "__loader__": "JsonNode",
            "content": json.dumps(value), "is_json": True, "__id__": node_id,
        }  # fmt: skip

    schema = {
        "__class__": name,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "content": {
            "__class__": "tuple",
            "__module__": "builtins",
            "__loader__": "TupleNode",
            "content": [text(a, i) for i, a in enumerate(arguments)],
            "__id__": 90,
        },  # fmt: skip
        "__id__": 91,
        "protocol": 2,
        "_skops_version": "0.16.0",
    }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))
    return path


def test_sknetviz_names_are_trusted_only_where_nothing_is_called(tmp_path):
    # sknetviz.io.dump is sknetviz's own function, but a file that asks skops
    # to *call* it (here: to write a file of the attacker's choosing) is
    # refused, as is a trusted class rebuilt by a call instead of its state.
    target = tmp_path / "written.skops"
    crafted = _reduce_file(tmp_path, "sknetviz.io", "dump", ["data", str(target)])
    with pytest.raises(UntrustedTypeError, match=r"sknetviz\.io\.dump"):
        load(crafted)
    assert not target.exists()
    crafted = _reduce_file(tmp_path, "sknetviz.nn.layers", "Dense", [3])
    with pytest.raises(UntrustedTypeError, match=r"sknetviz\.nn\.layers\.Dense"):
        load(crafted)
