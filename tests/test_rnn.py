"""RNNClassifier: sequences in three forms, padding that changes nothing, and
networks with memory that learn (digits row by row, the long-range task, the
Japanese vowels)."""

import importlib.util
import signal

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknetviz import NeuralNetClassifier, RNNClassifier
from sknetviz._training import Snapshot
from sknetviz.datasets import load_japanese_vowels, make_long_range
from sknetviz.io import dump, load
from sknetviz.nn import LSTM, Reshape

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(units=(8,), batch_size=32, learning_rate_init=0.01, random_state=0)


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.25, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def ragged():
    """40 sequences of 3 to 9 steps of 3 features; the class is the sign of
    the first step's first feature."""
    rng = np.random.default_rng(0)
    sequences = [rng.normal(size=(n, 3)) for n in rng.integers(3, 10, 40)]
    return sequences, np.array([int(s[0, 0] > 0) for s in sequences])


def test_lstm_learns_digits_read_row_by_row(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    clf = RNNClassifier(sequence_shape=(8, 8), max_iter=10, **{**FAST, "units": (16,)})
    clf.fit(X_train, y_train)
    assert clf.score(X_test, y_test) > 0.85  # chance is 0.1; measured 0.93
    assert clf.n_features_in_ == 64 and clf.sequence_shape_ == (8, 8)
    assert [c.shape for c in clf.coefs_] == [(8, 64), (16, 64), (16, 10)]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_each_cell_learns_and_stacks(cell, digits_split):
    X_train, X_test, y_train, y_test = digits_split
    clf = RNNClassifier(
        cell, sequence_shape=(8, 8), hidden_layer_sizes=(16,), max_iter=10, **FAST
    )
    clf.set_params(units=(8, 8)).fit(X_train[:600], y_train[:600])
    assert clf.score(X_test, y_test) > 0.5  # chance is 0.1
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    assert [c.shape for c in clf.coefs_][:2] == [(8, 8 * gates), (8, 8 * gates)]


def test_three_forms_of_the_same_sequences_give_the_same_model(digits_split):
    X_train, X_test, y_train, _ = digits_split
    X_train, y_train = X_train[:300], y_train[:300]
    as_rows = RNNClassifier(sequence_shape=(8, 8), max_iter=2, **FAST)
    as_arrays = RNNClassifier(max_iter=2, **FAST)
    as_lists = RNNClassifier(max_iter=2, **FAST)
    as_rows.fit(X_train, y_train)
    as_arrays.fit(X_train.reshape(-1, 8, 8), y_train)
    as_lists.fit(list(X_train.reshape(-1, 8, 8)), y_train)
    expected = as_rows.predict_proba(X_test)
    assert_allclose(as_arrays.predict_proba(X_test.reshape(-1, 8, 8)), expected)
    assert_allclose(as_lists.predict_proba(list(X_test.reshape(-1, 8, 8))), expected)
    # n_features_in_ counts a row's values for rows, a step's for sequences.
    assert (as_rows.n_features_in_, as_arrays.n_features_in_) == (64, 8)
    # Any form predicts for a model fitted on another.
    assert_allclose(as_arrays.predict_proba(list(X_test.reshape(-1, 8, 8))), expected)


def test_ragged_sequences_predict_as_each_alone(ragged):
    sequences, y = ragged
    clf = RNNClassifier("gru", max_iter=20, **FAST).fit(sequences, y)
    assert clf.sequence_shape_ == (9, 3)
    together = clf.predict_proba(sequences)
    alone = np.vstack([clf.predict_proba([s]) for s in sequences])
    assert_allclose(together, alone, rtol=1e-12, atol=1e-12)
    # Padded further by a longer sequence, and for longer sequences than in
    # training: the others' predictions do not change.
    longer = clf.predict_proba([*sequences, np.ones((30, 3))])
    assert_allclose(longer[:-1], together, rtol=1e-12, atol=1e-12)
    # The padded array with the lengths, as the network gets it.
    padded = np.zeros((len(sequences), 9, 3))
    for row, sequence in zip(padded, sequences):
        row[: len(sequence)] = sequence
    lengths = np.array([len(s) for s in sequences])
    logits = clf.network_.forward(padded, sequence_lengths=lengths)
    assert_array_equal(clf.predict(sequences), clf.classes_[(logits[:, 0] > 0) * 1])


@pytest.mark.parametrize("how", ["fit", "partial_fit", "lbfgs"])
def test_padding_in_training_changes_nothing(ragged, how):
    """A zero-weight sequence three times as long pads every other: if the
    lengths reach every training pass, the model is the same."""
    sequences, y = ragged
    padded_more = [*sequences, np.ones((27, 3))]
    weights = np.r_[np.ones(len(sequences)), 0.0]
    params = dict(FAST, batch_size="auto", shuffle=False, max_iter=5)  # full batch
    if how == "lbfgs":
        params.update(solver="lbfgs", max_iter=10)
    plain, padded = RNNClassifier(**params), RNNClassifier(**params)
    if how == "partial_fit":
        for _ in range(3):
            plain.partial_fit(sequences, y, classes=[0, 1])
            padded.partial_fit(padded_more, np.r_[y, 0], weights, classes=[0, 1])
    else:
        plain.fit(sequences, y)
        padded.fit(padded_more, np.r_[y, 0], sample_weight=weights)
    assert_allclose(padded.predict_proba(sequences), plain.predict_proba(sequences))
    assert_allclose(padded.loss_curve_, plain.loss_curve_)


def test_early_stopping_scores_ragged_validation_sequences(ragged):
    sequences, y = ragged
    clf = RNNClassifier(
        early_stopping=True, validation_fraction=0.25, max_iter=15, **FAST
    )
    clf.fit(sequences * 3, np.tile(y, 3))
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ > 0.7


def test_scaler_pipeline_in_a_grid_search_over_cell(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    model = make_pipeline(
        StandardScaler(), RNNClassifier(sequence_shape=(8, 8), max_iter=4, **FAST)
    )
    search = GridSearchCV(model, {"rnnclassifier__cell": ["rnn", "gru"]}, cv=2)
    search.fit(X_train[:400], y_train[:400])
    assert search.best_params_["rnnclassifier__cell"] in ("rnn", "gru")
    assert search.score(X_test, y_test) > 0.5


def test_partial_fit_and_history_on_ragged_sequences(ragged):
    sequences, y = ragged
    clf = RNNClassifier(**FAST)
    for _ in range(3):
        clf.partial_fit(sequences, y, classes=[0, 1])
    assert len(clf.history_) == 3 and clf.n_iter_ == 1
    assert {"loss", "grad_norms", "clipped"} <= set(clf.history_[-1])
    assert clf.history_[-1]["loss"] < clf.history_[0]["loss"]


def test_a_model_file_keeps_a_ragged_model(ragged, tmp_path):
    sequences, y = ragged
    clf = RNNClassifier(max_iter=3, **FAST).fit(sequences, y)
    dump(clf, tmp_path / "rnn.skops")
    loaded = load(tmp_path / "rnn.skops")
    assert_array_equal(loaded.predict_proba(sequences), clf.predict_proba(sequences))
    assert loaded.sequence_shape_ == (9, 3)


def test_ctrl_c_keeps_the_finished_epochs_of_ragged_training(ragged, monkeypatch):
    sequences, y = ragged
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    calls = []

    def interrupt_at_third_capture(snapshot, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the third epoch's start
            raise KeyboardInterrupt
        return capture(snapshot, *args, **kwargs)

    capture = Snapshot.capture
    monkeypatch.setattr(Snapshot, "capture", interrupt_at_third_capture)
    try:
        clf = RNNClassifier(max_iter=10, **FAST)
        with pytest.warns(UserWarning, match="after epoch 2"):
            clf.fit(sequences, y)
    finally:
        signal.signal(signal.SIGINT, previous)
    monkeypatch.undo()
    expected = RNNClassifier(max_iter=2, **FAST).fit(sequences, y)
    assert_allclose(clf.predict_proba(sequences), expected.predict_proba(sequences))
    assert clf.n_iter_ == 2


def test_bad_sequences_get_errors_with_the_numbers(ragged, digits_split):
    sequences, y = ragged
    X_train, _, y_train, _ = digits_split
    with pytest.raises(ValueError, match=r"8 x 4 = 32 values .* 64 features"):
        RNNClassifier(sequence_shape=(8, 4)).fit(X_train, y_train)
    with pytest.raises(ValueError, match="Sequence 1 of X has 2 features .* has 3"):
        RNNClassifier().fit([np.ones((4, 3)), np.ones((4, 2))], [0, 1])
    with pytest.raises(ValueError, match="Sequence 0 of X has no steps"):
        RNNClassifier().fit([np.ones((0, 3)), np.ones((4, 3))], [0, 1])
    with pytest.raises(ValueError, match="sequence_shape must be None or"):
        RNNClassifier(sequence_shape=(8, 0)).fit(X_train, y_train)
    fitted = RNNClassifier(max_iter=1, **FAST).fit(sequences, y)
    with pytest.raises(ValueError, match="4 features per step, .* 3 features"):
        fitted.predict([np.ones((5, 4))])
    fixed = RNNClassifier(max_iter=1, **FAST).fit(
        X_train[:50].reshape(-1, 8, 8), y_train[:50]
    )
    with pytest.raises(ValueError, match="sequences of 16 steps, .* of 8 steps"):
        fixed.predict(X_train[:5].reshape(-1, 16, 4)[:, :, :8].repeat(2, axis=2))
    with pytest.raises(ValueError, match="4 features per step, .* 8 features"):
        fixed.predict(X_train[:5].reshape(-1, 16, 4))
    rows = RNNClassifier(sequence_shape=(8, 8), max_iter=1, **FAST)
    rows.fit(X_train[:50], y_train[:50])
    with pytest.raises(ValueError, match="X has 60 features, .* expecting 64"):
        rows.predict(X_train[:5, :60])


def test_lstm_learns_the_long_range_task():
    X, y = make_long_range(600, distance=10, random_state=0)
    clf = RNNClassifier(max_iter=15, **{**FAST, "units": (16,)})
    clf.fit(X[:400], y[:400])
    assert clf.score(X[400:], y[400:]) > 0.9  # chance is 0.5; measured 1.0


@pytest.mark.skipif(
    importlib.util.find_spec("aeon") is None, reason="the vowels ship with aeon"
)
def test_japanese_vowels_ragged_speakers_are_told_apart():
    X_train, y_train = load_japanese_vowels(return_X_y=True)
    X_test, y_test = load_japanese_vowels(subset="test", return_X_y=True)
    clf = RNNClassifier(max_iter=20, **{**FAST, "units": (16,)}).fit(X_train, y_train)
    # Nine speakers, chance about 0.11; measured 0.93. The test set holds
    # longer utterances (29 steps) than the training set (26).
    assert clf.score(X_test, y_test) > 0.8


def test_recurrent_layers_inside_neural_net_classifier(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    clf = NeuralNetClassifier(
        layers=[Reshape((8, 8)), LSTM(16)],
        batch_size=32,
        learning_rate_init=0.01,
        max_iter=10,
        random_state=0,
    ).fit(X_train, y_train)
    assert clf.score(X_test, y_test) > 0.85  # measured 0.93
