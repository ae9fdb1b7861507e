"""graph.view: the NetworkX view of a document graph, citation chains and collaboration."""
from __future__ import annotations

import pytest

from graph import iri
from graph.build import build_graph
from graph.view import cited_by, collaboration, graph_view
from ingest.keys import agency_key
from tests.graph import sample

NQ57 = str(iri.ID["legal/nghi-quyet/57-nq-tw/national/2024"])
KH169_QN = str(iri.ID["legal/ke-hoach/169-kh-ubnd/quang-ngai/2021"])


@pytest.fixture(scope="module")
def view():
    doc = sample.source_document()
    return graph_view(build_graph(sample.extraction(doc), doc))


def test_view_nodes_have_kind_and_label(view):
    assert view.nodes[NQ57] == {"kind": "legal", "label": "57-NQ/TW"}
    agency = view.nodes[str(iri.agency_iri(agency_key(sample.PHONG)))]
    assert agency == {"kind": "agency", "label": sample.PHONG}
    kinds = {data["kind"] for _node, data in view.nodes(data=True)}
    assert kinds == {"document", "legal", "agency", "person", "post", "task", "product", "target", "programme",
                     "anomaly"}


def test_view_roles_are_edges_from_task_to_agent(view):
    task = str(iri.task_iri(sample.source_document().id, sample.TASK_ROW))
    edges = {(view.nodes[agent]["label"], relation) for _t, agent, relation in view.out_edges(task, keys=True)}
    assert {(sample.PHONG, "lead"), (sample.TRUNG_TAM, "cooperating"), ("Nguyễn Văn An", "directed_by")} <= edges


def test_view_cited_by_follows_the_chain(view):
    document = str(iri.document_iri(sample.source_document().id))
    task = str(iri.task_iri(sample.source_document().id, sample.TASK_ROW))
    # 57-NQ/TW <- applied by 169/KH-UBND (Quảng Ngãi) <- basis of the document; and cited by the task directly
    assert cited_by(view, NQ57) == {KH169_QN, document, task}
    assert cited_by(view, KH169_QN, transitive=False) == {document}
    own = str(iri.ID["legal/ke-hoach/52-kh-skhcn/quang-ngai/2025"])
    assert cited_by(view, own) == set()   # nothing cites the document itself


def test_view_collaboration_joins_agencies_sharing_a_task(view):
    network = collaboration(view)
    phong, trung_tam = (str(iri.agency_iri(agency_key(name))) for name in (sample.PHONG, sample.TRUNG_TAM))
    assert network.edges[phong, trung_tam]["weight"] == 1
