"""POST /admin/ingest and DELETE /admin/documents/{id}: the token, the limits, and that a refused change leaves the
store as it was. Over a small store of its own (one real sample document), so that each change rebuilds fast."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.checks import TOKEN, assert_refusal
from tests.api.conftest import ingest_into

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def admin_settings(corpus_paths, tmp_path_factory) -> Settings:
    store = ingest_into(tmp_path_factory.mktemp("admin-store"), [corpus_paths[3]])
    return Settings(store=store.path, validate=False, admin_token=TOKEN, embed_duplicates=False,
                    max_upload_bytes=60_000)


@pytest.fixture(scope="module")
def admin(admin_settings):
    with TestClient(create_app(admin_settings)) as test_client:
        yield test_client


def _state(client) -> list[str]:
    return sorted(d["doc_id"] for d in client.get("/documents").json()["documents"])


def _upload(client, name: str, data: bytes, headers=AUTH):
    return client.post("/admin/ingest", files={"file": (name, data, "application/octet-stream")}, headers=headers)


def test_upload_and_delete_a_document(admin, admin_settings, corpus_paths):
    before = _state(admin)
    added = _upload(admin, corpus_paths[0].name, corpus_paths[0].read_bytes())
    assert added.status_code == 200, added.text
    answer = added.json()
    assert answer["status"] == "added" and _state(admin) == sorted([*before, answer["doc_id"]])
    assert (admin_settings.uploads_dir / corpus_paths[0].name).read_bytes() == corpus_paths[0].read_bytes()
    hits = admin.get("/search", params={"q": "Sở Nông nghiệp và Môi trường", "source": corpus_paths[0].name})
    assert hits.json()["total"] > 0
    removed = admin.delete(f"/admin/documents/{answer['doc_id']}", headers=AUTH)
    assert removed.json() == {"status": "removed", "doc_id": answer["doc_id"]} and _state(admin) == before


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_admin_needs_the_token(admin, corpus_paths, headers):
    before = _state(admin)
    assert_refusal(_upload(admin, "plan.txt", corpus_paths[3].read_bytes(), headers), 401)
    assert_refusal(admin.delete(f"/admin/documents/{before[0]}", headers=headers), 401)
    assert _state(admin) == before


def test_admin_is_off_without_a_configured_token(client, corpus_paths, admin_settings):
    with TestClient(create_app(Settings(store=admin_settings.store, validate=False, embed_duplicates=False))) as off:
        assert_refusal(_upload(off, "plan.txt", b"x", AUTH), 403)


@pytest.mark.parametrize("name, data, status", [
    ("tool.exe", b"MZ\x90\x00", 415),
    ("no-suffix", b"text", 415),
    ("big.txt", "Kế hoạch ".encode() * 10_000, 413),
    ("empty.txt", b"", 422),
    ("broken.pdf", b"%PDF-1.4 not really a pdf", 422),
    ("broken.docx", b"PK\x03\x04 truncated", 422),
    ("binary.txt", bytes(range(256)) * 4, 422),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(admin, admin_settings, name, data, status):
    before = _state(admin)
    kept = sorted(p.name for p in admin_settings.uploads_dir.glob("*")) if admin_settings.uploads_dir.exists() else []
    assert_refusal(_upload(admin, name, data), status)
    assert _state(admin) == before
    now = sorted(p.name for p in admin_settings.uploads_dir.glob("*")) if admin_settings.uploads_dir.exists() else []
    assert now == kept


def test_upload_name_cannot_reach_outside_the_uploads_folder(admin, admin_settings, corpus_paths):
    answer = _upload(admin, "../../../tmp/escape.txt", corpus_paths[1].read_bytes()[:50_000])
    assert answer.status_code == 200, answer.text
    assert answer.json()["source"] == "escape.txt"
    assert (admin_settings.uploads_dir / "escape.txt").is_file()
    assert not (admin_settings.store.parent / "escape.txt").exists()
    admin.delete(f"/admin/documents/{answer.json()['doc_id']}", headers=AUTH)


def test_deleting_an_unknown_or_malformed_id_is_refused(admin):
    before = _state(admin)
    assert_refusal(admin.delete("/admin/documents/0123456789abcdef", headers=AUTH), 404)
    assert_refusal(admin.delete("/admin/documents/..%2Fmanifest.json", headers=AUTH), 404)
    assert _state(admin) == before


def test_upload_must_be_multipart_with_a_file(admin):
    assert_refusal(admin.post("/admin/ingest", content=b"raw", headers={**AUTH, "Content-Type": "text/plain"}), 422)
    assert_refusal(admin.post("/admin/ingest", data={"other": "x"}, headers=AUTH), 422)
