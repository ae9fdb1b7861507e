"""A fresh store (no document yet, or every one removed) serves: search finds nothing, suggest offers nothing,
/stats counts zero; an upload is searchable at once and its removal empties the index again."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.checks import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    settings = Settings(store=tmp_path_factory.mktemp("empty-store"), validate=False, admin_token=TOKEN,
                        embed_duplicates=False, max_upload_bytes=200_000)
    with TestClient(create_app(settings)) as client:
        yield client


def _assert_empty(client) -> None:
    found = client.get("/search", params={"q": "kế hoạch khoa học công nghệ", "province": "Đồng Tháp"})
    assert found.status_code == 200, found.text
    assert found.json()["total"] == 0 and found.json()["hits"] == []
    offered = client.get("/suggest", params={"q": "so khoa"})
    assert offered.status_code == 200 and offered.json()["suggestions"] == []
    stats = client.get("/stats").json()
    assert (stats["documents"], stats["units"]) == (0, 0)


def test_empty_store_searches_suggests_and_counts_nothing(empty):
    _assert_empty(empty)


def test_empty_store_takes_a_document_and_gives_it_back(empty, corpus_paths):
    added = empty.post("/admin/ingest", headers=AUTH,
                       files={"file": (corpus_paths[3].name, corpus_paths[3].read_bytes(), "text/plain")})
    assert added.status_code == 200, added.text
    hits = empty.get("/search", params={"q": "khoa học công nghệ"}).json()
    assert hits["total"] > 0 and {h["doc_id"] for h in hits["hits"]} == {added.json()["doc_id"]}
    assert empty.get("/stats").json()["units"] > 0
    removed = empty.delete(f"/admin/documents/{added.json()['doc_id']}", headers=AUTH)
    assert removed.status_code == 200, removed.text
    _assert_empty(empty)
