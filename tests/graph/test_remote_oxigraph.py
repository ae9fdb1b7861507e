"""graph.remote against a real Oxigraph server (PyPI's `oxigraph`, started here on loopback): the shared corpus
synced to it answers the questions' SPARQL as the in-process store does, a second sync sends nothing, a removed
or re-extracted document is removed or replaced there, and a server that is down or misconfigured says so."""
from __future__ import annotations

from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from graph import questions as q
from graph.duplicates import DuplicateFinder
from graph.iri import graph_iri
from graph.remote import RemoteGraphStore, RemoteStoreError, free_loopback_port, oxigraph_server
from graph.store import Store
from ingest.pipeline import extract
from ingest.readers import read
from tests.conftest import SHARED


@contextmanager
def server_at(location: Path, *, union_default_graph: bool = True) -> Iterator[str]:
    """A fresh Oxigraph server; the test is skipped, saying why, only when the binary cannot start."""
    with ExitStack() as stack:
        try:
            base = stack.enter_context(oxigraph_server(location, union_default_graph=union_default_graph))
        except RemoteStoreError as error:
            pytest.skip(f"no Oxigraph server for this test: {error}")
        yield base


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("remote") / "store", validate=False)
    for path in sorted((SHARED / "corpus").glob("*.txt")):
        doc = read(path)
        store.ingest(path, extract(doc), doc)
    return store


@pytest.fixture(scope="module")
def server(local, tmp_path_factory) -> Iterator[RemoteGraphStore]:
    with server_at(tmp_path_factory.mktemp("oxigraph")) as base:
        remote = RemoteGraphStore.oxigraph(base)
        report = remote.sync(local)
        assert sorted(report.pushed) == sorted(e.doc_id for e in local.documents())
        yield remote


def _answers(endpoint: q.SparqlEndpoint, name: str, **parameters: str | list[str]) -> set[frozenset]:
    return {frozenset(row.items()) for row in q.run_query(endpoint, name, **parameters)}


def _assert_same_answers(local: Store, server: RemoteGraphStore, names: tuple[str, ...], parameter: str,
                         nodes: list[str]) -> None:
    for node in nodes:
        for name in names:
            assert _answers(server, name, **{parameter: node}) == _answers(local, name, **{parameter: node}), \
                (name, node)


def test_the_server_holds_every_quad_of_the_store(local, server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert server.query(count) == local.query(count)
    assert int(server.query(count)[0]["n"]) == sum(e.quads for e in local.documents())


def test_cites_from_the_server_equal_the_local_answers(local, server):
    legal = sorted(q.question_graph(local).legal)
    assert len(legal) > 20
    _assert_same_answers(local, server, ("cites-direct", "cites-transitive"), "target", legal)
    answer = q.cites(local, "Nghị quyết 57-NQ/TW")   # the Python answer, over the local store
    assert {r["citer"] for r in q.run_query(server, "cites-transitive", target=answer.document.iris)} \
        == {hit.node for hit in answer.citing}
    assert {r["citer"] for r in q.run_query(server, "cites-direct", target=answer.document.iris)} \
        == {hit.node for hit in answer.citing if hit.direct}


def test_agency_from_the_server_equals_the_local_answers(local, server):
    agencies = sorted(q.question_graph(local).agencies)
    assert len(agencies) > 10
    _assert_same_answers(local, server, ("agency-roles", "agency-collaborators"), "agency", agencies)


def test_duplicates_from_the_servers_graph_equal_the_stored_answer(local, server):
    inputs = q.duplicate_inputs(server)
    assert [(e.source, e.tasks, e.programmes) for e in inputs] == \
        [(e.source, e.tasks, e.programmes) for e in q.duplicate_inputs(local)]
    found = {(g.kind, tuple(g.tasks), g.why) for g in DuplicateFinder(inputs, None).groups()}
    stored = {(g.kind, tuple(g.tasks), g.why) for g in q.duplicates(local, embed=False).groups}
    assert found == stored
    assert any(kind == "recurring" for kind, _tasks, _why in found)


def test_a_second_sync_sends_nothing(local, server):
    report = server.sync(local)
    assert not report.changed
    assert report.unchanged == len(local.documents())


def test_removed_and_reextracted_documents_follow_on_the_server(local, tmp_path):
    store = Store(tmp_path / "store", validate=False)
    for entry in local.documents():
        doc, extraction = local.document(entry.doc_id), local.extraction(entry.doc_id)
        store.ingest(entry.path, extraction, doc)
    gone, changed, *kept = store.documents()
    with server_at(tmp_path / "oxigraph") as base:
        remote = RemoteGraphStore.oxigraph(base)
        remote.sync(store)
        store.remove(gone.doc_id)
        store.ingest(changed.path, local.extraction(changed.doc_id), local.document(changed.doc_id),
                     extractor_version="plangraph-extract/next")
        report = remote.sync(store)
        assert report.deleted == [str(graph_iri(gone.doc_id))]
        assert report.pushed == [changed.doc_id]
        assert report.unchanged == len(kept)
        assert not remote.query(f"ASK {{ GRAPH <{graph_iri(gone.doc_id)}> {{ ?s ?p ?o }} }}")
        assert remote.versions()[str(graph_iri(changed.doc_id))][2] == "plangraph-extract/next"
        assert not remote.sync(store).changed


def test_a_server_that_is_down_is_named(local):
    base = f"http://127.0.0.1:{free_loopback_port()}"
    with pytest.raises(RemoteStoreError, match=f"{base}/query.*cannot be reached"):
        RemoteGraphStore.oxigraph(base).sync(local)


def test_a_server_that_does_not_query_the_union_says_how_to_fix_it(local, tmp_path):
    with server_at(tmp_path / "oxigraph", union_default_graph=False) as base:
        with pytest.raises(RemoteStoreError, match="--union-default-graph"):
            RemoteGraphStore.oxigraph(base).sync(local)
