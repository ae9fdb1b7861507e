"""The graph questions' view of a store, kept on disk (`<store>/questions.sqlite`), for stores too large to
hold as a NetworkX view in memory (at 10k documents the in-memory view alone takes minutes to build and
gigabytes to hold; the index answers a question from a few indexed lookups, in memory flat in the store's size).

The index holds each stored document's `graph.parts.GraphPart` as rows tagged with its graph file, and follows
the manifest: opening it for a store state deletes the rows of graph files the manifest no longer names and adds
those of new ones, in one SQLite transaction (so a reader sees one state or the next, never a mix), so a change
costs its own documents. It is a cache derived from the graph files: deleting it costs one rebuild.

`IndexedGraph` reads like `graph.parts.QuestionGraph`, and the same question code runs on both: the tests hold
every answer over the shared corpus equal. What the view combines across documents (a node typed in one graph
and named in another, an edge stated by several) is combined here at query time, with the same rules.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from itertools import permutations
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from graph import codec, iri
from graph.parts import (LABELS, WALKS, Assignment, Citation, Citer, DocumentSource, GraphPart, Walk,
                         leading_numbers, node_kinds, person_matches, read_part, without_place)
from graph.sentences import sentence_around
from graph.store import ManifestEntry, Store, StoreError
from graph.view import CITING, KINDS, ROLE_NAMES
from ingest.document import SourceDocument
from ingest.keys import agency_key
from ingest.text import fold
from ontology.terms import DCTERMS, ELI, ORG, PG, PROV, SCHEMA, SKOS

INDEX_FILE = "questions.sqlite"
FORMAT = "7"
_CHUNK = 500   # ids per IN (...) list, well under SQLite's limit of bound parameters
_COLLABORATING = ("lead", "cooperating", "recipient")
ROLE_RELATIONS = frozenset(ROLE_NAMES.values())
MMAP_BYTES = 16 << 30
BUSY_MS = 60_000   # how long a connection waits for another's write to end
CACHED = 200_000   # entries of each per-state cache (nodes, edges, entities)
HELD_WALK = 2_000   # a walk of `cites` reaching this many nodes is kept in the index until the index changes
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (file INTEGER PRIMARY KEY, graph_file TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL,
                                  source TEXT NOT NULL, graph TEXT NOT NULL, doc INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS files_by_doc ON files (doc_id);
CREATE INDEX IF NOT EXISTS files_by_doc_node ON files (doc);
CREATE INDEX IF NOT EXISTS files_by_source ON files (source);
CREATE INDEX IF NOT EXISTS files_by_graph ON files (graph);
CREATE TABLE IF NOT EXISTS iris (id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS types (file INTEGER NOT NULL, node INTEGER NOT NULL, class INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vals (file INTEGER NOT NULL, node INTEGER NOT NULL, predicate INTEGER NOT NULL,
                                 value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS node_types (node INTEGER NOT NULL, class INTEGER NOT NULL, holders INTEGER NOT NULL,
                                       PRIMARY KEY (node, class)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_types_by_class ON node_types (class);
CREATE TABLE IF NOT EXISTS node_vals (node INTEGER NOT NULL, predicate INTEGER NOT NULL, value TEXT NOT NULL,
                                      holders INTEGER NOT NULL, PRIMARY KEY (node, predicate, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edges (file INTEGER NOT NULL, source INTEGER NOT NULL, target INTEGER NOT NULL,
                                  relation TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS edges_by_pair ON edges (source, target);
CREATE TABLE IF NOT EXISTS node_edges (source INTEGER NOT NULL, target INTEGER NOT NULL, relation TEXT NOT NULL,
                                       holders INTEGER NOT NULL, PRIMARY KEY (source, target, relation)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_edges_by_target ON node_edges (target, relation);
CREATE INDEX IF NOT EXISTS realizing ON node_edges (source) WHERE relation = 'realizes';
CREATE INDEX IF NOT EXISTS realized ON node_edges (target) WHERE relation = 'realizes';
CREATE TABLE IF NOT EXISTS tasks (file INTEGER NOT NULL, node INTEGER NOT NULL, doc INTEGER NOT NULL,
                                  id TEXT NOT NULL, body TEXT NOT NULL, period TEXT, section TEXT,
                                  start INTEGER NOT NULL, end INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tasks_by_node ON tasks (node);
CREATE INDEX IF NOT EXISTS tasks_by_id ON tasks (id);
CREATE TABLE IF NOT EXISTS citations (file INTEGER NOT NULL, citer INTEGER NOT NULL, cited INTEGER NOT NULL,
                                      relation TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS citations_by_pair ON citations (citer, cited);
CREATE TABLE IF NOT EXISTS mentions (file INTEGER NOT NULL, legal INTEGER NOT NULL, start INTEGER NOT NULL,
                                     end INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS mentions_by_legal ON mentions (legal, file);
CREATE TABLE IF NOT EXISTS sentences (file INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
                                      text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sentences_by_span ON sentences (file, start, end);
CREATE TABLE IF NOT EXISTS roles (agent INTEGER NOT NULL, relation TEXT NOT NULL, source TEXT NOT NULL,
                                  period TEXT NOT NULL, task_id TEXT NOT NULL, kind TEXT NOT NULL, owner INTEGER NOT NULL,
                                  file INTEGER NOT NULL,
                                  PRIMARY KEY (agent, relation, source, period, task_id, kind, owner, file)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS partners (agency INTEGER NOT NULL, other INTEGER NOT NULL, owner INTEGER NOT NULL,
                                     file INTEGER NOT NULL, PRIMARY KEY (agency, other, owner, file)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS keys (file INTEGER NOT NULL, node INTEGER NOT NULL, kind TEXT NOT NULL,
                                 key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS keys_by_key ON keys (kind, key);
CREATE TABLE IF NOT EXISTS walks (walk INTEGER PRIMARY KEY, starts TEXT UNIQUE NOT NULL, citing INTEGER NOT NULL,
                                  chains INTEGER NOT NULL, counts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS walked (walk INTEGER NOT NULL, node INTEGER NOT NULL, parent TEXT, stepped INTEGER NOT NULL,
                                   level INTEGER NOT NULL, kind TEXT, doc TEXT, source TEXT, province TEXT, task_id TEXT,
                                   citing_at INTEGER, chain_at INTEGER, PRIMARY KEY (walk, node)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS walked_citing ON walked (walk, citing_at) WHERE citing_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS walked_chains ON walked (walk, chain_at) WHERE chain_at IS NOT NULL;
"""
_TABLES = ("types", "vals", "edges", "tasks", "citations", "mentions", "sentences", "keys", "roles", "partners")   # rows of a file
_SCHEMA += "".join(f"CREATE INDEX IF NOT EXISTS {table}_by_file ON {table} (file);\n" for table in _TABLES)
_NAME, _ALIAS = str(SKOS.prefLabel), str(SKOS.altLabel)
_SYMBOLS = (str(ELI.id_local), _ALIAS)


