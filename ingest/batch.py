"""Many files through one stage in parallel, streamed, with a bounded amount of work in flight.

    for outcome in run_batch(paths):                     # read + extract each file, in input order
        if outcome.error: print(outcome.error)
        else: use(outcome.value)                         # an Extraction

    run_batch(paths, work=my_stage)                      # any picklable top-level function of one Path
    run_batch(paths, executor=dask_client.get_executor(pure=False), in_flight=8)   # on a cluster

The stage runs in a process pool of every core by default, or on any `concurrent.futures.Executor` given (a Dask
client's executor, `ingest.distributed`). Files are submitted as results are taken, never more than `in_flight`
at once, so memory stays flat however many paths the iterable yields (it is consumed lazily). A file that
cannot be read, an extractor failing on one file, or a worker lost while on it gives an outcome naming the file
and the reason; the batch goes on.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

from ingest.document import SourceDocument
from ingest.errors import PlangraphError, ReadError
from ingest.model import Extraction
from ingest.pipeline import extract
from ingest.readers import read

T = TypeVar("T")
IN_FLIGHT_PER_WORKER = 4   # enough queued on each worker that it never waits between files


@dataclass
class Outcome(Generic[T]):
    path: Path
    value: T | None = None
    error: str | None = None       # "<file>: <reason>" when the work failed on this file

    @property
    def ok(self) -> bool:
        return self.error is None


def extract_file(path: Path) -> Extraction:
    """The default stage: read and extract one file."""
    return extract(read(path))


def read_and_extract(path: Path) -> tuple[SourceDocument, Extraction]:
    """The stage of an ingest: the file's SourceDocument and its Extraction (both are stored)."""
    document = read(path)
    return document, extract(document)


def run_batch(paths: Iterable[Path], work: Callable[[Path], T] = extract_file, *, workers: int | None = None,
              in_flight: int | None = None, executor: Executor | None = None) -> Iterator[Outcome[T]]:
    """Outcomes of `work(path)` for every path, in the order given, computed on `executor` (left open) or on a
    pool of `workers` processes (default: every core), with at most `in_flight` files submitted and not yet taken
    (default: 4 per worker)."""
    workers = workers or os.cpu_count() or 1
    limit = in_flight or IN_FLIGHT_PER_WORKER * workers
    guarded = partial(_guarded, work)
    pending: deque[tuple[Path, Future[Outcome[T]]]] = deque()
    with nullcontext(executor) if executor is not None else ProcessPoolExecutor(max_workers=workers) as pool:
        for path in paths:
            path = Path(path)
            pending.append((path, pool.submit(guarded, path)))
            if len(pending) >= limit:
                yield _taken(*pending.popleft())
        while pending:
            yield _taken(*pending.popleft())


def _guarded(work: Callable[[Path], T], path: Path) -> Outcome[T]:
    # Runs in the worker, and turns the error into text there: an exception with its own constructor does not
    # always survive the trip back through pickle.
    try:
        return Outcome(path, value=work(path))
    except ReadError as error:
        return Outcome(path, error=f"{path}: {error.reason}")
    except PlangraphError as error:
        return Outcome(path, error=f"{path}: {error}")
    except Exception as error:   # an extractor bug on one file must not stop the others
        return Outcome(path, error=f"{path}: {type(error).__name__}: {error}")


def _taken(path: Path, future: Future) -> Outcome:
    """The worker's outcome; a worker lost while on this file (killed, out of memory) fails this file alone."""
    try:
        return future.result()
    except Exception as error:
        return Outcome(path, error=f"{path}: the worker reading it failed ({type(error).__name__}: {error})")
