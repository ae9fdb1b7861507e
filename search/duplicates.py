"""Groups of units that repeat each other: the same task scheduled every quarter, a bullet copied into two lists.

A text ranking cannot tell that two rows are the same work, so the search box asks for the groups: when a query
asks for repetitions ("… lặp lại các quý", "trùng"), or is itself a task, its duplicates come with it. The graph
can supply its own groups (any `DuplicateGrouper`); `NearDuplicateGrouper` finds them from the texts alone, by
MinHash LSH over folded syllables with abbreviations expanded, so "nhiệm vụ KHCN" and "nhiệm vụ KH&CN" meet.
"""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np
from datasketch import MinHash, MinHashLSH

from search.terms import text_terms
from search.units import Unit

GROUPED_KINDS = ("task", "target", "passage")


@runtime_checkable
class DuplicateGrouper(Protocol):
    def groups(self, units: Sequence[Unit]) -> list[list[int]]: ...


def term_set(text: str) -> frozenset[str]:
    return frozenset(text_terms(text, pairs=False).folded)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


class NearDuplicateGrouper:
    """Rows whose term sets overlap by `threshold` (Jaccard) or more, joined transitively."""

    def __init__(self, threshold: float = 0.7, num_perm: int = 64, min_terms: int = 5):
        self.threshold = threshold
        self.num_perm = num_perm
        self.min_terms = min_terms

    def groups(self, units: Sequence[Unit]) -> list[list[int]]:
        rows = [i for i, u in enumerate(units) if u.kind in GROUPED_KINDS]
        sets = {i: term_set(units[i].text) for i in rows}
        rows = [i for i in rows if len(sets[i]) >= self.min_terms]
        hashes = self._minhashes([sets[i] for i in rows])
        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        for row, minhash in zip(rows, hashes):
            lsh.insert(row, minhash)
        parent = {row: row for row in rows}
        for row, minhash in zip(rows, hashes):
            for other in lsh.query(minhash):
                if other != row and jaccard(sets[row], sets[other]) >= self.threshold:
                    _union(parent, row, other)
        members: dict[int, list[int]] = {}
        for row in rows:
            members.setdefault(_find(parent, row), []).append(row)
        return [sorted(m) for m in members.values() if len(m) > 1]

    def _minhashes(self, sets: list[frozenset[str]]) -> list[MinHash]:
        encoded = [[t.encode("utf-8") for t in s] for s in sets]
        return list(MinHash.bulk(encoded, num_perm=self.num_perm)) if encoded else []


def _find(parent: dict[int, int], row: int) -> int:
    while parent[row] != row:
        parent[row] = parent[parent[row]]
        row = parent[row]
    return row


def _union(parent: dict[int, int], a: int, b: int) -> None:
    parent[_find(parent, a)] = _find(parent, b)


def group_index(groups: list[list[int]], count: int) -> np.ndarray:
    """Per row, the number of its group (-1 for none)."""
    index = np.full(count, -1, dtype=np.int64)
    for number, members in enumerate(groups):
        index[members] = number
    return index
