"""What the benchmarks share: the machine report, peak memory, and verdicts.

Each benchmark compares sknetviz with its peer in one run; these helpers make
them report the same way. Peak memory is the rise of a process's peak RSS
during a piece of work, measured in a fresh child process per library, so
that what one library left allocated does not hide another's peak.
"""

import json
import os
import platform
import resource
import subprocess
import sys

import numpy as np

TORCH = "torch"


def _status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        _status_kib("VmHWM")
    except (OSError, KeyError):
        return False
    return True


def trim_heap():
    """Hand the C heap's free memory back to the kernel (glibc ``malloc_trim``).

    Memory that an earlier step freed but the allocator kept would be reused
    by the next step without raising the RSS, hiding that step's allocations
    from :func:`extra_peak_rss`. Returns False where there is no glibc.
    """
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return False
    return True


def extra_peak_rss(work):
    """Run ``work()`` and return how far it raised the peak RSS.

    Returns
    -------
    result : dict
        'extra_kib' (peak during the work minus RSS before it), 'before_kib'
        and 'method', which says how the peak was read.
    """
    if _reset_peak_rss():
        method = "VmHWM after resetting it (/proc/self/clear_refs) minus VmRSS"
        before = _status_kib("VmRSS")
        work()
        peak = _status_kib("VmHWM")
    else:
        method = "ru_maxrss delta (peak mark could not be reset)"
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        work()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"extra_kib": peak - before, "before_kib": before, "method": method}


def numpy_blas_threads():
    """Threads of the BLAS numpy calls (what sklearn and sknetviz train on)."""
    from threadpoolctl import threadpool_info

    blas = [info for info in threadpool_info() if info["user_api"] == "blas"]
    for info in blas:
        if "numpy" in info["filepath"]:
            return info["num_threads"]
    return blas[0]["num_threads"] if blas else os.cpu_count()


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def measure_memory(script, library, *flags):
    """Run ``script --memory-child library *flags`` in a fresh process.

    The child prints one JSON line (from :func:`extra_peak_rss`), returned as
    a dict.
    """
    command = [
        sys.executable,
        os.path.abspath(script),
        "--memory-child",
        library,
        *flags,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory child for {library} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe_environment(threads, libraries, blas_users="sknetviz and sklearn"):
    import sklearn
    from threadpoolctl import threadpool_info

    import sknetviz

    print(f"python {platform.python_version()} on {platform.platform()}")
    print(f"cpus: {os.cpu_count()}")
    versions = [
        f"numpy {np.__version__}",
        f"scikit-learn {sklearn.__version__}",
        f"sknetviz {sknetviz.__version__}",
    ]
    if TORCH in libraries:
        import torch

        versions.append(f"torch {torch.__version__}")
    print("versions: " + ", ".join(versions))
    print("thread pools (threadpoolctl):")
    for info in threadpool_info():
        path = info["filepath"]
        where = f"{os.path.basename(os.path.dirname(path))}/{os.path.basename(path)}"
        version = info.get("version") or "?"
        print(
            f"  {info['user_api']:7s} {info['internal_api']:9s} {version:14s} "
            f"threads={info['num_threads']}  ({where})"
        )
    print(f"numpy BLAS threads (used by {blas_users}): {threads}")
    if TORCH in libraries:
        import torch

        print(f"torch intra-op threads: {torch.get_num_threads()}")


def load_average():
    """The machine's load average, a hint of other work competing for the cores."""
    try:
        loads = " ".join(f"{load:.2f}" for load in os.getloadavg())
    except OSError:
        loads = "unavailable"
    return f"load average over 1/5/15 min (this benchmark's threads included): {loads}"


def verdict(ratio, target):
    return "PASS" if ratio <= target else "FAIL"


def median_and_range(values, scale=1.0, digits=1):
    """'median (min-max)' of ``values`` times ``scale``, for reports."""
    import statistics

    scaled = [value * scale for value in values]
    return (
        f"{statistics.median(scaled):.{digits}f} "
        f"({min(scaled):.{digits}f}-{max(scaled):.{digits}f})"
    )


def time_interleaved(libraries, train, X, y, epochs, repeats):
    """Median-ready timings: each repeat trains every library once, in turn.

    Interleaving spreads a busy neighbour's effect over all libraries alike.
    ``train(library, X, y, epochs, seed)`` returns (seconds per epoch, loss).

    Returns
    -------
    seconds, losses : dict of library -> list, one entry per repeat
    """
    seconds = {library: [] for library in libraries}
    losses = {library: [] for library in libraries}
    print(f"before timing, {load_average()}")
    print()
    for repeat in range(repeats):
        parts = []
        for library in libraries:
            per_epoch, loss = train(library, X, y, epochs, seed=repeat)
            seconds[library].append(per_epoch)
            losses[library].append(loss)
            parts.append(f"{library} {per_epoch:.3f}")
        print(f"repeat {repeat + 1}/{repeats} s/epoch: " + ", ".join(parts), flush=True)
    print(f"after timing, {load_average()}")
    return seconds, losses


def measure_memory_of_all(script, libraries, *flags):
    """:func:`measure_memory` for each library; prints the method and baselines."""
    print()
    print("peak memory: each library alone in a fresh process, same data and training")
    memory = {library: measure_memory(script, library, *flags) for library in libraries}
    methods = {result["method"] for result in memory.values()}
    print("  method: " + "; ".join(sorted(methods)))
    print(
        "  baseline RSS after imports and data: "
        + ", ".join(
            f"{lib} {memory[lib]['before_kib'] / 1024:.0f} MiB" for lib in libraries
        )
    )
    return memory


def time_torch_epochs(
    model,
    X_t,
    y_t,
    *,
    batch_size,
    learning_rate,
    epochs,
    generator,
    clip_norm=None,
):
    """Train a torch ``model`` with Adam and cross-entropy on shuffled minibatches.

    One untimed warm-up epoch, then ``epochs`` timed ones; each batch's
    ``loss.item()`` is read, as sknetviz computes each batch's loss. With
    ``clip_norm``, every step's gradient is clipped to that global norm
    (``clip_grad_norm_``), as sknetviz's ``clip_norm`` does. Returns
    (seconds per timed epoch, mean loss of the last epoch).
    """
    import time

    import torch
    from torch import nn

    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()
    n_samples = X_t.shape[0]

    def epoch():
        order = torch.randperm(n_samples, generator=generator)
        total = 0.0
        for start in range(0, n_samples, batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(X_t[batch]), y_t[batch])
            loss.backward()
            if clip_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            total += loss.item() * batch.shape[0]
        return total / n_samples

    epoch()  # the untimed warm-up epoch
    started = time.perf_counter()
    for _ in range(epochs):
        loss = epoch()
    seconds = time.perf_counter() - started
    return seconds / epochs, loss
