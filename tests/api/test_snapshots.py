"""A snapshot after a change re-reads only the documents that changed (their graph parts, their prepared tasks),
leaves the previous snapshot's graph as it was, and its questions answer from its own state while the store on
disk moves on."""
from __future__ import annotations

import gc
import weakref

import pytest

from api.library import Library, build_snapshot
from graph import parts, questions
from graph.duplicates import DuplicateFinder
from graph.iri import graph_iri
from graph.store import Store
from tests.api.conftest import ingest_into


def _nodes_and_edges(graph: parts.QuestionGraph) -> tuple[dict, dict]:
    return ({n: (d["kind"], d["label"]) for n, d in graph.view.nodes(data=True)},
            {(s, t, k): frozenset(d["graphs"]) for s, t, k, d in graph.view.edges(keys=True, data=True)})


@pytest.fixture
def grown(corpus_paths, tmp_path, monkeypatch):
    """(store, snapshot of two documents, snapshot after a third, the graph files read for the third)."""
    store = ingest_into(tmp_path, corpus_paths[:2])
    first = build_snapshot(store)
    read: list[str] = []
    read_part = parts.read_part
    monkeypatch.setattr(parts, "read_part", lambda entry, text: read.append(entry.source) or read_part(entry, text))
    ingest_into(tmp_path, corpus_paths[2:3])
    return store, first, build_snapshot(store, first), read


def test_a_new_snapshot_reads_only_the_changed_documents_graph(grown, corpus_paths, monkeypatch):
    store, first, second, read = grown
    assert read == [corpus_paths[2].name]
    assert len(second.graph.documents) == 3 and len(first.graph.documents) == 2
    before = _nodes_and_edges(first.graph)
    monkeypatch.setattr(parts, "_PARTS", {})    # the same state read from nothing gives the same view
    again = parts.combine_parts([parts.graph_part(store, entry) for entry in store.documents()])
    assert _nodes_and_edges(again) == _nodes_and_edges(second.graph)
    assert second.graph.tasks == again.tasks
    assert _nodes_and_edges(first.graph) == before and first.graph is not second.graph


def test_questions_of_a_snapshot_answer_from_its_state(grown, corpus_paths):
    _store, first, second, _read = grown
    added = next(doc_id for doc_id in second.entries if doc_id not in first.entries)
    graph = str(graph_iri(added))
    legal = next(c.cited for found in second.graph.citations.values() for c in found
                 if c.graph == graph and c.cited in second.graph.legal)
    key = questions._identity(second.graph, legal).key
    assert added in {hit.doc_id for hit in questions.cites(second.state, key).citing}
    try:
        earlier = {hit.doc_id for hit in questions.cites(first.state, key).citing}
    except questions.QuestionError:   # the legal document is cited by the new document alone
        earlier = set()
    assert added not in earlier and earlier <= set(first.entries)


def test_the_duplicate_finder_of_a_new_snapshot_prepares_only_the_changed_document(corpus_paths, tmp_path,
                                                                                   monkeypatch):
    store = ingest_into(tmp_path, corpus_paths[:2])
    first = build_snapshot(store)
    first.state.duplicate_finder(False)
    prepared: list[str] = []
    prepare = questions.prepare
    monkeypatch.setattr(questions, "prepare", lambda extraction: prepared.append(extraction.source) or prepare(extraction))
    ingest_into(tmp_path, corpus_paths[2:3])
    second = build_snapshot(store, first)
    finder = second.state.duplicate_finder(False)
    assert prepared == [corpus_paths[2].name]
    extractions = [Store(tmp_path).extraction(doc_id) for doc_id in second.entries]
    assert finder.groups() == DuplicateFinder(extractions, None).groups()
    assert second.state.duplicate_finder(False) is finder


def test_a_served_snapshot_is_out_of_the_collectors_walk_and_a_replaced_one_is_freed(corpus_paths, tmp_path):
    # frozen (gc.freeze), a snapshot's millions of objects are not walked by every full collection; that is
    # safe only because a replaced snapshot holds no reference cycles and reference counting frees it
    library = Library(ingest_into(tmp_path, corpus_paths[:2]), "")
    served = library.snapshot()
    assert served.entries and gc.get_freeze_count() > 0
    tracked = {id(o) for o in gc.get_objects()}
    assert id(served) not in tracked and id(served.entries) not in tracked
    ingest_into(tmp_path, corpus_paths[2:3])
    replaced = weakref.ref(served)
    del served
    assert len(library.refresh().entries) == 3
    assert replaced() is None
