"""Time building and SHACL-validating the graph of each sample document (and ingesting all into a store).

Run: .venv/bin/python -m bench.graph_build [corpus folder]   (default ../shared/corpus)
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from graph.build import build_graph
from graph.store import Store
from graph.validate import shapes, validate
from ingest.pipeline import extract
from ingest.readers import read

REPEATS = 3


def _median_seconds(work, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(folder: Path) -> None:
    shapes()   # parse the shapes once, outside the timings
    documents = [(path, read(path)) for path in sorted(folder.glob("*.txt"))]
    print(f"{'document':32} {'quads':>6} {'tasks':>5} {'build s':>8} {'validate s':>10}")
    for path, doc in documents:
        extraction = extract(doc)
        dataset = build_graph(extraction, doc)
        build = _median_seconds(lambda: build_graph(extraction, doc))
        check = _median_seconds(lambda: validate(dataset))
        print(f"{path.name:32} {len(dataset):6} {len(extraction.tasks):5} {build:8.3f} {check:10.3f}")
    with tempfile.TemporaryDirectory() as directory:
        store = Store(directory)
        start = time.perf_counter()
        for path, doc in documents:
            store.ingest(path, extract(doc), doc)
        print(f"store: ingest of {len(documents)} documents (extract + build + validate + write) "
              f"{time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        Store(directory).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        print(f"store: open and first query (loads every graph) {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus")
