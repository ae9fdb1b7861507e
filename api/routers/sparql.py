"""GET|POST /sparql: the SPARQL 1.1 Protocol's query operation, read-only.

GET takes `query=`; POST takes a form (`query=`) or the query itself as `application/sparql-query`. An update
(`update=`, `application/sparql-update`, or an update form inside the query) is refused with 403.
"""
from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.errors import ERROR_RESPONSES, Forbidden, UnsupportedType, Unprocessable
from api.services import ServicesDep
from api.sparql import GRAPH_TYPES, SOLUTION_TYPES, SparqlResult

router = APIRouter(tags=["sparql"], responses={**ERROR_RESPONSES, 403: ERROR_RESPONSES[400]})
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]{1,2000}")
_RESULTS = {200: {"content": {t: {} for t in (*SOLUTION_TYPES, *GRAPH_TYPES)},
                  "description": "the results; X-Plangraph-Truncated: true when the result limit cut them"}}
_READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"
_POST_BODY = {"requestBody": {"content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["query"],
                                                     "properties": {"query": {"type": "string"}}}},
    "application/sparql-query": {"schema": {"type": "string"}}}}}

Graphs = Annotated[list[str] | None, Query(max_length=20)]


def _graph_iris(values: list[str] | None) -> list[str]:
    for value in values or []:
        if not _IRI.fullmatch(value):
            raise Unprocessable(f"{value[:80]!r} is not an IRI")
    return list(values or [])


def _response(result: SparqlResult) -> Response:
    headers = {"X-Plangraph-Truncated": "true"} if result.truncated else {}
    return Response(result.body, media_type=result.media_type, headers=headers)


@router.get("/sparql", responses=_RESULTS, summary="Run a read-only SPARQL 1.1 query")
def sparql_get(services: ServicesDep, request: Request,
               query: Annotated[str | None, Query(max_length=20_000, description="longer ones by POST")] = None,
               update: Annotated[str | None, Query(include_in_schema=False)] = None,
               default_graph_uri: Annotated[Graphs, Query(alias="default-graph-uri")] = None,
               named_graph_uri: Annotated[Graphs, Query(alias="named-graph-uri")] = None) -> Response:
    if update is not None:
        raise Forbidden(_READ_ONLY)
    if query is None:
        raise Unprocessable("send the query as query=...")
    return _response(services.sparql.query(query, request.headers.get("accept"), _graph_iris(default_graph_uri),
                                           _graph_iris(named_graph_uri)))


@router.post("/sparql", responses=_RESULTS, openapi_extra=_POST_BODY, summary="Run a read-only SPARQL 1.1 query")
async def sparql_post(services: ServicesDep, request: Request) -> Response:
    query, default_graphs, named_graphs = await _posted_query(request)
    result = await run_in_threadpool(services.sparql.query, query, request.headers.get("accept"),
                                     _graph_iris(default_graphs), _graph_iris(named_graphs))
    return _response(result)


async def _posted_query(request: Request) -> tuple[str, list[str], list[str]]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    params = parse_qs(request.url.query)
    if content_type == "application/sparql-update":
        raise Forbidden(_READ_ONLY)
    if content_type == "application/sparql-query":
        return _decoded(body), params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    if content_type == "application/x-www-form-urlencoded":
        form = parse_qs(_decoded(body))
        if "update" in form:
            raise Forbidden(_READ_ONLY)
        if not form.get("query"):
            raise Unprocessable("send the query as query=...")
        return form["query"][0], form.get("default-graph-uri", []), form.get("named-graph-uri", [])
    raise UnsupportedType("POST the query as application/x-www-form-urlencoded (query=...) "
                          "or as application/sparql-query")


def _decoded(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Unprocessable("the request body is not UTF-8") from None
