"""Segments built per batch and merged into one are the segment built whole over the same units: the same term
matrices (vocabulary in the same order, arrays of the same dtype and layout, owning their memory), no tombstones
or row map left for a search to go through, and the same answers. What a large index built with bounded memory
(a segment per batch, then one merge) relies on to search as fast as one built at once.
"""
from __future__ import annotations

import numpy as np
import pytest

from search.engine import SearchEngine
from search.lexical import FIELDS

ARRAYS = ("indptr", "rows", "freqs", "lengths")


@pytest.fixture(scope="module")
def whole_and_merged(corpus) -> tuple[SearchEngine, SearchEngine]:
    whole = SearchEngine.build(corpus.units, entities=corpus.entities)
    batches: dict[str, list] = {}
    for unit in corpus.units:
        batches.setdefault(unit.doc_id, []).append(unit)
    engine = SearchEngine.build([])
    for number, units in enumerate(batches.values()):   # a segment per document, in corpus order
        engine = engine.add_documents(units, corpus.entities if number == 0 else ())
    assert len(engine.index.segments) == len(batches) > 1
    return whole, engine.merge(everything=True)


def test_merged_segment_holds_the_term_matrices_of_the_one_built_whole(whole_and_merged):
    whole, merged = whole_and_merged
    assert len(whole.index.segments) == len(merged.index.segments) == 1
    for name in FIELDS:
        built = getattr(whole.index.segments[0].lexical, name)
        joined = getattr(merged.index.segments[0].lexical, name)
        assert list(joined.vocab.items()) == list(built.vocab.items())   # same terms, same columns
        for array in ARRAYS:
            expected, found = getattr(built, array), getattr(joined, array)
            assert type(found) is np.ndarray and found.dtype == expected.dtype, array
            assert found.flags.c_contiguous and found.flags.owndata, array
            np.testing.assert_array_equal(found, expected, err_msg=array)


def test_merged_segment_searches_without_tombstones_or_row_map(whole_and_merged):
    whole, merged = whole_and_merged
    assert merged.index.live == whole.index.live == [None]
    assert not any(merged.index.deleted)
    for name in FIELDS:
        statistics = merged.lexical._fields[name]
        assert statistics.positions == [None] and statistics.bases == [0]
        np.testing.assert_array_equal(statistics.norms, whole.lexical._fields[name].norms)
    np.testing.assert_array_equal(merged.index.contents, whole.index.contents)
    assert merged.index.groups() == whole.index.groups()


def test_merged_segment_answers_as_the_one_built_whole(whole_and_merged, queries):
    whole, merged = whole_and_merged
    for query in queries:
        expected, found = whole.search(query["query"], k=10), merged.search(query["query"], k=10)
        assert [(h.id, h.score, h.highlights) for h in found.hits] == \
            [(h.id, h.score, h.highlights) for h in expected.hits]
        assert (found.total, found.facets) == (expected.total, expected.facets)
