"""The persistent store: one directory, no server, and a crash never leaves a mix of two states.

Layout::

    <store>/manifest.sqlite               the current state: one row per document (source, path, content hash,
                                          doc_id, ingest time, extractor version, its three files)
    <store>/data/<doc_id>.<nonce>.nq      the document's named graph, N-Quads
    <store>/data/<doc_id>.<nonce>.document.json / .extraction.json   SourceDocument and Extraction (graph.codec)
    <store>/lock                          held (flock) by the one process that is writing

Why per-document N-Quads files plus a manifest, rather than a persistent Oxigraph database: a document's facts
are replaced as a unit, and the unit is a file. An ingest writes the new files beside the old ones under fresh
names, then switches the manifest's rows in one SQLite transaction (WAL, synchronous=FULL); that commit is the
one atomic switch. Killed before it, the manifest still names the old files; killed after it, the new ones.
Files no manifest names are orphans, deleted by the next process that takes the lock (so a reader never deletes
what a live writer is writing). A write that fails (a full disk) deletes what it had written and raises
StoreError: the store keeps its previous state. A second writer waits up to `lock_wait_s` for the first to
finish the document it is writing, so two batches ingesting at once are serialised document by document; a
writer still holding the lock after that is reported, and nothing is written. Oxigraph's own RocksDB store would
need a copy of the whole database to switch atomically. Why SQLite for the manifest: a change costs its own rows
(a JSON manifest is rewritten whole, which at 100k documents is 40 MB a document), a reader looks a document up
by an index, and each switch bumps a generation number, so a reader keeps the list of documents in memory until
the generation moves. A store written by an older plangraph (manifest.json) is converted the first time it is
opened for writing. Queries run over an in-memory Oxigraph store loaded from the files and kept in step with the
manifest (only the documents that changed are reloaded). Measured here: about 300 bytes a quad and 180k quads/s to
load, so 1M quads (some 400 planning documents) take 0.3 GiB and 5 s on the first query; a province's documents
fit, the country's do not: past that, the same SPARQL runs over a SPARQL 1.1 server loaded from these files.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Literal

import networkx as nx
import pyoxigraph
from rdflib import Dataset

from graph import codec
from graph.build import GRAPH_VERSION, Provenance, build_graph
from graph.iri import graph_iri
from graph.serialize import PREFIXES, bind_prefixes, serialize
from graph.validate import validate
from graph.view import graph_view
from ingest.document import SourceDocument
from ingest.durability import fsync_path
from ingest.errors import PlangraphError
from ingest.model import Extraction
from ingest.pipeline import EXTRACTOR_VERSION

MANIFEST = "manifest.sqlite"
LEGACY_MANIFEST = "manifest.json"   # the manifest of stores written before format 2, converted on first write
FORMAT_VERSION = 2
_LEGACY_TMP_PREFIX = f".{LEGACY_MANIFEST}."
_READ_ATTEMPTS = 3   # a reader racing a writer's cleanup re-reads the manifest this many times
LOCK_WAIT_S = 30.0   # five times the longest single-document write measured (0.8 MB, SHACL included: 6 s)
_LOCK_POLL_S = 0.05


class StoreError(PlangraphError):
    """The store cannot do what was asked; the message says why and what to do."""


class StoreLockedError(StoreError):
    """Another process is writing to the store."""


@dataclass(frozen=True)
class ManifestEntry:
    source: str            # file name as given (Extraction.source)
    path: str              # resolved path of the file ingested
    content_hash: str      # SHA-256 hex of its bytes
    doc_id: str
    ingested_at: str       # ISO 8601, UTC
    extractor_version: str
    graph_version: str     # graph.build.GRAPH_VERSION that wrote the graph
    graph_file: str        # paths relative to the store directory
    document_file: str
    extraction_file: str
    quads: int

    def files(self) -> tuple[str, str, str]:
        return self.graph_file, self.document_file, self.extraction_file


_COLUMNS = tuple(f.name for f in fields(ManifestEntry))
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM documents"
_INSERT = f"INSERT INTO documents ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
# `position` keeps the order of ingest (a replaced document moves to the end, as it is a new row)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS documents (position INTEGER PRIMARY KEY AUTOINCREMENT,
    {', '.join(f'{name} {"INTEGER" if name == "quads" else "TEXT"} NOT NULL' for name in _COLUMNS)},
    UNIQUE (doc_id));
CREATE INDEX IF NOT EXISTS documents_by_path ON documents (path);
CREATE INDEX IF NOT EXISTS documents_by_source ON documents (source);
INSERT OR IGNORE INTO meta VALUES ('format', {FORMAT_VERSION}), ('generation', 0);
"""


