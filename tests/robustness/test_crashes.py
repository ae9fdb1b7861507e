"""A writer killed with SIGKILL at random points, again and again, leaves the store in one whole state: the
previous one or the new one, nothing lost, no stray file, an index that points only at stored documents; and
the next ingest completes. A disk that fills up during a write leaves the previous state and says so."""
from __future__ import annotations

import errno
import io
import random
import sqlite3

import pytest

from api import cli
from graph import store as store_module
from graph.store import Store, StoreError
from tests.robustness.crashes import check_store, crash_round, first_versions, load_version

CI_ROUNDS = 10


@pytest.mark.slow
def test_crashes_sigkill_at_random_points_leaves_one_whole_state(plan, tmp_path):
    folder, versions = plan
    root = tmp_path / "store"
    rng = random.Random(20251201)
    rounds = [crash_round(folder, root, rng, mode="timer" if n % 2 else "step") for n in range(CI_ROUNDS)]
    for crash in rounds:
        assert crash.state in crash.allowed and crash.lost == 0, crash
    assert sum(crash.changes_done for crash in rounds) >= CI_ROUNDS   # the writer got work done between kills
    # the next ingest completes, over whatever the last kill left
    store = Store(root, validate=False)
    held = {entry.doc_id for entry in store.documents()}
    version = next(v for v in versions if v.doc_id not in held)
    data, doc, extraction = load_version(folder, version)
    path = folder / "work" / version.name
    path.write_bytes(data)
    assert store.ingest(path, extraction, doc).status in ("added", "replaced")
    assert version.doc_id in check_store(root)


# -- a full disk ----------------------------------------------------------------------------------------------

class _FillingDisk:
    """Files opened for writing by the store take half of what they are given, then the disk is full, from
    the `fail_at`-th file on (counting from 0)."""

    def __init__(self, fail_at: int):
        self.fail_at = fail_at
        self.opened = 0

    def open(self, path, mode="r", *args, **kwargs):
        handle = open(path, mode, *args, **kwargs)
        if "x" not in mode and "w" not in mode:
            return handle
        self.opened += 1
        return _FullFile(handle) if self.opened > self.fail_at else handle


class _FullFile(io.RawIOBase):
    def __init__(self, handle):
        self.handle = handle

    def write(self, data):
        self.handle.write(data[:len(data) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def fileno(self):
        return self.handle.fileno()

    def __exit__(self, *exc):
        self.handle.close()


def _stored(folder, root, version):
    data, doc, extraction = load_version(folder, version)
    path = folder / "work" / version.name
    path.write_bytes(data)
    return Store(root, validate=False).ingest(path, extraction, doc)


def _commit_on_a_full_disk(_connection):
    raise sqlite3.OperationalError("database or disk is full")   # what SQLite raises when the disk fills


@pytest.mark.parametrize("fail_at", [0, 1, 2, 3], ids=["graph", "document", "extraction", "manifest"])
def test_crashes_full_disk_during_a_write_keeps_the_previous_state(plan, tmp_path, monkeypatch, fail_at):
    folder, versions = plan
    root = tmp_path / "store"
    first, replacement = versions[0], versions[1]   # two versions of the same file
    _stored(folder, root, first)
    entries = Store(root, validate=False).documents()
    files_before = sorted(p.name for p in (root / "data").iterdir())

    if fail_at < 3:
        monkeypatch.setattr(store_module, "open", _FillingDisk(fail_at).open, raising=False)
    else:
        monkeypatch.setattr(store_module, "_commit", _commit_on_a_full_disk)
    with pytest.raises(StoreError) as refused:
        _stored(folder, root, replacement)
    monkeypatch.undo()

    assert "the disk is full" in str(refused.value) and "keeps its previous state" in str(refused.value)
    assert Store(root, validate=False).documents() == entries
    assert sorted(p.name for p in (root / "data").iterdir()) == files_before   # no half-written file is left
    assert check_store(root) == {first.doc_id}
    assert _stored(folder, root, replacement).status == "replaced"   # room again: the next ingest completes
    assert check_store(root) == {replacement.doc_id}


def test_crashes_full_disk_through_the_cli_names_the_file_and_goes_on(plan, tmp_path, monkeypatch, capsys):
    folder, versions = plan
    sources = first_versions(folder, versions, tmp_path / "sources")
    disk = _FillingDisk(fail_at=4)   # the second document's graph file finds the disk full
    monkeypatch.setattr(store_module, "open", disk.open, raising=False)
    code = cli.main(["ingest", str(sources), "--store", str(tmp_path / "store"), "--no-validate", "--no-index"])
    monkeypatch.undo()
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert code == 1 and len(errors) == 2   # the second and the third: the disk stays full
    assert all("the disk is full" in line and "keeps its previous state" in line for line in errors)
    assert len(check_store(tmp_path / "store")) == 1
