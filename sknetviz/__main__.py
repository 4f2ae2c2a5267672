"""Command line: ``sknetviz tour [--out DIR] [--quick]``, or ``python -m sknetviz``."""

import argparse
import os
from pathlib import Path

from ._tour import run_tour


def _output_directory(value):
    """The ``--out`` directory, resolved and created, or an argparse error.

    Made while the arguments are parsed (as ``argparse.FileType`` opens its
    files), so that a path the tour cannot write to is reported at once, as
    a usage error, rather than as a traceback.
    """
    out_dir = Path(value).resolve()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise argparse.ArgumentTypeError(
            f"{out_dir} is a file, not a directory; give a new or existing "
            f"directory instead"
        ) from None
    except NotADirectoryError:
        blocker = next(parent for parent in out_dir.parents if parent.exists())
        raise argparse.ArgumentTypeError(
            f"cannot create the directory {out_dir}: {blocker} is a file, not a "
            f"directory; give a path whose parents are all directories"
        ) from None
    except OSError as error:
        raise argparse.ArgumentTypeError(
            f"cannot create the directory {out_dir}: {error.strerror}; give a "
            f"directory you can write to"
        ) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(
            f"cannot write into the directory {out_dir}: permission denied; give "
            f"a directory you can write to"
        )
    return out_dir


def _parser():
    parser = argparse.ArgumentParser(
        prog="sknetviz",
        description="Train the visual guide's networks and draw its figures.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    tour = commands.add_parser(
        "tour",
        help="write every figure of the guide as PNG, the boundary animation as "
        "GIF, and an index.html that shows them in order",
    )
    tour.add_argument(
        "--out",
        metavar="DIR",
        type=_output_directory,
        default="sknetviz-tour",
        help="output directory, created if missing (default: %(default)s)",
    )
    tour.add_argument(
        "--quick",
        action="store_true",
        help="less data, fewer epochs, coarser grids: done in well under a minute",
    )
    demo = commands.add_parser("demo", help="the quick tour (an older name for it)")
    demo.add_argument(
        "--out",
        "--output-dir",
        dest="out",
        metavar="DIR",
        type=_output_directory,
        default="sknetviz-demo",
        help="output directory, created if missing (default: %(default)s)",
    )
    return parser


def main(argv=None):
    """Run the command line: ``tour`` trains the guide's networks and draws them.

    ``tour`` writes every figure of the visual guide as PNG, the boundary
    animation as GIF, and an index.html showing them in the guide's order,
    printing its progress and, last, the path of index.html. ``--quick``
    trains on less data for fewer epochs. ``demo`` is the quick tour, under
    the command's older name.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``sys.argv[1:]`` when None.

    Examples
    --------
    >>> from sknetviz.__main__ import main
    >>> main(["--help"])  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    args = _parser().parse_args(argv)
    # The tour only writes files, so no window system is needed or wanted.
    import matplotlib

    matplotlib.use("Agg")
    quick = args.quick if args.command == "tour" else True
    out_dir = args.out
    mode = "quick" if quick else "full"
    print(f"The sknetviz tour ({mode}), writing to {out_dir}", flush=True)
    paths = run_tour(out_dir, quick=quick)
    counts = {
        suffix: sum(path.suffix == suffix for path in paths)
        for suffix in (".png", ".gif")
    }
    print(
        f"Wrote {counts['.png']} PNGs, {counts['.gif']} GIF and index.html to {out_dir}"
    )
    print(paths[-1])


if __name__ == "__main__":
    main()
