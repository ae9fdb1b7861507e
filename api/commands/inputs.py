"""Turning the paths a user names into readable documents, with one clear line for each that is not."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

from ingest.document import SourceDocument
from ingest.errors import PlangraphError
from ingest.readers import SUPPORTED_SUFFIXES, read


def iter_inputs(paths: list[str], skipped: list[Path]) -> Iterator[Path]:
    """Files named, and the files of folders named (sorted); files of a type no reader handles are skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
                elif not child.name.startswith("."):
                    skipped.append(child)
        else:
            yield path


def read_inputs(paths: list[str]) -> Iterator[tuple[Path, SourceDocument | None]]:
    """(path, SourceDocument) for every input; (path, None) after printing why when it cannot be read."""
    skipped: list[Path] = []
    for path in iter_inputs(paths, skipped):
        try:
            yield path, read(path)
        except PlangraphError as err:
            print(f"error: {err}", file=sys.stderr)
            yield path, None
    for path in skipped:
        print(f"skipped: {path}: no reader for '{path.suffix or path.name}' files", file=sys.stderr)


def count_inputs(paths: list[str]) -> int:
    return sum(1 for _ in iter_inputs(paths, []))
