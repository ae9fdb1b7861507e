"""What one file may cost to read: bytes on disk and unpacked, characters, table size, wall-clock time.

A broken or hostile file (a zip bomb, a table of 100,000 columns, a PDF page of a million drawing operators,
HTML nested thousands deep) must cost bounded time and memory and end in one `ReadError` that names the limit,
so that a batch goes on with the next file. The limits are generous for the documents plangraph is for (the
largest of the 418 legal documents is 0.8 MB and 0.8 M characters; planning tables have a few dozen columns)
and each is a field of `ReadLimits`, so a caller with other needs sets its own.

Time is enforced two ways. In the main thread an interval timer interrupts the reader wherever it is, inside
pdfminer's page interpreter too (the timer is only set when no one else uses it). Elsewhere (a server's worker
thread) a signal cannot be used, and the readers check the clock between pages, elements, lines and rows.
"""
from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ReadError

MIB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Limits on reading one file; a file over any of them is refused with a ReadError naming it."""
    max_bytes: int = 50 * MIB             # the file on disk
    max_unpacked_bytes: int = 256 * MIB   # what a .docx's zip members or a PDF's compressed streams expand to
    max_ratio: float = 100.0              # a member expanding more than this many times is a zip bomb
    max_characters: int = 10_000_000      # the document's text (12 times the largest legal document)
    max_columns: int = 256                # cells in one table row
    max_cells: int = 250_000              # table cells in the whole file
    max_seconds: float = 60.0             # wall-clock time to read the file


DEFAULT_LIMITS = ReadLimits()


class _OutOfTime(BaseException):
    """Raised by the timer inside whatever the reader is doing. A BaseException, so that the `except
    Exception` blocks of the parsing libraries (pdfminer has several) let it through."""


class Budget:
    """One file's limits while it is read: the clock, and the table cells used so far."""

    def __init__(self, path: Path, limits: ReadLimits = DEFAULT_LIMITS):
        self.path = path
        self.limits = limits
        self.cells = 0
        self._deadline = time.monotonic() + limits.max_seconds

    def refuse(self, reason: str) -> ReadError:
        return ReadError(self.path, reason)

    def check_time(self) -> None:
        """Called by the readers between units of work (pages, elements, lines, rows)."""
        if time.monotonic() > self._deadline:
            raise self.refuse(self._overtime())

    def add_row(self, width: int) -> None:
        """Count a table row of `width` cells against the column and cell limits."""
        self.check_width(width)
        self.cells += width
        if self.cells > self.limits.max_cells:
            raise self.refuse(f"the tables have more than {self.limits.max_cells:,} cells "
                              f"(ReadLimits.max_cells)")
        self.check_time()

    def check_width(self, width: int) -> None:
        """A row being built is already `width` cells wide (checked before it grows any further)."""
        if width > self.limits.max_columns:
            raise self.refuse(f"a table row has {width:,} cells, over the limit of {self.limits.max_columns:,} "
                              f"columns (ReadLimits.max_columns)")

    def check_characters(self, count: int) -> None:
        if count > self.limits.max_characters:
            raise self.refuse(f"the text is {count:,} characters, over the limit of "
                              f"{self.limits.max_characters:,} (ReadLimits.max_characters)")

    def check_unpacked(self, unpacked: int, what: str) -> None:
        if unpacked > self.limits.max_unpacked_bytes:
            raise self.refuse(f"{what} expand to more than {self.limits.max_unpacked_bytes / MIB:,.0f} MiB "
                              f"(ReadLimits.max_unpacked_bytes)")

    @contextmanager
    def time_limit(self) -> Iterator[None]:
        """Interrupt the reading when its time is up (main thread only; see the module's docstring)."""
        if not _timer_is_free():
            yield
            return
        previous = signal.signal(signal.SIGALRM, _interrupt)
        signal.setitimer(signal.ITIMER_REAL, self.limits.max_seconds)
        try:
            try:
                yield
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)   # an alarm firing before this line is caught below
        except _OutOfTime:
            raise self.refuse(self._overtime()) from None
        finally:
            signal.signal(signal.SIGALRM, previous)

    def _overtime(self) -> str:
        return f"reading took longer than {self.limits.max_seconds:g} s (ReadLimits.max_seconds)"


def _timer_is_free() -> bool:
    """SIGALRM can interrupt the reader: main thread, and no other alarm or handler in use."""
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))


def _interrupt(_signum, _frame) -> None:
    raise _OutOfTime
