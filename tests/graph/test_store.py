"""graph.store: ingest, replace, remove, crash safety and the write lock, on the hand-made Kế hoạch."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from graph import iri
from graph import store as store_module
from graph.store import Store, StoreError, StoreLockedError
from ingest.model import Anomaly
from tests.graph import sample

REPO = Path(__file__).resolve().parents[2]

LEADS = """
SELECT ?id ?lead WHERE {
  ?task a p-plan:Step ; dcterms:identifier ?id ; prov:qualifiedAssociation ?a .
  ?a prov:hadRole pg:Lead ; prov:agent ?agency . ?agency skos:prefLabel ?lead .
} ORDER BY ?id"""
APPENDIX = "\nPhụ lục: danh mục nhiệm vụ"   # makes the second document: another text, the same offsets


@pytest.fixture
def files(tmp_path):
    """Two source files: the Kế hoạch, and another document (a copy with an appendix)."""
    first, second = tmp_path / "src" / "052.txt", tmp_path / "src" / "053.txt"
    first.parent.mkdir()
    first.write_text(sample.TEXT, encoding="utf-8")
    second.write_text(sample.source_document(APPENDIX).text, encoding="utf-8")
    return first, second


def _ingest(store: Store, path: Path, addendum: str = "", source: str | None = None):
    doc = sample.source_document(addendum, source=source or path.name)
    return store.ingest(path, sample.extraction(doc), doc)


def _snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every stored file's time and bytes; SQLite's shared-memory index (-shm) is not data: readers write it."""
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith("-shm")}


def _graphs(store: Store) -> set[str]:
    return {row["g"] for row in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}


def test_store_query_finds_the_tasks_lead(tmp_path, files):
    store = Store(tmp_path / "store")
    _ingest(store, files[0])
    assert store.query(LEADS) == [{"id": sample.TASK_ROW, "lead": sample.PHONG},
                                  {"id": sample.TASK_PARA, "lead": sample.SO}]
    assert store.query("ASK { ?law eli:id_local '57-NQ/TW' }") is True


def test_store_keeps_document_and_extraction(tmp_path, files):
    store = Store(tmp_path / "store")
    result = _ingest(store, files[0])
    doc = sample.source_document(source="052.txt")
    assert result.status == "added"
    assert store.document(result.doc_id) == doc
    assert store.extraction(result.doc_id) == sample.extraction(doc)
    (entry,) = store.documents()
    assert store.entry("052.txt") == store.entry(doc.id) == entry
    assert (entry.source, entry.path, entry.doc_id) == ("052.txt", str(files[0].resolve()), doc.id)
    assert len(entry.content_hash) == 64 and entry.ingested_at and entry.extractor_version
    assert len(store.dataset()) == entry.quads
    assert store.graph_view().nodes[str(iri.document_iri(doc.id))]["kind"] == "document"


def test_store_unchanged_reingest_is_a_noop(tmp_path, files):
    store = Store(tmp_path / "store")
    _ingest(store, files[0])
    before = _snapshot(tmp_path / "store")
    result = _ingest(Store(tmp_path / "store"), files[0])
    assert result.status == "unchanged"
    assert _snapshot(tmp_path / "store") == before


def test_store_changed_file_replaces_its_facts_only(tmp_path, files):
    store = Store(tmp_path / "store")
    old = _ingest(store, files[0]).doc_id
    other = _ingest(store, files[1], APPENDIX).doc_id
    other_quads = len(store.query(f"SELECT * WHERE {{ GRAPH <{iri.graph_iri(other)}> {{ ?s ?p ?o }} }}"))

    addendum = "\nĐã sửa: bỏ chỉ tiêu."
    files[0].write_text(sample.TEXT + addendum, encoding="utf-8")
    doc = sample.source_document(addendum, source="052.txt")
    revised = dataclasses.replace(sample.extraction(doc), targets=[])
    result = store.ingest(files[0], revised, doc)

    assert (result.status, result.replaced) == ("replaced", old)
    assert _graphs(store) == {str(iri.graph_iri(result.doc_id)), str(iri.graph_iri(other))}
    assert [e.doc_id for e in store.documents()] == [other, result.doc_id]
    targets = store.query("SELECT ?g WHERE { GRAPH ?g { ?t a pg:Target } }")
    assert targets == [{"g": str(iri.graph_iri(other))}]   # the revised document dropped its target
    assert len(store.query(f"SELECT * WHERE {{ GRAPH <{iri.graph_iri(other)}> {{ ?s ?p ?o }} }}")) == other_quads
    assert len(list((tmp_path / "store" / "data").iterdir())) == 6   # the old version's files are gone


def test_store_remove_deletes_a_document_and_its_facts(tmp_path, files):
    store = Store(tmp_path / "store")
    first = _ingest(store, files[0]).doc_id
    second = _ingest(store, files[1], APPENDIX).doc_id
    assert store.remove("052.txt") == first          # by source file name
    assert _graphs(store) == {str(iri.graph_iri(second))}
    assert store.query(f"ASK {{ ?task p-plan:isStepOfPlan <{iri.document_iri(first)}> }}") is False
    with pytest.raises(KeyError, match="no document"):
        store.extraction(first)
    assert store.remove(str(files[1])) == second     # by path
    assert store.documents() == [] and store.query("ASK { ?s ?p ?o }") is False
    assert list((tmp_path / "store" / "data").iterdir()) == []
    with pytest.raises(KeyError):
        store.remove(second)


