"""Many files through one stage in parallel on all cores, streamed, with a bounded amount of work in flight.

    for outcome in run_batch(paths):                     # read + extract each file, in input order
        if outcome.error: print(outcome.error)
        else: use(outcome.value)                         # an Extraction

    run_batch(paths, work=my_stage)                      # any picklable top-level function of one Path

Files are submitted as results are taken, never more than `in_flight` at once, so memory stays flat however
many paths the iterable yields (it is consumed lazily). A file that cannot be read gives an outcome naming the
file and the reason; the batch goes on.
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

from ingest.errors import PlangraphError, ReadError
from ingest.model import Extraction
from ingest.pipeline import extract
from ingest.readers import read

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    path: Path
    value: T | None = None
    error: str | None = None       # "<file>: <reason>" when the work raised a PlangraphError


def extract_file(path: Path) -> Extraction:
    """The default stage: read and extract one file."""
    return extract(read(path))


def run_batch(paths: Iterable[Path], work: Callable[[Path], T] = extract_file, *, workers: int | None = None,
              in_flight: int | None = None) -> Iterator[Outcome[T]]:
    """Outcomes of `work(path)` for every path, in the order given, computed by `workers` processes (default:
    every core) with at most `in_flight` files submitted and not yet taken (default: 4 per worker)."""
    workers = workers or os.cpu_count() or 1
    limit = in_flight or 4 * workers
    guarded = partial(_guarded, work)
    pending: deque[Future[Outcome[T]]] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path in paths:
            pending.append(pool.submit(guarded, Path(path)))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _guarded(work: Callable[[Path], T], path: Path) -> Outcome[T]:
    # The error is turned into text in the worker: an exception with its own constructor does not always
    # survive the trip back through pickle.
    try:
        return Outcome(path, value=work(path))
    except ReadError as error:
        return Outcome(path, error=f"{path}: {error.reason}")
    except PlangraphError as error:
        return Outcome(path, error=f"{path}: {error}")
