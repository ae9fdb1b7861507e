"""The store as a whole: duplicates, anomalies, counts, health."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api import reports
from api.errors import ERROR_RESPONSES, Unprocessable
from api.services import ServicesDep
from api.settings import Settings, app_settings

router = APIRouter(tags=["store"], responses=ERROR_RESPONSES)

Kind = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")]
DocId = Annotated[str | None, Query(pattern=r"^[0-9a-f]{16}$", description="only groups touching this document")]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=10_000, description="rows in one page (at most 500 by default)")]


def _page(settings: Settings, limit: int) -> int:
    if limit > settings.list_limit:
        raise Unprocessable(f"limit={limit} is over the limit of {settings.list_limit}")
    return limit


@router.get("/duplicates", summary="Groups of tasks that repeat each other (exact, recurring, overlap, similar)")
def duplicates(services: ServicesDep, settings: Annotated[Settings, Depends(app_settings)], kind: Kind = None,
               doc: DocId = None, offset: Offset = 0, limit: Limit = 100) -> dict:
    return reports.duplicates(services.snapshot(), kind, doc, offset, _page(settings, limit), settings.embed_duplicates)


@router.get("/anomalies", summary="What looks wrong in the documents: date conflicts, numbering gaps, ...")
def anomalies(services: ServicesDep, settings: Annotated[Settings, Depends(app_settings)], kind: Kind = None,
              doc: DocId = None, offset: Offset = 0, limit: Limit = 100) -> dict:
    return reports.anomalies(services.snapshot(), kind, doc, offset, _page(settings, limit))


@router.get("/stats", summary="What the store holds")
def stats(services: ServicesDep) -> dict:
    return reports.stats(services.snapshot())


@router.get("/healthz", summary="Liveness: the service answers and its store is readable")
def healthz(services: ServicesDep) -> dict:
    return {"status": "ok", "documents": len(services.snapshot().entries)}
