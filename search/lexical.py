"""BM25 over two fields, syllables as written and syllables folded, scored over segments with global statistics.

A query typed with its marks is matched mostly on the exact field, so "đường" prefers "đường" to "dương"; a query
typed without marks can only be read folded, so the exact field is left out for it (its unmarked syllables would
match only the few words that have no marks, a biased half of the query).

The index of a store is a list of immutable segments (`search.segments`), each holding the term frequencies and
lengths of its rows. bm25s cannot append and bakes the idf and the average length of one corpus into the scores it
stores, so scores of two bm25s indexes cannot be compared. Here, as Lucene does, a segment stores term frequencies
and each query is scored with the statistics of every live row of every segment (document frequency, row count,
average length), with the formula of bm25s's default method ("lucene"): a row scores the same whichever segment
holds it, and an index grown by segments scores exactly as one built at once (tests/search/test_segments.py checks
both, and that one segment scores as bm25s itself does).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

from search.base import IndexHit, top_rows
from search.persist import read_json, replace_dir, write_json
from search.terms import Terms, has_diacritics, text_terms

FORMAT = "plangraph.lexical.v2"
Expansion = Literal["index", "query", "none"]
FIELDS = ("exact", "folded")
COLUMN_CACHE_BYTES = 1 << 28   # per field and state: the columns queries read, kept (12 bytes an entry, 4 a dense row)
_NO_ROWS = np.zeros(0, dtype=np.int64)
_NO_FREQS = _NO_SCORES = np.zeros(0, dtype=np.float32)


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

    @cached_property   # read more than once per search: computed once over every row
    def combined(self) -> np.ndarray:
        return self.exact_weight * self.exact + self.folded_weight * self.folded


@dataclass(frozen=True)
class TermMatrix:
    """One field of one segment: term frequencies by term (compressed columns) and the length of every row."""
    vocab: dict[str, int]      # term -> column
    indptr: np.ndarray         # column c holds entries indptr[c]:indptr[c + 1]
    rows: np.ndarray           # entry -> row
    freqs: np.ndarray          # entry -> how often the term occurs in the row
    lengths: np.ndarray        # row -> number of terms (repeats counted, as bm25s counts them)

    @classmethod
    def of(cls, corpus: Sequence[Sequence[str]]) -> "TermMatrix":
        vocab: dict[str, int] = {}
        rows, columns, freqs = [], [], []
        for row, terms in enumerate(corpus):
            for term, count in Counter(terms).items():
                rows.append(row)
                columns.append(vocab.setdefault(term, len(vocab)))
                freqs.append(count)
        columns_array = np.asarray(columns, dtype=np.int64)
        order = np.argsort(columns_array, kind="stable")   # by column, rows ascending within each
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(columns_array, minlength=len(vocab)), out=indptr[1:])
        return cls(vocab, indptr, np.asarray(rows, dtype=np.int32)[order],
                   np.asarray(freqs, dtype=np.float32)[order],
                   np.asarray([len(t) for t in corpus], dtype=np.int64))

    @classmethod
    def merged(cls, parts: Sequence[tuple["TermMatrix", np.ndarray]]) -> "TermMatrix":
        """One matrix of the given rows (`(matrix, rows kept)`, in order) of several, without reading a text
        again: columns are matched by term, rows renumbered in the order given."""
        vocab: dict[str, int] = {}
        rows, columns, freqs, lengths = [], [], [], []
        base = 0
        for matrix, kept in parts:
            new_row = np.full(matrix.count, -1, dtype=np.int64)
            new_row[kept] = base + np.arange(len(kept))
            terms = sorted(matrix.vocab, key=matrix.vocab.__getitem__)   # by column
            new_column = np.asarray([vocab.setdefault(t, len(vocab)) for t in terms], dtype=np.int64)
            entry_column = np.repeat(new_column, np.diff(matrix.indptr))
            entry_row = new_row[matrix.rows]
            alive = entry_row >= 0
            rows.append(entry_row[alive])
            columns.append(entry_column[alive])
            freqs.append(np.asarray(matrix.freqs)[alive])
            lengths.append(np.asarray(matrix.lengths)[kept])
            base += len(kept)
        column_of = np.concatenate([np.zeros(0, dtype=np.int64), *columns])
        order = np.argsort(column_of, kind="stable")   # parts in order: rows stay ascending within a column
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(column_of, minlength=len(vocab)), out=indptr[1:])
        return cls(vocab, indptr, np.concatenate([np.zeros(0, dtype=np.int32), *rows]).astype(np.int32)[order],
                   np.concatenate([np.zeros(0, dtype=np.float32), *freqs])[order],
                   np.concatenate([np.zeros(0, dtype=np.int64), *lengths]))

    @property
    def count(self) -> int:
        return len(self.lengths)

    def entries(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows holding `term` (ascending) and its frequency in each; none for a term never seen."""
        column = self.vocab.get(term)
        if column is None:
            return self.rows[:0], self.freqs[:0]
        start, end = int(self.indptr[column]), int(self.indptr[column + 1])
        return self.rows[start:end], self.freqs[start:end]

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True)
        for name in ("indptr", "rows", "freqs", "lengths"):
            np.save(directory / f"{name}.npy", getattr(self, name))
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (directory / "vocab.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> "TermMatrix":
        """Read the arrays memory-mapped: a segment costs memory only for the columns queries touch."""
        arrays = {name: np.asarray(np.load(directory / f"{name}.npy", mmap_mode="r"))   # plain views of the map
                  for name in ("indptr", "rows", "freqs", "lengths")}
        terms = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        return cls({term: n for n, term in enumerate(terms)}, **arrays)


@dataclass(frozen=True)
class LexicalSegment:
    """The two fields of a batch of rows; immutable once built."""
    exact: TermMatrix
    folded: TermMatrix

    @classmethod
    def of(cls, texts: Sequence[str], config: LexicalConfig) -> "LexicalSegment":
        terms = [text_terms(t, expand=config.expand == "index") for t in texts]
        return cls(TermMatrix.of([t.exact for t in terms]), TermMatrix.of([t.folded for t in terms]))

    @classmethod
    def merged(cls, parts: Sequence[tuple["LexicalSegment", np.ndarray]]) -> "LexicalSegment":
        """The given rows of several segments as one, without reading a text again."""
        return cls(*(TermMatrix.merged([(getattr(s, name), kept) for s, kept in parts]) for name in FIELDS))

    @property
    def count(self) -> int:
        return self.exact.count

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True)
        for name in FIELDS:
            getattr(self, name).write(directory / name)

    @classmethod
    def load(cls, directory: Path) -> "LexicalSegment":
        return cls(*(TermMatrix.load(directory / name) for name in FIELDS))


