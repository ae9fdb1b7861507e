"""Readers and writers at once: a query answers from one whole state of the store while another process
changes it; two ingests at once are serialised document by document; a store that stays locked is reported."""
from __future__ import annotations

import fcntl
import functools
import os
import shutil
import subprocess
import sys
import threading
import time

from api import cli
from api.commands import store as store_command
from graph.iri import graph_iri
from graph.store import Store, StoreError
from tests.robustness.crashes import (JOURNAL, REPO, State, check_store, first_versions, journal_states, load_version,
                                      start_writer, stop_writer)

GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
READ_FOR_S = 4.0


def test_concurrency_queries_during_ingests_each_see_one_state(plan, tmp_path):
    folder, versions = plan
    iri_to_doc = {str(graph_iri(v.doc_id)): v.doc_id for v in versions}
    reader = Store(tmp_path / "store", validate=False)
    writer = start_writer(folder, tmp_path / "store", seed=0.25)
    seen: list[State] = []
    retried = 0
    try:
        until = time.monotonic() + READ_FOR_S
        while time.monotonic() < until:
            try:
                seen.append(State(iri_to_doc[row["g"]] for row in reader.query(GRAPHS)))
                seen.append(State(iri_to_doc[str(g.identifier)] for g in reader.dataset().graphs()
                                  if str(g.identifier) in iri_to_doc))
            except StoreError:   # "kept changing while it was read; try again": refused whole, never mixed
                retried += 1
    finally:
        stop_writer(writer)
    states = journal_states(folder / JOURNAL)
    assert [state for state in seen if state not in states] == []
    assert len(set(seen)) >= 3, "the reader should have seen the writer's changes"
    assert retried <= len(seen) // 10
    check_store(tmp_path / "store")


def test_concurrency_dataset_rereads_when_a_writer_replaces_a_document_meanwhile(plan, tmp_path, monkeypatch):
    # Store.dataset() read the manifest, then each graph file: a writer replacing a document in between (and
    # deleting the old version's files) made it raise FileNotFoundError
    folder, versions = plan
    root = tmp_path / "store"
    _ingest(folder, root, versions[0])
    reader = Store(root)
    listed = reader.documents

    def listed_then_replaced():
        entries = listed()
        if not replaced:
            replaced.append(_ingest(folder, root, versions[1]))
        return entries

    replaced: list = []
    monkeypatch.setattr(reader, "documents", listed_then_replaced)
    graphs = {str(g.identifier) for g in reader.dataset().graphs()}
    assert str(graph_iri(versions[1].doc_id)) in graphs and str(graph_iri(versions[0].doc_id)) not in graphs


def _ingest(folder, root, version):
    data, doc, extraction = load_version(folder, version)
    path = folder / "work" / version.name
    path.write_bytes(data)
    return Store(root, validate=False).ingest(path, extraction, doc)


def test_concurrency_two_cli_ingests_at_once_are_serialised(plan, tmp_path):
    folder, versions = plan
    batches = [tmp_path / "first", tmp_path / "second"]
    for batch, version in zip(batches * 2, [v for v in versions if v.number == 0]):
        batch.mkdir(exist_ok=True)
        shutil.copy(folder / f"{version.name}.v0.source", batch / version.name)
    command = [sys.executable, "-m", "api.cli", "ingest", "--store", str(tmp_path / "store"), "--no-index"]
    runs = [subprocess.Popen(command + [str(batch)], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for batch in batches]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert [stderr.strip().splitlines()[-1] for _out, stderr in results] == ["2 added", "1 added"]
    assert check_store(tmp_path / "store") == {v.doc_id for v in versions if v.number == 0}


def test_concurrency_a_second_writer_waits_for_the_first_then_writes(plan, tmp_path):
    folder, versions = plan
    root = tmp_path / "store"
    Store(root)
    released = _hold_lock(root, seconds=0.5)
    started = time.monotonic()
    assert _ingest(folder, root, versions[0]).status == "added"
    assert time.monotonic() - started >= 0.4
    released.wait(timeout=10)


def test_concurrency_a_store_that_stays_locked_is_refused_with_one_message(plan, tmp_path, monkeypatch, capsys):
    folder, versions = plan
    sources = first_versions(folder, versions, tmp_path / "sources")
    root = tmp_path / "store"
    Store(root)
    released = _hold_lock(root, seconds=20)
    monkeypatch.setattr(store_command, "Store", functools.partial(Store, lock_wait_s=0.3))
    code = cli.main(["ingest", str(sources), "--store", str(root), "--no-validate", "--no-index"])
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert code == 1 and len(errors) == 1, errors   # the batch stops at the lock: one line, not one per file
    assert f"the store at {root} is locked: another process is writing to it" in errors[0]
    assert Store(root).documents() == []
    released.set()


def _hold_lock(root, seconds: float) -> threading.Event:
    """Hold the store's write lock from another thread for `seconds` (or until the event is set)."""
    release, held = threading.Event(), threading.Event()

    def hold():
        descriptor = os.open(root / "lock", os.O_RDWR)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        held.set()
        release.wait(timeout=seconds)
        os.close(descriptor)
        release.set()

    threading.Thread(target=hold, daemon=True).start()
    held.wait(timeout=10)
    return release
