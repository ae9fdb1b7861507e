"""GET /search and GET /suggest on the real sample documents: what a person typing in the search box gets."""
from __future__ import annotations

from ingest.text import fold
from tests.api.checks import NQ57


def test_search_without_diacritics_finds_the_resolution_with_highlights_and_reasons(client):
    answer = client.get("/search", params={"q": "nghi quyet 57", "k": 5}).json()
    assert answer["total"] > 0 and len(answer["hits"]) == 5
    top = answer["hits"][0]
    marked = [fold(top["text"][start:end]) for start, end in top["highlights"]]
    assert any("57" in m or "nghi quyet" in m for m in marked)
    assert any("Nghị quyết 57-NQ/TW" in reason for hit in answer["hits"] for reason in hit["why"])
    assert all(hit["source"].endswith(".txt") and hit["kind"] in ("document", "section", "passage", "task", "target")
               for hit in answer["hits"])


def test_search_hit_links_to_its_sentence_in_the_document(client):
    hit = client.get("/search", params={"q": "chuyển đổi số", "k": 1}).json()["hits"][0]
    page = client.get(hit["links"]["document"]).json()
    assert page["highlight"] == {"start": hit["start"], "end": hit["end"]}
    assert page["text"][hit["start"]:hit["end"]].split()[:3] == hit["text"].split()[:3]


def test_search_filters_and_facets(client):
    answer = client.get("/search", params={"q": "chuyen doi so", "kind": "task", "k": 20}).json()
    assert answer["hits"] and {h["kind"] for h in answer["hits"]} == {"task"}
    assert all(h["links"]["task"].startswith("/tasks/") for h in answer["hits"])
    kinds = {f["value"]: f["count"] for f in answer["facets"]["kind"]}
    assert set(kinds) == {"task"} and kinds["task"] == answer["total"]


def test_search_pages_through_results_without_repeating_them(client):
    first = client.get("/search", params={"q": "khoa học", "k": 5}).json()
    second = client.get("/search", params={"q": "khoa học", "k": 5, "offset": 5}).json()
    assert first["next_offset"] == 5
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    beyond = client.get("/search", params={"q": "khoa học", "offset": first["total"] + 10}).json()
    assert beyond["hits"] == [] and beyond["next_offset"] is None


def test_suggest_completes_a_resolution_typed_without_diacritics(client):
    suggestions = client.get("/suggest", params={"q": "nghi quyet 57"}).json()["suggestions"]
    legal = [s for s in suggestions if s["kind"] == "legal"]
    assert legal and legal[0]["name"] == "Nghị quyết 57-NQ/TW" and legal[0]["href"] == NQ57
    assert len({s["href"] for s in suggestions}) == len(suggestions)   # one entity, one suggestion


def test_suggest_finds_agencies_by_a_word_of_their_name(client):
    suggestions = client.get("/suggest", params={"q": "so khoa hoc"}).json()["suggestions"]
    agencies = [s for s in suggestions if s["kind"] == "agency"]
    assert any(s["name"].startswith("Sở Khoa học và Công nghệ") for s in agencies)
    page = client.get(agencies[0]["href"]).json()
    assert page["kind"] == "agency" and page["label"] == agencies[0]["name"]