class _Column:
    """One query term over the live rows of every segment, for one state of the index: each row's BM25 score
    for the term alone (float32, as bm25s scores).

    A term held by a third of the rows or more ("nhiệm", "vụ", "tỉnh") is kept dense, a score for every row and
    0 where it is absent: no larger than its rows and scores, and added to a query's sum in one sequential pass
    instead of a scatter over a third of the collection (most of the lexical side's time at 100k units).
    """

    def __init__(self, rows: np.ndarray, scores: np.ndarray, count: int):
        self.frequency = len(rows)   # the term's document frequency among the live rows
        self.dense: np.ndarray | None = None
        if 3 * len(rows) >= count > 0:
            self.dense = np.zeros(count, dtype=np.float32)
            self.dense[rows] = scores
            rows, scores = _NO_ROWS, _NO_SCORES
        self.rows, self.scores = rows, scores   # the live rows holding a sparse term, ascending, and their scores

    @property
    def nbytes(self) -> int:
        return self.rows.nbytes + self.scores.nbytes + (0 if self.dense is None else self.dense.nbytes)

    def add_to(self, total: np.ndarray) -> None:
        """Add the term's scores to `total` (float64, a value per live row)."""
        if self.dense is not None:
            total += self.dense
        else:   # a row appears once in a column, so the fancy-indexed += adds each score once
            total[self.rows] += self.scores

    def held_by(self, wanted: np.ndarray) -> np.ndarray:
        """Whether each of the live rows `wanted` holds the term (BM25 scores of a held term are positive)."""
        if self.dense is not None:
            return self.dense[wanted] > 0
        if not len(self.rows):
            return np.zeros(len(wanted), dtype=bool)
        return self.rows[np.minimum(np.searchsorted(self.rows, wanted), len(self.rows) - 1)] == wanted


