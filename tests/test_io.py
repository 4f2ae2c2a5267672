"""sknetviz.io: model files that load only what sknetviz trusts; pickle as usual."""

import io
import json
import pickle
import re
import zipfile

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import (
    MLPVisualClassifier,
    MLPVisualRegressor,
    NeuralNetClassifier,
    RNNClassifier,
    SimpleCNNClassifier,
)
from sknetviz.io import UntrustedTypeError, dump, load
from sknetviz.nn import Activation, BatchNorm, Dense, Layer, Residual

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
    if name == "batch-norm-residual":
        return MLPVisualClassifier(
            (16, 16), batch_norm=True, residual=True, max_iter=5, random_state=0
        )
    if name == "rnn":
        return RNNClassifier(
            "gru", units=(8,), sequence_shape=(8, 8), max_iter=3, random_state=0
        )
    if name == "regressor":
        return MLPVisualRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    if name == "neuralnet":
        return NeuralNetClassifier(
            layers=[
                Dense(12, activation="relu"),
                Residual([Dense(8), BatchNorm(), Activation("tanh")]),
            ],
            max_iter=5,
            random_state=0,
        )
    return make_pipeline(
        StandardScaler(), MLPVisualClassifier((8,), max_iter=5, random_state=0)
    )


def _outputs(estimator, X):
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)
    return estimator.predict(X)


@pytest.mark.parametrize(
    "name",
    [
        "mlp",
        "cnn",
        "pipeline",
        "batch-norm-residual",
        "regressor",
        "neuralnet",
        "rnn",
    ],
)
def test_dump_and_load_round_trip(name, digits, tmp_path):
    X, y = digits
    estimator = _make(name).fit(X, y)
    path = tmp_path / f"{name}.skops"
    dump(estimator, path)
    loaded = load(path)
    assert type(loaded) is type(estimator)
    assert_array_equal(_outputs(loaded, X), _outputs(estimator, X))
    # A loaded model trains on: warm_start continues from the saved weights.
    network = loaded[-1] if name == "pipeline" else loaded
    epochs_saved = len(network.loss_curve_)
    network.set_params(warm_start=True, max_iter=1)
    loaded.fit(X, y)
    assert len(network.loss_curve_) == epochs_saved + 1


