"""The project's typed errors: one base class, so a caller can catch everything plangraph raises on purpose."""
from __future__ import annotations

from pathlib import Path


class PlangraphError(Exception):
    """Base of every error plangraph raises deliberately (bad input, bad configuration)."""


class ReadError(PlangraphError):
    """A file could not be turned into a SourceDocument; `reason` is one line a user can act on."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(self.path).name}: {reason}")
