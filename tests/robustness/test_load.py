"""A short load test on loopback (bench/load_bench.py, 10 s at 4 readers): `plangraph serve` over the sample
documents answers mixed traffic while a writer uploads and deletes documents, with no 5xx, no dropped
connection and no document lost. The bench runs in its own process: locust patches the standard library for
gevent when it is imported, which the rest of the test session must not see."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READS = {"/search", "/suggest", "/legal/{id}", "/agencies/{id}", "/tasks/{id}", "/documents/{id}", "/sparql",
         "/stats"}
WRITES = {"POST /admin/ingest", "DELETE /admin/documents/{id}"}


def test_load_mixed_traffic_with_a_writer_loses_nothing(tmp_path):
    figures_file = tmp_path / "load.json"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "load_bench.py"), "--seconds", "10", "--users", "4",
                          "--json", str(figures_file)], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert figures_file.is_file(), run.stderr[-3000:]
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    endpoints = figures["endpoints"]
    assert READS | WRITES <= set(endpoints), sorted(endpoints)
    assert figures["writer"].get("ingested", 0) >= 1, figures["writer"]
    assert figures["documents_lost"] == {} and figures["documents_unexpected"] == []   # nothing lost, ever
    assert figures["documents_checked"] >= 5
    refused = {name: row["answers"] for name, row in endpoints.items() if set(row["answers"]) != {"2xx"}}
    assert figures["errors_5xx"] == 0 and figures["no_answer"] == 0, (refused, run.stderr[-3000:])
    assert {name: answers for name, answers in refused.items() if name in READS} == {}   # every read answered
    assert run.returncode == 0, run.stderr[-3000:]
