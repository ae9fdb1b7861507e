"""What one file may cost to read: bytes on disk and unpacked, characters, table size, wall-clock time.

A broken or hostile file (a zip bomb, a table of 100,000 columns, a PDF page of a million drawing operators,
HTML nested thousands deep) must cost bounded time and memory and end in one `ReadError` that names the limit,
so that a batch goes on with the next file. The limits are generous for the documents plangraph is for (the
largest of the 418 legal documents is 0.8 MB and 0.8 M characters; planning tables have a few dozen columns)
and each is a field of `ReadLimits`, so a caller with other needs sets its own.

Time is enforced by a watchdog: when a file's time is up, a timer thread raises an exception in the thread that
is reading, wherever its Python code is, inside pdfminer's loops too (a PDF object that refers to itself sends
pdfminer round forever). It works in a server's worker threads as in the main thread, and touches no signal
handler. C code (lxml parsing, zlib) is not interrupted, which is why the sizes it is given are bounded.
"""
from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ReadError

MIB = 1024 * 1024
_RETRY_S = 0.05   # between alarms once the time is up, until the reading stops


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
    """Raised by the watchdog inside whatever the reader is doing. A BaseException, so that the `except
    Exception` blocks of the parsing libraries (pdfminer has several) let it through."""


class Budget:
    """One file's limits while it is read: the watchdog, and the table cells used so far."""

    def __init__(self, path: Path, limits: ReadLimits = DEFAULT_LIMITS):
        self.path = path
        self.limits = limits
        self.cells = 0

    def refuse(self, reason: str) -> ReadError:
        return ReadError(self.path, reason)

    def add_row(self, width: int) -> None:
        """Count a table row of `width` cells against the column and cell limits."""
        self.check_width(width)
        self.cells += width
        if self.cells > self.limits.max_cells:
            raise self.refuse(f"the tables have more than {self.limits.max_cells:,} cells "
                              f"(ReadLimits.max_cells)")

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

    def time_limit(self) -> "_Watchdog":
        """Stop the reading in this thread when its time is up, with a ReadError naming the limit."""
        return _Watchdog(self)


class _Watchdog:
    """Raises _OutOfTime in the reading thread at the deadline, and again every `_RETRY_S` while the reading goes
    on: an alarm that lands where it is swallowed (a `__del__`, a bare `except:` in a library) is followed by the
    next. The alarm can land anywhere, the end of this context manager included, so leaving it loops until the
    watchdog has stopped and any alarm still pending is withdrawn."""

    def __init__(self, budget: Budget):
        self._budget = budget
        self._reader = threading.get_ident()
        self._finished = threading.Event()
        self._lock = threading.Lock()   # held while raising, so that no alarm follows `_finished` being set
        self._thread = threading.Thread(target=self._watch, name=f"watchdog {budget.path.name}", daemon=True)

    def _watch(self) -> None:
        wait = self._budget.limits.max_seconds
        while not self._finished.wait(wait):
            with self._lock:
                if self._finished.is_set():
                    return
                _raise_in(self._reader, _OutOfTime)
            wait = _RETRY_S

    def __enter__(self) -> None:
        self._started = time.monotonic()
        try:
            self._thread.start()
        except _OutOfTime:   # the alarm rang before the reading began (a limit of a millisecond)
            self.__exit__(_OutOfTime, None, None)

    def __exit__(self, exc_type, exc, traceback) -> bool:
        out_of_time = exc_type is _OutOfTime
        while True:
            try:
                with self._lock:
                    self._finished.set()
                self._thread.join()
                _raise_in(self._reader, None)   # withdraw an alarm raised but not yet delivered
                break
            except _OutOfTime:
                out_of_time = True
        limit = self._budget.limits.max_seconds
        if out_of_time or (exc_type is None and time.monotonic() - self._started > limit):
            raise self._budget.refuse(f"reading took longer than {limit:g} s (ReadLimits.max_seconds)") from None
        return False


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in the thread at its next Python instruction (None withdraws a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else None)
