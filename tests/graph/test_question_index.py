"""The on-disk question index answers every question as the in-memory view does, and follows the store's
changes document by document."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from graph import questions as q
from graph.parts import combine_parts, graph_part
from graph.question_index import INDEX_FILE, IndexedGraph
from graph.store import Store
from ingest.pipeline import extract
from ingest.readers import read
from tests.conftest import SHARED

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = [*sorted((SHARED / "corpus").glob("*.txt")), *sorted(DATA.glob("*.txt"))]


def _ingest(store: Store, paths: list[Path]) -> None:
    for path in paths:
        doc = read(path)
        store.ingest(path, extract(doc), doc)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("index") / "store", validate=False)
    _ingest(store, SAMPLES)
    return store


def _held(store: Store) -> q.HeldState:
    """The same state of the store as the HTTP service holds it: in memory, a NetworkX view."""
    entries = {e.doc_id: e for e in store.documents()}
    return q.HeldState(store.path, entries, {d: store.document(d) for d in entries},
                       {d: store.extraction(d) for d in entries}, combine_parts([graph_part(store, e) for e in entries.values()]))


def _answer(question, state, name) -> dict:
    try:
        return question(state, name).to_dict()
    except q.QuestionError as error:
        return {"error": str(error)}


def _same_answers(store: Store, held: q.HeldState) -> None:
    indexed, memory = q.question_graph(store), held.graph
    assert isinstance(indexed, IndexedGraph)
    assert sorted(indexed.legal) == sorted(memory.legal) and sorted(indexed.agencies) == sorted(memory.agencies)
    assert sorted(indexed.people) == sorted(memory.people) and sorted(indexed.documents) == sorted(memory.documents)
    for key in sorted({d.key for n in memory.legal for d in q._merge_yearless(memory, [n])}):
        assert _answer(q.cites, store, key) == _answer(q.cites, held, key), key
        page = lambda state, name: q.cites(state, name, offset=2, limit=3)   # noqa: E731
        assert _answer(page, store, key) == _answer(page, held, key), key
    agency_page = lambda state, name: q.agency(state, name, offset=1, limit=2)   # noqa: E731
    for node in memory.agencies:
        assert _answer(q.agency, store, node) == _answer(q.agency, held, node), node
        assert _answer(agency_page, store, node) == _answer(agency_page, held, node), node
    person_page = lambda state, name: q.person(state, name, offset=1, limit=2)   # noqa: E731
    for node in memory.people:
        assert _answer(q.person, store, node) == _answer(q.person, held, node), node
        assert _answer(person_page, store, node) == _answer(person_page, held, node), node
    tasks = sorted(memory.tasks)[::9]
    subjects = [d["source"] for d in memory.documents.values()] + [
        f"{memory.documents[memory.tasks[t]['doc']]['source']}#{memory.tasks[t]['id']}" for t in tasks]
    for name in subjects:
        assert _answer(q.basis, store, name) == _answer(q.basis, held, name), name


def test_every_answer_equals_the_in_memory_views(store):
    _same_answers(store, _held(store))


@pytest.mark.parametrize("typed", ["Nghị quyết 57", "NQ 57", "nghi quyet so 57", "57-NQ/TW", "Quyết định 749/QĐ-TTg",
                                   "169/KH-UBND", "Phòng QLKH", "Sở KH&CN", "Trần Công Hòa", "tran cong hoa"])
def test_names_as_users_type_them_resolve_alike(store, typed):
    held = _held(store)
    for question in (q.cites, q.agency, q.person):
        assert _answer(question, store, typed) == _answer(question, held, typed)


def test_the_index_follows_removals_and_additions(store, tmp_path):
    copy = Store(shutil.copytree(store.path, tmp_path / "store"), validate=False)
    q.question_graph(copy)
    removed = copy.documents()[0]
    copy.remove(removed.doc_id)
    _same_answers(copy, _held(copy))
    files = [r[0] for r in sqlite3.connect(copy.path / INDEX_FILE).execute("SELECT graph_file FROM files")]
    assert sorted(files) == sorted(e.graph_file for e in copy.documents())
    _ingest(copy, [next(p for p in SAMPLES if p.name == removed.source)])
    _same_answers(copy, _held(copy))


def test_an_index_of_another_format_is_rebuilt(store, tmp_path):
    copy = Store(shutil.copytree(store.path, tmp_path / "store"), validate=False)
    with sqlite3.connect(copy.path / INDEX_FILE) as connection:   # an older plangraph's tables, not these
        connection.execute("UPDATE meta SET value = 'older' WHERE key = 'format'")
        connection.execute("DROP TABLE files")
        connection.execute("CREATE TABLE files (file INTEGER PRIMARY KEY, graph_file TEXT UNIQUE NOT NULL)")
    assert _answer(q.cites, copy, "57-NQ/TW") == _answer(q.cites, store, "57-NQ/TW")
    with sqlite3.connect(copy.path / INDEX_FILE) as connection:
        assert connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()[0] != "older"
