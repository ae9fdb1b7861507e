#!/usr/bin/env python3
"""Incremental index updates: adding or removing one document in a large index, beside a full rebuild, and
query latency (p50/p95) as the index grows by segments.

    .venv/bin/python bench/index_update_bench.py [--units 100000] [--segments 1 5 10] [--json OUT]

The collection is bench/search_bench.py's: the passages of ../shared/corpus-legal replicated, each copy its own
document, to `--units` units. Vectors come from a hash of each text (`HashVectors`, 384 dimensions, instant), so
what is timed is plangraph's indexing and faiss's work on vectors of the real count and dimension, not a model's
(embedding is measured in search_bench.py; a real update embeds only its own document's units).

Measured:
- full build of `--units` units (what every change cost before: the whole engine was rebuilt);
- that document added as a segment (`add_documents`), then saved (a new segment directory and a manifest
  switch), and one document removed (tombstones) and saved; loading the saved index;
- search p50/p95 (hybrid: lexical + dense + graph ranking, as the API's engine) with the same units split into
  1, 5 and 10 segments.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search.engine import SearchEngine  # noqa: E402  (the repository root is put on the path first)
from search.units import Unit  # noqa: E402
from search_bench import SHARED, bench_queries, legal_passages, replicated, timed  # noqa: E402


class HashVectors:
    """A deterministic pseudo-random vector per text: instant, of the real dimension."""
    name = "bench/hash-vectors"
    dim = 384

    def embed_passages(self, texts):
        return np.vstack([self.embed_query(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        seed = int(hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest(), 16)
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)


def seconds(call):
    started = time.perf_counter()
    value = call()
    return value, round(time.perf_counter() - started, 2)


def by_document(units: list[Unit]) -> list[list[Unit]]:
    docs: dict[str, list[Unit]] = {}
    for unit in units:
        docs.setdefault(unit.doc_id, []).append(unit)
    return list(docs.values())


def segmented(documents: list[list[Unit]], parts: int, embedder) -> SearchEngine:
    """The same units, in the same order, as `parts` segments of about equal size."""
    bounds = np.linspace(0, len(documents), parts + 1).astype(int)
    batches = [[u for doc in documents[a:b] for u in doc] for a, b in zip(bounds, bounds[1:])]
    engine = SearchEngine.build(batches[0], embedder=embedder)
    for batch in batches[1:]:
        engine = engine.add_documents(batch)
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--segments", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--extra-queries", type=int, default=80)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    faiss.omp_set_num_threads(2)
    embedder = HashVectors()
    passages = legal_passages()
    units = replicated(passages, args.units)
    new_doc = [replace(u, id=f"{u.id}#new", doc_id=f"{u.doc_id}#new")
               for u in passages if u.doc_id == passages[0].doc_id]
    eval_queries = [q["query"] for q in json.loads((SHARED / "eval" / "queries.json").read_text(encoding="utf-8"))]
    queries = bench_queries(units, eval_queries, args.extra_queries)
    report = {"units": len(units), "new_document_units": len(new_doc), "load_average": os.getloadavg()[0]}

    engine, report["full_build_s"] = seconds(lambda: SearchEngine.build(units, embedder=embedder))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "index"
        _, report["save_whole_s"] = seconds(lambda: engine.save(path))
        _, report["load_s"] = seconds(lambda: SearchEngine.load(path, embedder=embedder))
        added, report["add_one_document_s"] = seconds(lambda: engine.add_documents(new_doc))
        _, report["save_after_add_s"] = seconds(lambda: added.save(path))
        removed, report["remove_one_document_s"] = seconds(lambda: added.remove_documents([units[0].doc_id]))
        _, report["save_after_remove_s"] = seconds(lambda: removed.save(path))
        merged, report["merge_into_one_s"] = seconds(lambda: removed.merge(everything=True))
    print(json.dumps(report), flush=True)

    documents = by_document(units)
    latency = {}
    for parts in args.segments:
        variant = engine if parts == 1 else segmented(documents, parts, embedder)
        assert len(variant.index.segments) == parts
        latency[str(parts)] = {"hybrid": timed(lambda q: variant.search(q, k=10), queries),
                               "lexical": timed(lambda q: variant.lexical.search(q, k=10), queries),
                               "vector_kinds": sorted({s.vectors.kind for s in variant.index.segments})}
        print(parts, json.dumps(latency[str(parts)]), flush=True)
    report["query_latency_by_segments"] = latency
    report["load_average_end"] = os.getloadavg()[0]
    print(json.dumps(report, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
