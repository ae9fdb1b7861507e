"""The search index follows the store document by document: `plangraph ingest` and `plangraph remove` update it
(a new segment, tombstones), and so do uploads and deletions over HTTP; nothing is indexed twice. The question and
duplicate indexes follow the CLI's changes too."""
from __future__ import annotations

import argparse
import sqlite3

from fastapi.testclient import TestClient

from api import search_adapter
from api.app import create_app
from api.commands import store as store_command
from api.settings import Settings
from graph.duplicate_index import INDEX_FILE as DUPLICATES_FILE
from graph.question_index import INDEX_FILE
from graph.store import Store
from search.engine import SearchEngine
from tests.api.checks import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _ingest(paths, directory) -> int:
    return store_command.run_ingest(argparse.Namespace(paths=[str(p) for p in paths], store=str(directory),
                                                       no_index=False, no_validate=True, workers=None, scheduler=None))


def test_cli_ingest_and_remove_update_the_index_per_document(corpus_paths, tmp_path, monkeypatch):
    assert _ingest(corpus_paths[:2], tmp_path) == 0
    first = SearchEngine.load(tmp_path / search_adapter.INDEX_DIR)
    assert len(first.documents()) == 2 and len(first.index.segments) == 1
    indexed: list[str] = []
    build_units = search_adapter.build_units
    monkeypatch.setattr(search_adapter, "build_units",
                        lambda doc, extraction: indexed.append(doc.source) or build_units(doc, extraction))
    assert _ingest(corpus_paths[:3], tmp_path) == 0   # two unchanged, one new
    assert indexed == [corpus_paths[2].name]
    grown = SearchEngine.load(tmp_path / search_adapter.INDEX_DIR)
    assert [s.name for s in grown.index.segments][:1] == [first.index.segments[0].name]   # kept, not rewritten
    removed = next(iter(first.documents()))
    assert store_command.run_remove(argparse.Namespace(document=removed, store=str(tmp_path))) == 0
    after = SearchEngine.load(tmp_path / search_adapter.INDEX_DIR)
    assert removed not in after.documents() and len(after.documents()) == 2
    assert all(u.doc_id != removed for u in after.units) and indexed == [corpus_paths[2].name]


def test_upload_adds_a_segment_and_keeps_the_others(corpus_paths, tmp_path):
    settings = Settings(store=tmp_path, validate=False, admin_token=TOKEN, embed_duplicates=False,
                        max_upload_bytes=200_000)
    with TestClient(create_app(settings)) as client:
        library = client.app.state.services.library
        for path in corpus_paths[:2]:
            answer = client.post("/admin/ingest", headers=AUTH, files={"file": (path.name, path.read_bytes())})
            assert answer.status_code == 200, answer.text
        engine = library.snapshot().engine
        assert len(engine.index.segments) == 2 and len(engine.documents()) == 2
        before = engine.search("khoa học công nghệ", k=5)   # an engine in hand goes on answering as it was
        client.delete(f"/admin/documents/{answer.json()['doc_id']}", headers=AUTH)
        after = library.snapshot().engine
        assert after.index.segments == engine.index.segments[:1]
        assert [h.id for h in engine.search("khoa học công nghệ", k=5).hits] == [h.id for h in before.hits]


def test_cli_ingest_and_remove_keep_the_question_and_duplicate_indexes_in_step(corpus_paths, tmp_path):
    def indexed() -> tuple[list[str], list[str]]:
        with sqlite3.connect(tmp_path / INDEX_FILE) as questions, \
                sqlite3.connect(tmp_path / DUPLICATES_FILE) as duplicates:
            return (sorted(row[0] for row in questions.execute("SELECT graph_file FROM files")),
                    sorted(row[0] for row in duplicates.execute("SELECT extraction_file FROM files")))

    def stored() -> tuple[list[str], list[str]]:
        entries = Store(tmp_path, validate=False).documents()
        return sorted(e.graph_file for e in entries), sorted(e.extraction_file for e in entries)

    assert _ingest(corpus_paths[:2], tmp_path) == 0
    assert indexed() == stored() and len(indexed()[1]) == 2
    first = Store(tmp_path, validate=False).documents()[0].doc_id
    assert store_command.run_remove(argparse.Namespace(document=first, store=str(tmp_path))) == 0
    assert indexed() == stored() and len(indexed()[1]) == 1
