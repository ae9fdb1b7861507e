"""SPARQL while the store changes: the endpoint's worker loads a state's graph files lazily, and a change made
meanwhile may already have deleted some of them. Found by the load test (bench/load_bench.py): a /sparql query
answered 422 "No such file or directory" while the writer removed a document."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.errors import Busy
from api.settings import Settings
from api.sparql import SparqlService
from graph.iri import graph_iri
from graph.store import Store
from ingest.pipeline import extract
from ingest.readers import read

GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def two_documents(shared_dir, tmp_path) -> Store:
    store = Store(tmp_path / "store", validate=False)
    for path in sorted((shared_dir / "corpus").glob("*.txt"), key=lambda p: p.stat().st_size)[:2]:
        doc = read(path)
        store.ingest(path, extract(doc), doc)
    return store


def _graphs(store: Store) -> list[tuple[str, str]]:
    return [(str(graph_iri(e.doc_id)), str(Path(store.path) / e.graph_file)) for e in store.documents()]


def _count(service: SparqlService) -> int:
    body = json.loads(service.query(GRAPHS, "application/sparql-results+json").body)
    return int(body["results"]["bindings"][0]["n"]["value"])


def test_a_state_whose_files_were_deleted_meanwhile_is_answered_from_the_state_held(two_documents):
    store = two_documents
    first, second = store.documents()
    state = [_graphs(store)[0]]                      # the service has read a state with the first document only
    service = SparqlService(Settings(store=store.path), lambda: state)
    try:
        assert _count(service) == 1
        state = _graphs(store)                       # the next state names both documents' files ...
        store.remove(second.doc_id)                  # ... and a removal deletes one before the worker reads it
        assert _count(service) == 1                  # the state the worker holds, whole: not a 422, not a mix
        state = _graphs(store)                       # the state after the removal
        assert _count(service) == 1
    finally:
        service.close()


def test_a_fresh_worker_asked_for_a_state_already_gone_says_to_try_again(two_documents):
    store = two_documents
    state = _graphs(store)
    store.remove(store.documents()[1].doc_id)
    service = SparqlService(Settings(store=store.path), lambda: state)
    try:
        with pytest.raises(Busy):
            service.query(GRAPHS, "application/sparql-results+json")
        state = _graphs(store)
        assert _count(service) == 1
    finally:
        service.close()
