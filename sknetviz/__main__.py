"""Command line: ``python -m sknetviz demo [--output-dir DIR]``."""

import argparse

from ._tour import run_demo


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m sknetviz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="the guide's Keras example on iris and a moons decision boundary"
    )
    demo.add_argument("--output-dir", default="sknetviz-demo", help="where PNGs go")
    args = parser.parse_args(argv)
    if args.command == "demo":
        run_demo(args.output_dir)


if __name__ == "__main__":
    main()
