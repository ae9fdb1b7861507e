"""Duplicate, recurring and overlapping tasks, within a document and across documents and provinces.

Candidates come from MinHash LSH over word shingles (datasketch), so the work grows with the number of near
pairs, not with the square of the tasks. Each candidate pair is scored on its wording (syllable Dice with the
abbreviations written out, so "KHCN" and "KH&CN" agree) and, when an embedder is given, on meaning; the structure
then names the kind:
- `exact`: the same text twice in one document, in the same period (a copied block);
- `recurring`: the same work in one document in different periods of the same grain (Quý I … Quý IV);
- `overlap`: the same work listed twice in one document under different headings;
- `similar`: different documents (or provinces) with the same substance.
Thresholds were tuned on the shared gold (see bench/README.md) and are named constants here.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Protocol

import numpy as np
from datasketch import MinHash, MinHashLSH

from ingest.agencies import expand_abbreviations
from ingest.model import Extraction, Task
from ingest.text import fold

SAME_DOC_THRESHOLD = 0.62      # wording similarity for overlap / recurring within one document
CROSS_DOC_THRESHOLD = 0.55     # combined similarity for `similar` across documents
LSH_THRESHOLD = 0.3            # Jaccard of 2-shingles that makes two tasks a candidate pair
NUM_PERM = 64


class Embedder(Protocol):
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class DuplicateGroup:
    tasks: list[tuple[str, str]]      # (source file name, task id)
    kind: str
    score: float
    why: str

    def to_eval(self) -> dict:
        return {"tasks": [list(t) for t in self.tasks], "kind": self.kind, "score": round(self.score, 3),
                "why": self.why}


@dataclass
class _Item:
    source: str
    task: Task
    words: Counter
    shingles: set[str]


def find_duplicates(extractions: Iterable[Extraction], embedder: Embedder | None = None) -> list[DuplicateGroup]:
    items = [_item(ex.source, t) for ex in extractions for t in ex.tasks]
    vectors = _vectors(items, embedder)
    pairs = []
    for i, j in _candidates(items):
        pair = _judge(items[i], items[j], vectors[i] @ vectors[j] if vectors is not None else None)
        if pair:
            pairs.append((i, j, *pair))
    return _groups(items, pairs)


def _item(source: str, task: Task) -> _Item:
    words = re.findall(r"\w+", fold(expand_abbreviations(task.text)))
    return _Item(source, task, Counter(words), {" ".join(words[k:k + 2]) for k in range(max(1, len(words) - 1))})


def _vectors(items: list[_Item], embedder: Embedder | None) -> np.ndarray | None:
    if embedder is None or not items:
        return None
    vectors = np.asarray(embedder.embed_passages([it.task.text for it in items]), dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def _candidates(items: list[_Item]) -> list[tuple[int, int]]:
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    hashes = []
    for k, it in enumerate(items):
        m = MinHash(num_perm=NUM_PERM)
        for s in it.shingles:
            m.update(s.encode("utf-8"))
        hashes.append(m)
        lsh.insert(str(k), m)
    pairs = set()
    for k, m in enumerate(hashes):
        for other in lsh.query(m):
            o = int(other)
            if o != k:
                pairs.add((min(k, o), max(k, o)))
    return sorted(pairs)


def _dice(a: Counter, b: Counter) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def _judge(a: _Item, b: _Item, cosine: float | None) -> tuple[str, float, str] | None:
    wording = _dice(a.words, b.words)
    same_doc = a.source == b.source
    if same_doc:
        if wording < SAME_DOC_THRESHOLD:
            return None
        identical = fold(a.task.text) == fold(b.task.text)
        if _different_periods(a.task.period, b.task.period):
            return "recurring", wording, _reason(a, b, wording, "same task in periods "
                                                 f"{a.task.period} and {b.task.period}")
        if identical:
            return "exact", 1.0, _reason(a, b, wording, "identical text")
        return "overlap", wording, _reason(a, b, wording, "the same work under different headings")
    score = wording if cosine is None else 0.5 * wording + 0.5 * float(cosine)
    if score < CROSS_DOC_THRESHOLD:
        return None
    return "similar", score, _reason(a, b, wording, "same substance in another document")


def _different_periods(p: str | None, q: str | None) -> bool:
    """Two periods of the same grain that differ: two quarters, or two years."""
    if not p or not q or p == q:
        return False
    grain = (lambda x: "quarter" if re.fullmatch(r"\d{4}-Q\d", x) else "year" if re.fullmatch(r"\d{4}", x) else x)
    return grain(p) == grain(q) and grain(p) in {"quarter", "year"}


def _reason(a: _Item, b: _Item, wording: float, what: str) -> str:
    shared = []
    if set(a.task.lead) & set(b.task.lead):
        shared.append("same lead")
    if set(a.task.citations) & set(b.task.citations):
        shared.append("same cited basis")
    if a.task.period and a.task.period == b.task.period:
        shared.append("same period")
    return f"{what}; wording {wording:.2f}" + (f"; {', '.join(shared)}" if shared else "")


def _groups(items: list[_Item], pairs: list[tuple[int, int, str, float, str]]) -> list[DuplicateGroup]:
    """Recurring and exact pairs of one document join into groups (a task scheduled every quarter is one group);
    overlap and similar pairs stay pairs, since overlapping is not transitive."""
    groups: list[DuplicateGroup] = []
    for kind in ("exact", "recurring"):
        parent = {}

        def find(x: int) -> int:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x
        best: dict[int, tuple[float, str]] = {}
        for i, j, k, score, why in pairs:
            if k == kind:
                parent[find(i)] = find(j)
                best.setdefault(i, (score, why))
        members: dict[int, list[int]] = {}
        for x in parent:
            members.setdefault(find(x), []).append(x)
        for root, group in members.items():
            if len(group) >= 2:
                score, why = best.get(min(group), (1.0, kind))
                groups.append(DuplicateGroup([(items[g].source, items[g].task.id) for g in sorted(group)], kind,
                                             score, why))
    for i, j, kind, score, why in pairs:
        if kind in ("overlap", "similar"):
            groups.append(DuplicateGroup([(items[i].source, items[i].task.id), (items[j].source, items[j].task.id)],
                                         kind, score, why))
    return groups
