"""Errors as the client sees them: every refusal is JSON `{"error": code, "message": sentence}` with a 4xx status.

Services raise `ApiError` subclasses (or the project's own `PlangraphError`s); routes never build error responses
themselves. `install_error_handlers` maps them once. The catch-all handler answers 500 without any detail of
what failed (the traceback goes to the log only): a stack trace never reaches a client.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.responses import FastJSONResponse
from graph.store import StoreLockedError
from ingest.errors import PlangraphError, ReadError

log = logging.getLogger("plangraph.api")


class ErrorBody(BaseModel):
    """What every error response holds."""
    error: str
    message: str


ERROR_RESPONSES = {code: {"model": ErrorBody} for code in (400, 404, 406, 413, 422, 429)}


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.headers = headers


class NotFound(ApiError):
    status, code = 404, "not_found"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"

    def __init__(self, message: str):
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotAcceptable(ApiError):
    status, code = 406, "not_acceptable"


class Conflict(ApiError):
    status, code = 409, "conflict"


class TooLarge(ApiError):
    status, code = 413, "too_large"


class UnsupportedType(ApiError):
    status, code = 415, "unsupported_media_type"


class Unprocessable(ApiError):
    status, code = 422, "unprocessable"


class Busy(ApiError):
    status, code = 429, "busy"


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> FastJSONResponse:
    return FastJSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def _plangraph_status(error: PlangraphError) -> ApiError:
    """The project's deliberate errors, as the HTTP refusal each one is."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, StoreLockedError):
        return Conflict(str(error))
    if isinstance(error, ReadError):
        return Unprocessable(f"the file cannot be read: {error.reason}")
    return Unprocessable(str(error))   # StoreError and the rest: the request cannot be carried out as sent


def _validation_message(error: RequestValidationError) -> str:
    """FastAPI's list of validation problems as one readable sentence ("query parameter k: ...")."""
    parts = []
    for problem in error.errors():
        where = " ".join(str(p) for p in problem.get("loc", ()) if p != "body")
        parts.append(f"{where}: {problem.get('msg', 'invalid value')}")
    return "invalid request: " + "; ".join(parts) if parts else "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> FastJSONResponse:
        return error_response(error.status, error.code, error.message, error.headers)

    @app.exception_handler(PlangraphError)
    async def plangraph_error(_request: Request, error: PlangraphError) -> FastJSONResponse:
        mapped = _plangraph_status(error)
        return error_response(mapped.status, mapped.code, mapped.message, mapped.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> FastJSONResponse:
        return error_response(422, "invalid_parameter", _validation_message(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> FastJSONResponse:
        # routing's and Starlette's own refusals (unknown path, wrong method, malformed form), in our shape
        message = {404: f"nothing at {request.url.path[:200]}; the routes are listed in /openapi.json",
                   405: f"{request.method} is not allowed on {request.url.path[:200]}"}.get(error.status_code)
        if message is None:
            message = error.detail if isinstance(error.detail, str) else "the request was refused"
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "bad_request")
        return error_response(error.status_code, code, message, getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> FastJSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "the server failed to answer; the failure has been logged")
