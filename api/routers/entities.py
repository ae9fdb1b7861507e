"""Entity pages and the stable IRIs: each answers JSON, the page (HTML), JSON-LD or Turtle, as asked.

`/id/{kind}/{path}` is https://plangraph.vn/id/{kind}/{path} on this host: an IRI of the graph dereferences here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from api import links
from api.errors import ERROR_RESPONSES, NotAcceptable
from api.negotiate import ENTITY_TYPES, FORMAT_NAMES, HTML, JSON, preferred
from api.pages import document_list, document_page
from api.responses import FastJSONResponse
from api.services import ServicesDep, Services

router = APIRouter(tags=["entities"], responses=ERROR_RESPONSES)
PAGE = Path(__file__).resolve().parents[1] / "static" / "index.html"
_NEGOTIATED = {200: {"content": {t: {} for t in ENTITY_TYPES},
                     "description": "JSON by default; the page for browsers; JSON-LD or Turtle on request"}}

Format = Annotated[Literal["json", "html", "jsonld", "turtle"] | None,
                   Query(description="overrides the Accept header")]


def media_type(request: Request, format: str | None) -> str:
    if format is not None:
        return FORMAT_NAMES[format]
    chosen = preferred(request.headers.get("accept"), ENTITY_TYPES)
    if chosen is None:
        raise NotAcceptable(f"this page can be sent as {', '.join(ENTITY_TYPES)}; the Accept header allows none")
    return chosen


def negotiated(services: Services, request: Request, format: str | None, kind: str, identifier: str) -> Response:
    chosen = media_type(request, format)
    iri = links.iri_of(kind, identifier)
    if chosen == JSON:
        return _varied(Response(services.page_body(kind, iri), media_type=JSON))
    return _other(services, chosen, iri)


def _other(services: Services, chosen: str, iri: str) -> Response:
    """The page for a browser, the RDF for a machine."""
    if chosen == HTML:
        return _varied(FileResponse(PAGE, media_type="text/html"))
    return _varied(Response(services.describe(iri, chosen), media_type=chosen))


def _varied(response: Response) -> Response:
    """One URL, several representations: caches must key them by Accept (a browser that cached the page for a
    navigation would otherwise hand it to the page's own JSON request for the same URL)."""
    response.headers["Vary"] = "Accept"
    return response


@router.get("/legal/{legal_id:path}", responses=_NEGOTIATED,
            summary="A legal document: who cites it, directly and through chains of documents that implement it")
def legal(services: ServicesDep, request: Request, legal_id: str, format: Format = None) -> Response:
    return negotiated(services, request, format, "legal", legal_id)


@router.get("/agencies/{agency_id:path}", responses=_NEGOTIATED,
            summary="An agency: the tasks it leads, cooperates on, receives, by period; its collaborators")
def agency(services: ServicesDep, request: Request, agency_id: str, format: Format = None) -> Response:
    return negotiated(services, request, format, "agency", agency_id)


@router.get("/people/{person_id:path}", responses=_NEGOTIATED, summary="A person: what they direct")
def person(services: ServicesDep, request: Request, person_id: str, format: Format = None) -> Response:
    return negotiated(services, request, format, "person", person_id)


@router.get("/tasks/{doc_id}/{task_id:path}", responses=_NEGOTIATED,
            summary="A task: its roles, period, products, citations and duplicates")
def task(services: ServicesDep, request: Request, doc_id: str, task_id: str, format: Format = None) -> Response:
    return negotiated(services, request, format, "task", f"{doc_id}/{task_id}")


@router.get("/documents", summary="The stored documents, in the order they were first ingested")
def documents(services: ServicesDep) -> dict:
    return document_list(services.snapshot())


@router.get("/documents/{doc_id}", responses=_NEGOTIATED,
            summary="A stored document's text and structure, with the passage [start, end) highlighted")
def document(services: ServicesDep, request: Request, doc_id: str, format: Format = None,
             start: Annotated[int | None, Query(ge=0, le=100_000_000)] = None,
             end: Annotated[int | None, Query(ge=0, le=100_000_000)] = None) -> Response:
    chosen = media_type(request, format)
    iri = links.iri_of("doc", doc_id)
    if chosen == JSON:
        return _varied(FastJSONResponse(document_page(services.snapshot(), doc_id, start, end)))
    return _other(services, chosen, iri)


@router.get("/id/{kind}/{rest:path}", responses={**_NEGOTIATED, 303: {"description": "the entity's page"}},
            summary="Dereference a stable IRI https://plangraph.vn/id/{kind}/{rest}")
def dereference(services: ServicesDep, request: Request, kind: str, rest: str, format: Format = None) -> Response:
    chosen = media_type(request, format)
    if chosen == HTML and kind in links.ROUTES:
        iri = links.iri_of(kind, rest)
        return RedirectResponse(links.page_of(iri), status_code=303)
    return negotiated(services, request, format, kind, rest)
