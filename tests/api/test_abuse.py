"""What a careless or hostile client gets: every bad input a 4xx JSON with a reason, limits on every endpoint,
security headers, CORS only when configured, and no stack trace ever."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.checks import NQ57, assert_refusal

LONG = "a" * 501


@pytest.mark.parametrize("url, params, status", [
    ("/search", {}, 422),
    ("/search", {"q": ""}, 422),
    ("/search", {"q": "   "}, 422),
    ("/search", {"q": LONG}, 422),
    ("/search", {"q": "x", "k": 0}, 422),
    ("/search", {"q": "x", "k": 51}, 422),
    ("/search", {"q": "x", "k": "ten"}, 422),
    ("/search", {"q": "x", "offset": -1}, 422),
    ("/search", {"q": "x", "offset": 10_001}, 422),
    ("/search", {"q": "x", "province": "p" * 201}, 422),
    ("/suggest", {"q": LONG}, 422),
    ("/suggest", {"q": "so", "limit": 21}, 422),
    ("/duplicates", {"limit": 501}, 422),
    ("/duplicates", {"doc": "../../etc"}, 422),
    ("/anomalies", {"kind": "<script>"}, 422),
    ("/documents/..%2F..%2Fmanifest", {}, 404),
    ("/documents/%00", {}, 404),
    ("/tasks/0123456789abcdef/%2e%2e%2f%2e%2e", {}, 404),
    ("/agencies/" + "a/" * 20, {}, 404),
    ("/id/legal/x", {"format": "exe"}, 422),
    ("/no/such/route", {}, 404),
])
def test_invalid_requests_are_refused_with_a_message(client, url, params, status):
    assert_refusal(client.get(url, params=params), status)


def test_control_characters_and_odd_unicode_in_a_query_are_answered(client):
    for query in ("\x00\x01 nghị quyết", "𝔫𝔤𝔥𝔦 quyết", "\u202e57", "' OR 1=1 --", "<img src=x onerror=alert(1)>"):
        response = client.get("/search", params={"q": query})
        assert response.status_code == 200, (query, response.text[:200])
        assert client.get("/suggest", params={"q": query}).status_code in (200, 422)


def test_wrong_method_is_refused_as_json(client):
    assert_refusal(client.put("/search", params={"q": "x"}), 405)


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, api_settings):
    body = b"query=" + b"x" * (api_settings.max_body_bytes + 1)
    assert_refusal(client.post("/sparql", content=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded"}), 413)


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(client, api_settings):
    def chunks():
        for _ in range(api_settings.max_body_bytes // 1000 + 2):
            yield b"#" * 1000

    assert_refusal(client.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}),
                   413)


def test_the_page_carries_security_headers_without_inline_scripts(client):
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "<script>" not in response.text and " on" not in response.text.split("<body", 1)[1].split(">", 1)[0]


def test_frame_ancestors_can_allow_a_portal_to_embed_the_page(client, settings_override):
    settings_override(frame_ancestors="'self' https://portal.example.gov.vn")
    response = client.get("/")
    assert "frame-ancestors 'self' https://portal.example.gov.vn" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers


def test_cors_is_off_unless_configured(client, settings_override):
    origin = {"Origin": "https://portal.example.gov.vn"}
    assert "access-control-allow-origin" not in client.get("/healthz", headers=origin).headers
    settings_override(cors_origins=("https://portal.example.gov.vn",))
    allowed = client.get("/healthz", headers=origin)
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.gov.vn"
    other = client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_an_unexpected_failure_answers_500_without_details(client, monkeypatch):
    services = client.app.state.services

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret detail /etc/shadow")

    monkeypatch.setattr(services, "page_body", broken)
    response = TestClient(client.app, raise_server_exceptions=False).get(NQ57)   # as a real client would see it
    assert response.status_code == 500 and response.json()["error"] == "internal_error"
    assert "secret" not in response.text and "Traceback" not in response.text
