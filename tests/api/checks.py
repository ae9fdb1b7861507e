"""What the API tests share: the admin token of the test settings, a known page, and what a refusal must be."""
from __future__ import annotations

TOKEN = "test-admin-token"
NQ57 = "/legal/nghi-quyet/57-nq-tw/national/2024"   # Nghị quyết 57-NQ/TW, cited by several sample documents


def assert_refusal(response, status: int | tuple[int, ...]) -> dict:
    """A refusal as the API promises it: the status, JSON, an error code and a sentence saying why."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("error"), str) and body["error"]
    assert isinstance(body.get("message"), str) and len(body["message"]) > 10
    assert "Traceback" not in response.text
    return body
