"""The search index of a store is kept up to date document by document: indexed once, then loaded, and a change
of the store costs only the documents it touches."""
from __future__ import annotations

from api import search_adapter
from search.engine import SearchEngine


def _state(store, entries):
    documents = {e.doc_id: store.document(e.doc_id) for e in entries}
    extractions = {e.doc_id: store.extraction(e.doc_id) for e in entries}
    return tuple((e.doc_id, e.graph_file) for e in entries), documents, extractions


def _ids(engine: SearchEngine, query: str = "khoa học") -> list[str]:
    return [h.id for h in engine.search(query).hits]


def test_index_is_saved_and_loaded_at_the_next_start_without_indexing_again(api_store, tmp_path, monkeypatch):
    version, documents, extractions = _state(api_store, api_store.documents()[:2])
    built = search_adapter.open_engine(tmp_path, version, documents, extractions)

    def no_units(*_args):
        raise AssertionError("the saved index should have been loaded")

    monkeypatch.setattr(search_adapter, "build_units", no_units)
    loaded = search_adapter.open_engine(tmp_path, version, documents, extractions)
    assert [u.id for u in loaded.units] == [u.id for u in built.units]
    assert _ids(loaded) == _ids(built)


def test_a_change_of_the_store_indexes_only_the_documents_it_touches(api_store, tmp_path, monkeypatch):
    entries = api_store.documents()
    version, documents, extractions = _state(api_store, entries[:3])
    first = search_adapter.open_engine(tmp_path, version, documents, extractions)
    indexed: list[str] = []
    build_units = search_adapter.build_units
    monkeypatch.setattr(search_adapter, "build_units",
                        lambda doc, extraction: indexed.append(doc.id) or build_units(doc, extraction))
    version, documents, extractions = _state(api_store, [entries[0], entries[2], entries[3]])
    changed = search_adapter.open_engine(tmp_path, version, documents, extractions, previous=first)
    assert indexed == [entries[3].doc_id]
    assert set(changed.documents()) == {entries[0].doc_id, entries[2].doc_id, entries[3].doc_id}
    fresh = SearchEngine.build([u for e in (entries[0], entries[2], entries[3]) for u in
                                build_units(documents[e.doc_id], extractions[e.doc_id])])
    for query in ("khoa học", "chuyển giao công nghệ", "kiem tra tien do"):
        assert _ids(changed, query) == _ids(fresh, query)
    reopened = search_adapter.open_engine(tmp_path, version, documents, extractions)
    assert indexed == [entries[3].doc_id] and _ids(reopened) == _ids(changed)
