"""The one place the HTTP service meets search/: the search engine of a store's current state.

search/ has no index kept per store yet, so the engine is built here from the stored SourceDocuments and
Extractions with the units builder, and saved beside the store's data (`<store>/search-index/`, written whole by
`SearchEngine.save`) with the state it was built for. The next start on the same state loads it instead of
building it again (at 420 documents, some 69k units: building takes minutes on 2 cores, loading seconds).

Lexical only: the embedder loads a model (seconds on 2 cores, and a download where it is not installed), and
queries typed without diacritics, the common case in a search box, are answered by the lexical side.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from importlib import metadata
from pathlib import Path
from typing import Mapping

from ingest.document import SourceDocument
from ingest.model import Extraction
from search.embed import Embedder
from search.engine import FORMAT, SearchEngine
from search.units_builder import build_entities, build_units

INDEX_DIR = "search-index"
STATE_FILE = "built-for.json"
log = logging.getLogger("plangraph.api")


def state_key(version: tuple[tuple[str, str], ...]) -> str:
    """What a saved engine is valid for: the store's state (document ids and graph files), the engine's format
    and the installed plangraph (whose units builder made the units)."""
    try:
        installed = metadata.version("plangraph")
    except metadata.PackageNotFoundError:
        installed = "unknown"
    payload = json.dumps([FORMAT, installed, list(version)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def open_engine(store_path: Path, version: tuple[tuple[str, str], ...], documents: Mapping[str, SourceDocument],
                extractions: Mapping[str, Extraction], embedder: Embedder | None = None) -> SearchEngine:
    """The engine saved for exactly this state (and embedder), or one built now (and saved for the next start).

    With an embedder the index is hybrid and kept apart from the lexical one (`search-index-<model>/`)."""
    directory = store_path / (INDEX_DIR if embedder is None else f"{INDEX_DIR}-{_slug(embedder.name)}")
    key = state_key(version + ((("embedder", embedder.name),) if embedder is not None else ()))
    if _saved_key(directory) == key:
        try:
            return SearchEngine.load(directory, embedder=embedder)
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("the saved search index in %s cannot be read; building it again", directory)
    engine = build_engine(documents, extractions, embedder)
    try:
        engine.save(directory)
        (directory / STATE_FILE).write_text(json.dumps({"state": key}), encoding="utf-8")
    except OSError as error:   # a read-only store still serves, it only builds again at the next start
        log.warning("the search index could not be saved in %s (%s)", directory, error)
    return engine


def build_engine(documents: Mapping[str, SourceDocument], extractions: Mapping[str, Extraction],
                 embedder: Embedder | None = None) -> SearchEngine:
    """A search engine over the given documents (doc_id -> SourceDocument) and their extractions."""
    units, entities = [], []
    for doc_id, doc in documents.items():
        extraction = extractions.get(doc_id)
        units.extend(build_units(doc, extraction))
        if extraction is not None:
            entities.extend(build_entities(extraction))
    unique_entities = list({(e.kind, e.key): e for e in entities}.values())
    return SearchEngine.build(units, embedder=embedder, entities=unique_entities)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "model"


def _saved_key(directory: Path) -> str | None:
    try:
        return json.loads((directory / STATE_FILE).read_text(encoding="utf-8")).get("state")
    except (OSError, ValueError, AttributeError):
        return None
