"""What the service answers from: one consistent snapshot of the store, swapped whole when the store changes.

A snapshot holds what every request would otherwise rebuild: the stored documents and extractions, the graph as
the questions read it (graph.questions.QuestionGraph: the NetworkX view, tasks, legal documents, agencies,
people, citations with their spans), the search engine, and the answers already given in this state. Requests
take the current snapshot and read only it, so a query running while an ingest lands sees the state before it or
the state after it, never a mix. A change made through the admin endpoints swaps the snapshot before it answers;
a change made by another process (`plangraph ingest` on the same store) is noticed within `RECHECK_S`, and the
new snapshot is built by one request while the others go on reading the old one.

The graph is not re-read either: each document's part of the question graph is read from its own graph file
once (graph.parts.graph_part) and a snapshot combines the parts of its documents into a new QuestionGraph,
so an older snapshot's graph stays as it was. Questions asked by the pages go to the snapshot's `state`
(graph.questions.HeldState), never to the store on disk: a page answers from the snapshot it was asked of, and
its duplicate finder is built from the documents' prepared tasks, kept per document across snapshots.

The search engine is not rebuilt with a snapshot: the new one is the previous engine with the documents that
changed added as one segment and those removed tombstoned (api.search_adapter, search.segments); the previous
engine is left whole, so requests still holding the old snapshot search the old state.
"""
from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterator, TypeVar

import networkx as nx

from api.search_adapter import open_engine
from graph.iri import graph_iri
from graph.parts import QuestionGraph, combine_parts, graph_part
from graph.questions import HeldState, forget_parts
from graph.store import ManifestEntry, Store, StoreError
from ingest.document import SourceDocument
from ingest.model import Extraction, Task
from ingest.text import fold
from search.embed import Embedder, embedder_from_spec
from search.engine import SearchEngine
from search.units import Unit

RECHECK_S = 1.0        # how often the manifest is re-read for changes made by another process
BACKGROUND_SWITCH_S = 0.0002   # the thread switch interval while background work runs (CPython: 0.005)
MEMO_ENTRIES = 4096    # answers kept per snapshot (entity pages, lists); past that the memo starts afresh
log = logging.getLogger("plangraph.api")
T = TypeVar("T")
# names folded once for all snapshots (a snapshot indexes every node's names: 50k at 100k units)
_folded = lru_cache(maxsize=1 << 18)(fold)


@dataclass
class Snapshot:
    version: tuple[tuple[str, str], ...]          # (doc_id, graph file) of every document: the state's identity
    entries: dict[str, ManifestEntry]
    documents: dict[str, SourceDocument]
    extractions: dict[str, Extraction]
    state: HeldState                              # what the questions read: this state's graph and documents
    engine: SearchEngine
    units: dict[str, Unit] = field(init=False)
    _tasks: dict[tuple[str, str], Task] = field(init=False)
    _doc_of_source: dict[str, str] = field(init=False)
    _named: dict[tuple[str, str], list[str]] = field(init=False)
    _memo: dict = field(init=False)

    def __post_init__(self) -> None:
        self.units = {unit.id: unit for unit in self.engine.units}
        self._tasks = {(doc_id, task.id): task for doc_id, ex in self.extractions.items() for task in ex.tasks}
        self._doc_of_source = {entry.source: doc_id for doc_id, entry in self.entries.items()}
        self._named = defaultdict(list)
        for node, data in self.view.nodes(data=True):
            for name in (data.get("label") or "", *self._aliases(node)):
                self._named[(data.get("kind"), _folded(name))].append(node)
        self._memo = {}

    @property
    def graph(self) -> QuestionGraph:
        return self.state.graph

    @property
    def view(self) -> nx.MultiDiGraph:
        return self.graph.view

    def _aliases(self, node: str) -> set[str]:
        for table in (self.graph.agencies, self.graph.people):
            if node in table:
                return table[node]["names"] | table[node]["aliases"]
        return self.graph.legal.get(node, {}).get("symbols", set())

    def named(self, kind: str, name: str) -> list[str]:
        """Nodes of `kind` whose label or an alias is `name` (diacritics and case aside)."""
        return list(dict.fromkeys(self._named.get((kind, fold(name)), [])))

    def task(self, doc_id: str, task_id: str) -> Task | None:
        return self._tasks.get((doc_id, task_id))

    def doc_of_source(self, source: str) -> str | None:
        return self._doc_of_source.get(source)

    def memo(self, key: tuple, compute: Callable[[], T]) -> T:
        """An answer computed once in this state (the state never changes: a change makes a new snapshot)."""
        if key not in self._memo:
            if len(self._memo) >= MEMO_ENTRIES:
                self._memo.clear()
            self._memo[key] = compute()
        return self._memo[key]

    def graph_files(self, store_path) -> list[tuple[str, str]]:
        """(named graph IRI, N-Quads file) of every document, for the SPARQL worker."""
        return [(str(graph_iri(doc_id)), str(store_path / entry.graph_file)) for doc_id, entry in self.entries.items()]