class QuestionIndex:
    """The on-disk index of one store directory; `sync` brings it up to a state of the store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._connection = connect_cache(path)
        self._connection.execute("PRAGMA cache_size=-65536")
        open_schema(self._connection, _SCHEMA, FORMAT)
        self.id_of: Callable[[str], int | None] = lru_cache(CACHED)(self._id_of)

    # ------------------------------------------------------------------------------------------ writing
    def sync(self, entries: list[ManifestEntry],
             read: Callable[[ManifestEntry], tuple[GraphPart, SourceDocument]]) -> None:
        """Make the index hold exactly the parts of `entries`, each read with its document by `read`
        (FileNotFoundError: a writer removed that version meanwhile; nothing is changed)."""
        with self._lock, self.transaction():
            held = dict(self._connection.execute("SELECT graph_file, file FROM files"))
            wanted = {e.graph_file: e for e in entries}
            for graph_file in held.keys() - wanted.keys():
                self._remove(held[graph_file])
            for graph_file in wanted.keys() - held.keys():
                part, doc = read(wanted[graph_file])
                self.add(graph_file, part, cut_sentences(part, doc))
        self.id_of.cache_clear()   # IRIs it had not seen may be there now

    def add(self, graph_file: str, part: GraphPart, sentences: dict[tuple[int, int], str]) -> None:
        """Add one document's part and the sentences its citations lie in (`cut_sentences`), inside `sync`'s
        transaction or a caller's own."""
        doc = str(iri.document_iri(part.doc_id))
        ids = self._intern(_iris_of(part) | {doc})
        cursor = self._connection.execute(
            "INSERT INTO files (graph_file, doc_id, source, graph, doc) VALUES (?, ?, ?, ?, ?)",
            (graph_file, part.doc_id, part.source, part.graph, ids[doc]))
        file = cursor.lastrowid
        self._changed()
        rows = _rows_of(part, ids)
        insert = self._connection.executemany
        insert("INSERT INTO types VALUES (?, ?, ?)", ((file, *r) for r in rows["types"]))
        insert("INSERT INTO vals VALUES (?, ?, ?, ?)", ((file, *r) for r in rows["vals"]))
        # what every document states of a national resolution or a doctype is read once, not once a document
        insert("INSERT INTO node_types VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET holders = holders + 1", rows["types"])
        insert("INSERT INTO node_vals VALUES (?, ?, ?, 1) ON CONFLICT DO UPDATE SET holders = holders + 1", rows["vals"])
        insert("INSERT INTO node_edges VALUES (?, ?, ?, 1) ON CONFLICT DO UPDATE SET holders = holders + 1",
               dict.fromkeys(rows["edges"]))
        insert("INSERT INTO edges VALUES (?, ?, ?, ?)", ((file, *r) for r in dict.fromkeys(rows["edges"])))
        insert("INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ((file, *r) for r in rows["tasks"]))
        insert("INSERT INTO citations VALUES (?, ?, ?, ?, ?, ?)", ((file, *r) for r in rows["citations"]))
        insert("INSERT INTO mentions VALUES (?, ?, ?, ?)", ((file, *r) for r in rows["mentions"]))
        insert("INSERT INTO keys VALUES (?, ?, ?, ?)", ((file, *r) for r in rows["keys"]))
        insert("INSERT OR IGNORE INTO roles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ((*r, file) for r in rows["roles"]))
        insert("INSERT OR IGNORE INTO partners VALUES (?, ?, ?, ?)", ((*r, file) for r in rows["partners"]))
        insert("INSERT INTO sentences VALUES (?, ?, ?, ?)", ((file, *span, text) for span, text in sentences.items()))

    def _remove(self, file: int) -> None:
        self._changed()
        for counted, rows, columns in (("node_types", "types", "node, class"),
                                       ("node_vals", "vals", "node, predicate, value"),
                                       ("node_edges", "edges", "source, target, relation")):
            held = f"({columns}) IN (SELECT {columns} FROM {rows} WHERE file = ?)"
            self._connection.execute(f"UPDATE {counted} SET holders = holders - 1 WHERE {held}", (file,))
            self._connection.execute(f"DELETE FROM {counted} WHERE holders = 0 AND {held}", (file,))
        for table in _TABLES:
            self._connection.execute(f"DELETE FROM {table} WHERE file = ?", (file,))
        self._connection.execute("DELETE FROM files WHERE file = ?", (file,))

    def _changed(self) -> None:
        """The held walks were walked on the state before this change: forget them, and count the change (a walk
        made meanwhile on the earlier state is then not held, `hold_walk`)."""
        self.forget_walks()
        self._connection.execute("INSERT INTO meta VALUES ('changes', '1') "
                                 "ON CONFLICT DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    def forget_walks(self) -> None:
        self._connection.execute("DELETE FROM walked")
        self._connection.execute("DELETE FROM walks")

    def changes(self, db: sqlite3.Connection) -> int:
        """How many changes the index has seen, read on `db` (inside the read transaction a walk is made in)."""
        found = db.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
        return int(found[0]) if found else 0

    def hold_walk(self, starts: str, changes: int, walk: Walk, ids: dict[str, int]) -> None:
        """Keep `walk` of `starts` (node IRIs, one a line), made when the index had seen `changes` changes, unless
        it has seen more since. A writer holding the index (a long sync) is not waited for: the walk is then
        simply not kept."""
        citing_at = {node: at for at, node in enumerate(walk.citing)}
        chain_at = {node: at for at, node in enumerate(walk.on_chains)}
        with self._lock:
            self._connection.execute("PRAGMA busy_timeout = 0")
            try:
                with self.transaction():
                    if self.changes(self._connection) != changes:
                        return
                    walk_id = self._connection.execute(
                        "INSERT INTO walks (starts, citing, chains, counts) VALUES (?, ?, ?, ?)",
                        (starts, len(walk.citing), len(walk.on_chains), json.dumps(walk.counts))).lastrowid
                    self._connection.executemany(
                        "INSERT INTO walked VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        ((walk_id, ids[node], *citer, citing_at.get(node), chain_at.get(node))
                         for node, citer in walk.reached.items()))
            except sqlite3.OperationalError:   # locked by a writer, or a read-only file
                pass
            finally:
                self._connection.execute(f"PRAGMA busy_timeout = {BUSY_MS}")

    def held_walk(self, starts: str) -> HeldWalk | None:
        found = self.rows("SELECT walk, citing, chains, counts FROM walks WHERE starts = ?", (starts,))
        if not found:
            return None
        walk_id, citing, chains, counts = found[0]
        return HeldWalk(self, walk_id, citing, chains, json.loads(counts))

    def _intern(self, values: set[str]) -> dict[str, int]:
        """The ids of these IRIs, new ones added (nothing is kept across documents: memory stays flat)."""
        listed = list(values)
        self._connection.executemany("INSERT OR IGNORE INTO iris (iri) VALUES (?)", ((v,) for v in listed))
        ids: dict[str, int] = {}
        for chunk in _chunks(listed):
            marks = ",".join("?" * len(chunk))
            ids.update(self._connection.execute(f"SELECT iri, id FROM iris WHERE iri IN ({marks})", chunk))
        return ids

    def transaction(self) -> Transaction:
        """One write transaction (`add` runs inside `sync`'s, or a caller's own)."""
        return Transaction(self._connection)

    # ------------------------------------------------------------------------------------------ reading
    def rows(self, sql: str, parameters: Iterable = ()) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, tuple(parameters)).fetchall()

    @contextmanager
    def scratch(self) -> Iterator[sqlite3.Connection]:
        """The connection, held alone, in one read transaction: a query that keeps its working set in TEMP
        tables reads one state throughout."""
        with self._lock:
            self._connection.execute("BEGIN")
            try:
                yield self._connection
            finally:
                self._connection.execute("COMMIT")

    def _id_of(self, value: str) -> int | None:
        """The interned id of an IRI (None: the index never saw it)."""
        found = self.rows("SELECT id FROM iris WHERE iri = ?", (value,))
        return found[0][0] if found else None


def connect_cache(path: Path) -> sqlite3.Connection:
    """A connection to an index derived from the store (a cache: a commit lost in a crash is rebuilt, so the
    log is not synced at each one), shared by threads that take turns; reads go through the OS's page cache
    (mmap), not SQLite's 2 MB default."""
    connection = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    return connection


T = TypeVar("T")
_READ_ATTEMPTS = 3   # a reader racing a writer's cleanup re-reads the manifest this many times


def following(store: Store, held: dict[str, tuple[tuple[str, ...], T]], name: str,
              files_of: Callable[[ManifestEntry], str], build: Callable[[list[ManifestEntry]], T]) -> T:
    """What `build` makes of the store's current state (an index brought up to it), kept in `held` until the
    manifest names other files. StoreError: the `name` index cannot be written, or the store kept changing."""
    key = str(store.path.resolve())
    for _attempt in range(_READ_ATTEMPTS):
        entries = store.documents()
        files = tuple(files_of(e) for e in entries)
        found = held.get(key)
        if found is not None and found[0] == files:
            return found[1]
        try:
            value = build(entries)
        except FileNotFoundError:   # a writer switched and cleaned up between our reads: read again
            continue
        except sqlite3.Error as error:
            raise StoreError(f"the {name} index of the store at {store.path} cannot be written: {error}") from None
        held[key] = (files, value)
        return value
    raise StoreError(f"the store at {store.path} kept changing while it was read; try again")


def open_schema(connection: sqlite3.Connection, schema: str, version: str) -> None:
    """Create an index's tables; a file written in another format (by another plangraph) is emptied of its
    tables first, since its columns may not be these: the index is then rebuilt from the store."""
    connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    found = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if found is not None and found[0] != version:
        with Transaction(connection):
            for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite%'").fetchall():
                connection.execute(f"DROP TABLE {table}")
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    connection.executescript(schema)
    connection.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (version,))


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error (the index keeps its previous state)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, _value, _traceback) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")


