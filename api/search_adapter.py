"""The one place the HTTP service and the CLI meet search/: the search index of a store, kept up to date.

The index lives beside the store's data (`<store>/search-index/`, `search.segments`: segments, tombstones, one
manifest). It records each document with a version tag (its graph file, the engine's format and the installed
plangraph, whose units builder made the units). Opening it compares those tags with the store's manifest and
changes only what differs: the documents added or changed since become one new segment, those removed or changed
are tombstoned, then the merge policy runs, and the new state is saved (segments first, the manifest switched
last). A store of 420 documents is indexed once; after that an upload costs its own units, never a rebuild.

Lexical only by default: the embedder loads a model (seconds on 2 cores, and a download where it is not
installed), and queries typed without diacritics, the common case in a search box, are answered by the lexical
side. With an embedder, the hybrid index is kept apart (`search-index-<model>/`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, Mapping

from graph.store import Store
from ingest.document import SourceDocument
from ingest.model import Extraction
from search.embed import Embedder
from search.engine import FORMAT, SearchEngine
from search.segments import MANIFEST
from search.units_builder import build_entities, build_units

INDEX_DIR = "search-index"
log = logging.getLogger("plangraph.api")

Version = tuple[tuple[str, str], ...]   # (doc_id, graph file) of every stored document


def document_tag(graph_file: str) -> str:
    """What a document's units are valid for: its graph file (a new content writes a new one), the engine's
    format and the installed plangraph (whose units builder made the units)."""
    payload = json.dumps([FORMAT, _installed(), graph_file])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def _installed() -> str:
    """The installed plangraph's version (read once: reading the package metadata takes 2 ms)."""
    try:
        return metadata.version("plangraph")
    except metadata.PackageNotFoundError:
        return "unknown"


def index_dir(store_path: Path, embedder: Embedder | None = None) -> Path:
    return Path(store_path) / (INDEX_DIR if embedder is None else f"{INDEX_DIR}-{_slug(embedder.name)}")


def open_engine(store_path: Path, version: Version, documents: Mapping[str, SourceDocument],
                extractions: Mapping[str, Extraction], embedder: Embedder | None = None,
                previous: SearchEngine | None = None) -> SearchEngine:
    """The engine of the store state `version`: `previous` (the engine already in memory) or the saved index,
    brought up to date document by document, and saved when it changed."""
    return _open(store_path, version, documents.__getitem__, extractions.get, embedder, previous)


def update_store_index(store: Store, embedder: Embedder | None = None) -> SearchEngine:
    """Bring the saved index of `store` up to its current state, reading only the documents that changed."""
    version = tuple((e.doc_id, e.graph_file) for e in store.documents())
    return _open(store.path, version, store.document, store.extraction, embedder, None)


def _open(store_path: Path, version: Version, document_of: Callable[[str], SourceDocument],
          extraction_of: Callable[[str], Extraction | None], embedder: Embedder | None,
          previous: SearchEngine | None) -> SearchEngine:
    directory = index_dir(store_path, embedder)
    # the engine in memory is the base when it was made with the same embedder; otherwise the saved one
    engine = previous if previous is not None and previous.embedder is embedder else _load(directory, embedder)
    updated = update_engine(engine, {doc_id: document_tag(graph) for doc_id, graph in version}, document_of,
                            extraction_of)
    if updated is not engine or not (directory / MANIFEST).exists():
        try:
            updated.save(directory)
        except OSError as error:   # a read-only store still serves; the next start brings the index up again
            log.warning("the search index could not be saved in %s (%s)", directory, error)
    return updated


def update_engine(engine: SearchEngine, wanted: Mapping[str, str],
                  document_of: Callable[[str], SourceDocument],
                  extraction_of: Callable[[str], Extraction | None]) -> SearchEngine:
    """`engine` holding exactly the documents of `wanted` (doc_id -> tag): those whose tag differs are indexed
    again as one new segment, those gone are tombstoned; then the merge policy runs."""
    have = engine.documents()
    engine = engine.remove_documents([doc_id for doc_id in have if doc_id not in wanted])
    changed = [doc_id for doc_id, tag in wanted.items() if have.get(doc_id) != tag]
    if changed:
        units, entities = [], {}
        for doc_id in changed:
            extraction = extraction_of(doc_id)
            units += build_units(document_of(doc_id), extraction)
            entities[doc_id] = build_entities(extraction) if extraction is not None else []
        engine = engine.add_documents(units, entities, {doc_id: wanted[doc_id] for doc_id in changed})
    return engine.merge()


def _load(directory: Path, embedder: Embedder | None) -> SearchEngine:
    """The saved engine, or an empty one where there is none (or it cannot be read: it is indexed again)."""
    if (directory / MANIFEST).exists():
        try:
            return SearchEngine.load(directory, embedder=embedder)
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("the saved search index in %s cannot be read (%s); indexing the store again", directory,
                        error)
    return SearchEngine.build([], embedder=embedder)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "model"