def build_snapshot(store: Store, previous: Snapshot | None = None, embedder: Embedder | None = None) -> Snapshot:
    """Everything read from one reading of the manifest: a document removed meanwhile is left out whole. From
    `previous` (the last snapshot) the documents whose graph file is unchanged are taken as they are, and its
    search engine is updated for the documents that changed, not rebuilt; the graph parts of the others are
    those already read."""
    entries, documents, extractions, parts = {}, {}, {}, []
    for entry in store.documents():
        kept = previous is not None and previous.entries.get(entry.doc_id) == entry
        try:
            document = previous.documents[entry.doc_id] if kept else store.document(entry.doc_id)
            extraction = previous.extractions[entry.doc_id] if kept else store.extraction(entry.doc_id)
            parts.append(graph_part(store, entry))
        except (KeyError, StoreError, FileNotFoundError):
            continue
        entries[entry.doc_id], documents[entry.doc_id], extractions[entry.doc_id] = entry, document, extraction
    forget_parts(store, entries.values())
    version = tuple((e.doc_id, e.graph_file) for e in entries.values())
    engine = open_engine(store.path, version, documents, extractions, embedder,
                         previous=previous.engine if previous is not None else None)
    state = HeldState(store.path, entries, documents, extractions, combine_parts(parts))
    return Snapshot(version=version, entries=entries, documents=documents, extractions=extractions, state=state,
                    engine=engine)


class Library:
    """The store and its current snapshot; with `search_embedder` (a spec of search.embed.embedder_from_spec),
    searched by meaning as well as by words."""

    def __init__(self, store: Store, search_embedder: str = ""):
        self.store = store
        self.embedder = embedder_of(store, search_embedder)
        self._snapshot = _settled(build_snapshot(store, embedder=self.embedder))
        self._rebuilding = threading.Lock()
        self._checked = time.monotonic()
        # the first task page would otherwise prepare every document's tasks for the duplicate finder (a minute at
        # 100k units); prepared here, beside the requests, they serve every later state too
        threading.Thread(target=_beside_requests, args=(self._prepare_tasks,), name="prepare-tasks",
                         daemon=True).start()

    def snapshot(self) -> Snapshot:
        """The current snapshot; rebuilt first when another process changed the store (by one caller only, and
        a rebuild that fails leaves the previous snapshot in place until the next check)."""
        now = time.monotonic()
        if now - self._checked >= RECHECK_S:
            self._checked = now
            if self._version() != self._snapshot.version and self._rebuilding.acquire(blocking=False):
                try:
                    self._snapshot = _settled(build_snapshot(self.store, self._snapshot, self.embedder))
                except (OSError, StoreError):
                    log.exception("the store changed but could not be read again; still serving the previous state")
                finally:
                    self._rebuilding.release()
        return self._snapshot

    def refresh(self) -> Snapshot:
        """Rebuild now, after a change this process made: the change is visible to the next request."""
        with self._rebuilding:
            self._snapshot = _settled(build_snapshot(self.store, self._snapshot, self.embedder))
        return self._snapshot

    def _prepare_tasks(self) -> None:
        self._snapshot.state.prepare_tasks()
        gc.freeze()   # the prepared tasks are long-lived too (see _settled)

    def _version(self) -> tuple[tuple[str, str], ...]:
        return tuple((e.doc_id, e.graph_file) for e in self.store.documents())


def _settled(snapshot: Snapshot) -> Snapshot:
    """`snapshot`, with every object alive now put out of the cyclic garbage collector's reach (gc.freeze).

    A snapshot at 100k units is about 4M tracked objects, long-lived by design; a full collection walks them all
    (3.5 s measured), and the requests' own allocations set one off every so often, stalling the worker's
    requests meanwhile. Nothing is lost by it: a replaced snapshot holds no reference cycles (measured: a full
    collection after three rebuilds found nothing), so reference counting frees it.
    """
    gc.freeze()
    return snapshot


def _beside_requests(work: Callable[[], None]) -> None:
    """`work` (pure Python) with the interpreter's thread switch interval shortened while it runs: a request
    thread waiting for the GIL, which it gives up at every NumPy call, gets it back after 0.2 ms instead of 5.
    Measured at 107k units (bench/README.md): searches during the preparation 194 -> 39 ms p50, 425 -> 67 ms
    p95; the preparation itself 20 -> 29 s."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(BACKGROUND_SWITCH_S)
    try:
        work()
    finally:
        sys.setswitchinterval(before)


def embedder_of(store: Store, spec: str) -> Embedder | None:
    """The search embedder a setting names (empty: none), its vectors kept under <store>/vectors."""
    return embedder_from_spec(spec, store.path / "vectors", _texts(store)) if spec else None


def _texts(store: Store) -> Iterator[str]:
    """The stored texts, read only if the embedder needs a corpus (a static table distilled on first use)."""
    for entry in store.documents():
        yield store.document(entry.doc_id).text