def cut_sentences(part: GraphPart, doc: SourceDocument) -> dict[tuple[int, int], str]:
    """span -> the sentence it lies in, for every citation and mention of the part: cut when the document is
    indexed, so that a question never reads the documents."""
    spans = {(c.start, c.end) for c in part.citations} | {span for spans in part.mentions.values() for span in spans}
    return {span: sentence_around(doc, *span) for span in sorted(spans)}


def _chunks(values: list) -> Iterator[list]:
    for at in range(0, len(values), _CHUNK):
        yield values[at:at + _CHUNK]


def _iris_of(part: GraphPart) -> set[str]:
    out = set(part.types) | set(part.values)
    for nodes in part.types.values():
        out.update(nodes)
    for by_node in part.values.values():
        out.update(by_node)
    for source, target, _relation in part.edges:
        out.update((source, target))
    for node, task in part.tasks.items():
        out.update((node, task["doc"]))
    for citation in part.citations:
        out.update((citation.citer, citation.cited))
    out.update(part.mentions)
    return out


def _rows_of(part: GraphPart, ids: dict[str, int]) -> dict[str, list[tuple]]:
    """The part as rows of the index's tables (without the file column), IRIs as their ids."""
    keys = [(ids[node], "number", number) for predicate in _SYMBOLS
            for node, symbols in part.values.get(predicate, {}).items() for number in leading_numbers(symbols)]
    for predicate in (_NAME, _ALIAS):
        for node, names in part.values.get(predicate, {}).items():
            keys += [(ids[node], "agency-loose", agency_key(without_place(n))) for n in names]
            keys += [(ids[node], "person", fold(n)) for n in names]
            if predicate == _NAME:
                keys += [(ids[node], "agency", agency_key(n)) for n in names]
    return {
        "types": [(ids[n], ids[c]) for c, nodes in part.types.items() for n in nodes],
        "vals": [(ids[n], ids[p], v) for p, by_node in part.values.items() for n, vs in by_node.items() for v in vs],
        "edges": [(ids[s], ids[t], relation) for s, t, relation in part.edges],
        "tasks": [(ids[n], ids[t["doc"]], t["id"], t["text"], t["period"], t["section"], t["start"], t["end"])
                  for n, t in part.tasks.items()],
        "citations": [(ids[c.citer], ids[c.cited], c.relation, c.start, c.end) for c in part.citations],
        "mentions": [(ids[legal], start, end) for legal, spans in part.mentions.items() for start, end in spans],
        "keys": list(dict.fromkeys(keys)),
        **_assignments_of(part, ids),
    }


