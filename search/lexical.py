"""BM25 over two fields, syllables as written and syllables folded, on bm25s.

A query typed with its marks is matched mostly on the exact field, so "đường" prefers "đường" to "dương"; a query
typed without marks can only be read folded, so the exact field is left out for it (its unmarked syllables would
match only the few words that have no marks, a biased half of the query).
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, Sequence

import bm25s
import numpy as np

from search.base import IndexHit, top_rows
from search.persist import read_json, replace_dir, write_json
from search.terms import Terms, has_diacritics, text_terms

FORMAT = "plangraph.lexical.v1"
Expansion = Literal["index", "query", "none"]

logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass
class LexicalConfig:
    k1: float = 1.2
    b: float = 0.75
    exact_weight: float = 1.0        # exact field, for a query typed with diacritics
    folded_weight: float = 0.5       # folded field beside it; a query without diacritics uses folded only (1.0)
    expand: Expansion = "query"      # where abbreviations expand (measured in search/README.md)
    expansion_weight: float = 0.5    # query-time expansion terms count this much beside the words typed


@dataclass(frozen=True)
class FieldScores:
    exact: np.ndarray
    folded: np.ndarray
    exact_weight: float
    folded_weight: float

    @property
    def combined(self) -> np.ndarray:
        return self.exact_weight * self.exact + self.folded_weight * self.folded


@dataclass
class LexicalIndex:
    """Two bm25s indexes over the same rows; `index` rebuilds, `save` swaps the new directory in."""
    config: LexicalConfig = field(default_factory=LexicalConfig)
    _exact: bm25s.BM25 | None = None
    _folded: bm25s.BM25 | None = None
    _count: int = 0

    def index(self, texts: Sequence[str]) -> None:
        """Build from scratch over `texts`, one row per text (bm25s cannot append)."""
        terms = [text_terms(t, expand=self.config.expand == "index") for t in texts]
        self._exact = self._build([list(t.exact) for t in terms])
        self._folded = self._build([list(t.folded) for t in terms])
        self._count = len(texts)

    def _build(self, corpus: list[list[str]]) -> bm25s.BM25:
        model = bm25s.BM25(k1=self.config.k1, b=self.config.b)
        model.index(corpus, show_progress=False)
        return model

    def count(self) -> int:
        return self._count

    def query_terms(self, query: str) -> Terms:
        """The query's own terms followed by the terms its abbreviations expand to (query-time expansion)."""
        terms = text_terms(query, expand=self.config.expand == "query")
        return Terms(exact=tuple(dict.fromkeys(terms.exact)), folded=tuple(dict.fromkeys(terms.folded)))

    def field_scores(self, query: str) -> FieldScores:
        """Scores of every row in each field, with the weights this query gets.

        Expansion terms count `expansion_weight` as much as the words typed: "KH&CN" adds five syllables, which
        at full weight would make the abbreviation outweigh the rest of the query.
        """
        own = text_terms(query, expand=False)
        expanded = self.query_terms(query)
        marked = has_diacritics(query)
        exact_weight = self.config.exact_weight if marked else 0.0
        folded_weight = self.config.folded_weight if marked else 1.0

        def score_field(model: bm25s.BM25 | None, typed: Sequence[str], all_terms: Sequence[str]) -> np.ndarray:
            own_terms = set(typed)
            extra = [t for t in all_terms if t not in own_terms]
            scores = _scores(model, list(dict.fromkeys(typed)), self._count)
            if extra:
                scores += self.config.expansion_weight * _scores(model, extra, self._count)
            return scores

        exact = (score_field(self._exact, own.exact, expanded.exact) if exact_weight
                 else np.zeros(self._count, np.float32))
        return FieldScores(exact=exact, folded=score_field(self._folded, own.folded, expanded.folded),
                           exact_weight=exact_weight, folded_weight=folded_weight)

    def coverage(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """For each text, the share of the query's folded terms it contains, each term weighted by its idf.

        A query whose best rows hold most of its words is answered by its words; one whose best rows hold few
        of them (a paraphrase) needs the dense side more.
        """
        terms = list(dict.fromkeys(text_terms(query, expand=False, pairs=False).folded))
        if not terms or not len(texts):
            return np.zeros(len(texts), dtype=np.float32)
        weights = self.idf(terms)
        held = [set(text_terms(text, expand=False, pairs=False).folded) for text in texts]
        return np.array([sum(w for t, w in zip(terms, weights) if t in row) for row in held]) / weights.sum()

    def idf(self, folded_terms: Sequence[str]) -> np.ndarray:
        """BM25's idf of folded terms, from the number of rows holding each (a term not indexed: the highest)."""
        matrix = self._folded.scores if self._folded is not None else None
        vocab = self._folded.vocab_dict if self._folded is not None else {}
        counts = []
        for term in folded_terms:
            column = vocab.get(term)
            inside = matrix is not None and column is not None and column + 1 < len(matrix["indptr"])
            counts.append(int(matrix["indptr"][column + 1] - matrix["indptr"][column]) if inside else 0)
        counts = np.asarray(counts, dtype=np.float64)
        return np.log(1 + (self._count - counts + 0.5) / (counts + 0.5))

    def search(self, query: str, k: int = 10, mask: np.ndarray | None = None) -> list[IndexHit]:
        """The k best rows for `query` that match it at all (and pass `mask`), best first."""
        if not self._count:
            return []
        return top_rows(self.field_scores(query).combined, k, mask, positive_only=True)

    def save(self, path: Path | str) -> None:
        replace_dir(Path(path), self.write)

    def write(self, directory: Path) -> None:
        """Write into `directory`, which must not exist yet (`save` swaps it in for an older one)."""
        if self._exact is None or self._folded is None:
            raise ValueError("the lexical index is empty: call index(texts) before save()")
        directory.mkdir(parents=True)
        self._exact.save(str(directory / "exact"), show_progress=False)
        self._folded.save(str(directory / "folded"), show_progress=False)
        write_json(directory / "lexical.json", {"format": FORMAT, "bm25s": bm25s.__version__, "count": self._count,
                                                "config": asdict(self.config)})

    @classmethod
    def load(cls, path: Path | str) -> "LexicalIndex":
        path = Path(path)
        meta = read_json(path / "lexical.json")
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path} holds lexical index format {meta.get('format')!r}, expected {FORMAT!r}: "
                             "rebuild the index")
        index = cls(config=LexicalConfig(**meta["config"]))
        index._exact = bm25s.BM25.load(str(path / "exact"), show_progress=False)
        index._folded = bm25s.BM25.load(str(path / "folded"), show_progress=False)
        index._count = int(meta["count"])
        return index


def _scores(model: bm25s.BM25 | None, terms: Sequence[str], count: int) -> np.ndarray:
    known = [t for t in terms if model is not None and t in model.vocab_dict]
    if not known:
        return np.zeros(count, dtype=np.float32)
    return model.get_scores(known).astype(np.float32)
