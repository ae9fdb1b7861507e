"""Quality gate: `plangraph extract` on the sample corpus, scored by the shared scorer against the gold.

The thresholds are the acceptance figures of the ingestion issue; the code reached them, so they are the floor.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ingest.evaljson import eval_json
from ingest.pipeline import extract
from ingest.readers import read

GATES = {
    "citation_symbol.f1": 0.97, "citation_relation.f1": 0.93, "implements.f1": 0.85, "citation_date.acc": 0.95,
    "citation_issuer.acc": 0.9, "agency.f1": 0.92, "people.f1": 0.9, "task.f1": 0.9, "lead.f1": 0.9,
    "cooperating.f1": 0.85, "directed_by.f1": 0.9, "products.f1": 0.8, "task_period.acc": 0.9, "target.f1": 0.9,
    "target_value.acc": 0.95, "programme.f1": 0.85, "programme_basis.f1": 0.8, "anomaly.r": 0.8, "anomaly.p": 0.7,
    "doc_type.acc": 0.8, "doc_symbol.acc": 0.8, "doc_date.acc": 0.8, "doc_province.acc": 0.8, "doc_title.acc": 0.8,
}


@pytest.fixture(scope="module")
def scores(shared_dir, tmp_path_factory):
    extractions = [extract(read(f)) for f in sorted((shared_dir / "corpus").glob("*.txt"))]
    pred = tmp_path_factory.mktemp("eval") / "pred.json"
    pred.write_text(json.dumps(eval_json(extractions), ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"), "extraction", "--pred", str(pred),
                          "--gold", str(shared_dir / "eval" / "gold"), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("metric, floor", sorted(GATES.items()))
def test_extraction_meets_gold_figure(scores, metric, floor):
    name, field = metric.rsplit(".", 1)
    assert scores[name][field] >= floor, f"{metric} = {scores[name][field]} < {floor}"


def test_agencies_are_neither_split_nor_merged(scores):
    assert scores["agency_split"] + scores["agency_merged"] <= 3
