"""Entity pages on the real sample documents: who cites a resolution (and through which chain), what an agency
does, a task's duplicates, a document with its passage highlighted; and the same IRIs as JSON-LD and Turtle."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from ontology.terms import ELI
from tests.api.checks import NQ57, assert_refusal

NQ57_IRI = URIRef("https://plangraph.vn/id/legal/nghi-quyet/57-nq-tw/national/2024")
SO_KHCN = "/agencies/so-khoa-hoc-va-cong-nghe-tinh-quang-ngai"


@pytest.fixture(scope="module")
def nq57(client) -> dict:
    return client.get(NQ57).json()


@pytest.fixture(scope="module")
def doc_of(client) -> dict[str, str]:
    return {d["source"]: d["doc_id"] for d in client.get("/documents").json()["documents"]}


def _items(page: dict) -> list[dict]:
    return [item for group in page["groups"] for doc in group["documents"] for item in doc["items"]]


def test_legal_page_lists_direct_citers_with_the_sentence_that_cites(client, nq57, doc_of):
    assert nq57["label"] == "Nghị quyết 57-NQ/TW" and nq57["year"] == "2024"
    items = _items(nq57)
    documents = {item["iri"].rsplit("/", 1)[-1] for item in items if item["kind"] == "document"}
    assert doc_of["000_1cc758f53e979a0a.txt"] in documents
    assert any(item["kind"] == "task" and item["href"].startswith("/tasks/") for item in items)
    for item in items:
        if item["direct"] and item["provenance"]:
            source = item["provenance"][0]
            text = client.get("/documents/" + source["doc_id"]).json()["text"]
            assert "57" in text[source["start"]:source["end"]]
            assert text[source["start"]:source["end"]] in source["quote"]


def test_legal_page_follows_the_chain_through_the_provincial_plan(client, nq57):
    through = {item["label"]: item for item in nq57["through"]}
    assert "Kế hoạch 359-KH/TU" in through
    chain = through["Kế hoạch 359-KH/TU"]["chain"]
    assert [step["label"] for step in chain] == ["Nghị quyết 57-NQ/TW", "Kế hoạch 359-KH/TU"]
    plan = client.get(chain[-1]["href"]).json()
    assert plan["citers_total"] >= 1 and plan["kind"] == "legal"
    drawn = {node["iri"] for node in nq57["graph"]["nodes"]}
    assert str(NQ57_IRI) in drawn and chain[-1]["iri"] in drawn
    assert all(edge["source"] in drawn and edge["target"] in drawn for edge in nq57["graph"]["edges"])


def test_agency_page_has_tasks_by_period_with_provenance_and_collaborators(client):
    page = client.get(SO_KHCN).json()
    assert page["label"] == "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi"
    assert sum(page["roles"].values()) == sum(len(p["tasks"]) for p in page["periods"]) > 0
    task = page["periods"][0]["tasks"][0]
    source = task["provenance"][0]
    text = client.get("/documents/" + source["doc_id"]).json()["text"]
    assert " ".join(source["quote"].split()[:3]) in " ".join(text[source["start"]:source["end"]].split())
    assert page["collaborators"] and all(c["weight"] >= 1 and c["href"].startswith("/agencies/")
                                         for c in page["collaborators"])


def test_task_page_shows_its_duplicates_side_by_side(client, doc_of):
    doc_id = doc_of["000_1cc758f53e979a0a.txt"]
    duplicates = client.get("/duplicates", params={"doc": doc_id, "kind": "exact"}).json()["groups"]
    assert duplicates, "the sample Chương trình repeats a task word for word"
    first, second = duplicates[0]["tasks"][:2]
    page = client.get(first["href"]).json()
    assert page["text"] == first["text"] and page["roles"]
    shown = [t["task_id"] for group in page["duplicates"] for t in group["tasks"]]
    assert second["task_id"] in shown


def test_document_page_highlights_a_passage_and_refuses_one_outside_it(client, doc_of):
    doc_id = doc_of["001_c9fe7b2844345c15.txt"]
    page = client.get(f"/documents/{doc_id}", params={"start": 10, "end": 40}).json()
    assert page["highlight"] == {"start": 10, "end": 40} and page["blocks"] and page["tasks"]
    assert all(0 <= b["start"] <= b["end"] <= len(page["text"]) for b in page["blocks"])
    assert_refusal(client.get(f"/documents/{doc_id}", params={"start": 10}), 422)
    assert_refusal(client.get(f"/documents/{doc_id}", params={"start": 0, "end": 10 ** 7}), 422)
    assert_refusal(client.get("/documents/0123456789abcdef"), 404)


def test_stable_iri_dereferences_as_turtle_and_json_ld(client):
    turtle = client.get(NQ57, headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "Accept" in turtle.headers["vary"]
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (NQ57_IRI, ELI.id_local, Literal("57-NQ/TW")) in graph
    jsonld = client.get("/id/legal/nghi-quyet/57-nq-tw/national/2024", headers={"Accept": "application/ld+json"})
    assert (NQ57_IRI, ELI.id_local, Literal("57-NQ/TW")) in Graph().parse(data=jsonld.text, format="json-ld")


def test_stable_iri_sends_a_browser_to_the_page(client):
    redirect = client.get("/id/legal/nghi-quyet/57-nq-tw/national/2024", headers={"Accept": "text/html"},
                          follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == NQ57
    page = client.get(NQ57, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html") and '<html lang="vi">' in page.text


def test_entity_pages_refuse_unknown_ids_and_unacceptable_types(client):
    assert_refusal(client.get("/legal/nghi-quyet/99999-nq-tw/national/2024"), 404)
    assert_refusal(client.get("/agencies/khong-co-co-quan-nay"), 404)
    assert_refusal(client.get("/tasks/0123456789abcdef/001-I.1"), 404)
    assert_refusal(client.get("/legal/..%2F..%2Fetc%2Fpasswd"), 404)
    assert_refusal(client.get(NQ57, headers={"Accept": "image/png"}), 406)
