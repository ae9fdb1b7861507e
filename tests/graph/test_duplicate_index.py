"""The on-disk duplicate index answers `duplicates --task` as the finder over every stored task does, and
follows the store's changes."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from graph.duplicate_index import INDEX_FILE, duplicate_index
from graph.duplicates import DuplicateFinder
from graph.store import Store
from ingest.pipeline import extract
from ingest.readers import read
from tests.conftest import SHARED

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = [*sorted((SHARED / "corpus").glob("*.txt")), *sorted(DATA.glob("*.txt"))]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("duplicates") / "store", validate=False)
    for path in SAMPLES:
        doc = read(path)
        store.ingest(path, extract(doc), doc)
    return store


def _full(store: Store) -> DuplicateFinder:
    return DuplicateFinder([store.extraction(e.doc_id) for e in store.documents()], None)


def _groups(groups) -> list[dict]:
    return [g.to_dict() for g in groups]


def _same_answers(store: Store, others: int = 4) -> int:
    """Every task with groups, and every `others`-th of the rest (each question builds a finder: some 0.1 s)."""
    full, index = _full(store), duplicate_index(store)
    answers = {task: _groups(full.groups_of(*task)) for task in full._position}
    asked = [task for task, groups in answers.items() if groups]
    asked += [task for task, groups in answers.items() if not groups][::others]
    for task in asked:
        assert _groups(index.groups_of(*task)) == answers[task], task
    return len([task for task in asked if answers[task]])


def test_every_task_has_the_groups_the_full_finder_gives(store):
    assert _same_answers(store) >= 40


def test_the_index_follows_a_removal_and_a_readdition(store, tmp_path):
    copy = Store(tmp_path / "copy", validate=False)
    for path in SAMPLES[:4]:
        doc = read(path)
        copy.ingest(path, extract(doc), doc)
    duplicate_index(copy)
    removed = copy.documents()[1]
    copy.remove(removed.doc_id)
    assert _same_answers(copy, others=20)
    doc = read(Path(removed.path))
    copy.ingest(Path(removed.path), extract(doc), doc)
    assert _same_answers(copy, others=20)
    assert (copy.path / INDEX_FILE).exists()


def test_an_index_of_another_format_is_rebuilt(store, tmp_path):
    copy = Store(shutil.copytree(store.path, tmp_path / "store"), validate=False)
    source, task_id = next((s, t) for s, t in _full(store)._position if duplicate_index(store).groups_of(s, t))
    with sqlite3.connect(copy.path / INDEX_FILE) as connection:   # an older plangraph's tables, not these
        connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('format', 'older')")
        connection.execute("DROP TABLE IF EXISTS rows")
        connection.execute("CREATE TABLE rows (file INTEGER, pos INTEGER, task TEXT)")
    assert _groups(duplicate_index(copy).groups_of(source, task_id)) == _groups(_full(store).groups_of(source, task_id))



def test_past_the_candidate_cap_the_index_judges_the_rows_the_finder_judges(store, monkeypatch):
    """With one candidate a row (the sample tasks share bands with up to 10 rows of other documents), the index
    loads the row sharing most bands that the finder judges, ties broken alike."""
    monkeypatch.setattr("graph.duplicates.ACROSS_CANDIDATES", 1)
    monkeypatch.setattr("graph.duplicate_index.ACROSS_CANDIDATES", 1)
    assert _same_answers(store) >= 30
