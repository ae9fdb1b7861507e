"""The FastAPI application: the routers, the guards around them, and the services made in the lifespan.

    uvicorn --factory api.app:create_app      # the store named by PLANGRAPH_STORE

The lifespan opens the store, builds the first snapshot (api.library) and the SPARQL service, and closes the
SPARQL worker on shutdown. Settings are the app's (`app.state.settings`, see api.settings); a test may replace
them, and the lifespan, the routes and the middlewares all read the replacement.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.admin import Admin
from api.errors import install_error_handlers
from api.library import Library
from api.responses import FastJSONResponse
from api.routers import admin, entities, reports, search, sparql
from api.security import BodySizeLimit, ConfiguredCORS, SecurityHeaders
from api.services import Services
from api.settings import Settings, get_settings
from api.sparql import SparqlService
from graph.store import Store

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("plangraph.api")


def current_settings(app: FastAPI) -> Settings:
    return app.state.settings


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = current_settings(app)
    store = Store(settings.store, validate=settings.validate)
    library = Library(store, settings.search_embedder)
    sparql_service = SparqlService(settings, lambda: library.snapshot().graph_files(store.path))
    app.state.services = Services(settings, library, sparql_service, Admin(library, settings))
    log.info("serving %d documents from %s", len(library.snapshot().entries), store.path)
    try:
        yield
    finally:
        sparql_service.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; with `settings`, those instead of the environment's."""
    app = FastAPI(title="plangraph", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  default_response_class=FastJSONResponse,
                  description="Knowledge graph and search over Vietnamese government planning documents. "
                              "Every error is JSON {error, message} with a 4xx status.")
    app.state.settings = settings if settings is not None else get_settings()
    install_error_handlers(app)
    for router in (search.router, entities.router, reports.router, sparql.router, admin.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    def source() -> Settings:   # read per request: a test may override the settings after creation
        return current_settings(app)

    # the last added runs first: the security headers go on every response, a body refused for its size too
    app.add_middleware(BodySizeLimit, settings_source=source)
    app.add_middleware(ConfiguredCORS, settings_source=source)
    app.add_middleware(SecurityHeaders, settings_source=source)
    return app
