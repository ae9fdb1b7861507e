"""The writer that the crash tests kill: ingests, replaces and removes the plan's documents until it dies.

    python -m tests.robustness.crash_driver PLAN_DIR STORE_DIR SEED [STEP]

It journals every change before making it (`crashes.read_journal` reads it back), prints "ready" once the store
is open, and then changes the store as fast as it can. With STEP it kills itself (SIGKILL) just before the
STEP-th input/output step of the store: writing a file, syncing a folder, committing the manifest, deleting old
files. Without it, the test kills it after a random delay.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sys
from pathlib import Path

from graph import store as store_module
from graph.store import Store
from tests.robustness.crashes import JOURNAL, READY, VERSIONS, load_version, plan_versions


def main(plan: Path, root: Path, seed: float, step: int | None) -> None:
    versions = plan_versions(plan)
    loaded = {(v.name, v.number): load_version(plan, v) for v in versions}
    store = Store(root, validate=False)
    state = {entry.doc_id for entry in store.documents()}
    journal = open(plan / JOURNAL, "a", encoding="utf-8")
    _log(journal, {"start": sorted(state)})
    print(READY, flush=True)
    if step is not None:
        _die_at(step)
    rng = random.Random(seed)
    work = plan / "work"
    while True:
        name = rng.choice(sorted({v.name for v in versions}))
        held = [v for v in versions if v.name == name and v.doc_id in state]
        others = state - {v.doc_id for v in held}
        if held and rng.random() < 0.25:
            _log(journal, {"before": sorted(state), "after": sorted(others)})
            store.remove(held[0].doc_id)
            state = others
        else:
            number = rng.choice([n for n in VERSIONS if not held or n != held[0].number])
            version = next(v for v in versions if v.name == name and v.number == number)
            data, doc, extraction = loaded[(name, number)]
            (work / name).write_bytes(data)
            _log(journal, {"before": sorted(state), "after": sorted(others | {version.doc_id})})
            store.ingest(work / name, extraction, doc)
            state = others | {version.doc_id}
        _log(journal, {"done": True})


def _log(journal, entry: dict) -> None:
    journal.write(json.dumps(entry) + "\n")
    journal.flush()   # SIGKILL keeps what the kernel has; a power cut is not what is tested here


def _die_at(step: int) -> None:
    """Wrap every input/output step of the store so that the step-th one is never taken."""
    steps = {"count": 0}

    def counted(real):
        def step_or_die(*args, **kwargs):
            steps["count"] += 1
            if steps["count"] >= step:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return step_or_die

    store_module._write_durably = counted(store_module._write_durably)
    store_module.fsync_path = counted(store_module.fsync_path)
    store_module._commit = counted(store_module._commit)
    Store._delete_files = counted(Store._delete_files)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(Path(arguments[0]), Path(arguments[1]), float(arguments[2]),
         int(arguments[3]) if len(arguments) > 3 else None)
