"""The duplicates of one task, found from an on-disk index (`<store>/duplicates.sqlite`) instead of a
`DuplicateFinder` over every stored task held in memory (at 10k documents that finder takes minutes to build
and gigabytes to hold).

`DuplicateFinder.groups_of` reads, besides the collection's term statistics, only some of the collection's
rows: the task's own document; the rows sharing an LSH band with one of its rows; the documents one of whose
programmes a row of it restates; the rows that restate one of its programmes. The index keeps what finds those
rows (each row's band keys, each row's runs of `PROGRAMME_OPENING` syllables, each document's programme
openings, as 64-bit hashes) and the rows holding each term, and a question loads those rows alone into a small
`DuplicateFinder` given the collection's statistics: its answer is the full finder's (without embeddings:
meaning needs every row's vector; the tests hold the two equal).

The index follows the store's manifest as `graph.question_index` does: rows tagged with their extraction
file, one transaction per change, rebuilt when its format changes. It is a cache of the stored extractions.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from graph import codec
from graph.duplicates import (ACROSS_CANDIDATES, PROGRAMME_OPENING, DuplicateFinder, DuplicateGroup, PreparedDocument, PreparedTask,
                              clause_words, copies_in, heading_words, prepare, programme_forms, programme_subject, restore,
                              term_counts)
from graph.question_index import Transaction, connect_cache, following, open_schema
from graph.store import ManifestEntry, Store
from ingest.model import DocumentMeta, Extraction, Programme, Span, Task

INDEX_FILE = "duplicates.sqlite"
FORMAT = "3"
_CHUNK = 500
DOCUMENTS = 256   # prepared documents kept (a task's page asks of its document's other tasks next)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (file INTEGER PRIMARY KEY AUTOINCREMENT, extraction_file TEXT UNIQUE NOT NULL,
                                  source TEXT NOT NULL, doc_id TEXT NOT NULL, programmes TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS files_by_source ON files (source);
CREATE TABLE IF NOT EXISTS rows (file INTEGER NOT NULL, pos INTEGER NOT NULL, task TEXT NOT NULL, words TEXT NOT NULL,
                                 clauses TEXT NOT NULL, hashes BLOB NOT NULL, PRIMARY KEY (file, pos)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, file INTEGER NOT NULL, pos INTEGER NOT NULL,
                                  PRIMARY KEY (key, file, pos)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS grams (gram INTEGER NOT NULL, file INTEGER NOT NULL, pos INTEGER NOT NULL,
                                  PRIMARY KEY (gram, file, pos)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS openings (gram INTEGER NOT NULL, file INTEGER NOT NULL,
                                     PRIMARY KEY (gram, file)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS holders (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
"""
_BY_FILE = ("rows", "bands", "grams", "openings")


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _band_hashes(rows: Iterable[PreparedTask]) -> list[set[int]]:
    """Each row's band keys, the band's number in the hash (two bands' equal values are no match)."""
    return [{_hash(f"{band}:{key.hex()}") for band, key in enumerate(task.bands)} for task in rows]


def _runs(words: tuple[str, ...]) -> set[int]:
    """The row's runs of PROGRAMME_OPENING syllables: where a programme's opening may lie."""
    return {_hash(" ".join(words[k:k + PROGRAMME_OPENING])) for k in range(len(words) - PROGRAMME_OPENING + 1)}


def _openings(document: PreparedDocument) -> set[int]:
    return {_hash(" ".join(opening)) for forms in document.programmes for form in forms
            if len(opening := programme_subject(form)[:PROGRAMME_OPENING]) == PROGRAMME_OPENING}


