"""Peak memory of one piece of work: the rise of the process's peak RSS during it.

Each benchmark calls this in a fresh child process per library, so that what
one library left allocated does not hide another's peak.
"""

import resource


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
