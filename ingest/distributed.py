"""Reading and extraction spread over a Dask cluster; writing stays with the caller, the store's one writer.

Why Dask (distributed) rather than Ray: the work is pure-Python tasks of about half a second each (read a file,
run the extractors), with no GPU, no actors and no shared objects; Dask's distributed scheduler is some 25 MB of
pure Python (Ray: 285 MB of wheels), a two-worker local cluster starts in about half Ray's time (7-10 s against
13-20 s, measured here on two cores under a load of 5-9), and the same code runs on a cluster of machines by naming its
scheduler (`dask scheduler`, then `dask worker ADDRESS` on each machine). Dask's overhead per task (11-14 ms
here, Ray's about 1 ms) is small beside the half second or more that reading and extracting one file takes.

`extract_on_cluster(paths, client)` submits one task per file, keeping at most `max_in_flight` submitted and
not yet handed back, so memory stays bounded however many files there are; it yields one `Outcome` per file in
the order the files were given. A file that cannot be read or extracted gives an Outcome with its error, and
the rest go on. Workers read the files by path: on a cluster of machines, the files must be where every worker
sees them at the same path (a shared or mounted file system).
"""
from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from distributed import Client, Future, LocalCluster

from ingest.document import SourceDocument
from ingest.errors import ReadError
from ingest.model import Extraction
from ingest.pipeline import extract
from ingest.readers import read

IN_FLIGHT_PER_WORKER = 4   # enough queued on each worker that it never waits on the scheduler between files


@dataclass
class Outcome:
    path: Path
    document: SourceDocument | None = None
    extraction: Extraction | None = None
    error: str | None = None       # one line naming the file and the reason, when it failed

    @property
    def ok(self) -> bool:
        return self.error is None


def read_and_extract(path: str) -> Outcome:
    """One file, on a worker: its SourceDocument and Extraction, or the reason it failed (never raised, so that
    one bad file does not fail the batch)."""
    try:
        document = read(path)
        return Outcome(Path(path), document, extract(document))
    except ReadError as error:   # its message names the file and the reason already
        return Outcome(Path(path), error=str(error))
    except Exception as error:  # an extractor bug on one file must not stop the others
        return Outcome(Path(path), error=f"{Path(path).name}: {type(error).__name__}: {error}")


def extract_on_cluster(paths: Iterable[str | Path], client: Client, *,
                       max_in_flight: int | None = None) -> Iterator[Outcome]:
    """Read and extract every file on `client`'s workers; one Outcome per file, in input order."""
    limit = max_in_flight or IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
    pending: deque[tuple[Path, Future]] = deque()
    for path in paths:
        path = Path(path)
        # pure=False: a file's content may change between two runs of the same path
        pending.append((path, client.submit(read_and_extract, str(path), pure=False)))
        if len(pending) >= limit:
            yield _collect(*pending.popleft())
    while pending:
        yield _collect(*pending.popleft())


def _collect(path: Path, future: Future) -> Outcome:
    """The worker's Outcome; a worker lost while on this file (killed, out of memory) fails this file alone."""
    try:
        return future.result()
    except Exception as error:
        return Outcome(path, error=f"{path.name}: the worker reading it failed ({type(error).__name__}: {error})")
    finally:
        future.release()


@contextmanager
def cluster_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A client of the Dask scheduler at `scheduler` ("tcp://host:8786"), or of a local cluster of `workers`
    processes with one thread each (the extractors hold the GIL), closed afterwards. The local cluster's ports
    are chosen free, so several can run on one machine."""
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client
