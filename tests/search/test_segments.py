"""The segmented index answers exactly as one index built at once over the same live units: after adds, removals
and replacements, after merges, after save and load, and when a write is cut short before its manifest switch.

"Exactly": same units, same order, same scores, totals and facets for every eval query. BM25 is scored with the
statistics of all live rows (search/lexical.py), so a row's score does not depend on the segment holding it, bit
for bit. The dense side's cosine similarities are those of the vectors themselves, up to faiss's float32 SIMD
kernels, whose summation order follows where a vector lies in memory: they differ by at most a few 1e-7, so
hybrid answers are compared with the same units in the same order and scores within 1e-5.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

import bm25s
import numpy as np
import pytest

from ingest.text import fold
from search import segments
from search.duplicates import NearDuplicateGrouper
from search.engine import SearchEngine
from search.lexical import LexicalIndex
from search.resolve import Entity
from search.segments import MergePolicy
from search.terms import text_terms


class WordHashEmbedder:
    """A text's vector: the sum of one pseudo-random vector per folded word, seeded by the word's hash.
    Deterministic and instant, so that the dense side of a segmented index can be compared with a single one
    without loading a model; only identical texts tie."""
    name = "test/word-hash"
    dim = 64

    def embed_passages(self, texts):
        return np.vstack([self.embed_query(t) for t in texts])

    def embed_query(self, text):
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in fold(text).split():
            seed = int(hashlib.md5(word.encode()).hexdigest()[:8], 16)
            vector += np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return vector


@pytest.fixture(scope="module")
def by_document(corpus):
    """The sample corpus as (doc_id, units, entities), in file order."""
    docs = []
    for unit in corpus.units:
        if not docs or docs[-1][0] != unit.doc_id:
            docs.append((unit.doc_id, []))
        docs[-1][1].append(unit)
    return [(doc_id, units, corpus.entities) for doc_id, units in docs]


def _answers(engine: SearchEngine, queries: list[dict]) -> list[tuple]:
    answers = []
    for query in queries:
        result = engine.search(query["query"], k=10)
        answers.append(([(h.id, h.score, h.highlights) for h in result.hits], result.total, result.facets))
    return answers


def _by_rounded_score(hits) -> list[tuple[float, int]]:
    """Hits as (score to 1e-5, row), in that order: identical texts tie, and faiss may order them either way."""
    return sorted((round(-h.score, 5), h.row) for h in hits)


def _assert_same(answers, expected) -> None:
    """The same units in the same order, totals and facets; scores within 1e-5 (faiss's float32 kernels)."""
    for (hits, total, facets), (expected_hits, expected_total, expected_facets) in zip(answers, expected):
        assert [(h[0], h[2]) for h in hits] == [(h[0], h[2]) for h in expected_hits]
        assert [h[1] for h in hits] == pytest.approx([h[1] for h in expected_hits], abs=1e-5)
        assert (total, facets) == (expected_total, expected_facets)
    assert len(answers) == len(expected)


def _grown(by_document, embedder=None) -> SearchEngine:
    """Documents 0-1 as one segment, 2, 3 and 4 one each; then 1 removed and 3 replaced by itself again."""
    engine = SearchEngine.build([u for _, units, _ in by_document[:2] for u in units], embedder=embedder)
    for doc_id, units, _ in by_document[2:]:
        engine = engine.add_documents(units, {doc_id: []})
    return engine.remove_documents([by_document[1][0]]).add_documents(by_document[3][1])


def _fresh_equivalent(by_document, embedder=None) -> SearchEngine:
    order = [by_document[i][1] for i in (0, 2, 4, 3)]   # a document added again goes to the end
    return SearchEngine.build([u for units in order for u in units], embedder=embedder)


@pytest.fixture(scope="module")
def grown(by_document) -> SearchEngine:
    return _grown(by_document)


@pytest.fixture(scope="module")
def grown_hybrid(by_document) -> SearchEngine:
    return _grown(by_document, WordHashEmbedder())


@pytest.fixture(scope="module")
def grown_hybrid_answers(grown_hybrid, queries) -> list[tuple]:
    return _answers(grown_hybrid, queries)


def test_segments_after_adds_and_removals_answer_as_a_fresh_build(by_document, grown, queries):
    fresh = _fresh_equivalent(by_document)
    assert len(grown.index.segments) == 4 and [u.id for u in grown.units] == [u.id for u in fresh.units]
    assert _answers(grown, queries) == _answers(fresh, queries)
    assert grown.groups == fresh.groups


def test_segments_dense_side_merges_as_one_index(by_document, grown_hybrid, grown_hybrid_answers, queries):
    fresh = _fresh_equivalent(by_document, WordHashEmbedder())
    for query in queries:
        hits, expected = grown_hybrid.dense.search(query["query"], k=20), fresh.dense.search(query["query"], k=20)
        assert _by_rounded_score(hits) == _by_rounded_score(expected)
    _assert_same(grown_hybrid_answers, _answers(fresh, queries))


def test_segments_merge_changes_no_result(grown_hybrid, grown_hybrid_answers, queries):
    before = grown_hybrid_answers
    tiered = grown_hybrid.merge(MergePolicy(segments_per_tier=1))
    assert len(tiered.index.segments) < len(grown_hybrid.index.segments)
    merged = grown_hybrid.merge(everything=True)
    assert len(merged.index.segments) == 1 and not any(merged.index.deleted)
    _assert_same(_answers(tiered, queries), before)
    _assert_same(_answers(merged, queries), before)
    # the default policy leaves four small segments apart (and rewrites only the mostly dead one)
    assert len(grown_hybrid.merge().index.segments) == len(grown_hybrid.index.segments)


def test_segments_duplicate_groups_are_those_of_the_grouper(grown, corpus):
    assert grown.groups == NearDuplicateGrouper().groups(grown.units)
    whole = SearchEngine.build(corpus.units)
    assert whole.groups == NearDuplicateGrouper().groups(corpus.units) and whole.groups


def test_a_document_restated_many_times_is_judged_once(by_document):
    """Copies of a document, one segment each, are one content a row: a segment holds the pairs of its own
    contents, not one per copy, and the groups (after removals too) are the grouper's over the live units."""
    doc_id, units, _entities = max(by_document, key=lambda doc: len(doc[1]))
    engine = SearchEngine.build(units)
    for copy in range(1, 12):
        engine = engine.add_documents([replace(u, id=f"{u.id}#{copy}", doc_id=f"{doc_id}#{copy}") for u in units])
    pairs = len(engine.index.segments[0].edges)
    assert pairs and all(len(s.edges) == pairs for s in engine.index.segments[1:])
    assert engine.groups == NearDuplicateGrouper().groups(engine.units)
    assert any(len(group) >= 12 for group in engine.groups)
    fewer = engine.remove_documents([doc_id, f"{doc_id}#5"])
    assert fewer.groups == NearDuplicateGrouper().groups(fewer.units)
    assert fewer.merge(everything=True).groups == fewer.groups


def test_segments_one_segment_scores_as_bm25s(corpus):
    texts = [u.text for u in corpus.units]
    index = LexicalIndex()
    index.index(texts)
    reference = bm25s.BM25(k1=index.config.k1, b=index.config.b)
    reference.index([list(text_terms(t, expand=False).folded) for t in texts], show_progress=False)
    held = [set(text_terms(t, expand=False).folded) for t in texts]
    for query in ("chuyen giao cong nghe nam 2024", "kiem tra tien do nhiem vu", "nhiem vu cua tinh"):
        terms = list(dict.fromkeys(text_terms(query, expand=False).folded))
        assert list(index.query_terms(query).folded) == terms   # no abbreviation to expand: BM25 alone
        expected = reference.get_scores([t for t in terms if t in reference.vocab_dict])
        # unmarked, so the folded field alone at weight 1; float32 in bm25s, float64 here
        np.testing.assert_allclose(index.field_scores(query).combined, expected, rtol=1e-5, atol=1e-6)
    # the last query's commonest term is on a third of the rows or more: scored from a dense column
    assert max(sum(term in h for h in held) for term in terms) * 3 >= len(texts)


def test_segments_save_and_load_keep_every_answer(by_document, grown_hybrid, grown_hybrid_answers, queries,
                                                 tmp_path):
    grown_hybrid.save(tmp_path / "index")
    loaded = SearchEngine.load(tmp_path / "index", embedder=WordHashEmbedder())
    _assert_same(_answers(loaded, queries), grown_hybrid_answers)
    assert loaded.documents() == grown_hybrid.documents()
    lexical_only = SearchEngine.load(tmp_path / "index")
    with pytest.raises(ValueError, match="give that embedder"):
        lexical_only.add_documents(by_document[1][1])


def test_segments_a_crash_before_the_manifest_switch_leaves_the_old_state(by_document, grown, queries, tmp_path,
                                                                          monkeypatch):
    directory = tmp_path / "index"
    old = grown
    old.save(directory)
    changed = old.remove_documents([by_document[0][0]]).add_documents(by_document[1][1])

    def crash(*_args):
        raise OSError("the machine stopped")

    monkeypatch.setattr(segments, "_switch_manifest", crash)
    with pytest.raises(OSError):
        changed.save(directory)
    assert len(list((directory / "segments").iterdir())) == len(old.index.segments) + 1   # written, not named
    monkeypatch.undo()
    reloaded = SearchEngine.load(directory)
    assert [u.id for u in reloaded.units] == [u.id for u in old.units]
    assert _answers(reloaded, queries[:5]) == _answers(old, queries[:5])
    changed.save(directory)
    assert sorted(p.name for p in (directory / "segments").iterdir()) == sorted(s.name for s in
                                                                                changed.index.segments)
    assert SearchEngine.load(directory).documents() == changed.documents()


def test_segments_tiered_policy_merges_many_small_segments(by_document):
    engine = SearchEngine.build([])
    for _ in range(3):   # the same documents added again and again: twelve segments, one document each
        for doc_id, units, _ in by_document[:4]:
            engine = engine.add_documents(units, {doc_id: []})
    assert len(engine.index.segments) == 4   # replaced documents leave their dead segments behind
    policy = MergePolicy(segments_per_tier=2, tier_factor=1000)
    assert len(engine.merge(policy).index.segments) == 1


def test_segments_a_mostly_dead_segment_is_rewritten_alone(grown, queries):
    # its first segment lost document 1 of its two
    dead_share = len(grown.index.deleted[0]) / grown.index.segments[0].count
    assert grown.merge(MergePolicy(max_dead_share=dead_share + 0.01)) is grown
    rewritten = grown.merge(MergePolicy(max_dead_share=dead_share - 0.01))
    assert len(rewritten.index.segments) == len(grown.index.segments) and not any(rewritten.index.deleted)
    assert _answers(rewritten, queries) == _answers(grown, queries)


def test_segments_empty_index_answers_nothing(tmp_path):
    empty = SearchEngine.build([])
    result = empty.search("khoa học công nghệ", k=10, filters={"province": "Đồng Tháp"})
    assert (result.hits, result.total, empty.suggest("so"), empty.count()) == ([], 0, [], 0)
    empty.save(tmp_path / "index")
    assert SearchEngine.load(tmp_path / "index").search("khoa học").total == 0


def test_segments_a_replaced_document_keeps_its_new_entities_and_tag_through_a_merge(by_document):
    (first, first_units, _), (second, second_units, _) = by_document[:2]
    old, new = Entity("agency", "co quan cu", "Cơ quan cũ"), Entity("agency", "co quan moi", "Cơ quan mới")
    engine = SearchEngine.build([]).add_documents(first_units + second_units, {first: [old], second: []},
                                                  {first: "v1", second: "v1"})
    replaced = engine.add_documents(first_units, {first: [new]}, {first: "v2"})
    for state in (replaced, replaced.merge(everything=True)):
        assert [e.key for e in state.entities] == ["co quan moi"]
        assert state.documents() == {second: "v1", first: "v2"}
        assert [s.name for s in state.suggest("co quan")] == ["Cơ quan mới"]
