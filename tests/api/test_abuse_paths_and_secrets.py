"""Abuse beyond the parameters (tests/api/test_abuse.py): ids and upload names that try to leave their folder,
the admin token compared in constant time, the security headers on every kind of response, and an internal
failure during an upload that neither leaks its details nor changes what is stored."""
from __future__ import annotations

import hmac
import http.client
import json
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api import security
from api.admin import safe_filename
from api.settings import Settings
from tests.api.checks import TOKEN, assert_refusal
from tests.api.test_admin_api import AUTH, _state, _upload, admin, admin_settings  # noqa: F401  (fixtures)

TRAVERSALS = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252f",
              "..%5C..%5Cmanifest.json", "%2Fetc%2Fpasswd", "x%00.json", "%00"]
ENTITY_ROUTES = ["/documents/{}", "/legal/{}", "/agencies/{}", "/people/{}", "/tasks/0123456789abcdef/{}",
                 "/tasks/{}/1", "/id/doc/{}", "/id/legal/{}"]


def raw_get(live_url: str, path: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET of `path` exactly as written: an HTTP client library would resolve
    the dot segments itself, and the server would never see them."""
    connection = http.client.HTTPConnection(urlsplit(live_url).netloc, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("route", [*ENTITY_ROUTES, "/static/{}"])
@pytest.mark.parametrize("traversal", TRAVERSALS)
def test_abuse_ids_cannot_name_a_file(live_url, route, traversal):
    status, content_type, body = raw_get(live_url, route.format(traversal))
    assert status in (404, 422) and content_type.startswith("application/json"), (status, body[:200])
    assert "root:" not in body and "Traceback" not in body and json.loads(body)["message"]


@pytest.mark.parametrize("traversal", TRAVERSALS)
def test_abuse_deleting_by_a_path_removes_nothing(admin, traversal):  # noqa: F811
    before = _state(admin)
    assert_refusal(admin.delete(f"/admin/documents/{traversal}", headers=AUTH), (404, 405, 422))
    assert _state(admin) == before


@pytest.mark.parametrize("name, kept", [
    ("../../../etc/cron.d/plan.txt", "plan.txt"),
    ("/etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\plan.md", "plan.md"),
    ("%2e%2e%2fplan.txt", "2e-2e-2fplan.txt"),
    ("plan\x00.exe.txt", "plan-.exe.txt"),
    (".hidden.html", "hidden.html"),
    ("...txt", "upload.txt"),
    ("kế hoạch 2025 (bản cuối).DOCX", "kế-hoạch-2025-bản-cuối.docx"),
])
def test_abuse_an_upload_name_becomes_one_harmless_file_name(name, kept):
    assert safe_filename(name, Settings().upload_suffixes) == kept


def test_abuse_an_absolute_upload_name_is_kept_inside_the_uploads_folder(admin, admin_settings, corpus_paths,  # noqa: F811
                                                                       tmp_path):
    answer = _upload(admin, str(tmp_path / "outside.txt"), corpus_paths[1].read_bytes()[:50_000])
    assert answer.status_code == 200, answer.text
    assert answer.json()["source"] == "outside.txt" and not (tmp_path / "outside.txt").exists()
    assert (admin_settings.uploads_dir / "outside.txt").is_file()
    admin.delete(f"/admin/documents/{answer.json()['doc_id']}", headers=AUTH)


def test_abuse_the_admin_token_is_compared_in_constant_time(admin, corpus_paths, monkeypatch):  # noqa: F811
    compared = []
    constant_time = hmac.compare_digest

    def spy(given, expected):
        compared.append((given, expected))
        return constant_time(given, expected)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert_refusal(admin.delete("/admin/documents/0123456789abcdef", headers={"Authorization": "Bearer guess"}), 401)
    assert compared == [(b"guess", TOKEN.encode())]


@pytest.mark.parametrize("method, url, kwargs", [
    ("get", "/", {}),
    ("get", "/healthz", {}),
    ("get", "/static/app.js", {}),
    ("get", "/no/such/page", {}),
    ("get", "/search", {"params": {"q": "x", "k": 9999}}),
    ("post", "/sparql", {"content": b"query=" + b"x" * 300_000,
                         "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
])
def test_abuse_every_response_carries_the_security_headers(client, method, url, kwargs):
    response = getattr(client, method)(url, **kwargs)
    policy = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'self'" in policy and "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "access-control-allow-origin" not in response.headers


def test_abuse_an_internal_failure_during_an_upload_leaks_nothing_and_stores_nothing(admin, admin_settings,  # noqa: F811
                                                                                   corpus_paths, monkeypatch):
    store = admin.app.state.services.library.store

    def failing_ingest(*_args, **_kwargs):
        raise RuntimeError(f"disk controller fault under {admin_settings.store}")

    before = _state(admin)
    kept = sorted(p.name for p in admin_settings.uploads_dir.glob("*")) if admin_settings.uploads_dir.exists() else []
    monkeypatch.setattr(store, "ingest", failing_ingest)
    response = _upload(TestClient(admin.app, raise_server_exceptions=False), corpus_paths[0].name,
                       corpus_paths[0].read_bytes())
    assert response.status_code == 500 and response.json()["error"] == "internal_error"
    assert "fault" not in response.text and str(admin_settings.store) not in response.text
    assert "Traceback" not in response.text
    monkeypatch.undo()
    assert _state(admin) == before
    now = sorted(p.name for p in admin_settings.uploads_dir.glob("*")) if admin_settings.uploads_dir.exists() else []
    assert now == kept