class DuplicateIndex:
    """The on-disk duplicate index of one store directory; `sync` brings it up to a state of the store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = connect_cache(path)
        open_schema(self._db, _SCHEMA, FORMAT)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('rows', '0')")   # the rows held, for the IDF
        # a file's rows never change (and AUTOINCREMENT never gives its id again): its prepared form is kept
        self._document: Callable[[int], PreparedDocument] = lru_cache(DOCUMENTS)(self._read_document)

    # ------------------------------------------------------------------------------------------ writing
    def sync(self, entries: list[ManifestEntry], read: Callable[[ManifestEntry], Extraction]) -> None:
        """Make the index hold exactly the extractions of `entries`, each read by `read`."""
        with self._lock, self.transaction():
            held = dict(self._db.execute("SELECT extraction_file, file FROM files"))
            wanted = {e.extraction_file: e for e in entries}
            for name in held.keys() - wanted.keys():
                self._remove(held[name])
            for name in [e.extraction_file for e in entries if e.extraction_file not in held]:
                self.add(name, read(wanted[name]))

    def add(self, extraction_file: str, extraction: Extraction) -> None:
        """One document's tasks, inside `sync`'s transaction or a caller's own (`transaction`)."""
        document = prepare(extraction)
        programmes = codec.to_json(_Programmes(extraction.programmes))
        file = self._db.execute("INSERT INTO files (extraction_file, source, doc_id, programmes) VALUES (?, ?, ?, ?)",
                                (extraction_file, extraction.source, extraction.doc_id, programmes)).lastrowid
        self._db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?)", (
            (file, pos, _task_json(t.task), " ".join(t.words),
             _CLAUSES.join(" ".join(c) for c in clause_words(t.task.text)), t.minhash.hashvalues.tobytes())
            for pos, t in enumerate(document.tasks)))
        self._db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?, ?)",
                             ((key, file, pos) for pos, keys in enumerate(_band_hashes(document.tasks)) for key in keys))
        self._db.executemany("INSERT OR IGNORE INTO grams VALUES (?, ?, ?)",
                             ((gram, file, pos) for pos, t in enumerate(document.tasks) for gram in _runs(t.words)))
        self._db.executemany("INSERT OR IGNORE INTO openings VALUES (?, ?)",
                             ((gram, file) for gram in _openings(document)))
        self._count([t.counts for t in document.tasks], 1)

    def _remove(self, file: int) -> None:
        self._count([term_counts(tuple(words.split())) for (words,) in
                     self._db.execute("SELECT words FROM rows WHERE file = ?", (file,))], -1)
        for table in _BY_FILE:
            self._db.execute(f"DELETE FROM {table} WHERE file = ?", (file,))
        self._db.execute("DELETE FROM files WHERE file = ?", (file,))

    def _count(self, rows: list[Counter], sign: int) -> None:
        """Add (or take away) rows with these term counts to the collection's statistics (IDF): the rows holding
        each term, and the rows in all."""
        held = Counter(term for counts in rows for term in counts)
        self._db.executemany("INSERT INTO holders VALUES (?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
                             ((term, sign * n) for term, n in held.items()))
        if sign < 0:
            self._db.executemany("DELETE FROM holders WHERE term = ? AND n <= 0", ((term,) for term in held))
        self._db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'rows'",
                         (sign * len(rows),))

    def transaction(self) -> Transaction:
        """One write transaction (`add` runs inside `sync`'s, or a caller's own)."""
        return Transaction(self._db)

    # ------------------------------------------------------------------------------------------ reading
    def groups_of(self, source: str, task_id: str) -> list[DuplicateGroup]:
        """What `DuplicateFinder(every stored extraction, None).groups_of(source, task_id)` gives. KeyError: no
        such task."""
        return self.finder_for(source, task_id).groups_of(source, task_id)

    def finder_for(self, source: str, task_id: str) -> DuplicateFinder:
        """A finder whose `groups_of(source, task_id)` is the full finder's: it holds the task's document and the
        rows its groups can hold. KeyError: no such document or task."""
        with self._lock:
            found = self._db.execute("SELECT file FROM files WHERE source = ? ORDER BY file DESC LIMIT 1",
                                     (source,)).fetchone()
            if found is None:
                raise KeyError(f"no document {source!r} in the duplicate index")
            file, own = found[0], self._document(found[0])
            copies = set(copies_in(own, task_id))   # the rows whose groups the task shares, reaching further
            rows = [t for t in own.tasks if t.task.id in copies]
            documents = {file: own}
            for other in self._programme_documents(rows) - {file}:
                documents[other] = self._document(other)
            band_rows = set().union(*(self._closest_band_rows(keys, file) for keys in _band_hashes(rows)))
            documents.update(self._rows(band_rows | self._restating_rows(own), skip=set(documents)))
            loaded = [documents[f] for f in sorted(documents)]   # in the store's order, as the full finder's
            return DuplicateFinder(loaded, None, collection=self._statistics(loaded))

    def _read_document(self, file: int) -> PreparedDocument:
        source, programmes = self._db.execute("SELECT source, programmes FROM files WHERE file = ?", (file,)).fetchone()
        extraction = Extraction(source, "", DocumentMeta(), programmes=codec.from_json(_Programmes, programmes).programmes)
        rows = self._db.execute(f"SELECT {_ROW} FROM rows WHERE file = ? ORDER BY pos", (file,))
        return PreparedDocument(source, tuple(_restored(*row) for row in rows), programme_forms(extraction))

    def _closest_band_rows(self, keys: set[int], own_file: int) -> set[tuple[int, int]]:
        """(file, pos) of the rows of other documents sharing one of a row's band `keys`: those
        `DuplicateFinder._across_candidates` judges (past ACROSS_CANDIDATES, the ones sharing most bands, then by
        file and task id)."""
        marks = ",".join("?" * len(keys))   # a row's bands, well under SQLite's limit on parameters
        shared = self._db.execute(f"SELECT file, pos, COUNT(*) FROM bands WHERE key IN ({marks}) AND file != ? "
                                  "GROUP BY file, pos", (*sorted(keys), own_file)).fetchall()
        if len(shared) <= ACROSS_CANDIDATES:
            return {(file, pos) for file, pos, _n in shared}
        bar = sorted((n for _f, _p, n in shared), reverse=True)[ACROSS_CANDIDATES - 1]
        above = {(file, pos) for file, pos, n in shared if n > bar}
        tied = self._names([(file, pos) for file, pos, n in shared if n == bar])
        return above | set(sorted(tied, key=tied.__getitem__)[:ACROSS_CANDIDATES - len(above)])

    def _names(self, rows: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, str]]:
        """(file, pos) -> (source, task id), through a TEMP table that SQLite walks, probing `rows` by key."""
        self._db.execute("PRAGMA temp_store=MEMORY")
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS asked (file INTEGER NOT NULL, pos INTEGER NOT NULL)")
        self._db.execute("DELETE FROM temp.asked")
        self._db.executemany("INSERT INTO temp.asked VALUES (?, ?)", rows)
        named = self._db.execute("SELECT a.file, a.pos, f.source, json_extract(r.task, '$[0]') FROM temp.asked a "
                                 "CROSS JOIN rows r ON r.file = a.file AND r.pos = a.pos "
                                 "CROSS JOIN files f ON f.file = a.file")
        return {(file, pos): (source, task_id) for file, pos, source, task_id in named}

    def _restating_rows(self, own: PreparedDocument) -> set[tuple[int, int]]:
        """(file, pos) of the rows that may restate one of `own`'s programmes from its start."""
        return set(self._lookup("SELECT file, pos FROM grams WHERE gram IN ({})", sorted(_openings(own))))

    def _programme_documents(self, rows: list[PreparedTask]) -> set[int]:
        """The documents one of whose programmes one of `rows` may restate."""
        runs = sorted(set().union(*(_runs(t.words) for t in rows)))
        return {file for (file,) in self._lookup("SELECT file FROM openings WHERE gram IN ({})", runs)}

    def _rows(self, rows: set[tuple[int, int]], skip: set[int]) -> dict[int, PreparedDocument]:
        """The rows outside the documents loaded whole, as partial documents (no programmes: a programme's
        naming rows are read only in a document loaded whole)."""
        by_file: dict[int, list[int]] = {}
        for file, pos in sorted(rows):
            if file not in skip:
                by_file.setdefault(file, []).append(pos)
        out = {}
        for file, positions in by_file.items():
            (source,) = self._db.execute("SELECT source FROM files WHERE file = ?", (file,)).fetchone()
            marks = ",".join("?" * len(positions))
            found = self._db.execute(f"SELECT {_ROW} FROM rows WHERE file = ? AND pos IN ({marks}) ORDER BY pos",
                                     (file, *positions))
            out[file] = PreparedDocument(source, tuple(_restored(*row) for row in found), [])
        return out

    def _statistics(self, documents: list[PreparedDocument]) -> tuple[Counter, int]:
        """The collection's holders of every term the loaded rows (and their documents' headings) hold, and
        its number of rows."""
        terms = {term for d in documents for t in d.tasks for term in t.counts}
        for section in {t.task.section for d in documents for t in d.tasks}:
            terms.update(term_counts(heading_words(section)))
        holders = Counter(dict(self._lookup("SELECT term, n FROM holders WHERE term IN ({})", sorted(terms))))
        total = int(self._db.execute("SELECT value FROM meta WHERE key = 'rows'").fetchone()[0])
        return holders, total

    def _lookup(self, sql: str, values: list) -> Iterator[tuple]:
        for at in range(0, len(values), _CHUNK):
            chunk = values[at:at + _CHUNK]
            yield from self._db.execute(sql.format(",".join("?" * len(chunk))), chunk)


