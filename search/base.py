"""What every index behind the search box shares: a hit is a row position and a score, as in bm25s and faiss.

Row positions are the ids (txtai's convention): the engine keeps the units in the same order as the rows, so an
index never stores documents, and the document store never depends on an index's internals.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np


class IndexHit(NamedTuple):
    """A tuple: a search makes a few dozen, and a tuple is built in half the time of a frozen dataclass."""
    row: int
    score: float


@runtime_checkable
class Retriever(Protocol):
    """A text query in, ranked rows out: the lexical index and the dense index (embedder + vectors) both are one."""

    def count(self) -> int: ...

    def search(self, query: str, k: int = 10, mask: np.ndarray | None = None) -> list[IndexHit]: ...

    def save(self, path: Path | str) -> None: ...


def top_rows(scores: np.ndarray, k: int, mask: np.ndarray | None = None, positive_only: bool = False) -> list[IndexHit]:
    """The k best rows of a score array, best first, equal scores by row; rows outside `mask` (and, with
    `positive_only`, rows scoring 0 or less) left out."""
    if k <= 0 or scores.size == 0:
        return []
    scores = scores.astype(np.float32, copy=False)
    allowed = scores > 0 if positive_only else np.isfinite(scores)
    if mask is not None:
        allowed &= mask
    # only the allowed rows are ordered: for a lexical query a small share of the collection
    candidates = np.flatnonzero(allowed)
    values = scores[candidates]
    if candidates.size > k:   # those at least as good as the k-th best, every row of a tie with it kept
        kept = values >= -np.partition(-values, k - 1)[k - 1]
        candidates, values = candidates[kept], values[kept]
    return hits(candidates, values, k)


def hits(rows: np.ndarray, scores: np.ndarray, k: int) -> list[IndexHit]:
    """The k best of `rows` by `scores`, best first, equal scores by row."""
    order = np.lexsort((rows, -scores))[:k]
    return list(map(IndexHit, rows[order].tolist(), scores[order].tolist()))


def ranked_hits(rows: np.ndarray, scores: np.ndarray) -> list[IndexHit]:
    """Hits of rows given best first (as faiss returns them), equal scores put by row."""
    listed = scores.tolist()
    if any(a == b for a, b in zip(listed, listed[1:])):
        return hits(rows, scores, len(rows))
    return list(map(IndexHit, rows.tolist(), listed))
