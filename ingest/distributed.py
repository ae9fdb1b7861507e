"""Reading and extraction spread over a Dask cluster; writing stays with the caller, the store's one writer.

Why Dask (distributed) rather than Ray: the work is pure-Python tasks of about half a second each (read a file,
run the extractors), with no GPU, no actors and no shared objects; Dask's distributed scheduler is some 25 MB of
pure Python (Ray: 285 MB of wheels), a two-worker local cluster starts in about half Ray's time (7-10 s against
13-20 s, measured here on two cores under a load of 5-9), and the same code runs on a cluster of machines by naming its
scheduler (`dask scheduler`, then `dask worker ADDRESS` on each machine). Dask's overhead per task (11-14 ms
here, Ray's about 1 ms) is small beside the half second or more that reading and extracting one file takes.

`extract_on_cluster(paths, client)` runs `ingest.batch.run_batch` on the client's executor: one task per file,
at most `max_in_flight` submitted and not yet handed back (memory stays bounded however many files there are),
one `Outcome` per file in input order, its value the file's (SourceDocument, Extraction). A file that cannot be
read or extracted, or whose worker is lost, gives an Outcome with its error, and the rest go on. Workers read the
files by path: on a cluster of machines, the files must be where every worker sees them at the same path (a
shared or mounted file system).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from distributed import Client, LocalCluster

from ingest.batch import IN_FLIGHT_PER_WORKER, Outcome, read_and_extract, run_batch
from ingest.document import SourceDocument
from ingest.model import Extraction


def extract_on_cluster(paths: Iterable[str | Path], client: Client, *,
                       max_in_flight: int | None = None) -> Iterator[Outcome[tuple[SourceDocument, Extraction]]]:
    """Read and extract every file on `client`'s workers; one Outcome per file, in input order."""
    limit = max_in_flight or IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
    # pure=False: a file's content may change between two runs of the same path
    yield from run_batch(paths, read_and_extract, in_flight=limit, executor=client.get_executor(pure=False))


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