_CLAUSES = "\x1f"   # between the clauses of a row, as stored
_ROW = "task, words, clauses, hashes"


def _task_json(task: Task) -> str:
    """What the finder reads of a task (its judging and its reasons), in a form read back in microseconds."""
    return json.dumps([task.id, task.section, task.text, task.span.start, task.span.end, task.lead, task.period,
                       task.citations], ensure_ascii=False)


def _task(stored: str) -> Task:
    task_id, section, text, start, end, lead, period, citations = json.loads(stored)
    return Task(task_id, section, text, Span(start, end), lead=lead, period=period, citations=citations)


def _restored(task: str, words: str, clauses: str, hashes: bytes) -> PreparedTask:
    return restore(_task(task), tuple(words.split()), [tuple(c.split()) for c in clauses.split(_CLAUSES)], hashes)


@dataclass
class _Programmes:
    """A document's programmes, as stored in one column."""
    programmes: list[Programme]


_INDEXES: dict[str, DuplicateIndex] = {}                          # store -> its index
_SYNCED: dict[str, tuple[tuple[str, ...], DuplicateIndex]] = {}   # store -> (extraction files held, its index)
_INDEXES_LOCK = threading.Lock()


def duplicate_index(store: Store) -> DuplicateIndex:
    """The duplicate index of `store`, brought up to the store's state (only the documents that changed are
    read). StoreError: it cannot be written, or the store kept changing while it was read."""
    def synced(entries: list[ManifestEntry]) -> DuplicateIndex:
        key = str(store.path.resolve())
        index = _INDEXES.get(key) or _INDEXES.setdefault(key, DuplicateIndex(store.path / INDEX_FILE))
        index.sync(entries, lambda e: codec.from_json(Extraction, (store.path / e.extraction_file).read_text(
            encoding="utf-8")))
        return index

    with _INDEXES_LOCK:
        return following(store, _SYNCED, "duplicate", lambda e: e.extraction_file, synced)