@dataclass(frozen=True)
class IngestResult:
    status: Literal["added", "replaced", "unchanged", "duplicate"]
    doc_id: str
    replaced: str | None = None       # "replaced": the doc_id of the file's previous content
    duplicate_of: str | None = None   # "duplicate": the path the same text was stored from


Row = dict[str, str]


class Store:
    """A directory of documents, their graphs, SourceDocuments and Extractions.

    `validate=True` (the default) refuses a graph that does not conform to `ontology/shapes.ttl`.
    `lock_wait_s`: how long a change waits for another process's change to finish before it is refused.
    """

    def __init__(self, path: str | Path, *, validate: bool = True, lock_wait_s: float = LOCK_WAIT_S) -> None:
        self.path = Path(path)
        self.validate = validate
        self.lock_wait_s = lock_wait_s
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / "data").mkdir(exist_ok=True)
        self._oxigraph: pyoxigraph.Store | None = None
        self._loaded: dict[str, str] = {}   # doc_id -> graph file loaded into the in-memory store
        self._local = threading.local()     # one SQLite connection per thread (and per process, after a fork)
        self._listed: tuple[int, dict[str, ManifestEntry]] = (-1, {})   # (generation, its documents)
        try:
            with self._writing(wait_s=0):   # opening never waits: a reader must not queue behind a writer
                self._prepare()
                self._delete_orphans()
        except StoreLockedError:
            pass   # a writer is at work: it made the manifest, its files are not orphans, it cleans up after itself

    # --- writing -------------------------------------------------------------------------------------------
    def ingest(self, source_path: str | Path, extraction: Extraction, doc: SourceDocument, *,
               extractor_version: str | None = None) -> IngestResult:
        """Add or replace the document read from `source_path`; an unchanged file changes nothing."""
        source_path = Path(source_path).resolve()
        if doc.id != extraction.doc_id:
            raise ValueError(f"extraction is for document {extraction.doc_id}, the SourceDocument is {doc.id}")
        version = extractor_version or EXTRACTOR_VERSION
        content_hash = hashlib.sha256(source_path.read_bytes()).hexdigest()
        with self._writing():
            previous = self._entry_where("path = ?", str(source_path))
            if previous and (previous.content_hash, previous.doc_id, previous.extractor_version,
                             previous.graph_version) == (content_hash, extraction.doc_id, version, GRAPH_VERSION):
                return IngestResult("unchanged", previous.doc_id)
            holder = self._entry_where("doc_id = ?", extraction.doc_id)
            if holder and holder.path != str(source_path):
                return self._record_duplicate(previous, holder)
            entry = self._write_document(source_path, content_hash, version, extraction, doc)
            try:
                self._switch(add=[entry], remove=[previous.doc_id] if previous else [])
            except StoreError:
                self._delete_files(entry.files())
                raise
            if previous:
                self._delete_files(previous.files())
        if previous:
            return IngestResult("replaced", entry.doc_id, replaced=previous.doc_id)
        return IngestResult("added", entry.doc_id)

    def remove(self, doc_or_source: str) -> str:
        """Remove a document and all its facts, named by doc_id, source file name or path; returns its doc_id."""
        with self._writing():
            entry = self._find(doc_or_source)
            self._switch(add=[], remove=[entry.doc_id])
            self._delete_files(entry.files())
        return entry.doc_id

    def _record_duplicate(self, previous: ManifestEntry | None, holder: ManifestEntry) -> IngestResult:
        """The same text is already stored from another file: keep one copy; the file's old content, if it
        had other content before, is gone from it and leaves the store."""
        if previous:
            self._switch(add=[], remove=[previous.doc_id])
            self._delete_files(previous.files())
        return IngestResult("duplicate", holder.doc_id, duplicate_of=holder.path)

    def _write_document(self, source_path: Path, content_hash: str, version: str, extraction: Extraction,
                        doc: SourceDocument) -> ManifestEntry:
        now = datetime.now(timezone.utc).replace(microsecond=0)
        dataset = build_graph(extraction, doc, provenance=Provenance(extraction.source, content_hash, version, now))
        if self.validate:
            report = validate(dataset)
            if not report.conforms:
                raise StoreError(f"the graph of {extraction.source} does not conform to ontology/shapes.ttl; "
                                 f"nothing was stored:\n{report}")
        stem = f"data/{extraction.doc_id}.{uuid.uuid4().hex[:12]}"
        entry = ManifestEntry(source=extraction.source, path=str(source_path), content_hash=content_hash,
                              doc_id=extraction.doc_id, ingested_at=now.isoformat(), extractor_version=version,
                              graph_version=GRAPH_VERSION,
                              graph_file=f"{stem}.nq", document_file=f"{stem}.document.json",
                              extraction_file=f"{stem}.extraction.json", quads=len(dataset))
        contents = ((entry.graph_file, serialize(dataset, "nquads")), (entry.document_file, codec.to_json(doc)),
                    (entry.extraction_file, codec.to_json(extraction)))
        try:
            for name, text in contents:
                _write_durably(self.path / name, text.encode("utf-8"))
            fsync_path(self.path / "data")
        except OSError as error:
            self._delete_files(entry.files())
            raise self._write_failed(error, f"the files of {extraction.source}") from None
        return entry

    def _switch(self, add: list[ManifestEntry], remove: list[str]) -> None:
        """Remove the documents `remove` and add the entries `add`: the one atomic step of every change."""
        connection = self._connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany("DELETE FROM documents WHERE doc_id = ?", [(doc_id,) for doc_id in remove])
                connection.executemany(_INSERT, [astuple(entry) for entry in add])
                connection.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
                _commit(connection)
            except BaseException:
                connection.rollback()
                raise
        except sqlite3.OperationalError as error:
            full = getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "full" in str(error)
            raise self._write_failed(OSError(errno.ENOSPC if full else errno.EIO, str(error)),
                                     "the new manifest") from None

    def _write_failed(self, error: OSError, what: str) -> StoreError:
        cause = "the disk is full" if error.errno == errno.ENOSPC else (error.strerror or str(error))
        return StoreError(f"could not write {what} to the store at {self.path} ({cause}); nothing was changed: "
                          f"the store keeps its previous state")

    def _delete_files(self, names: tuple[str, ...]) -> None:
        for name in names:
            (self.path / name).unlink(missing_ok=True)

    def _delete_orphans(self) -> None:
        """Files of interrupted changes: data no manifest names."""
        named = {name for entry in self._read_manifest().values() for name in entry.files()}
        for file in (self.path / "data").iterdir():
            if f"data/{file.name}" not in named:
                file.unlink(missing_ok=True)

    def _prepare(self) -> None:
        """Under the write lock: make the manifest's tables, and convert a manifest.json of an older plangraph."""
        with self._reading() as connection:
            connection.executescript(_SCHEMA)
            format_row = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if format_row[0] != FORMAT_VERSION:
            raise StoreError(f"{self.path / MANIFEST} has format {format_row[0]!r}; this plangraph reads format "
                             f"{FORMAT_VERSION}: re-ingest the documents into a new store")
        legacy = self.path / LEGACY_MANIFEST
        if legacy.exists():
            if not self._read_manifest():
                self._switch(add=list(_legacy_entries(legacy).values()), remove=[])
            legacy.unlink()
        for file in self.path.glob(f"{_LEGACY_TMP_PREFIX}*"):
            file.unlink(missing_ok=True)

    @contextmanager
    def _writing(self, wait_s: float | None = None) -> Iterator[None]:
        """Hold the store's write lock, waiting up to `wait_s` (default `lock_wait_s`) for another process
        to release it; refuse after that."""
        lock_path = self.path / "lock"
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _lock(descriptor, self.lock_wait_s if wait_s is None else wait_s):
                raise StoreLockedError(f"the store at {self.path} is locked: another process is writing to it "
                                       f"(it holds {lock_path}); wait for it to finish and try again")
            yield
        finally:
            os.close(descriptor)   # closing the descriptor releases the lock

    # --- reading -------------------------------------------------------------------------------------------
    def documents(self) -> list[ManifestEntry]:
        """Every stored document, in the order they were ingested."""
        return list(self._read_manifest().values())

    def entry(self, doc_or_source: str) -> ManifestEntry:
        return self._find(doc_or_source)

    def document(self, doc_id: str) -> SourceDocument:
        return codec.from_json(SourceDocument, self._read_stored(doc_id, "document_file"))

    def extraction(self, doc_id: str) -> Extraction:
        return codec.from_json(Extraction, self._read_stored(doc_id, "extraction_file"))

    def dataset(self) -> Dataset:
        """All documents' named graphs, as one rdflib Dataset (a copy: changing it changes nothing stored),
        all from one state of the store even while another process changes it."""
        for _attempt in range(_READ_ATTEMPTS):
            try:
                texts = [self._read_relative(entry.graph_file) for entry in self.documents()]
            except FileNotFoundError:   # a writer switched and cleaned up between our reads: read again
                continue
            dataset = Dataset()
            bind_prefixes(dataset)
            for text in texts:
                dataset.parse(data=text, format="nquads")
            return dataset
        raise StoreError(f"the store at {self.path} kept changing while it was read; try again")

    def graph_view(self) -> nx.MultiDiGraph:
        return graph_view(self.dataset())

    def query(self, sparql: str) -> list[Row] | bool:
        """Run SPARQL over the union of all documents' graphs (`GRAPH ?g` still names each document's).

        SELECT gives one dict per solution (variable -> IRI or lexical value; unbound variables left out),
        ASK a bool, CONSTRUCT/DESCRIBE one dict per triple (subject, predicate, object). The prefixes of
        `graph.serialize.PREFIXES` (pg:, eli:, prov:, org:, skos:, ...) need no PREFIX lines. A triple stated
        by several documents matches once per document: use DISTINCT where that matters.
        """
        results = self._synced().query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        if isinstance(results, pyoxigraph.QueryBoolean):
            return bool(results)
        if isinstance(results, pyoxigraph.QueryTriples):
            return [{"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
                    for t in results]
        names = [variable.value for variable in results.variables]
        return [{name: solution[name].value for name in names if solution[name] is not None}
                for solution in results]

    def _synced(self) -> pyoxigraph.Store:
        """The in-memory Oxigraph store, brought in step with the manifest on disk."""
        if self._oxigraph is None:
            self._oxigraph = pyoxigraph.Store()
        for _attempt in range(_READ_ATTEMPTS):
            wanted = {e.doc_id: e.graph_file for e in self.documents()}
            try:
                self._sync_to(wanted)
                return self._oxigraph
            except FileNotFoundError:   # a writer switched and cleaned up between our reads: read again
                continue
        raise StoreError(f"the store at {self.path} kept changing while it was read; try again")

    def _sync_to(self, wanted: dict[str, str]) -> None:
        for doc_id, graph_file in list(self._loaded.items()):
            if wanted.get(doc_id) != graph_file:
                self._oxigraph.remove_graph(pyoxigraph.NamedNode(str(graph_iri(doc_id))))
                del self._loaded[doc_id]
        for doc_id, graph_file in wanted.items():
            if doc_id not in self._loaded:
                self._oxigraph.load(self._read_relative(graph_file), format=pyoxigraph.RdfFormat.N_QUADS)
                self._loaded[doc_id] = graph_file

    def _read_stored(self, doc_id: str, field: str) -> str:
        for _attempt in range(_READ_ATTEMPTS):
            entry = self._find(doc_id)
            try:
                return self._read_relative(getattr(entry, field))
            except FileNotFoundError:
                continue
        raise StoreError(f"the store at {self.path} kept changing while {doc_id} was read; try again")

    def _read_relative(self, name: str) -> str:
        return (self.path / name).read_text(encoding="utf-8")

    def _read_manifest(self) -> dict[str, ManifestEntry]:
        """doc_id -> entry of the current state; read again only when a change moved the generation (the dict
        is shared by every caller of this state: never changed in place)."""
        if not (self.path / MANIFEST).exists():
            legacy = self.path / LEGACY_MANIFEST   # an older store not yet opened for writing
            return _legacy_entries(legacy) if legacy.exists() else {}
        with self._reading() as connection:
            connection.execute("BEGIN")   # one read transaction: the generation and the rows of one state
            try:
                generation = connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
                if generation is None:   # the first writer is making the tables now
                    return {}
                if generation[0] != self._listed[0]:
                    rows = connection.execute(f"{_SELECT} ORDER BY position").fetchall()
                    self._listed = (generation[0], {row[_COLUMNS.index("doc_id")]: ManifestEntry(*row)
                                                    for row in rows})
            finally:
                connection.execute("COMMIT")
        return self._listed[1]

    def _entry_where(self, condition: str, value: str) -> ManifestEntry | None:
        with self._reading() as connection:
            row = connection.execute(f"{_SELECT} WHERE {condition}", (value,)).fetchone()
        return ManifestEntry(*row) if row else None

    def _find(self, doc_or_source: str) -> ManifestEntry:
        if not (self.path / MANIFEST).exists():
            return self._find_in(list(self._read_manifest().values()), doc_or_source)
        with self._reading() as connection:
            rows = connection.execute(f"{_SELECT} WHERE doc_id = ?", (doc_or_source,)).fetchall() or \
                connection.execute(f"{_SELECT} WHERE source = ? OR path IN (?, ?)",
                                   (doc_or_source, doc_or_source, str(Path(doc_or_source).resolve()))).fetchall()
        return self._find_in([ManifestEntry(*row) for row in rows], doc_or_source)

    def _find_in(self, entries: list[ManifestEntry], doc_or_source: str) -> ManifestEntry:
        resolved = str(Path(doc_or_source).resolve())
        matches = [e for e in entries if doc_or_source in (e.doc_id, e.source, e.path) or e.path == resolved]
        if not matches:
            raise KeyError(f"no document {doc_or_source!r} in the store at {self.path} "
                           f"(name one by doc_id, source file name or path)")
        if len(matches) > 1 and not any(e.doc_id == doc_or_source for e in matches):
            raise StoreError(f"{doc_or_source!r} names {len(matches)} documents: "
                             f"{', '.join(e.path for e in matches)}; name one by its path or doc_id")
        return next((e for e in matches if e.doc_id == doc_or_source), matches[0])

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection to the manifest (a connection is not shared across threads or a fork)."""
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid():
            connection = sqlite3.connect(self.path / MANIFEST, timeout=self.lock_wait_s, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")   # a commit is on disk before the change is reported
            held = self._local.held = (os.getpid(), connection)
        return held[1]

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, with a damaged manifest reported as a StoreError that says so."""
        try:
            yield self._connection()
        except sqlite3.OperationalError as error:
            if "no such table" not in str(error):
                raise StoreError(f"{self.path / MANIFEST} cannot be read now ({error}); try again") from None
            raise StoreError(f"{self.path / MANIFEST} is being made by the store's first writer; "
                             f"try again") from None
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path / MANIFEST} is damaged ({error}); restore it from a backup or "
                             f"re-ingest the documents into a new store") from None


def _legacy_entries(path: Path) -> dict[str, ManifestEntry]:
    """The documents of a manifest.json (format 1, written by plangraph before SQLite)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        return {item["doc_id"]: ManifestEntry(**item) for item in manifest["documents"]}
    except (ValueError, KeyError, TypeError) as error:
        raise StoreError(f"{path} is damaged ({type(error).__name__}: {error}); re-ingest the documents "
                         f"into a new store") from None


def _commit(connection: sqlite3.Connection) -> None:
    connection.execute("COMMIT")


def _lock(descriptor: int, wait_s: float) -> bool:
    """Take the exclusive flock on `descriptor`, polling for up to `wait_s` seconds; False if it stays held."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(_LOCK_POLL_S)


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