def _assignments_of(part: GraphPart, ids: dict[str, int]) -> dict[str, list[tuple]]:
    """The part's roles in the order the agency question lists them, and the pairs of agencies sharing a task
    (both ways), so that a busy agency's page and collaborators are range reads. A task is as this part types
    it: its own document's graph describes it."""
    kinds, own = node_kinds(part.types), str(iri.document_iri(part.doc_id))
    agents: dict[str, set[str]] = {}
    roles = []
    for owner, agent, relation in part.edges:
        task, kind = part.tasks.get(owner), kinds.get(owner)
        if relation not in ROLE_RELATIONS or task is None or kind is None:
            continue
        roles.append((ids[agent], relation, part.source if task["doc"] == own else "", task["period"] or "",
                      task["id"], kind, ids[owner]))
        if relation in _COLLABORATING and kind in ("task", "target"):
            agents.setdefault(owner, set()).add(agent)
    partners = [(ids[a], ids[b], ids[owner]) for owner, held in agents.items() for a, b in permutations(held, 2)]
    return {"roles": roles, "partners": partners}


# ------------------------------------------------------------------------------------------------ the graph
_KIND_OF_CLASS = {str(c): kind for c, kind in KINDS}
_KIND_ORDER = {kind: at for at, (_c, kind) in enumerate(KINDS)}
_KIND_ORDER_OF_CLASS = {str(c): at for at, (c, _kind) in enumerate(KINDS)}


