"""The store's manifest at N documents: the cost of one switch, of listing the documents, of one lookup.

    .venv/bin/python bench/manifest_bench.py [--n 100000] [--dir DIR]

Fills a store's manifest with N entries of the shape ingest writes (no files behind them: only the manifest is
measured), then times a switch (one document replaced), `documents()` after a change and unchanged, and
`entry()` by doc_id and by source, beside what the JSON manifest of format 1 cost for the same entries (the whole
list serialised and written with fsync on every change).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

from graph.store import ManifestEntry, Store


def entries(n: int) -> list[ManifestEntry]:
    return [ManifestEntry(source=f"ke-hoach-{k}.txt", path=f"/data/plans/ke-hoach-{k}.txt", content_hash=f"{k:064x}",
                          doc_id=f"{k:016x}", ingested_at="2026-12-02T00:00:00+00:00", extractor_version="1",
                          graph_version="1", graph_file=f"data/{k:016x}.abc.nq",
                          document_file=f"data/{k:016x}.abc.document.json",
                          extraction_file=f"data/{k:016x}.abc.extraction.json", quads=1200) for k in range(n)]


def timed(action, repeat: int = 5) -> float:
    """Median milliseconds of `action()`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def json_switch(folder: Path, rows: list[ManifestEntry]) -> None:
    data = json.dumps({"format": 1, "documents": [asdict(e) for e in rows]}, indent=1).encode("utf-8")
    with open(folder / "manifest.json.tmp", "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(folder / "manifest.json.tmp", folder / "manifest.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="plangraph-manifest-"))
    rows = entries(args.n)
    store = Store(folder / "store", validate=False)
    start = time.perf_counter()
    store._switch(add=rows, remove=[])
    fill_s = time.perf_counter() - start
    middle = rows[args.n // 2]
    counter = iter(range(10**9))

    def replace_one() -> None:
        store._switch(add=[replace(middle, graph_file=f"data/x{next(counter)}.nq")], remove=[middle.doc_id])

    def listing_after_a_change() -> None:
        replace_one()
        store.documents()

    figures = {
        "n": args.n, "fill_s": round(fill_s, 1),
        "switch_ms": timed(replace_one),
        "documents_after_change_ms": timed(listing_after_a_change) - timed(replace_one),
        "documents_unchanged_ms": timed(store.documents),
        "entry_by_doc_id_ms": timed(lambda: store.entry(rows[7].doc_id), 50),
        "entry_by_source_ms": timed(lambda: store.entry(rows[7].source), 50),
        "json_switch_ms": timed(lambda: json_switch(folder, rows), 3),
        "json_bytes": (folder / "manifest.json").stat().st_size,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}, indent=1))


if __name__ == "__main__":
    main()
