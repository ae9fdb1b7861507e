"""How a command fails: one line on stderr naming the file or store and the reason, and exit status 1.

Commands raise `CommandError` (or let the project's own `PlangraphError`s through); `api.cli.main` prints them.
The argument types here refuse a bad value while the arguments are parsed, with argparse's usage line (status 2).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Callable

from graph.store import Store, StoreError
from ingest.errors import PlangraphError
from ingest.readers import SUPPORTED_SUFFIXES

MAX_PORT = 65535


class CommandError(PlangraphError):
    """A command cannot go on; the message says what (the file, the store) and why."""


def nothing_to_read(paths: list[str]) -> CommandError:
    """The error of a command given only folders without a file any reader handles."""
    return CommandError(f"nothing to read in {', '.join(paths)}: no file of a type a reader handles "
                        f"({', '.join(SUPPORTED_SUFFIXES)})")


def describe(error: BaseException) -> str:
    """An exception as the reason part of a one-line message."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
    return str(error) or type(error).__name__


def open_store(path: str | Path, *, validate: bool = True) -> Store:
    """The store at `path`, created if there is nothing there; refused when `path` is a file or the store
    cannot be read (a damaged manifest, a file the store needs that cannot be opened)."""
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{path} is not a store: it is a file, and a store is a directory")
    try:
        store = Store(directory, validate=validate)
        store.documents()
    except StoreError as error:
        raise CommandError(f"the store at {path} cannot be read: {error}") from None
    except OSError as error:
        raise CommandError(f"the store at {path} cannot be read: {describe(error)}") from None
    except (ValueError, KeyError, TypeError) as error:   # opening reads only the manifest
        raise CommandError(f"the store at {path} cannot be read: its manifest is damaged "
                           f"({describe(error)})") from None
    return store


def existing_store(path: str | Path) -> Store:
    """The store at `path` for answering questions: refused when there is none (nothing is created) or it holds
    no documents."""
    if not Path(path).exists():
        raise CommandError(f"there is no store at {path}; make one with `plangraph ingest PATH --store {path}`")
    store = open_store(path, validate=False)
    if not store.documents():
        raise CommandError(f"the store at {path} holds no documents; run `plangraph ingest PATH --store {path}` "
                           f"first")
    return store


def whole_number(low: int, high: int | None, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (no upper bound when None), `what` naming it in
    the refusal."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{value} is not {what}")
        return value
    return parse


positive_int = whole_number(1, None, "a whole number of at least 1")
port_number = whole_number(0, MAX_PORT, f"a port: give 0 (any free port) to {MAX_PORT}")
