"""The graph of the five real sample documents (../shared/corpus), as the lead's extractor reads them."""
from __future__ import annotations

import re

import pytest

from graph import iri
from graph.build import build_graph
from graph.store import Store
from graph.validate import validate
from ingest.pipeline import extract
from ontology.terms import ELI, PG, PROV
from ingest.readers import read

NQ57 = str(iri.ID["legal/nghi-quyet/57-nq-tw/national/2024"])


@pytest.fixture(scope="module")
def corpus(shared_dir):
    paths = sorted((shared_dir / "corpus").glob("*.txt"))
    assert len(paths) == 5
    documents = [read(path) for path in paths]
    return [(path, doc, extract(doc)) for path, doc in zip(paths, documents)]


@pytest.fixture(scope="module")
def store(corpus, tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    for path, doc, extraction in corpus:
        assert store.ingest(path, extraction, doc).status == "added"
    return store


def test_real_documents_conform_to_the_shapes(corpus):
    for path, doc, extraction in corpus:
        report = validate(build_graph(extraction, doc))
        assert report.conforms, f"{path.name}:\n{report}"


def test_real_documents_mentions_quote_the_text(corpus):
    for path, doc, extraction in corpus:
        (graph,) = [g for g in build_graph(extraction, doc).graphs() if len(g)]
        for mention in graph.subjects(PG.start, None):
            start, end = int(graph.value(mention, PG.start)), int(graph.value(mention, PG.end))
            assert str(graph.value(mention, PG.quote)) == doc.text[start:end]
        for citation in graph.subjects(PG.citedResource, None):
            symbol = str(graph.value(graph.value(citation, PG.citedResource), ELI.id_local))
            number = re.match(r"\w+", symbol).group(0)
            quotes = [str(graph.value(m, PG.quote)) for m in graph.objects(citation, PROV.wasDerivedFrom)]
            assert any(number in quote for quote in quotes), f"{path.name}: {symbol} not in {quotes}"


def test_real_documents_one_node_for_a_resolution_cited_across_documents(store):
    citing = store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?citer ?p <{NQ57}> }} }}")
    assert len(citing) >= 2
    assert store.query("SELECT DISTINCT ?law WHERE { ?law eli:id_local '57-NQ/TW' }") == [{"law": NQ57}]


def test_real_documents_tasks_have_leads_in_the_store(store):
    rows = store.query("""
        SELECT (COUNT(DISTINCT ?task) AS ?n) WHERE {
          ?task a p-plan:Step ; prov:qualifiedAssociation [ prov:hadRole pg:Lead ; prov:agent ?agency ] .
          ?agency a org:Organization }""")
    assert int(rows[0]["n"]) >= 100
    assert store.graph_view().number_of_nodes() > 300
