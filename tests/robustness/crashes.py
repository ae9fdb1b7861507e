"""Writers killed at random points, and the check of what they leave behind (shared by the tests and the bench).

A *plan* is a few real documents, each in two versions (the file as given, and the file with one more task),
read and extracted once and kept as JSON, so that a writer process can ingest, replace and remove them many
times a second without reading or extracting anything. The writer (`crash_driver`) journals each change before
it makes it: the state before and the state after, as sets of document ids. After a kill, the store must hold
the state after the last change the journal marks done, or, for a change cut short, the state before it or the
state after it: never a mix, nothing lost, no file left that no manifest names, and the service's search index
rebuilt over it points only at stored documents.
"""
from __future__ import annotations

import json
import shutil
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from graph import codec
from graph.iri import graph_iri
from graph.store import MANIFEST, Store
from ingest.document import SourceDocument
from ingest.model import Extraction
from ingest.pipeline import extract
from ingest.readers import read

REPO = Path(__file__).resolve().parents[2]
ADDED_TASK = "\n\nBổ sung nhiệm vụ: tổ chức hội nghị tổng kết kế hoạch, hoàn thành trong quý IV năm 2025.\n"
VERSIONS = (0, 1)
JOURNAL = "journal.jsonl"
READY = "ready"

State = frozenset   # the document ids a manifest names


@dataclass(frozen=True)
class Version:
    name: str           # the source file's name
    number: int
    doc_id: str


def prepare_plan(sources: list[Path], folder: Path) -> list[Version]:
    """Read and extract two versions of each source into `folder` (JSON beside the file's bytes)."""
    work = folder / "work"
    work.mkdir(parents=True, exist_ok=True)
    versions = []
    for source in sources:
        for number in VERSIONS:
            data = source.read_bytes() + (ADDED_TASK.encode("utf-8") if number else b"")
            path = work / source.name
            path.write_bytes(data)
            doc = read(path)
            stem = f"{source.name}.v{number}"
            (folder / f"{stem}.source").write_bytes(data)
            (folder / f"{stem}.document.json").write_text(codec.to_json(doc), encoding="utf-8")
            (folder / f"{stem}.extraction.json").write_text(codec.to_json(extract(doc)), encoding="utf-8")
            versions.append(Version(source.name, number, doc.id))
    (folder / "plan.json").write_text(json.dumps([v.__dict__ for v in versions]), encoding="utf-8")
    return versions


def first_versions(folder: Path, versions: list[Version], sources: Path) -> Path:
    """Copy the first version of every planned document into `sources`, as files a user would ingest."""
    sources.mkdir()
    for version in versions:
        if version.number == 0:
            shutil.copy(folder / f"{version.name}.v0.source", sources / version.name)
    return sources


def plan_versions(folder: Path) -> list[Version]:
    return [Version(**item) for item in json.loads((folder / "plan.json").read_text(encoding="utf-8"))]


def load_version(folder: Path, version: Version) -> tuple[bytes, SourceDocument, Extraction]:
    stem = f"{version.name}.v{version.number}"
    return ((folder / f"{stem}.source").read_bytes(),
            codec.from_json(SourceDocument, (folder / f"{stem}.document.json").read_text(encoding="utf-8")),
            codec.from_json(Extraction, (folder / f"{stem}.extraction.json").read_text(encoding="utf-8")))


# -- the writer process and its journal -------------------------------------------------------------------------

