#!/usr/bin/env python3
"""Search latency in the first seconds of a server: while the snapshot's background thread prepares the duplicate
finder's tasks (pure Python, holding the GIL), and after it.

    .venv/bin/python bench/startup_search_bench.py STORE

Opens the store as `plangraph serve` does (api.library.Library: the snapshot, then the `prepare-tasks` thread),
then answers the 20 queries of ../shared/eval/queries.json with `api.searching.search_answer` in a loop until
that thread ends, and three rounds after it; prints p50 / p95 of both and how long the preparation ran.
"""
from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.library import Library  # noqa: E402  (the repository root is put on the path first)
from api.searching import search_answer  # noqa: E402
from graph.store import Store  # noqa: E402

QUERIES = [q["query"] for q in json.loads((ROOT / ".." / "shared" / "eval" / "queries.json").read_text("utf-8"))]


def timed_round(library: Library) -> list[float]:
    seconds = []
    for query in QUERIES:
        started = time.perf_counter()
        search_answer(library.snapshot(), query, 10, 0, {})
        seconds.append(time.perf_counter() - started)
    return seconds


def percentiles(seconds: list[float]) -> dict:
    ms = sorted(1000 * s for s in seconds)
    return {"searches": len(ms), "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1)} if ms else {"searches": 0}


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    library = Library(Store(argv[0], validate=False))
    loaded = time.perf_counter()
    preparing = [t for t in threading.enumerate() if t.name == "prepare-tasks"]
    during: list[float] = []
    while preparing and preparing[0].is_alive():
        during += timed_round(library)
    prepared = time.perf_counter()
    after = [s for _ in range(3) for s in timed_round(library)]
    print(json.dumps({"load_s": round(loaded - started, 1), "prepare_s": round(prepared - loaded, 1),
                      "during": percentiles(during), "after": percentiles(after)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
