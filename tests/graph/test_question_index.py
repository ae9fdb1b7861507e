"""The on-disk question index answers every question as the in-memory view does, and follows the store's
changes document by document."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from graph import question_index
from graph import questions as q
from graph.parts import combine_parts, graph_part
from graph.question_index import INDEX_FILE, HeldWalk, IndexedGraph, QuestionIndex
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


def _held(store: Store, graph=None) -> q.HeldState:
    """The same state of the store as the HTTP service holds it: in memory, a NetworkX view (or `graph`)."""
    entries = {e.doc_id: e for e in store.documents()}
    return q.HeldState(store.path, entries, {d: store.document(d) for d in entries}, {d: store.extraction(d) for d in entries},
                       graph or combine_parts([graph_part(store, e) for e in entries.values()]))


def _walks(store: Store) -> int:
    return sqlite3.connect(store.path / INDEX_FILE).execute("SELECT COUNT(*) FROM walks").fetchone()[0]


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


def test_a_walk_held_in_the_index_answers_as_the_walk_did(store, tmp_path, monkeypatch):
    """A much-cited resolution's walk is kept in the index: another process asking reads the page it asks."""
    copy = Store(shutil.copytree(store.path, tmp_path / "store"), validate=False)
    monkeypatch.setattr(question_index, "HELD_WALK", 0)   # every walk held, as a national resolution's is
    memory = _held(copy)
    keys = sorted({d.key for n in memory.graph.legal for d in q._merge_yearless(memory.graph, [n])})
    for key in keys:
        q.cites(copy, key)
    assert _walks(copy) > 0
    for key in keys:
        fresh = _held(copy, IndexedGraph(QuestionIndex(copy.path / INDEX_FILE)))   # as another process reads it
        resolved = q.resolve_legal(fresh, key)
        if isinstance(resolved, q.LegalDocument):
            assert isinstance(fresh.graph.citers(tuple(resolved.iris)), HeldWalk)
        for offset, limit in ((0, None), (2, 3), (1, 1)):
            page = lambda state, name: q.cites(state, name, offset=offset, limit=limit)   # noqa: E731
            assert _answer(page, fresh, key) == _answer(page, memory, key), key


def test_a_change_to_the_store_forgets_the_held_walks(store, tmp_path, monkeypatch):
    copy = Store(shutil.copytree(store.path, tmp_path / "store"), validate=False)
    monkeypatch.setattr(question_index, "HELD_WALK", 0)
    before = {h.doc_id for h in q.cites(copy, "57-NQ/TW").citing}
    removed = next(e for e in copy.documents() if e.doc_id in before)
    copy.remove(removed.doc_id)
    after = q.cites(copy, "57-NQ/TW")
    assert removed.doc_id not in {h.doc_id for h in after.citing}
    assert _answer(q.cites, copy, "57-NQ/TW") == _answer(q.cites, _held(copy), "57-NQ/TW")


def test_a_walk_made_before_a_change_is_not_held(store, tmp_path, monkeypatch):
    """Another writer changes the index between a walk and its holding: the walk, of the earlier state, is
    answered but not kept for the new one."""
    copy = Store(shutil.copytree(store.path, tmp_path / "store"), validate=False)
    monkeypatch.setattr(question_index, "HELD_WALK", 0)
    index = QuestionIndex(copy.path / INDEX_FILE)
    hold = index.hold_walk

    def hold_after_a_change(*args) -> None:
        with index.transaction():
            index._changed()
        hold(*args)
    monkeypatch.setattr(index, "hold_walk", hold_after_a_change)
    answer = q.cites(_held(copy, IndexedGraph(index)), "57-NQ/TW")
    assert isinstance(answer, q.CitesAnswer) and answer.total > 0
    assert _walks(copy) == 0
