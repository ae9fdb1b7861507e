"""What guards the service from its clients: body size limits, security headers, the admin token.

Both middlewares are plain ASGI, so a refused body is refused while it streams in, before any parser (multipart
spools whole uploads to disk) has seen it.
"""
from __future__ import annotations

import hmac
import json
from typing import Annotated, Awaitable, Callable

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.middleware.cors import CORSMiddleware

from api.errors import Forbidden, Unauthorized
from api.settings import Settings, app_settings

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ADMIN_PREFIX = "/admin/"
_MULTIPART_OVERHEAD = 64 * 1024   # boundaries and part headers around an upload of the largest allowed size


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuses with 413 a request whose body is (or turns out to be, for a chunked one) over its limit:
    uploads under /admin/ may be as large as the upload limit, everything else as `max_body_bytes`."""

    def __init__(self, app: ASGIApp, settings_source: Callable[[], Settings]):
        self.app = app
        self.settings_source = settings_source

    def _limit(self, path: str) -> int:
        settings = self.settings_source()
        if path.startswith(ADMIN_PREFIX):
            return settings.max_upload_bytes + _MULTIPART_OVERHEAD
        return settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"error": "too_large",
                       "message": f"the request body is over the limit of {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def content_security_policy(frame_ancestors: str) -> str:
    """Scripts, styles and everything else from the service itself only; no inline script, no plugin."""
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {frame_ancestors}")


class SecurityHeaders:
    """Adds the headers every response carries; X-Frame-Options only where CSP already forbids foreign frames
    (it cannot name other sites, and a browser that reads both would refuse an allowed embedding)."""

    def __init__(self, app: ASGIApp, settings_source: Callable[[], Settings]):
        self.app = app
        self.settings_source = settings_source

    def _headers(self) -> list[tuple[bytes, bytes]]:
        ancestors = self.settings_source().frame_ancestors
        headers = [(b"x-content-type-options", b"nosniff"),
                   (b"referrer-policy", b"same-origin"),
                   (b"content-security-policy", content_security_policy(ancestors).encode()),
                   (b"cross-origin-opener-policy", b"same-origin"),
                   (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]
        if ancestors.strip() in ("'self'", "'none'"):
            headers.append((b"x-frame-options", b"SAMEORIGIN" if ancestors.strip() == "'self'" else b"DENY"))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._headers()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, with_headers)


_bearer = HTTPBearer(auto_error=False, description="the admin token of the configuration (PLANGRAPH_ADMIN_TOKEN)")


async def require_admin(settings: Annotated[Settings, Depends(app_settings)],
                        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """The admin token, sent as `Authorization: Bearer <token>`, compared in constant time."""
    if not settings.admin_enabled:
        raise Forbidden("the admin endpoints are disabled: set PLANGRAPH_ADMIN_TOKEN to enable them")
    if credentials is None or not credentials.credentials:
        raise Unauthorized("send the admin token as 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), settings.admin_token.encode("utf-8")):
        raise Unauthorized("the admin token is wrong")


AdminDep = Annotated[None, Depends(require_admin)]


class ConfiguredCORS:
    """CORS headers only for the origins the configuration names; with none named, no CORS at all."""

    def __init__(self, app: ASGIApp, settings_source: Callable[[], Settings]):
        self.app = app
        self.settings_source = settings_source
        self._by_origins: dict[tuple[str, ...], CORSMiddleware] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origins = self.settings_source().cors_origins
        if scope["type"] != "http" or not origins:
            await self.app(scope, receive, send)
            return
        if origins not in self._by_origins:
            self._by_origins[origins] = CORSMiddleware(self.app, allow_origins=list(origins),
                                                       allow_methods=["GET", "POST"],
                                                       allow_headers=["Accept", "Content-Type"])
        await self._by_origins[origins](scope, receive, send)