def test_store_crash_before_the_switch_keeps_the_old_state(tmp_path, files, monkeypatch):
    root = tmp_path / "store"
    store = Store(root)
    old = _ingest(store, files[0]).doc_id
    before = store.documents()
    files[0].write_text(sample.TEXT + "\nBản sửa.", encoding="utf-8")

    def crash(*_args):
        raise OSError("simulated crash between writing the new files and switching to them")

    monkeypatch.setattr(store_module, "_commit", crash)
    with pytest.raises(OSError, match="simulated crash"):
        _ingest(store, files[0], "\nBản sửa.", source="052.txt")
    monkeypatch.undo()

    assert store.documents() == before
    reopened = Store(root)   # the next open is clean: the half-written version's files are gone
    (entry,) = reopened.documents()
    assert entry.doc_id == old
    assert {p.name for p in root.iterdir()} <= {"data", "lock", "manifest.sqlite", "manifest.sqlite-wal",
                                                "manifest.sqlite-shm"}
    assert sorted(f"data/{p.name}" for p in (root / "data").iterdir()) == sorted(entry.files())
    assert reopened.query(LEADS)[0]["lead"] == sample.PHONG


KILLED_INGEST = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from graph import store as store_module
    from tests.graph import sample
    point, root, path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    die = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
    if point == "before-switch":
        store_module._commit = die
    else:
        store_module.Store._delete_files = die
    doc = sample.source_document("\\nBản sửa.", source=path.name)
    store_module.Store(root).ingest(path, sample.extraction(doc), doc)
""")


@pytest.mark.parametrize("point, survivor", [("before-switch", "old"), ("before-cleanup", "new")])
def test_store_sigkill_leaves_one_whole_state(tmp_path, files, point, survivor):
    root = tmp_path / "store"
    old = _ingest(Store(root), files[0]).doc_id
    files[0].write_text(sample.TEXT + "\nBản sửa.", encoding="utf-8")
    new = sample.source_document("\nBản sửa.").id
    killed = subprocess.run([sys.executable, "-c", KILLED_INGEST, point, str(root), str(files[0])], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, timeout=60)
    assert killed.returncode == -9, killed.stderr.decode()

    reopened = Store(root)
    (entry,) = reopened.documents()
    assert entry.doc_id == (old if survivor == "old" else new)
    assert sorted(f"data/{p.name}" for p in (root / "data").iterdir()) == sorted(entry.files())
    assert _graphs(reopened) == {str(iri.graph_iri(entry.doc_id))}


def test_store_refuses_a_second_concurrent_ingest(tmp_path, files, monkeypatch):
    root = tmp_path / "store"
    building, release = threading.Event(), threading.Event()
    real_build = store_module.build_graph

    def slow_build(*args, **kwargs):
        building.set()
        release.wait(timeout=30)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(store_module, "build_graph", slow_build)
    outcome = {}
    first = threading.Thread(target=lambda: outcome.setdefault("first", _ingest(Store(root), files[0])))
    first.start()
    try:
        assert building.wait(timeout=30)
        with pytest.raises(StoreLockedError, match="another process is writing"):
            _ingest(Store(root, lock_wait_s=0), files[1], APPENDIX)
    finally:
        release.set()
        first.join(timeout=30)
    assert outcome["first"].status == "added"
    assert [e.source for e in Store(root).documents()] == ["052.txt"]


def test_store_refuses_a_graph_that_breaks_the_shapes(tmp_path, files):
    store = Store(tmp_path / "store")
    doc = sample.source_document(source="052.txt")
    broken = dataclasses.replace(sample.extraction(doc), anomalies=[Anomaly("typo_kind", "not a kind")])
    with pytest.raises(StoreError, match="does not conform"):
        store.ingest(files[0], broken, doc)
    assert store.documents() == [] and list((tmp_path / "store" / "data").iterdir()) == []


def test_store_same_text_from_another_file_is_kept_once(tmp_path, files):
    store = Store(tmp_path / "store")
    first = _ingest(store, files[0])
    copy = tmp_path / "src" / "copy-of-052.txt"
    copy.write_bytes(files[0].read_bytes())
    result = _ingest(store, copy)
    assert (result.status, result.doc_id, result.duplicate_of) == ("duplicate", first.doc_id,
                                                         str(files[0].resolve()))
    assert len(store.documents()) == 1


def test_store_reader_sees_another_writers_changes(tmp_path, files):
    reader, writer = Store(tmp_path / "store"), Store(tmp_path / "store")
    _ingest(writer, files[0])
    assert len(reader.query(LEADS)) == 2
    writer.remove("052.txt")
    assert reader.query(LEADS) == []


def test_store_written_by_an_older_plangraph_is_converted_when_opened(tmp_path, files):
    root = tmp_path / "store"
    store = Store(root)
    kept = [_ingest(store, files[0]).doc_id, _ingest(store, files[1], APPENDIX).doc_id]
    entries = store.documents()
    del store
    for name in ("manifest.sqlite", "manifest.sqlite-wal", "manifest.sqlite-shm"):
        (root / name).unlink(missing_ok=True)
    legacy = {"format": 1, "documents": [dataclasses.asdict(e) for e in entries]}
    (root / "manifest.json").write_text(json.dumps(legacy), encoding="utf-8")

    reopened = Store(root)

    assert reopened.documents() == entries and [e.doc_id for e in entries] == kept
    assert not (root / "manifest.json").exists() and (root / "manifest.sqlite").is_file()
    assert reopened.query(LEADS)[0]["lead"] == sample.PHONG
