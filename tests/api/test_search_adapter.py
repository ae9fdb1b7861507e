"""The search engine of a store is built once per store state and loaded at the next start."""
from __future__ import annotations

import pytest

from api import search_adapter


def test_engine_is_saved_for_its_state_and_loaded_at_the_next_start(api_store, tmp_path, monkeypatch):
    entries = api_store.documents()[:2]
    documents = {e.doc_id: api_store.document(e.doc_id) for e in entries}
    extractions = {e.doc_id: api_store.extraction(e.doc_id) for e in entries}
    version = tuple((e.doc_id, e.graph_file) for e in entries)
    built = search_adapter.open_engine(tmp_path, version, documents, extractions)

    def no_build(*_args):
        raise AssertionError("the saved engine should have been loaded")

    monkeypatch.setattr(search_adapter, "build_engine", no_build)
    loaded = search_adapter.open_engine(tmp_path, version, documents, extractions)
    assert [u.id for u in loaded.units] == [u.id for u in built.units]
    assert [h.id for h in loaded.search("khoa học").hits] == [h.id for h in built.search("khoa học").hits]
    with pytest.raises(AssertionError, match="loaded"):   # another state: built again
        search_adapter.open_engine(tmp_path, version[:1], documents, extractions)