class IndexedGraph:
    """One store state's graph as the questions read it, answered from the index (see the module's text)."""

    def __init__(self, index: QuestionIndex) -> None:
        self.index = index
        self.view = _View(self)
        self.documents = _Table(self, self._document, str(PG.Document))
        self.tasks = _Table(self, self._task, None)
        self.legal = _Table(self, self._legal, str(ELI.LegalResource))
        self.agencies = _Table(self, self._agency, str(ORG.Organization))
        self.people = _Table(self, self._person, str(PROV.Person))
        self.citations = _Lookup(self._citations)
        self.mentions = _Lookup(self._mentions)
        self.graph_doc = _Lookup(self._graph_document)
        # what the questions read is kept for the state (a state's rows never change), up to CACHED entries each
        self.node: Callable[[str], dict | None] = lru_cache(CACHED)(self._node)      # {kind, label}; None: not in view
        self.edges_at: Callable[[str, bool], tuple] = lru_cache(CACHED)(self._edges_at)
        self.edge_data: Callable[[str, str], dict[str, dict]] = lru_cache(CACHED)(self._edge_data)
        self._in_view = _kind_condition(index, None)
        self._is_agency = _kind_condition(index, "agency")
        self._is_task = _kind_condition(index, "task", "target")
        self._class_rank = {str(self.index.id_of(c)): at for c, at in _KIND_ORDER_OF_CLASS.items()
                            if self.index.id_of(c)}   # class id -> its place in KINDS
        self.realizations: Callable[[str], set[str]] = lru_cache(CACHED)(self._realizations)
        # a much-cited resolution's walk costs its citers; asked again (the next page), it costs the page
        self.citers: Callable[[tuple[str, ...]], Walk | HeldWalk] = lru_cache(WALKS)(self._citers)
        self._same_sql, self._citing_sql = _walk_steps(self._in_view)

    # -------------------------------------------------------------------------------------- nodes and edges
    def _node(self, node: str) -> dict | None:
        node_id = self.index.id_of(node)
        if node_id is None:
            return None
        classes = {r[0] for r in self.index.rows(
            "SELECT i.iri FROM node_types t JOIN iris i ON i.id = t.class WHERE t.node = ?", (node_id,))}
        kinds = [_KIND_OF_CLASS[c] for c in classes if c in _KIND_OF_CLASS]
        if not kinds:
            return None
        labels = self._values(node_id, LABELS)
        label = next((min(labels[p]) for p in reversed(LABELS) if labels.get(p)), None)
        return {"kind": min(kinds, key=_KIND_ORDER.__getitem__), "label": label or node.rsplit("/", 1)[-1]}

    def _values(self, node_id: int, predicates: Iterable[str]) -> dict[str, set[str]]:
        """predicate -> the values any held document states of the node."""
        out: dict[str, set[str]] = {}
        for predicate, value in self.index.rows(
                "SELECT i.iri, v.value FROM node_vals v JOIN iris i ON i.id = v.predicate WHERE v.node = ?", (node_id,)):
            out.setdefault(predicate, set()).add(value)
        return {p: out.get(p, set()) for p in predicates}

    def _edges_at(self, node: str, incoming: bool) -> tuple[tuple[str, str, str], ...]:
        """(source, target, relation) of the view's edges into or out of `node`, each once."""
        node_id = self.index.id_of(node)
        if node_id is None or self.node(node) is None:
            return ()
        near, far = ("target", "source") if incoming else ("source", "target")
        rows = self.index.rows(f"SELECT i.iri, e.relation FROM node_edges e JOIN iris i ON i.id = e.{far} "
                               f"WHERE e.{near} = ? AND {self._in_view.format(f'e.{far}')}", (node_id,))
        return tuple((other, node, relation) if incoming else (node, other, relation) for other, relation in rows)

    def _edge_data(self, source: str, target: str) -> dict[str, dict]:
        """relation -> {relation, graphs} of the view's edges from `source` to `target`."""
        source_id, target_id = self.index.id_of(source), self.index.id_of(target)
        if None in (source_id, target_id) or self.node(source) is None or self.node(target) is None:
            return {}
        out: dict[str, dict] = {}
        for relation, graph in self.index.rows(
                "SELECT e.relation, f.graph FROM edges e JOIN files f ON f.file = e.file "
                "WHERE e.source = ? AND e.target = ? ORDER BY e.rowid", (source_id, target_id)):
            out.setdefault(relation, {"relation": relation, "graphs": set()})["graphs"].add(graph)
        return out

    def label(self, node: str) -> str:
        found = self.node(node)
        return found["label"] if found else node

    def kind(self, node: str) -> str | None:
        found = self.node(node)
        return found["kind"] if found else None

    def _realizations(self, node: str) -> set[str]:
        return ({t for _s, t, rel in self.edges_at(node, False) if rel == "realizes"} |
                {s for s, _t, rel in self.edges_at(node, True) if rel == "realizes"})

    def _citers(self, starts: tuple[str, ...]) -> Walk | HeldWalk:
        """What `QuestionGraph.citers` gives, walked in SQL a level at a time: the tens of thousands of citers
        of a national resolution are a few set operations, not a query each. A walk that reached HELD_WALK nodes
        is kept in the index: asked again, by this process or another, until the index changes, it costs the
        page asked."""
        key = "\n".join(sorted(set(starts)))
        held = self.index.held_walk(key)
        if held is not None:
            return held
        with self.index.scratch() as db:
            changes = self.index.changes(db)
            db.execute("CREATE TEMP TABLE IF NOT EXISTS walk (node INTEGER PRIMARY KEY, parent TEXT, "
                       "stepped INTEGER NOT NULL, level INTEGER NOT NULL, round INTEGER NOT NULL)")
            db.execute("DELETE FROM walk")
            db.executemany("INSERT OR IGNORE INTO walk VALUES (?, NULL, 0, 0, 0)",
                           ((self.index.id_of(s),) for s in starts if self.node(s) is not None))
            level = round_ = 0
            while True:
                while db.execute(self._same_sql, {"level": level, "round": round_}).rowcount:
                    round_ += 1
                if not db.execute(self._citing_sql, {"level": level, "round": round_}).rowcount:
                    break
                level, round_ = level + 1, round_ + 1
            reached, ids = self._citers_walked(db)
        walk = Walk(reached)
        if len(reached) >= HELD_WALK:
            self.index.hold_walk(key, changes, walk, ids)
        return walk

    def _citers_walked(self, db: sqlite3.Connection) -> tuple[dict[str, Citer], dict[str, int]]:
        """The walk's citers by IRI, and the IRIs' ids."""
        kinds: dict[int, tuple[str, str | None, bool, int, str | None]] = {}
        for node, node_iri, parent, stepped, level, classes in db.execute(
                "SELECT w.node, n.iri, w.parent, w.stepped, w.level, (SELECT group_concat(t.class) FROM node_types t "
                "WHERE t.node = w.node) FROM walk w CROSS JOIN iris n ON n.id = w.node"):
            kinds[node] = (node_iri, parent, bool(stepped), level, self._kind_of_classes(classes))
        tasks = {node: (doc, task_id) for node, doc, task_id in db.execute(
            "SELECT t.node, t.doc, t.id FROM walk w CROSS JOIN tasks t ON t.node = w.node ORDER BY t.rowid")}
        documents = self._walked_documents(db)
        out: dict[str, Citer] = {}
        for node, (node_iri, parent, stepped, level, kind) in kinds.items():
            doc, task_id = (node, None) if node in documents else tasks.get(node, (None, None))
            held = documents.get(doc) if doc is not None else None
            out[node_iri] = (Citer(parent, stepped, level, kind, held[0], held[1], held[2], task_id) if held else
                             Citer(parent, stepped, level, kind, None, None, None, None))
        return out, {node_iri: node for node, (node_iri, *_rest) in kinds.items()}

    def _walked_documents(self, db: sqlite3.Connection) -> dict[int, tuple[str, str, str | None]]:
        """doc id -> (IRI, file name, province) of the documents the walk reached or whose tasks it reached."""
        db.execute("CREATE TEMP TABLE IF NOT EXISTS walk_docs (doc INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM walk_docs")
        db.execute("INSERT OR IGNORE INTO walk_docs SELECT node FROM walk")
        db.execute("INSERT OR IGNORE INTO walk_docs SELECT t.doc FROM walk w CROSS JOIN tasks t ON t.node = w.node")
        found: dict[int, tuple[str, str, str | None]] = {}
        for doc, doc_iri, source, province in db.execute(
                "SELECT d.doc, i.iri, f.source, (SELECT MIN(v.value) FROM node_vals v WHERE v.node = d.doc "
                "AND v.predicate = ?) FROM walk_docs d CROSS JOIN files f ON f.doc = d.doc JOIN iris i ON i.id = d.doc "
                "WHERE EXISTS (SELECT 1 FROM node_types WHERE node = d.doc AND class = ?) ORDER BY f.file",
                (self.index.id_of(str(PG.province)), self.index.id_of(str(PG.Document)))):
            found[doc] = (doc_iri, source, province)   # a document in two files: its last file holds
        return found

    def sentence(self, store: DocumentSource, doc_id: str, span: tuple[int, int]) -> str:
        """The sentence of the document that holds the span, as cut when the document was indexed (a span no
        citation has is cut from the stored document now)."""
        found = self.index.rows("SELECT s.text FROM sentences s JOIN files f ON f.file = s.file "
                                "WHERE f.doc_id = ? AND s.start = ? AND s.end = ?", (doc_id, *span))
        return found[0][0] if found else sentence_around(store.document(doc_id), *span)

    # -------------------------------------------------------------------------------------- entities
    def typed(self, node: str, rdf_class: str) -> bool:
        node_id, class_id = self.index.id_of(node), self.index.id_of(rdf_class)
        return None not in (node_id, class_id) and bool(self.index.rows(
            "SELECT 1 FROM node_types WHERE node = ? AND class = ?", (node_id, class_id)))

    def nodes_of(self, rdf_class: str) -> list[str]:
        class_id = self.index.id_of(rdf_class)
        return [] if class_id is None else [r[0] for r in self.index.rows(
            "SELECT i.iri FROM node_types t JOIN iris i ON i.id = t.node WHERE t.class = ?", (class_id,))]

    def _document(self, node: str) -> dict | None:
        doc_id = node.rsplit("/", 1)[-1]
        sources = self.index.rows("SELECT source FROM files WHERE doc_id = ?", (doc_id,))
        if not sources or not self.typed(node, str(PG.Document)):
            return None
        values = self._values(self.index.id_of(node), (str(DCTERMS.title), str(PG.province)))
        return {"doc_id": doc_id, "source": sources[-1][0], "title": min(values[str(DCTERMS.title)], default=None),
                "province": min(values[str(PG.province)], default=None)}

    def _task(self, node: str) -> dict | None:
        node_id = self.index.id_of(node)
        found = [] if node_id is None else self.index.rows(
            "SELECT d.iri, t.id, t.body, t.period, t.section, t.start, t.end FROM tasks t JOIN iris d ON d.id = t.doc "
            "WHERE t.node = ? ORDER BY t.rowid DESC LIMIT 1", (node_id,))
        if not found:
            return None
        doc, task_id, text, period, section, start, end = found[0]
        return {"doc": doc, "id": task_id, "text": text, "period": period, "section": section, "start": start,
                "end": end}

    def _entity(self, node: str, rdf_class: str, fields: dict[str, tuple[str, ...]], required: str) -> dict | None:
        if not self.typed(node, rdf_class):
            return None
        values = self._values(self.index.id_of(node), {p for predicates in fields.values() for p in predicates})
        entry = {name: set().union(*(values[p] for p in predicates)) for name, predicates in fields.items()}
        return entry if entry[required] else None

    def _legal(self, node: str) -> dict | None:
        entry = self._entity(node, str(ELI.LegalResource), {"symbols": _SYMBOLS, "types": (str(ELI.type_document),),
                                                            "issuers": (str(ELI.passed_by),)}, "symbols")
        if entry is None:
            return None
        entry["types"] = {self._concept_name(t) for t in entry["types"]}
        entry["issuers"] = {min(found["names"]) if (found := self.agencies.get(a)) else a for a in entry["issuers"]}
        return entry

    def _concept_name(self, concept: str) -> str:
        if not self.typed(concept, str(SKOS.Concept)):
            return concept
        names = self._values(self.index.id_of(concept), (_NAME,))[_NAME]
        return min(names) if names else concept

    def _agency(self, node: str) -> dict | None:
        entry = self._entity(node, str(ORG.Organization), {"names": (_NAME,), "aliases": (_ALIAS,),
                                                           "provinces": (str(PG.province),),
                                                           "parents": (str(ORG.subOrganizationOf),)}, "names")
        if entry is None:
            return None
        entry["province"] = min(entry.pop("provinces"), default=None)
        entry["parent"] = min(entry.pop("parents"), default=None)
        return entry

    def _person(self, node: str) -> dict | None:
        return self._entity(node, str(PROV.Person), {"names": (_NAME,), "aliases": (_ALIAS,),
                                                     "titles": (str(SCHEMA.jobTitle),)}, "names")

    def _citations(self, pair: tuple[str, str]) -> list[Citation] | None:
        citer, cited = (self.index.id_of(n) for n in pair)
        found = [] if None in (citer, cited) else self.index.rows(
            "SELECT c.relation, f.graph, c.start, c.end FROM citations c JOIN files f ON f.file = c.file "
            "WHERE c.citer = ? AND c.cited = ? ORDER BY c.rowid", (citer, cited))
        return [Citation(*pair, relation, graph, start, end) for relation, graph, start, end in found] or None

    def _mentions(self, key: tuple[str, str]) -> list[tuple[int, int]] | None:
        legal = self.index.id_of(key[0])
        found = [] if legal is None else self.index.rows(
            "SELECT m.start, m.end FROM mentions m JOIN files f ON f.file = m.file WHERE m.legal = ? AND f.graph = ? "
            "ORDER BY m.start, m.end", (legal, key[1]))
        return found or None

    def _graph_document(self, graph: str) -> str | None:
        found = self.index.rows("SELECT doc_id FROM files WHERE graph = ?", (graph,))
        node = str(iri.document_iri(found[0][0])) if found else None
        return node if node and node in self.documents else None

    # -------------------------------------------------------------------------------------- lookups
    def _keyed(self, kind: str, key: str) -> list[str]:
        return [r[0] for r in self.index.rows("SELECT DISTINCT i.iri FROM keys k JOIN iris i ON i.id = k.node "
                                              "WHERE k.kind = ? AND k.key = ?", (kind, key))]

    def legal_by_number(self, number: str) -> list[str]:
        return sorted(n for n in self._keyed("number", fold(number)) if n in self.legal)

    def plan_tasks(self, doc_nodes: list[str]) -> dict[str, list[str]]:
        """document -> the ids of its tasks (its plan's steps), sorted: a query for some hundred documents."""
        found: dict[str, list[str]] = {doc: [] for doc in doc_nodes}
        held = [doc for doc in doc_nodes if self.node(doc) is not None]
        for chunk in _chunks(held):
            marks = ",".join("?" * len(chunk))
            latest: dict[tuple[str, int], str] = {}   # a task restated in two files: its last row holds
            for doc, task, task_id in self.index.rows(
                    f"SELECT d.iri, t.node, t.id FROM iris d JOIN node_edges e ON e.target = d.id "
                    f"JOIN tasks t ON t.node = e.source WHERE d.iri IN ({marks}) AND e.relation = 'step_of' "
                    f"AND {self._in_view.format('e.source')} ORDER BY t.rowid", chunk):
                latest[doc, task] = task_id
            for (doc, _task), task_id in latest.items():
                found[doc].append(task_id)
        return {doc: sorted(ids) for doc, ids in found.items()}

    def documents_named(self, name: str, source: str) -> list[str]:
        doc_ids = [r[0] for r in self.index.rows(
            "SELECT doc_id FROM files WHERE doc_id = ? OR source IN (?, ?)", (name, name, source))]
        return sorted(n for d in doc_ids if (n := str(iri.document_iri(d))) in self.documents)

    def tasks_with_id(self, task_id: str) -> list[str]:
        nodes = [r[0] for r in self.index.rows(
            "SELECT DISTINCT i.iri FROM tasks t JOIN iris i ON i.id = t.node WHERE t.id = ?", (task_id,))]
        return sorted(n for n in nodes if self.tasks.get(n, {}).get("id") == task_id)

    def people_named(self, name: str) -> list[str]:
        wanted = fold(name)
        nodes = {r[0] for r in self.index.rows(
            "SELECT DISTINCT i.iri FROM keys k JOIN iris i ON i.id = k.node "
            "WHERE k.kind = 'person' AND instr(k.key, ?) > 0", (wanted,))}
        if name in self.people:
            nodes.add(name)
        return sorted(p for p in nodes if (e := self.people.get(p)) and
                      (p == name or person_matches(wanted, e["names"] | e["aliases"])))

    def agencies_keyed(self, key: str, loose: bool = False) -> list[str]:
        nodes = self._keyed("agency-loose" if loose else "agency", key)
        return sorted(n for n in nodes if n in self.agencies)

    def _kind_of_classes(self, classes: str | None) -> str | None:
        """The kind of a node typed with these class ids (comma-separated): its first class in KINDS."""
        found = [self._class_rank[c] for c in (classes or "").split(",") if c in self._class_rank]
        return KINDS[min(found)][1] if found else None

    def assignment_counts(self, agent: str) -> dict[str, int]:
        """relation -> how many tasks and targets name `agent` by it."""
        agent_id = self.index.id_of(agent)
        if agent_id is None or self.node(agent) is None:
            return {}
        return dict(self.index.rows("SELECT relation, COUNT(DISTINCT owner) FROM roles WHERE agent = ? "
                                    "GROUP BY relation", (agent_id,)))

    def assigned(self, agent: str, relation: str, offset: int = 0, limit: int | None = None) -> list[Assignment]:
        """What `QuestionGraph.assigned` gives: the page is read off the roles table in its order, and only the
        page's tasks are read in full (a provincial department leads thousands)."""
        agent_id = self.index.id_of(agent)
        if agent_id is None or self.node(agent) is None:
            return []
        page = self.index.rows(
            "SELECT i.iri FROM roles r JOIN iris i ON i.id = r.owner WHERE r.agent = ? AND r.relation = ? "
            "GROUP BY r.source, r.period, r.task_id, r.kind, r.owner ORDER BY r.source, r.period, r.task_id, r.kind, "
            "r.owner LIMIT ? OFFSET ?", (agent_id, relation, -1 if limit is None else limit, offset))
        return [self._assignment(owner, relation) for (owner,) in page]

    def _assignment(self, owner: str, relation: str) -> Assignment:
        task = self.tasks[owner]
        doc = self.documents.get(task["doc"], {"doc_id": "", "source": ""})
        directors = sorted(self.label(a) for _o, a, rel in self.edges_at(owner, False) if rel == "directed_by")
        return Assignment(relation, self.kind(owner) or "task", owner, doc["doc_id"], doc["source"], task["id"],
                          task["text"], task["period"], task["section"], tuple(directors))

    def sources_of(self, node: str, relation: str) -> list[str]:
        node_id = self.index.id_of(node)
        if node_id is None or self.node(node) is None:
            return []
        return [r[0] for r in self.index.rows(
            f"SELECT i.iri FROM node_edges e JOIN iris i ON i.id = e.source WHERE e.target = ? AND e.relation = ? "
            f"AND {self._in_view.format('e.source')}", (node_id, relation))]

    def collaborators(self, agency: str) -> list[tuple[str, int]]:
        """The agencies sharing a task or target with `agency` in any role, with how many they share (what
        `graph.view.collaboration` counts, for one agency), counted off the partners table."""
        agency_id = self.index.id_of(agency)
        if agency_id is None or self.kind(agency) != "agency":
            return []
        return self.index.rows(
            "SELECT i.iri, g.shared FROM (SELECT other, COUNT(DISTINCT owner) AS shared FROM partners "
            "WHERE agency = ? GROUP BY other) g JOIN iris i ON i.id = g.other "
            f"WHERE {self._is_agency.format('g.other')}", (agency_id,))


