"""GET|POST /sparql: the SPARQL 1.1 Protocol's query operation over the sample documents, read-only, bounded."""
from __future__ import annotations

import time

import pytest
from rdflib import Graph

from tests.api.checks import assert_refusal

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CITERS = "SELECT DISTINCT ?citer WHERE { ?citer eli:based_on|eli:cites ?law . ?law eli:id_local '57-NQ/TW' }"


def _count(client) -> int:
    return int(client.get("/sparql", params={"query": COUNT}).json()["results"]["bindings"][0]["n"]["value"])


def test_select_answers_sparql_json_with_the_project_prefixes(client):
    response = client.get("/sparql", params={"query": CITERS})
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    rows = response.json()["results"]["bindings"]
    assert len(rows) >= 2 and all(row["citer"]["type"] == "uri" for row in rows)


def test_post_form_and_direct_query_give_the_same_answer(client):
    form = client.post("/sparql", data={"query": CITERS}).json()
    direct = client.post("/sparql", content=CITERS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert form == direct.json() and form["results"]["bindings"]


def test_ask_construct_and_csv(client):
    assert client.get("/sparql", params={"query": "ASK { ?s eli:id_local '57-NQ/TW' }"}).json()["boolean"] is True
    construct = client.get("/sparql", params={"query": "CONSTRUCT { ?s eli:id_local ?o } WHERE { ?s eli:id_local ?o }"},
                           headers={"Accept": "text/turtle"})
    assert construct.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=construct.text, format="turtle")) > 10
    csv = client.get("/sparql", params={"query": CITERS}, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.splitlines()[0].strip() == "citer"


def test_result_limit_truncates_and_says_so(client, api_settings):
    response = client.get("/sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"})
    assert response.headers.get("x-plangraph-truncated") == "true"
    assert len(response.json()["results"]["bindings"]) == api_settings.sparql_max_results


@pytest.mark.parametrize("request_kwargs", [
    {"method": "GET", "params": {"update": "DELETE WHERE { ?s ?p ?o }"}},
    {"method": "GET", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}},
    {"method": "POST", "data": {"update": "CLEAR ALL"}},
    {"method": "POST", "data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
    {"method": "GET", "params": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}},
])
def test_updates_and_federation_are_refused_and_nothing_changes(client, request_kwargs):
    before = _count(client)
    kwargs = dict(request_kwargs)
    assert_refusal(client.request(kwargs.pop("method"), "/sparql", **kwargs), 403)
    assert _count(client) == before


def test_words_of_update_inside_strings_and_names_are_not_refused(client):
    query = "SELECT ?delete WHERE { BIND('INSERT or DELETE' AS ?delete) }   # CLEAR is only a comment here"
    assert client.get("/sparql", params={"query": query}).status_code == 200


def test_bad_queries_are_refused_with_a_reason(client, api_settings):
    assert_refusal(client.get("/sparql", params={"query": "SELEKT nothing"}), 422)
    assert_refusal(client.get("/sparql"), 422)
    assert_refusal(client.get("/sparql", params={"query": "#" * (api_settings.sparql_max_chars + 1)}), (413, 422))
    assert_refusal(client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}), 415)
    assert_refusal(client.get("/sparql", params={"query": CITERS}, headers={"Accept": "image/png"}), 406)


def test_a_query_past_the_time_limit_is_stopped_and_the_endpoint_goes_on(client, api_settings):
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    body = assert_refusal(client.get("/sparql", params={"query": cross}), 422)
    assert "time limit" in body["message"]
    assert time.monotonic() - started < api_settings.sparql_timeout_s + 5
    assert client.get("/sparql", params={"query": CITERS}).status_code == 200
