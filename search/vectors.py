"""Dense vectors in faiss: exact search for small collections, HNSW beyond a threshold, chosen automatically.

Up to `exact_threshold` vectors (20,000 by default) an `IndexFlatIP` over normalised vectors answers exactly, in
a few milliseconds on 2 cores; beyond it the index is rebuilt as `IndexHNSWFlat` (inner product), whose search time
grows with log n. The model name and the dimension are saved with the index and checked on load: vectors of one
model are never searched with the queries of another (the failure of HKUDS/LightRAG#2233).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import faiss
import numpy as np

from search.base import IndexHit, ranked_hits
from search.embed import Embedder
from search.persist import read_json, replace_dir, write_json

FORMAT = "plangraph.vectors.v1"


class VectorIndexMismatch(ValueError):
    """A saved vector index was built with another embedding model or dimension than the one offered."""


@dataclass
class VectorConfig:
    exact_threshold: int = 20_000
    hnsw_m: int = 32
    ef_construction: int = 80
    ef_search: int = 128
    filtered_exact_limit: int = 5_000   # a filter allowing at most this many rows is searched exactly over them


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    matrix = np.ascontiguousarray(np.atleast_2d(np.asarray(vectors, dtype=np.float32)))
    if matrix.shape[1] != dim:
        raise VectorIndexMismatch(f"vectors have dimension {matrix.shape[1]}, the index holds dimension {dim}")
    faiss.normalize_L2(matrix)
    return matrix


@dataclass
class VectorIndex:
    model: str
    dim: int
    config: VectorConfig = field(default_factory=VectorConfig)
    _index: faiss.Index | None = None

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSW) else "flat"

    def count(self) -> int:
        return 0 if self._index is None else int(self._index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        """Append rows; crossing the threshold rebuilds the index as HNSW over every row."""
        matrix = _as_matrix(vectors, self.dim)
        if self._index is None:
            self._index = self._new(len(matrix))
        elif self.kind == "flat" and self.count() + len(matrix) > self.config.exact_threshold:
            previous = self._index.reconstruct_n(0, self.count())
            self._index = self._new(self.count() + len(matrix))
            self._index.add(previous)
        self._index.add(matrix)

    def _new(self, expected: int) -> faiss.Index:
        if expected <= self.config.exact_threshold:
            return faiss.IndexFlatIP(self.dim)
        index = faiss.IndexHNSWFlat(self.dim, self.config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.config.ef_construction
        index.hnsw.efSearch = self.config.ef_search
        return index

    def search(self, vector: np.ndarray, k: int = 10, mask: np.ndarray | None = None) -> list[IndexHit]:
        """The k nearest rows by cosine similarity, restricted to the rows where `mask` is true."""
        return ranked_hits(*self.nearest(vector, k, mask))

    def nearest(self, vector: np.ndarray, k: int = 10, mask: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        """`search` as arrays, rows and their similarities, best first (equal ones in any order): hits are made
        once, of the final k."""
        k = min(k, self.count())
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = _as_matrix(vector, self.dim)
        hnsw = self.kind == "hnsw"
        if mask is not None and hnsw and mask.sum() <= self.config.filtered_exact_limit:
            return self._search_rows(query, np.flatnonzero(mask), k)
        params = None
        if mask is not None:
            selector = faiss.IDSelectorBatch(np.flatnonzero(mask).astype(np.int64))
            params = (faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.config.ef_search, k))
                      if hnsw else faiss.SearchParameters(sel=selector))
        elif hnsw:
            params = faiss.SearchParametersHNSW(efSearch=max(self.config.ef_search, k))
        scores, rows = self._index.search(query, k, params=params)
        if rows[0, -1] < 0:   # faiss pads with -1 when fewer rows pass the filter
            found = rows[0] >= 0
            return rows[0][found], scores[0][found]
        return rows[0], scores[0]

    def stored(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The normalised vectors of `rows` (all rows by default), to carry into a merged segment unembedded."""
        if self._index is None:
            return np.zeros((0, self.dim), dtype=np.float32)
        if rows is None:
            return self._index.reconstruct_n(0, self.count())
        return self._index.reconstruct_batch(np.asarray(rows, dtype=np.int64))

    def _search_rows(self, query: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact search over the few rows a filter allows: a graph walk limited to them would miss some."""
        if rows.size == 0:
            return rows, np.zeros(0, dtype=np.float32)
        scores = self._index.reconstruct_batch(rows.astype(np.int64)) @ query[0]
        order = np.argsort(-scores, kind="stable")[:k]
        return rows[order], scores[order]

    def save(self, path: Path | str) -> None:
        replace_dir(Path(path), self.write)

    def write(self, directory: Path) -> None:
        """Write into `directory`, which must not exist yet (`save` swaps it in for an older one)."""
        directory.mkdir(parents=True)
        if self._index is not None:
            faiss.write_index(self._index, str(directory / "vectors.faiss"))
        write_json(directory / "vectors.json", {"format": FORMAT, "model": self.model, "dim": self.dim,
                                                "kind": self.kind, "count": self.count(), "faiss": faiss.__version__,
                                                "config": asdict(self.config)})

    @classmethod
    def load(cls, path: Path | str, model: str | None = None, dim: int | None = None) -> "VectorIndex":
        """Read a saved index; refuses one built with another model or dimension than those given."""
        path = Path(path)
        meta = read_json(path / "vectors.json")
        if meta.get("format") != FORMAT:
            raise VectorIndexMismatch(f"{path} holds vector index format {meta.get('format')!r}, expected {FORMAT!r}")
        if model is not None and meta["model"] != model:
            raise VectorIndexMismatch(f"{path} was built with embedding model {meta['model']!r} but the model offered "
                                      f"is {model!r}: re-embed the units with it, or configure {meta['model']!r}")
        if dim is not None and int(meta["dim"]) != dim:
            raise VectorIndexMismatch(f"{path} holds vectors of dimension {meta['dim']} but the model offered "
                                      f"gives dimension {dim}: re-embed the units")
        index = cls(meta["model"], int(meta["dim"]), VectorConfig(**meta["config"]))
        if (path / "vectors.faiss").exists():
            index._index = faiss.read_index(str(path / "vectors.faiss"))
        return index


class DenseIndex:
    """An embedder and its vector index: text in, rows out, like the lexical index."""

    def __init__(self, embedder: Embedder, vectors: VectorIndex | None = None, max_chars: int = 1500):
        self.embedder = embedder
        self.vectors = vectors or VectorIndex(embedder.name, embedder.dim)
        # E5 reads 512 tokens; a longer unit (a whole section) is represented by its beginning
        self.max_chars = max_chars

    def index(self, texts: Sequence[str]) -> None:
        self.vectors = VectorIndex(self.embedder.name, self.embedder.dim, self.vectors.config)
        self.add(texts)

    def add(self, texts: Sequence[str]) -> None:
        if texts:
            self.vectors.add(self.embedder.embed_passages([t[:self.max_chars] for t in texts]))

    def count(self) -> int:
        return self.vectors.count()

    def embed_query(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(query)

    def search(self, query: str, k: int = 10, mask: np.ndarray | None = None) -> list[IndexHit]:
        return self.vectors.search(self.embed_query(query), k, mask)

    def save(self, path: Path | str) -> None:
        self.vectors.save(path)

    @classmethod
    def load(cls, path: Path | str, embedder: Embedder) -> "DenseIndex":
        return cls(embedder, VectorIndex.load(path, model=embedder.name, dim=embedder.dim))