def _walk_steps(in_view: str) -> tuple[str, str]:
    """The two steps of `IndexedGraph.citers`: from the nodes the last round added, to the same documents
    (realizes, either way) at their level; from the nodes of `:level`, against the citing edges to the next. A
    node's parent is the least IRI reaching it. CROSS JOIN keeps the walk's rows outermost (SQLite knows nothing
    of a TEMP table's size)."""
    same = (
        "INSERT INTO walk SELECT r.other, MIN(p.iri), 0, :level, :round + 1 FROM ("
        "SELECT e.target AS other, e.source AS node FROM walk w CROSS JOIN node_edges e ON e.source = w.node "
        "WHERE w.round = :round AND e.relation = 'realizes' UNION ALL "
        "SELECT e.source, e.target FROM walk w CROSS JOIN node_edges e ON e.target = w.node "
        "WHERE w.round = :round AND e.relation = 'realizes') r JOIN iris p ON p.id = r.node "
        f"WHERE r.other NOT IN (SELECT node FROM walk) AND {in_view.format('r.other')} GROUP BY r.other")
    relations = ",".join(f"'{r}'" for r in CITING)
    citing = (
        "INSERT INTO walk SELECT e.source, MIN(p.iri), 1, :level + 1, :round + 1 FROM walk w "
        f"CROSS JOIN node_edges e ON e.target = w.node AND e.relation IN ({relations}) JOIN iris p ON p.id = w.node "
        f"WHERE w.level = :level AND e.source NOT IN (SELECT node FROM walk) AND {in_view.format('e.source')} "
        "GROUP BY e.source")
    return same, citing