def _rewrite_schema(path, old=None, new=None, *, members=None):
    """Copy a skops file with ``old`` replaced by ``new`` in its schema, and
    the archive members in ``members`` (name -> bytes, or None to drop it)
    replaced by their new content, deflated."""
    members = members or {}
    crafted = path.with_name(f"crafted-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(crafted, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "schema.json" and old is not None:
                text = data.decode()
                assert old in text
                data = text.replace(old, new).encode()
            if item.filename in members:
                data = members[item.filename]
                item.compress_type = zipfile.ZIP_DEFLATED
            if data is not None:
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


# Files that inflate, lie or are damaged. None of these tests allocates more
# than a few tens of MB: a small max_bytes stands in for the default 1 GiB.

ONE_MB = 2**20


@pytest.fixture(scope="module")
def saved_mlp(digits, tmp_path_factory):
    """The bytes of a small saved MLP, to copy and damage."""
    X, y = digits
    path = tmp_path_factory.mktemp("saved") / "mlp.skops"
    dump(MLPVisualClassifier((8,), max_iter=3, random_state=0).fit(X, y), path)
    return path.read_bytes()


def _array_members(path):
    """The file's array members that its schema names once (an array the
    estimator holds in two places is named twice, and counted twice by the
    size check; which member sorts first depends on object ids)."""
    with zipfile.ZipFile(path) as archive:
        schema = archive.read("schema.json").decode()
        names = [name for name in archive.namelist() if name.endswith(".npy")]
    return sorted(name for name in names if schema.count(f'"{name}"') == 1)


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _with_zeros(path, n_bytes):
    """A copy of ``path`` whose first array holds ``n_bytes`` of zeros,
    deflated to a few kB: small on disk, large in memory."""
    zeros = _npy(np.zeros(n_bytes // 8))
    crafted = _rewrite_schema(path, members={_array_members(path)[0]: zeros})
    assert crafted.stat().st_size < n_bytes / 50
    return crafted


@pytest.fixture
def member_reads(monkeypatch):
    """The names of the archive members opened (ZipFile.read opens too)."""
    names = []
    original = zipfile.ZipFile.open

    def recording_open(archive, name, *args, **kwargs):
        names.append(getattr(name, "filename", name))
        return original(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    return names


def test_an_untrusted_file_is_refused_before_any_array_is_read(
    digits, tmp_path, member_reads
):
    # The file: it names os.system and holds a large array of zeros.
    crafted = _with_zeros(_file_naming("os", "system", digits, tmp_path), 10 * ONE_MB)
    member_reads.clear()
    with pytest.raises(UntrustedTypeError, match=r"os\.system"):
        load(crafted)
    assert "schema.json" in member_reads
    assert [name for name in member_reads if name.endswith(".npy")] == []


def test_a_file_inflating_beyond_max_bytes_is_refused_before_decompression(
    saved_mlp, tmp_path, member_reads
):
    path = tmp_path / "mlp.skops"
    path.write_bytes(saved_mlp)
    crafted = _with_zeros(path, 10 * ONE_MB)
    member_reads.clear()
    with pytest.raises(ValueError, match=r"max_bytes=1,048,576") as error:
        load(crafted, max_bytes=ONE_MB)
    message = str(error.value)
    assert str(crafted) in message
    assert re.search(r"would take 10,\d{3},\d{3} bytes", message)
    assert [name for name in member_reads if name.endswith(".npy")] == []
    assert type(load(path, max_bytes=ONE_MB)) is MLPVisualClassifier


def _declaring_a_small_size(path, name, file_size):
    """A copy of ``path`` whose zip directory says ``name`` inflates to
    ``file_size`` bytes, whatever it really holds."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(name.encode()))
    assert int.from_bytes(data[entry + 24 : entry + 28], "little") == info.file_size
    data[entry + 24 : entry + 28] = file_size.to_bytes(4, "little")
    lying = path.with_name(f"lying-{path.name}")
    lying.write_bytes(bytes(data))
    return lying


@pytest.mark.parametrize("lie", ["zip directory", "npy header"])
def test_a_member_whose_declared_size_lies_is_refused(lie, saved_mlp, tmp_path):
    path = tmp_path / "mlp.skops"
    path.write_bytes(saved_mlp)
    name = _array_members(path)[0]
    if lie == "zip directory":
        # 10 MB of zeros that the zip directory calls 512 kB, within the bound:
        # zipfile would stop there, but numpy would allocate what the header says.
        zeros = _with_zeros(path, 10 * ONE_MB)
        crafted = _declaring_a_small_size(zeros, name, ONE_MB // 2)
    else:
        # A header that asks numpy for 8 MB, over 80 bytes of data.
        header = _npy(np.zeros(ONE_MB))[: -ONE_MB * 8]
        crafted = _rewrite_schema(path, members={name: header + bytes(80)})
    with pytest.raises(ValueError, match=r"max_bytes=1,048,576") as error:
        load(crafted, max_bytes=ONE_MB)
    assert "as their headers declare" in str(error.value)


def test_a_sparse_matrix_inflating_beyond_max_bytes_is_refused(tmp_path):
    # skops trusts scipy's sparse matrix base class, and stores the matrix as
    # an .npz: a zip inside the zip, compressed whatever the outer one says.
    import scipy.sparse
    import skops.io

    n_values = 10 * ONE_MB // 8
    matrix = scipy.sparse.csr_matrix(
        (np.zeros(n_values), np.zeros(n_values, np.int32), [0, n_values]),
        shape=(1, 1),
    )
    path = tmp_path / "sparse.skops"
    skops.io.dump(matrix, path)
    crafted = _rewrite_schema(
        path,
        '"__class__": "csr_matrix",\n  "__module__": "scipy.sparse._csr"',
        '"__class__": "spmatrix",\n  "__module__": "scipy.sparse._matrix"',
    )
    assert crafted.stat().st_size < ONE_MB
    with pytest.raises(ValueError, match=r"as their headers declare.*max_bytes="):
        load(crafted, max_bytes=ONE_MB)
    assert load(crafted).nnz == n_values


def _nested_schema(levels):
    """Lists of lists, ``levels`` deep: JSON that parses, for skops to recurse on."""
    leaf = {"__class__": "int", "__module__": "builtins", "__loader__": "JsonNode",
            "content": "1", "is_json": True}  # fmt: skip
    opening = '{"__class__": "list", "__module__": "builtins", "__loader__": '
    opening += '"ListNode", "protocol": 2, "content": ['
    return opening * levels + json.dumps(leaf) + "]}" * levels


def _damage(case, path):
    """``path`` damaged as ``case`` says; returns the damaged file."""
    data = path.read_bytes()
    array = _array_members(path)[0]
    if case == "not a zip":
        path.write_bytes(b"Just some text, not a model.\n")
    elif case == "truncated":
        path.write_bytes(data[: len(data) * 2 // 3])
    elif case == "no schema.json":
        return _rewrite_schema(path, members={"schema.json": None})
    elif case == "no such array":
        return _rewrite_schema(path, members={array: None})
    elif case == "array not an array":
        return _rewrite_schema(path, members={array: b"no .npy here"})
    elif case == "array data damaged":
        # The end of the largest array, past what a look at its header reads.
        with zipfile.ZipFile(path) as archive:
            content = max(map(archive.read, _array_members(path)), key=len)
        at = data.index(content) + len(content) - 1
        path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :])
    else:
        schema = {
            "schema not JSON": "{'__class__': 'MLPVisualClassifier'",
            "schema a list": "[]",
            "schema without a loader": '{"protocol": 2}',
            "schema nested past json": '{"a": ' * 100_000 + "1" + "}" * 100_000,
            "schema nested past skops": _nested_schema(300),
        }[case]
        return _rewrite_schema(path, members={"schema.json": schema.encode()})
    return path


@pytest.mark.parametrize(
    "case, problem",
    [
        ("not a zip", "not a zip archive"),
        ("truncated", "not a zip archive"),
        ("no schema.json", "holds no schema.json"),
        ("schema not JSON", "not JSON (JSONDecodeError"),
        ("schema a list", "holds a JSON list, not an object"),
        ("schema without a loader", "KeyError: '__loader__'"),
        ("schema nested past json", "not JSON (RecursionError"),
        ("schema nested past skops", "nested deeper than 200 levels"),
        ("no such array", "names members the archive lacks"),
        ("array not an array", "is not a readable array"),
        ("array data damaged", "skops cannot rebuild it (BadZipFile"),
    ],
)
def test_a_damaged_file_raises_a_value_error_naming_it(
    case, problem, saved_mlp, tmp_path
):
    path = tmp_path / "mlp.skops"
    path.write_bytes(saved_mlp)
    damaged = _damage(case, path)
    names_the_file = re.escape(f"Cannot load {damaged}: ")
    with pytest.raises(ValueError, match=names_the_file) as error:
        load(damaged)
    assert problem in str(error.value)
    assert type(error.value) is ValueError


@pytest.mark.parametrize("max_bytes", [-1, "1GB", 1.5, True])
def test_max_bytes_must_be_a_count_of_bytes(max_bytes, saved_mlp, tmp_path):
    path = tmp_path / "mlp.skops"
    path.write_bytes(saved_mlp)
    with pytest.raises(ValueError, match=r"max_bytes must be .* got"):
        load(path, max_bytes=max_bytes)


class Halve(Layer):
    """A user's own layer: not sknetviz's, so a file holding it needs trust."""

    def forward(self, X, training=False):
        return X / 2

    def backward(self, delta):
        return delta / 2


def test_a_users_layer_loads_only_when_trusted_by_name(digits, tmp_path):
    X, y = digits
    clf = NeuralNetClassifier(
        layers=[Dense(8, activation="tanh"), Halve()], max_iter=3, random_state=0
    ).fit(X, y)
    path = tmp_path / "own-layer.skops"
    dump(clf, path)
    name = f"{Halve.__module__}.Halve"
    with pytest.raises(UntrustedTypeError) as refused:
        load(path)
    assert refused.value.types == [name]
    assert f"load(path, trusted=['{name}'])" in str(refused.value)
    loaded = load(path, trusted=[name])
    assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    with pytest.raises(TypeError, match="sequence of type names"):
        load(path, trusted=name)
