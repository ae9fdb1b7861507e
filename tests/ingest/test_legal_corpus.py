"""Robustness on 418 real legal documents: every one reads and extracts, and the document's own identity and
its legal bases are found in nearly all of them (there is no gold for these files; the figures are floors)."""
from __future__ import annotations

import pytest

from ingest.pipeline import extract
from ingest.readers import read


@pytest.fixture(scope="module")
def legal_extractions(shared_dir):
    files = sorted((shared_dir / "corpus-legal").glob("*.md"))
    assert len(files) == 418
    out, failures = [], []
    for f in files:
        try:
            out.append(extract(read(f)))
        except Exception as err:  # collect every failure, so one run names them all
            failures.append(f"{f.name}: {type(err).__name__}: {err}")
    assert not failures, "\n".join(failures)
    return out


@pytest.mark.slow
def test_legal_corpus_extracts_identity_and_citations(legal_extractions):
    n = len(legal_extractions)
    share = lambda found: sum(1 for ex in legal_extractions if found(ex)) / n  # noqa: E731
    assert share(lambda ex: ex.meta.symbol) >= 0.9
    assert share(lambda ex: ex.meta.doc_type) >= 0.85
    assert share(lambda ex: ex.meta.province or ex.meta.symbol and "TTg" in ex.meta.symbol) >= 0.85
    assert share(lambda ex: ex.citations) >= 0.95
    assert share(lambda ex: any(c.relation == "basis" for c in ex.citations)) >= 0.8
    assert share(lambda ex: ex.agencies) >= 0.95


@pytest.mark.slow
def test_legal_corpus_symbols_are_canonical(legal_extractions):
    symbols = [c.symbol for ex in legal_extractions for c in ex.citations]
    assert symbols and all(" " not in s and not s.endswith(("-", "/")) for s in symbols)
