"""The graph questions' SPARQL on an Oxigraph server (SPARQL 1.1 Protocol over loopback) beside the in-process store.

Run: .venv/bin/python -m bench.remote_questions_bench [--legal] [--generated N] [--workers W] [--store DIR]

The corpus is ../shared/corpus (5 documents); `--legal` adds ../shared/corpus-legal (418); `--generated N` writes
N documents with bench/generate_corpus.py (seed 7) instead. A store built here is extracted on a local Dask
cluster of W workers (ingest.distributed; the store written by this process alone) and kept under
~/.cache/plangraph/remote-bench-<corpus> for the next run, or read from `--store`. An Oxigraph server
(`oxigraph serve --union-default-graph`) is started on loopback in a temporary directory; the sync to it is
timed, then a second (no-op) sync, then each query `REPEATS` times on both endpoints:
- cites: `cites-direct.rq` and `cites-transitive.rq` for the SAMPLE most cited legal documents;
- agency: `agency-roles.rq` and `agency-collaborators.rq` for the SAMPLE busiest agencies;
- duplicates: what the duplicate finder reads (`duplicate-tasks.rq` + `document-programmes.rq`), and the finder
  built from it (wording only), once per endpoint: `duplicates --task` then answers in memory either way.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from graph import questions as q
from graph.duplicates import DuplicateFinder
from graph.remote import RemoteGraphStore, oxigraph_server
from graph.store import Store
from ingest.distributed import cluster_client, extract_on_cluster
from ingest.readers import SUPPORTED_SUFFIXES

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
CACHE = Path.home() / ".cache" / "plangraph"
REPEATS = 10
SAMPLE = 10


def _corpus_files(legal: bool, generated: int | None) -> list[Path]:
    if generated:
        folder = CACHE / f"generated-{generated}"
        if not folder.is_dir():
            subprocess.run([sys.executable, str(ROOT / "bench" / "generate_corpus.py"), "--n", str(generated),
                            "--seed", "7", "--out", str(folder)], check=True)
        folders = [folder]
    else:
        folders = [SHARED / "corpus", *([SHARED / "corpus-legal"] if legal else [])]
    return [p for f in folders for p in sorted(f.iterdir()) if p.suffix.lower() in SUPPORTED_SUFFIXES]


def _build(directory: Path, files: list[Path], workers: int) -> Store:
    store = Store(directory, validate=False)
    if store.documents():
        return store
    start, failed = time.perf_counter(), 0
    with cluster_client(workers=workers) as client:
        for outcome in extract_on_cluster(files, client):
            if outcome.ok:
                document, extraction = outcome.value
                store.ingest(outcome.path, extraction, document)
            else:
                failed += 1
                print(f"error: {outcome.error}", file=sys.stderr)
    elapsed = time.perf_counter() - start
    print(f"ingest on {workers} Dask workers: {len(files)} files in {elapsed:.1f} s "
          f"({len(files) / elapsed:.1f} docs/s, {failed} failed; load {_load()})")
    return store


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _latency(name: str, calls: list[Callable[[], object]]) -> str:
    times = sorted(_timed(call) for _ in range(REPEATS) for call in calls)
    return (f"{name:44} median {1000 * statistics.median(times):8.1f} ms  p95 "
            f"{1000 * times[int(0.95 * (len(times) - 1))]:8.1f} ms")


def _compare(name: str, store: Store, remote: RemoteGraphStore,
             call: Callable[[q.SparqlEndpoint], list[Callable[[], object]]]) -> None:
    print(f"  {_latency(name + ', in-process', call(store))}")
    print(f"  {_latency(name + ', Oxigraph server', call(remote))}   (load {_load()})")


def main(store_dir: Path, files: list[Path], workers: int) -> None:
    store = _build(store_dir, files, workers)
    documents = store.documents()
    print(f"store: {len(documents)} documents, {sum(e.quads for e in documents)} quads (load {_load()})")
    qg = q.question_graph(store)
    cited = sorted(qg.legal, key=lambda n: -qg.view.in_degree(n))[:SAMPLE]
    busiest = sorted(qg.agencies, key=lambda n: -qg.view.in_degree(n))[:SAMPLE]
    with tempfile.TemporaryDirectory() as location, oxigraph_server(Path(location)) as base:
        remote = RemoteGraphStore.oxigraph(base)
        print(f"{'sync to Oxigraph (all graphs)':46} {_timed(lambda: remote.sync(store)):8.2f} s  (load {_load()})")
        print(f"{'sync again (nothing to send)':46} {_timed(lambda: remote.sync(store)):8.2f} s")
        print(f"{SAMPLE} legal documents, {SAMPLE} agencies, {REPEATS} repeats:")
        _compare("cites (direct + transitive)", store, remote, lambda endpoint: [
            lambda n=n: (q.run_query(endpoint, "cites-direct", target=n),
                         q.run_query(endpoint, "cites-transitive", target=n)) for n in cited])
        _compare("agency (roles + collaborators)", store, remote, lambda endpoint: [
            lambda a=a: (q.run_query(endpoint, "agency-roles", agency=a),
                         q.run_query(endpoint, "agency-collaborators", agency=a)) for a in busiest])
        for name, endpoint in (("in-process", store), ("Oxigraph server", remote)):
            read_s = _timed(lambda: q.duplicate_inputs(endpoint))
            finder_s = _timed(lambda: DuplicateFinder(q.duplicate_inputs(endpoint), None))
            print(f"  duplicates' inputs, {name:24} {1000 * read_s:8.1f} ms read, finder built in "
                  f"{finder_s:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legal", action="store_true", help="add ../shared/corpus-legal")
    parser.add_argument("--generated", type=int, help="N documents from bench/generate_corpus.py instead")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers extracting a store built here")
    parser.add_argument("--store", type=Path, help="an existing store to read instead")
    args = parser.parse_args()
    label = f"generated-{args.generated}" if args.generated else ("legal" if args.legal else "sample")
    main(args.store or CACHE / f"remote-bench-{label}", _corpus_files(args.legal, args.generated), args.workers)
