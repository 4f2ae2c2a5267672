"""Write torch_batchnorm.npz: PyTorch's BatchNorm1d and BatchNorm2d on small batches.

Run from the repository with torch installed (the tests only read the file,
and pytest imports this module for doctests, so torch is imported only
where it runs):

    .venv/bin/python tests/nn/data/make_torch_batchnorm.py

Everything is float64 and stored in sknetviz's layout: images as
(n, height, width, channels), transposed from PyTorch's (n, channels, height,
width), and drawn from NumPy's generator seeded 0. ``settings`` holds
``[momentum, epsilon]``. Each case ('1d' on rows of 3 features, '2d' on 3x2
images of 3 channels) has three passes: two training steps from the default
running statistics (zeros and ones), then one in eval mode with set running
statistics, each a forward pass and a backward pass of
``sum(output * upstream)``. Its keys, prefixed with the case's name:

- ``X``, ``upstream``, ``out``, ``dX``: of shape (3, *batch_shape), one
  entry per pass, ``out`` and ``dX`` being PyTorch's.
- ``dparams``: of shape (3, 2, channels), PyTorch's dgamma and dbeta per pass.
- ``layer``: of shape (4, channels), gamma, beta and the running mean and
  variance set for the eval pass.
- ``running``: of shape (2, channels), the running mean and variance after
  the two training steps.
"""

from pathlib import Path

import numpy as np

MOMENTUM, EPSILON = 0.3, 1e-5
# PyTorch's module and its batch shape (channels second) per case.
CASES = {"1d": ("BatchNorm1d", (4, 3)), "2d": ("BatchNorm2d", (2, 3, 3, 2))}


def _ours(tensor):
    """A tensor as a NumPy array in sknetviz's layout (channels last)."""
    array = tensor.detach().numpy().copy()
    return array.transpose(0, 2, 3, 1) if array.ndim == 4 else array


def _theirs(array):
    """A float64 array in sknetviz's layout as a tensor in PyTorch's."""
    import torch

    array = array.transpose(0, 3, 1, 2) if array.ndim == 4 else array
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float64))


def _pass(module, X, upstream):
    """Forward and backward of ``sum(module(X) * upstream)``: out, dX, dgamma, dbeta."""
    X = _theirs(X).requires_grad_(True)
    module.zero_grad()
    out = module(X)
    (out * _theirs(upstream)).sum().backward()
    return _ours(out), _ours(X.grad), _ours(module.weight.grad), _ours(module.bias.grad)


def _draw(shape, rng):
    """A batch in sknetviz's layout, its channels of different means and scales."""
    channels = shape[-1]
    return rng.normal(size=shape) * rng.uniform(1, 2, channels) + rng.normal(
        scale=2, size=channels
    )


def _case(module_name, torch_shape, rng):
    """The arrays of one case, named without its prefix."""
    import torch

    n, channels, *spatial = torch_shape
    shape = (n, *spatial, channels)
    module = getattr(torch.nn, module_name)(channels, eps=EPSILON, momentum=MOMENTUM)
    module = module.double()
    layer = [1 + 0.5 * rng.normal(size=channels), rng.normal(size=channels)]
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer[0]))
        module.bias.copy_(torch.from_numpy(layer[1]))
    passes = []
    module.train()
    for _ in range(2):
        X, upstream = _draw(shape, rng), rng.normal(size=shape)
        passes.append([X, upstream, *_pass(module, X, upstream)])
    running = [_ours(module.running_mean), _ours(module.running_var)]
    layer += [rng.normal(size=channels), rng.uniform(0.5, 1.5, channels)]
    module.eval()
    with torch.no_grad():
        module.running_mean.copy_(torch.from_numpy(layer[2]))
        module.running_var.copy_(torch.from_numpy(layer[3]))
    X, upstream = _draw(shape, rng), rng.normal(size=shape)
    passes.append([X, upstream, *_pass(module, X, upstream)])
    X, upstream, out, dX, dgamma, dbeta = (np.stack(arrays) for arrays in zip(*passes))
    return {
        "X": X,
        "upstream": upstream,
        "out": out,
        "dX": dX,
        "dparams": np.stack([dgamma, dbeta], axis=1),
        "layer": np.stack(layer),
        "running": np.stack(running),
    }


def main():
    rng = np.random.default_rng(0)
    arrays = {"settings": np.array([MOMENTUM, EPSILON])}
    for case, (module_name, torch_shape) in CASES.items():
        for name, value in _case(module_name, torch_shape, rng).items():
            arrays[f"{case}_{name}"] = np.ascontiguousarray(value, dtype=np.float64)
    np.savez_compressed(Path(__file__).with_name("torch_batchnorm.npz"), **arrays)


if __name__ == "__main__":
    main()
