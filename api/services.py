"""The services the routes call, created once in the app's lifespan and handed to routes by `ServicesDep`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api import pages
from api.admin import Admin
from api.errors import NotFound
from api.library import Library, Snapshot
from api.responses import json_bytes
from api.settings import Settings
from api.sparql import SparqlService

# An entity's description: its own statements, those of the nodes that qualify it (citations, role
# associations, the mentions it was read from), and the statements that point at it.
_DESCRIBE = """CONSTRUCT {{ <{iri}> ?p ?o . ?q ?qp ?qo . ?s ?sp <{iri}> }} WHERE {{
  {{ <{iri}> ?p ?o }}
  UNION {{ <{iri}> pg:qualifiedCitation|prov:qualifiedAssociation|prov:wasDerivedFrom ?q . ?q ?qp ?qo }}
  UNION {{ ?s ?sp <{iri}> }}
}}"""


@dataclass
class Services:
    settings: Settings
    library: Library
    sparql: SparqlService
    admin: Admin

    def snapshot(self) -> Snapshot:
        return self.library.snapshot()

    def page_body(self, kind: str, iri: str) -> bytes:
        """The JSON of an entity page, encoded once per store state (a warm page is then sent as it is); kinds
        without a page of their own get the generic one."""
        snap = self.snapshot()
        return snap.memo(("page", kind, iri), lambda: json_bytes(self._page(snap, kind, iri)))

    def _page(self, snap: Snapshot, kind: str, iri: str) -> dict:
        if kind == "legal":
            return pages.legal_page(snap, iri)
        if kind == "agency":
            return pages.agency_page(snap, iri)
        if kind == "person":
            return pages.person_page(snap, iri)
        if kind == "task":
            return pages.task_page(snap, iri, self.settings.embed_duplicates)
        return pages.entity_page(snap, iri)

    def describe(self, iri: str, media_type: str) -> bytes:
        """The entity's RDF (Turtle, JSON-LD, ...); NotFound when the store says nothing about it.
        `iri` comes from api.links.iri_of, which admits no character that could leave the <...>."""
        result = self.sparql.construct(_DESCRIBE.format(iri=iri), media_type)
        if not result.count:
            raise NotFound(f"the store has no statement about {iri}")
        return result.body


async def get_services(request: Request) -> Services:
    # async: a plain attribute read, not worth a hop through the threadpool on every request
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