class _FieldStatistics:
    """BM25 over one field of the live rows of every segment: the row count, the average length and, per query
    term, the document frequency are those of all live rows together.

    A state's statistics never change, so each term's column is read once per state with its rows' scores
    computed (`column`), as bm25s computes its scores at indexing: the syllables of nearly every row ("nhiệm",
    "vụ", "tỉnh") have columns of most of the collection, and that arithmetic, done again for every query, was
    most of a search's time at 100k units. A query's columns are then added up per row, a term at a time.
    """

    def __init__(self, matrices: Sequence[TermMatrix], live: Sequence[np.ndarray | None], config: LexicalConfig):
        self.matrices = list(matrices)
        live_counts = [m.count if alive is None else int(alive.sum()) for m, alive in zip(self.matrices, live)]
        self.count = sum(live_counts)
        total_length = sum(int(m.lengths.sum() if alive is None else m.lengths[alive].sum())
                           for m, alive in zip(self.matrices, live))
        average = total_length / self.count if self.count else 1.0
        # the length part of the denominator of every live row: it changes only when the set of live rows does
        norms = [config.k1 * (1 - config.b + config.b * np.asarray(m.lengths, dtype=np.float64) / average)
                 for m in self.matrices]
        self.norms = np.concatenate([np.zeros(0), *(n if alive is None else n[alive] for n, alive in zip(norms, live))])
        self.bases = np.cumsum([0, *live_counts[:-1]]).tolist()
        # per segment with tombstones, the live row of each of its rows (-1 for a dead one)
        self.positions = [None if alive is None else _live_positions(alive, base)
                          for base, alive in zip(self.bases, live)]
        # the idf of every possible document frequency, in float32 as bm25s scores: one lookup per query term
        self.idf_by_frequency = self.idf(np.arange(self.count + 1)).astype(np.float32)
        self._columns: dict[str, _Column] = {}
        self._cached_bytes = 0

    def column(self, term: str) -> _Column:
        """The term's column in this state; kept for the next query while the kept ones stay under
        COLUMN_CACHE_BYTES."""
        found = self._columns.get(term)
        if found is None:
            found = self._read_column(term)
            size = found.nbytes
            if self._cached_bytes + size <= COLUMN_CACHE_BYTES:
                self._columns[term] = found
                self._cached_bytes += size
        return found

    def _read_column(self, term: str) -> _Column:
        pieces = [self._segment_column(matrix, base, position, term)
                  for matrix, base, position in zip(self.matrices, self.bases, self.positions)]
        rows = np.concatenate([_NO_ROWS, *(r for r, _f in pieces)])
        freqs = np.concatenate([_NO_FREQS, *(f for _r, f in pieces)])
        parts = (freqs / (freqs + self.norms[rows])).astype(np.float32)
        return _Column(rows, self.idf_by_frequency[len(rows)] * parts, self.count)

    @staticmethod
    def _segment_column(matrix: TermMatrix, base: int, position: np.ndarray | None,
                        term: str) -> tuple[np.ndarray, np.ndarray]:
        """The entries of `term` in one segment, on its live rows, numbered over all segments."""
        rows, freqs = matrix.entries(term)
        if position is None:
            return rows.astype(np.int64) + base, freqs
        rows = position[rows]
        alive = rows >= 0
        return rows[alive], freqs[alive]

    def idf(self, document_frequency: int | np.ndarray) -> np.ndarray:
        """bm25s's "lucene" idf: log(1 + (N - df + 0.5) / (df + 0.5))."""
        df = np.asarray(document_frequency, dtype=np.float64)
        return np.log(1 + (self.count - df + 0.5) / (df + 0.5))

    def scores(self, typed: Sequence[str], extra: Sequence[str], extra_weight: float) -> np.ndarray:
        """Every live row's score for the terms typed, plus `extra_weight` times its score for the `extra` terms
        (0 for rows holding none of them)."""
        found = self._sum(typed)
        return found + extra_weight * self._sum(extra) if extra else found

    def _sum(self, terms: Sequence[str]) -> np.ndarray:
        """Per row, in float64, its scores for `terms`, added a term at a time in their order."""
        total = np.zeros(self.count, dtype=np.float64)
        for term in terms:
            self.column(term).add_to(total)
        return total


def _live_positions(alive: np.ndarray, base: int) -> np.ndarray:
    positions = np.full(len(alive), -1, dtype=np.int64)
    positions[alive] = base + np.arange(int(alive.sum()))
    return positions