def _kind_condition(index: QuestionIndex, *kinds: str | None) -> str:
    """SQL true when the node in `{}` is of one of `kinds` (its first class in KINDS is theirs); no kinds: of any
    kind, i.e. a node of the view."""
    ids = {kind: index.id_of(str(c)) for c, kind in KINDS}
    if kinds == (None,):
        held = [str(i) for i in ids.values() if i is not None]
        return f"EXISTS (SELECT 1 FROM node_types WHERE node = {{}} AND class IN ({','.join(held) or 'NULL'}))"
    conditions = []
    for kind in kinds:
        before = [str(ids[k]) for _c, k in KINDS[:_KIND_ORDER[kind]] if ids[k] is not None]
        own = ids[kind]
        if own is None:
            continue
        exclude = (f" AND NOT EXISTS (SELECT 1 FROM node_types WHERE node = {{0}} AND class IN ({','.join(before)}))"
                   if before else "")
        conditions.append(f"(EXISTS (SELECT 1 FROM node_types WHERE node = {{0}} AND class = {own}){exclude})")
    return "(" + (" OR ".join(conditions) or "0") + ")"


class HeldWalk:
    """A walk kept in the index (`QuestionIndex.hold_walk`), read as `Walk` reads: its citers and its order are
    looked up as asked, so a page of a walk of 200k nodes reads the page."""

    def __init__(self, index: QuestionIndex, walk: int, citing: int, chains: int,
                 counts: dict[str, dict[str, int]]) -> None:
        self.reached = _HeldCiters(index, walk)
        self.citing = _HeldOrder(index, walk, "citing_at", citing)
        self.on_chains = _HeldOrder(index, walk, "chain_at", chains)
        self.counts = counts


