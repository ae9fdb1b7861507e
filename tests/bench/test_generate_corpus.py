"""The scale corpus generator: reproducible, readable by plangraph, with citation chains, and agreeing with the
extraction at the figures measured on 100 documents (bench/README.md)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench.corpus_gen import GROUND_TRUTH_FILE, generate, harvest
from bench.corpus_gen.agreement import Agreement
from ingest.pipeline import extract
from ingest.readers import read

N = 20


@pytest.fixture(scope="module")
def fragments(shared_dir: Path):
    return harvest([shared_dir / "corpus", shared_dir / "corpus-legal"])


@pytest.fixture(scope="module")
def corpus(fragments, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(out, N, seed=7, fragments=fragments)
    return out


@pytest.fixture(scope="module")
def truths(corpus: Path) -> list[dict]:
    return [json.loads(line) for line in (corpus / GROUND_TRUTH_FILE).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def agreement(corpus: Path, truths: list[dict]) -> Agreement:
    result = Agreement()
    for truth in truths:
        result.add(truth, extract(read(corpus / truth["file"])))
    return result


def _contents(directory: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(directory.iterdir())}


def test_same_seed_gives_the_same_bytes_and_another_seed_another_corpus(corpus, fragments, tmp_path):
    generate(tmp_path / "again", N, seed=7, fragments=fragments)
    generate(tmp_path / "other", N, seed=8, fragments=fragments)
    assert _contents(tmp_path / "again") == _contents(corpus)
    assert _contents(tmp_path / "other") != _contents(corpus)


def test_documents_look_like_the_samples(corpus, truths):
    sizes = [len((corpus / t["file"]).read_text(encoding="utf-8")) for t in truths]
    assert len(truths) == N and all(4_000 <= s <= 40_000 for s in sizes), sizes
    text = (corpus / truths[0]["file"]).read_text(encoding="utf-8")
    assert f"Số: {truths[0]['symbol']}" in text.replace(" /", "/") and "Căn cứ" in text and "\t" in text


def test_every_document_reads_and_extracts(agreement):
    assert agreement.documents == N


def test_a_generated_document_cites_an_earlier_one_and_the_extraction_finds_the_chain(corpus, truths):
    by_file = {t["file"]: t for t in truths}
    citing = [t for t in truths if t["cites_generated"]]
    assert citing, "no generated document rests on another"
    depth: dict[str, int] = {}
    for t in truths:                                     # files are in generation order: cited ones come first
        depth[t["file"]] = 1 + max((depth[f] for f in t["cites_generated"]), default=0)
    assert max(depth.values()) >= 3, "chains should run several levels deep"
    truth = citing[-1]
    cited = by_file[truth["cites_generated"][0]]
    extracted = extract(read(corpus / truth["file"]))
    basis = {c.symbol for c in extracted.citations if c.relation == "basis"}
    assert cited["symbol"] in basis and cited["province"] == truth["province"]


def test_another_source_directory_works_and_an_empty_one_is_refused(shared_dir, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for f in sorted((shared_dir / "corpus-legal").glob("*ke-hoach*"))[:15]:
        shutil.copy(f, source / f.name)
    generate(tmp_path / "out", 3, seed=1, fragments=harvest([source]))
    assert len(list((tmp_path / "out").glob("*.txt"))) == 3
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="task"):
        harvest([tmp_path / "empty"])


# Figures reached on 100 documents (seed 7): 1.00 for the own number, province, year, basis and cited symbols;
# tasks found 0.997; leads 1.00 in tables, labelled prose and duties by agency. Held as floors with some slack.
@pytest.mark.parametrize("field,floor", [
    ("symbol", 0.95), ("province", 0.95), ("year", 0.95), ("basis", 0.95), ("cited_recall", 0.95),
    ("cited_precision", 0.95), ("task_found", 0.95), ("task_lead.table", 0.95), ("task_lead.labelled", 0.95),
    ("task_lead.duties", 0.95), ("task_lead", 0.95),
])
def test_extraction_agrees_with_the_ground_truth(agreement, field, floor):
    assert agreement.rate(field) >= floor, (agreement.rates(), agreement.misses.get(field))


def test_a_lead_that_chairs_and_cooperates_is_the_lead(agreement):
    assert agreement.rate("task_lead.chairs") >= 0.9