def start_writer(plan: Path, store: Path, seed: float, step: int | None = None) -> subprocess.Popen:
    """The writer process (`crash_driver`), once it has opened the store; with `step`, it kills itself there."""
    (plan / JOURNAL).unlink(missing_ok=True)
    command = [sys.executable, "-m", "tests.robustness.crash_driver", str(plan), str(store), str(seed)]
    writer = subprocess.Popen(command + ([str(step)] if step is not None else []), cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    if writer.stdout.readline().strip() != READY:
        raise AssertionError(f"the writer did not start: {writer.communicate(timeout=30)[1]}")
    return writer


def stop_writer(writer: subprocess.Popen) -> None:
    if writer.poll() is None:
        writer.kill()
        writer.wait()
    writer.stdout.close()
    writer.stderr.close()


def _entries(journal: Path) -> list[dict]:
    return [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines() if line.strip()]


def journal_states(journal: Path) -> set[State]:
    """Every state the writer's changes passed through (including one it may have been killed in)."""
    entries = _entries(journal)
    return {State(entries[0]["start"])} | {State(entry["after"]) for entry in entries if "after" in entry}


def read_journal(journal: Path) -> tuple[tuple[State, ...], int, State]:
    """(the states the store may be in, changes done, documents that no change in flight touches)."""
    entries = _entries(journal)
    opened = [entry for entry in entries if "before" in entry]
    if not opened:
        start = State(entries[0]["start"])
        return (start,), 0, start
    before, after = State(opened[-1]["before"]), State(opened[-1]["after"])
    done = sum(1 for entry in entries if entry.get("done"))
    finished = entries[-1].get("done", False)
    return ((after,) if finished else (before, after)), done, before & after


# -- one round: start a writer, kill it, see what it left ------------------------------------------------------

@dataclass
class Round:
    mode: str                 # "timer": killed by this process after a random delay; "step": by itself
    allowed: tuple[State, ...]
    state: State
    changes_done: int         # changes the writer completed before it was killed
    lost: int                 # documents the store should hold and does not (must be 0)


def crash_round(plan: Path, store: Path, rng: random.Random, *, mode: str, window_s: float = 1.5) -> Round:
    """Run the writer on `store` and SIGKILL it: from here after a random delay, or at a random input/output
    step of the store (the writer kills itself just before that step); then check what it left."""
    writer = start_writer(plan, store, rng.random(), rng.randint(1, 40) if mode == "step" else None)
    try:
        if mode == "timer":
            time.sleep(rng.uniform(0, window_s))
            writer.send_signal(signal.SIGKILL)
        returncode = writer.wait(timeout=120)
        errors = writer.stderr.read()
    finally:
        stop_writer(writer)
    assert returncode == -signal.SIGKILL, f"the writer ended with {returncode}, not killed: {errors}"
    allowed, done, untouched = read_journal(plan / JOURNAL)
    state = check_store(store)
    return Round(mode, allowed, state, done, lost=0 if state in allowed else len(untouched - state))


def check_store(root: Path) -> State:
    """Reopen the store and check it is one whole state; return it. A manifest entry points only at files that
    exist and hold that document; no file is left that the manifest does not name; the graphs queried are the
    documents listed; the service's search index, rebuilt from the store, points only at stored documents."""
    from api.library import build_snapshot   # imported here: the writer process never needs the service

    store = Store(root, validate=False)
    entries = store.documents()
    state = State(entry.doc_id for entry in entries)
    named = {name for entry in entries for name in entry.files()}
    on_disk = {f"data/{file.name}" for file in (root / "data").iterdir()}
    assert on_disk == named, f"files no manifest names: {sorted(on_disk - named)}; missing: {sorted(named - on_disk)}"
    assert sorted(file.name for file in root.iterdir() if file.name.startswith(f".{MANIFEST}")) == []
    for entry in entries:
        assert store.document(entry.doc_id).id == entry.doc_id
        assert store.extraction(entry.doc_id).doc_id == entry.doc_id
    graphs = {row["g"] for row in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {str(graph_iri(doc_id)) for doc_id in state}
    if state:   # an empty store has nothing to index (and search/ cannot build an index of no units yet)
        snapshot = build_snapshot(store)
        assert {doc_id for doc_id, _file in snapshot.version} == state
        for unit in snapshot.units.values():
            assert unit.doc_id in state
            assert 0 <= unit.start <= unit.end <= len(snapshot.documents[unit.doc_id].text)
    return state