class _HeldCiters(Mapping[str, Citer]):
    def __init__(self, index: QuestionIndex, walk: int) -> None:
        self.index, self.walk = index, walk

    def __getitem__(self, node: str) -> Citer:
        node_id = self.index.id_of(node)
        found = self.index.rows("SELECT parent, stepped, level, kind, doc, source, province, task_id FROM walked "
                                "WHERE walk = ? AND node = ?", (self.walk, node_id)) if node_id is not None else []
        if not found:
            raise KeyError(node)
        parent, stepped, *rest = found[0]
        return Citer(parent, bool(stepped), *rest)

    def __iter__(self) -> Iterator[str]:
        return iter([r[0] for r in self.index.rows(
            "SELECT i.iri FROM walked w JOIN iris i ON i.id = w.node WHERE w.walk = ?", (self.walk,))])

    def __len__(self) -> int:
        return self.index.rows("SELECT COUNT(*) FROM walked WHERE walk = ?", (self.walk,))[0][0]


class _HeldOrder(Sequence[str]):
    """The nodes of a held walk in one of its orders (`column`: their place in it)."""

    def __init__(self, index: QuestionIndex, walk: int, column: str, total: int) -> None:
        self.index, self.walk, self.column, self.total = index, walk, column, total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, at):   # type: ignore[override]
        if not isinstance(at, slice):
            place = at + self.total if at < 0 else at
            if not 0 <= place < self.total:
                raise IndexError(at)
            return self._between(place, place + 1)[0]
        start, stop, step = at.indices(self.total)
        if step != 1:
            return [self[place] for place in range(start, stop, step)]
        return self._between(start, stop)

    def _between(self, start: int, stop: int) -> list[str]:
        return [r[0] for r in self.index.rows(
            f"SELECT i.iri FROM walked w JOIN iris i ON i.id = w.node WHERE w.walk = ? AND w.{self.column} >= ? "
            f"AND w.{self.column} < ? ORDER BY w.{self.column}", (self.walk, start, stop))]


class _View:
    """What the question code reads of a NetworkX MultiDiGraph, answered by the index."""

    def __init__(self, graph: IndexedGraph) -> None:
        self.graph = graph
        self.edges = _Edges(graph)

    def __contains__(self, node: object) -> bool:
        return isinstance(node, str) and self.graph.node(node) is not None

    def in_edges(self, node: str, keys: bool = True) -> tuple[tuple[str, str, str], ...]:
        return self.graph.edges_at(node, True)

    def out_edges(self, node: str, keys: bool = True) -> tuple[tuple[str, str, str], ...]:
        return self.graph.edges_at(node, False)

    def get_edge_data(self, source: str, target: str, default: dict | None = None) -> dict | None:
        return self.graph.edge_data(source, target) or default


class _Edges:
    def __init__(self, graph: IndexedGraph) -> None:
        self.graph = graph

    def __getitem__(self, edge: tuple[str, str, str]) -> dict:
        source, target, relation = edge
        return self.graph.edge_data(source, target)[relation]


class _Table(Mapping):
    """node -> entry, read on first use and kept for the state."""

    def __init__(self, graph: IndexedGraph, read: Callable[[str], dict | None], rdf_class: str | None) -> None:
        self.graph, self._class = graph, rdf_class
        self._read = lru_cache(CACHED)(read)

    def __getitem__(self, node: str) -> dict:
        found = self._read(node)
        if found is None:
            raise KeyError(node)
        return found

    def __iter__(self) -> Iterator[str]:
        nodes = (self.graph.nodes_of(self._class) if self._class else
                 [r[0] for r in self.graph.index.rows("SELECT DISTINCT i.iri FROM tasks t JOIN iris i ON i.id = t.node")])
        return iter(sorted(n for n in nodes if n in self))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, node: object) -> bool:
        try:
            self[node]   # type: ignore[index]
        except KeyError:
            return False
        return True


class _Lookup:
    """key -> value read by a function (None: no value), with `get` as a dict has."""

    def __init__(self, read: Callable) -> None:
        self._read = read

    def get(self, key, default=None):
        found = self._read(key)
        return default if found is None else found


_INDEXES: dict[str, QuestionIndex] = {}
_INDEXES_LOCK = threading.Lock()


def indexed_graph(store: Store, entries: list[ManifestEntry]) -> IndexedGraph:
    """The graph of `store` in the state `entries` describe, from its index (brought up to that state first:
    each new graph file is read once, and not kept in memory). FileNotFoundError: a writer removed a version
    meanwhile; sqlite3.OperationalError: the index cannot be opened or written (a read-only store)."""
    key = str(store.path.resolve())
    with _INDEXES_LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = QuestionIndex(store.path / INDEX_FILE)
    index.sync(entries, lambda entry: _read(store.path, entry))
    return IndexedGraph(index)


def _read(root: Path, entry: ManifestEntry) -> tuple[GraphPart, SourceDocument]:
    """The entry's own versions of its graph and document (not whatever the manifest names by now)."""
    part = read_part(entry, (root / entry.graph_file).read_text(encoding="utf-8"))
    return part, codec.from_json(SourceDocument, (root / entry.document_file).read_text(encoding="utf-8"))