class LexicalIndex:
    """Two-field BM25 over segments and their live rows; row numbers run over the live rows, segment after segment.

    `index(texts)` makes it one segment over `texts`; `search.segments` gives it many, with tombstones.
    """

    def __init__(self, config: LexicalConfig | None = None, segments: Sequence[LexicalSegment] = (),
                 live: Sequence[np.ndarray | None] | None = None):
        self.config = config or LexicalConfig()
        self._set(list(segments), list(live) if live is not None else [None] * len(segments))

    def _set(self, segments: list[LexicalSegment], live: list[np.ndarray | None]) -> None:
        self.segments, self.live = segments, live
        self._fields = {name: _FieldStatistics([getattr(s, name) for s in segments], live, self.config)
                        for name in FIELDS}

    def index(self, texts: Sequence[str]) -> None:
        """Build from scratch over `texts`, one row per text, as a single segment."""
        self._set([LexicalSegment.of(texts, self.config)], [None])

    def count(self) -> int:
        return self._fields["exact"].count

    def query_terms(self, query: str) -> Terms:
        """The query's own terms followed by the terms its abbreviations expand to (query-time expansion)."""
        terms = text_terms(query, expand=self.config.expand == "query")
        return Terms(exact=tuple(dict.fromkeys(terms.exact)), folded=tuple(dict.fromkeys(terms.folded)))

    def field_scores(self, query: str) -> FieldScores:
        """Scores of every live row in each field, with the weights this query gets.

        Expansion terms count `expansion_weight` as much as the words typed: "KH&CN" adds five syllables, which
        at full weight would make the abbreviation outweigh the rest of the query.
        """
        own = text_terms(query, expand=False)
        expanded = text_terms(query, expand=self.config.expand == "query")
        marked = has_diacritics(query)
        exact_weight = self.config.exact_weight if marked else 0.0

        def score_field(name: str) -> np.ndarray:
            typed = dict.fromkeys(getattr(own, name))
            extra = [t for t in dict.fromkeys(getattr(expanded, name)) if t not in typed]
            return self._fields[name].scores(list(typed), extra, self.config.expansion_weight).astype(np.float32)

        return FieldScores(exact=score_field("exact") if exact_weight else np.zeros(self.count(), np.float32),
                           folded=score_field("folded"), exact_weight=exact_weight,
                           folded_weight=self.config.folded_weight if marked else 1.0)

    def coverage(self, query: str, rows: Sequence[int]) -> np.ndarray:
        """For each of the live `rows`, the share of the query's folded terms it contains, each term weighted by
        its idf.

        A query whose best rows hold most of its words is answered by its words; one whose best rows hold few
        of them (a paraphrase) needs the dense side more. What a row holds is read from the index (the postings
        of the query's terms), not from its text again.
        """
        terms = list(dict.fromkeys(text_terms(query, expand=False, pairs=False).folded))
        if not terms or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        statistics = self._fields["folded"]
        columns = [statistics.column(term) for term in terms]
        weights = statistics.idf([c.frequency for c in columns])
        wanted = np.asarray(rows, dtype=np.int64)
        held = np.zeros((len(wanted), len(terms)), dtype=bool)
        for term, column in enumerate(columns):
            held[:, term] = column.held_by(wanted)
        return np.array([sum(w for w, h in zip(weights, row) if h) for row in held]) / weights.sum()

    def search(self, query: str, k: int = 10, mask: np.ndarray | None = None) -> list[IndexHit]:
        """The k best rows for `query` that match it at all (and pass `mask`), best first."""
        if not self.count():
            return []
        return top_rows(self.field_scores(query).combined, k, mask, positive_only=True)

    def save(self, path: Path | str) -> None:
        replace_dir(Path(path), self.write)

    def write(self, directory: Path) -> None:
        """Write the live rows as one segment into `directory`, which must not exist yet."""
        if not self.segments:
            raise ValueError("the lexical index is empty: call index(texts) before save()")
        if len(self.segments) > 1 or self.live[0] is not None:
            raise ValueError("a lexical index over several segments is saved by search.segments, segment by "
                             "segment")
        directory.mkdir(parents=True)
        self.segments[0].write(directory / "segment")
        write_json(directory / "lexical.json", {"format": FORMAT, "count": self.count(), "scoring": "bm25 lucene",
                                                "config": asdict(self.config)})

    @classmethod
    def load(cls, path: Path | str) -> "LexicalIndex":
        path = Path(path)
        meta = read_json(path / "lexical.json")
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path} holds lexical index format {meta.get('format')!r}, expected {FORMAT!r}: "
                             "rebuild the index")
        return cls(LexicalConfig(**meta["config"]), [LexicalSegment.load(path / "segment")])
