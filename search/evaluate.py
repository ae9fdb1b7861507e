"""Evaluation mode: run a query file (the format of ../shared/eval/queries.json) and collect the hits.

The output, `{query id: [hit, ...]}`, is what `../shared/eval/score.py search --pred` reads: each hit carries at
least the source file name, the unit text (the scorer reads its first 1,200 characters), a score and the kind.
"""
from __future__ import annotations

from search.engine import Hit, SearchEngine


def hit_dict(hit: Hit) -> dict:
    return {"source": hit.source, "text": hit.text, "score": hit.score, "kind": hit.kind, "id": hit.id,
            "start": hit.start, "end": hit.end}


def run_queries(engine: SearchEngine, queries: list[dict], k: int = 10) -> dict[str, list[dict]]:
    """Every query's top `k` hits, by query id."""
    return {q["id"]: [hit_dict(h) for h in engine.search(q["query"], k=k).hits] for q in queries}
