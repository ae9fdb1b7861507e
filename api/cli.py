"""The `plangraph` command: a thin layer over the pipeline and the services.

Each subcommand lives in its own module under `api/commands/` with `add_parser(subparsers)`; the module sets
`func` on its parser. Adding a command is adding its module name to COMMANDS.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from api.commands.errors import describe
from ingest.errors import PlangraphError

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
    """Run one command; a failure is one line on stderr ("error: <file or store>: <reason>") and status 1,
    never a traceback (PLANGRAPH_DEBUG=1 prints it too, for a bug report)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:   # the reader of our output went away (`| head`): nothing more to say to it
        sys.stdout = open(os.devnull, "w")
        return 1
    except PlangraphError as error:
        return _failed(str(error))
    except OSError as error:
        return _failed(describe(error))
    except Exception as error:  # a bug: still one line, naming what the command was working on
        return _failed(f"plangraph {args.command} failed unexpectedly ({type(error).__name__}: {describe(error)})"
                       f"{_working_on(args)}")


def _failed(message: str) -> int:
    if os.environ.get("PLANGRAPH_DEBUG") == "1":
        traceback.print_exc()
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return 1


def _working_on(args: argparse.Namespace) -> str:
    named = [f"{name} {' '.join(value) if isinstance(value, list) else value}"
             for name in ("store", "paths", "path", "queries") if (value := getattr(args, name, None))]
    return f"; {', '.join(named)}" if named else ""


if __name__ == "__main__":
    sys.exit(main())
