"""`plangraph serve` and the demo's sample documents (corpus/): what a person starting the service sees."""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.commands import store as store_command
from api.commands.demo import CORPUS
from api.settings import Settings
from tests.api.checks import NQ57

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's store: corpus/ ingested as `plangraph demo` does it, SHACL validation on."""
    directory = tmp_path_factory.mktemp("demo-store")
    failed = store_command.run_ingest(argparse.Namespace(paths=[str(CORPUS)], store=str(directory), no_index=True,
                                                         no_validate=False, workers=None, scheduler=None))
    assert failed == 0, "every sample document reads, extracts and conforms to the shapes"
    with TestClient(create_app(Settings(store=directory, embed_duplicates=False))) as client:
        yield client


def test_samples_show_the_resolution_cited_through_the_provincial_plan(demo):
    page = demo.get(NQ57).json()
    sources = {doc["source"] for group in page["groups"] for doc in group["documents"]}
    assert {path.name for path in CORPUS.iterdir()} <= sources
    through = {item["label"] for item in page["through"]}
    assert any(label.startswith("Kế hoạch 9001/KH-UBND") for label in through)
    tasks = [item for group in page["groups"] for doc in group["documents"] for item in doc["items"]
             if item["kind"] == "task"]
    assert tasks and all(item["provenance"] for item in tasks)


def test_samples_have_a_task_table_with_roles_and_periods(demo):
    plan = next(d for d in demo.get("/documents").json()["documents"] if d["doc_type"] == "Kế hoạch")
    page = demo.get(f"/documents/{plan['doc_id']}").json()
    assert len(page["tasks"]) >= 8
    task = demo.get(page["tasks"][0]["href"]).json()
    assert task["roles"]["lead"] and task["period"] and task["products"]


@pytest.mark.parametrize("workers", [[], ["--workers", "2"]], ids=["one process", "two workers"])
def test_serve_prints_its_address_answers_and_stops_on_ctrl_c(demo, workers):
    environment = {**os.environ, "PLANGRAPH_EMBED_DUPLICATES": "false", "PYTHONPATH": str(ROOT)}
    store = demo.app.state.services.library.store.path
    process = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--store", str(store), "--port", "0",
                                *workers],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment, cwd=ROOT)
    try:
        line = process.stdout.readline()
        address = re.search(r"http://localhost:\d+/", line)
        assert address, (line, process.stderr.read() if process.poll() is not None else "")
        # workers load the store after the address is printed: the first answer waits for one of them
        assert httpx.get(address.group(0) + "healthz", timeout=120).json()["documents"] == 3
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) in (0, 130)   # 130: the shell's status for a Ctrl-C
