"""What every index behind the search box shares: a hit is a row position and a score, as in bm25s and faiss.

Row positions are the ids (txtai's convention): the engine keeps the units in the same order as the rows, so an
index never stores documents, and the document store never depends on an index's internals.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class IndexHit:
    row: int
    score: float


@runtime_checkable
class Retriever(Protocol):
    """A text query in, ranked rows out: the lexical index and the dense index (embedder + vectors) both are one."""

    def count(self) -> int: ...

    def search(self, query: str, k: int = 10, mask: np.ndarray | None = None) -> list[IndexHit]: ...

    def save(self, path: Path | str) -> None: ...


def top_rows(scores: np.ndarray, k: int, mask: np.ndarray | None = None, positive_only: bool = False) -> list[IndexHit]:
    """The k best rows of a score array, best first; rows outside `mask` (and unmatched rows) left out."""
    if k <= 0 or scores.size == 0:
        return []
    scores = scores.astype(np.float32, copy=True)
    if mask is not None:
        scores[~mask] = -np.inf
    if positive_only:
        scores[scores <= 0] = -np.inf
    k = min(k, scores.size)
    part = np.argpartition(-scores, k - 1)[:k]
    order = part[np.argsort(-scores[part], kind="stable")]
    order = order[np.isfinite(scores[order])]
    return [IndexHit(row, score) for row, score in zip(order.tolist(), scores[order].tolist())]
