"""Write torch_recurrent.npz: PyTorch's RNN, LSTM and GRU on a small batch.

Run from the repository with torch installed (the tests only read the file,
and pytest imports this module for doctests, so torch is imported only
where it runs):

    .venv/bin/python tests/nn/data/make_torch_recurrent.py

Everything is float64, drawn from NumPy's generator seeded 0, on one batch
``X`` of shape (3, 5, 4) (n, T, F; ``batch_first=True``) and 3 units. Each
case ('rnn_tanh', 'rnn_relu', 'lstm', 'gru') stores, prefixed with its name:

- ``params``: the module's ``weight_ih_l0``, ``weight_hh_l0``,
  ``bias_ih_l0`` and ``bias_hh_l0``, in PyTorch's layout (gates stacked
  along the first axis), each raveled, one after the other (one array, not
  four: each array of an npz costs some 250 bytes of headers).
- for each output, ``sequences`` (every step's state, shape (3, 5, 3)) and
  ``last`` (the last step's, shape (3, 3)), with the suffix ``_sequences``
  or ``_last``: ``upstream``, the gradient fed back, of the output's shape,
  and PyTorch's ``out``, ``dX`` and ``dparams``, the gradients of
  ``sum(out * upstream)`` with respect to the parameters, laid out as
  ``params``.
"""

from pathlib import Path

import numpy as np

N, T, F, UNITS = 3, 5, 4, 3
CASES = {
    "rnn_tanh": ("RNN", {"nonlinearity": "tanh"}),
    "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
    "lstm": ("LSTM", {}),
    "gru": ("GRU", {}),
}
PARAMETERS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _numpy(tensor):
    return tensor.detach().numpy().copy()


def _case(module_name, options, X, rng):
    """The arrays of one case, named without its prefix."""
    import torch

    module = getattr(torch.nn, module_name)(
        F, UNITS, batch_first=True, **options
    ).double()
    parameters = [getattr(module, f"{name}_l0") for name in PARAMETERS]
    with torch.no_grad():
        for parameter in parameters:
            parameter.copy_(torch.from_numpy(rng.uniform(-0.7, 0.7, parameter.shape)))
    arrays = {"params": np.concatenate([_numpy(p).ravel() for p in parameters])}
    for output in ("sequences", "last"):
        inputs = torch.from_numpy(X).requires_grad_(True)
        module.zero_grad()
        out = module(inputs)[0]
        if output == "last":
            out = out[:, -1]
        upstream = rng.normal(size=tuple(out.shape))
        (out * torch.from_numpy(upstream)).sum().backward()
        arrays[f"upstream_{output}"] = upstream
        arrays[f"out_{output}"] = _numpy(out)
        arrays[f"dX_{output}"] = _numpy(inputs.grad)
        arrays[f"dparams_{output}"] = np.concatenate(
            [_numpy(p.grad).ravel() for p in parameters]
        )
    return arrays


def main():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, T, F))
    arrays = {"X": X}
    for case, (module_name, options) in CASES.items():
        for name, value in _case(module_name, options, X, rng).items():
            arrays[f"{case}_{name}"] = np.ascontiguousarray(value, dtype=np.float64)
    np.savez_compressed(Path(__file__).with_name("torch_recurrent.npz"), **arrays)


if __name__ == "__main__":
    main()
