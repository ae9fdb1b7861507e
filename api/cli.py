"""The `plangraph` command: a thin layer over the pipeline and the services.

Each subcommand lives in its own module under `api/commands/` with `add_parser(subparsers)`; the module sets
`func` on its parser. Adding a command is adding its module name to COMMANDS.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ["extract", "store", "search", "questions", "serve", "demo"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plangraph", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"api.commands.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"api.commands.{name}":
                raise
            continue          # a command whose module is not installed in this build
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
