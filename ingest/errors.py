"""The project's typed errors: one base class, so a caller can catch everything plangraph raises on purpose."""
from __future__ import annotations

from pathlib import Path


class PlangraphError(Exception):
    """Base of every error plangraph raises deliberately (bad input, bad configuration)."""


REASON_MAX_CHARS = 300   # a parser's message can quote megabytes of the file it choked on


class ReadError(PlangraphError):
    """A file could not be turned into a SourceDocument; `reason` is one line a user can act on."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = _one_line(reason)
        super().__init__(f"{Path(self.path).name}: {self.reason}")


def _one_line(reason: str) -> str:
    flat = " ".join(reason.split())
    return flat if len(flat) <= REASON_MAX_CHARS else flat[:REASON_MAX_CHARS - 1] + "…"
