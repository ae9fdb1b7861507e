"""The search index of a store as immutable segments, tombstones and one manifest switched atomically (Lucene).

bm25s cannot append and faiss HNSW cannot delete, so an index is never changed in place:
- adding documents writes one new segment: their units, term frequencies (`search.lexical`), vectors (faiss),
  near-duplicate band keys and pairs (`search.segment_duplicates`), entities, and each document's version tag;
- removing (or replacing) a document writes tombstones, the rows of its units in the segments that hold them;
- a merge rewrites adjacent segments as one without their tombstoned rows: when more than `segments_per_tier`
  adjacent segments fall in one size tier, when most of a segment's rows are dead, or on demand. Merging only
  neighbours keeps the order of the rows, so a merge changes no result.

A state is a `SegmentedIndex` value: every change returns a new one and leaves the old one whole, so a query
running meanwhile reads one state throughout. On disk, `write` puts the segments the directory lacks under
`segments/`, fsyncs them, then writes the manifest (`index.json`: segments, tombstones, counters) to a temporary
file, fsyncs it and `os.replace`s it over the old one, as `graph/store.py` does; segments no manifest names any
more are deleted afterwards. A crash before the switch leaves the previous state, and its leftovers are removed
by the next write. Writers of one directory take turns on an flock (`<dir>/lock`).

Rows: the live rows of every segment, segment after segment, make the row numbers the engine works with; the
near-duplicate pairs are pairs of contents (`search.segment_duplicates`), whatever segment holds their rows.
"""
from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import numpy as np

from ingest.durability import fsync_path
from search.base import IndexHit, hits, ranked_hits
from search.embed import Embedder
from search.lexical import LexicalConfig, LexicalIndex, LexicalSegment
from search.persist import read_json
from search.resolve import Entity
from search.segment_duplicates import NO_EDGES, BandKeys, Banding, Earlier, groups_of, live_contents, new_edges
from search.units import Unit
from search.vectors import DenseIndex, VectorConfig, VectorIndex

FORMAT = "plangraph.segments.v2"
MANIFEST = "index.json"
SEGMENTS = "segments"
_TMP = ".tmp-"

EntitiesByDoc = Mapping[str, Sequence[Entity]]


@dataclass(frozen=True)
class MergePolicy:
    segments_per_tier: int = 10   # more adjacent segments than this in one size tier are merged into one
    tier_factor: int = 10         # a tier: live row counts within a factor of 10 (1-9, 10-99, 100-999, ...)
    max_dead_share: float = 0.5   # a segment whose rows are more than half dead is rewritten without them


@dataclass(frozen=True, eq=False)
class Segment:
    name: str
    units: tuple[Unit, ...]
    lexical: LexicalSegment
    vectors: VectorIndex | None
    bands: BandKeys
    edges: np.ndarray                              # near-duplicate pairs of contents found when it was written
    entities: tuple[tuple[str | None, Entity], ...]  # (document it came from, or None for the whole segment)
    tags: dict[str, str]                           # doc_id -> the caller's version tag of that document

    @property
    def count(self) -> int:
        return len(self.units)

    def write(self, directory: Path) -> None:
        """Write into `directory` (which must not exist), every file fsynced."""
        directory.mkdir(parents=True)
        self.lexical.write(directory / "lexical")
        if self.vectors is not None:
            self.vectors.write(directory / "vectors")
        for name, array in (("grouped", self.bands.grouped), ("bands", self.bands.keys),
                            ("contents", self.bands.contents), ("edges", self.edges)):
            np.save(directory / f"{name}.npy", array)
        _write_lines(directory / "units.jsonl", (asdict(u) for u in self.units))
        _write_lines(directory / "entities.jsonl", ({"doc_id": doc, **asdict(e)} for doc, e in self.entities))
        (directory / "segment.json").write_text(json.dumps({"format": FORMAT, "rows": self.count,
                                                            "tags": self.tags}, ensure_ascii=False), "utf-8")
        for path in directory.rglob("*"):
            if path.is_file():
                fsync_path(path)
        for path in [*(p for p in directory.rglob("*") if p.is_dir()), directory]:
            fsync_path(path)

    @classmethod
    def load(cls, directory: Path, embedder: Embedder | None) -> "Segment":
        meta = read_json(directory / "segment.json")
        if meta.get("format") != FORMAT:
            raise ValueError(f"{directory} holds segment format {meta.get('format')!r}, expected {FORMAT!r}")
        units = tuple(Unit(**row) for row in _read_lines(directory / "units.jsonl"))
        entities = tuple((row.pop("doc_id"), Entity(**{**row, "aliases": tuple(row["aliases"])}))
                         for row in _read_lines(directory / "entities.jsonl"))
        vectors = (VectorIndex.load(directory / "vectors", model=embedder.name, dim=embedder.dim)
                   if embedder is not None and (directory / "vectors").exists() else None)
        bands = BandKeys(*(np.load(directory / f"{name}.npy") for name in ("grouped", "bands", "contents")))
        if len(units) != meta["rows"] or len(bands.grouped) != meta["rows"]:
            raise ValueError(f"{directory} is incomplete: {len(units)} units for {meta['rows']} rows")
        return cls(directory.name, units, LexicalSegment.load(directory / "lexical"), vectors, bands, np.load(directory / "edges.npy"), entities, dict(meta["tags"]))


@dataclass(frozen=True)
class SegmentedIndex:
    """One state of the index: its segments, their tombstones and counters. Changes return a new state."""
    lexical_config: LexicalConfig = field(default_factory=LexicalConfig)
    vector_config: VectorConfig = field(default_factory=VectorConfig)
    banding: Banding = field(default_factory=Banding.of)
    embedder: str | None = None                    # the model of the segments' vectors; None: lexical only
    segments: tuple[Segment, ...] = ()
    deleted: tuple[frozenset[int], ...] = ()       # per segment, its tombstoned rows
    generation: int = 0

    # --- the live rows -------------------------------------------------------------------------------------
    @cached_property
    def live(self) -> list[np.ndarray | None]:
        """Per segment, which rows are live (None: all of them)."""
        masks = []
        for segment, dead in zip(self.segments, self.deleted):
            mask = None
            if dead:
                mask = np.ones(segment.count, dtype=bool)
                mask[sorted(dead)] = False
            masks.append(mask)
        return masks

    @cached_property
    def _live_rows(self) -> list[np.ndarray]:
        return [np.arange(s.count) if m is None else np.flatnonzero(m) for s, m in zip(self.segments, self.live)]

    @cached_property
    def _bases(self) -> list[int]:
        return [0, *np.cumsum([len(rows) for rows in self._live_rows]).tolist()]

    def count(self) -> int:
        return self._bases[-1]

    @cached_property
    def units(self) -> list[Unit]:
        return [s.units[row] for s, rows in zip(self.segments, self._live_rows) for row in rows.tolist()]

    @cached_property
    def contents(self) -> np.ndarray:
        """The live rows' contents (`BandKeys.contents`), 0 where a row is not grouped."""
        parts = [s.bands.contents[rows] for s, rows in zip(self.segments, self._live_rows)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)

    def lexical(self) -> LexicalIndex:
        return LexicalIndex(self.lexical_config, [s.lexical for s in self.segments], self.live)

    def dense(self, embedder: Embedder) -> "SegmentedDense":
        return SegmentedDense(embedder, self)

    def documents(self) -> dict[str, str]:
        """Every live document with its version tag."""
        return {doc: s.tags.get(doc, "") for s, rows in zip(self.segments, self._live_rows)
                for doc in dict.fromkeys(s.units[r].doc_id for r in rows.tolist())}

    def entities(self) -> list[Entity]:
        """The entities of the live documents (and of segments given them whole), each (kind, key) once."""
        found: dict[tuple[str, str], Entity] = {}
        for segment, rows in zip(self.segments, self._live_rows):
            docs = {segment.units[r].doc_id for r in rows.tolist()}
            for doc, entity in segment.entities:
                if (doc is None and docs) or doc in docs:
                    found.setdefault((entity.kind, entity.key), entity)
        return list(found.values())

    def groups(self) -> list[list[int]]:
        """The near-duplicate groups over the live rows, as `NearDuplicateGrouper` would find them."""
        return groups_of(self.contents, [s.edges for s in self.segments])

    def local_mask(self, number: int, mask: np.ndarray | None) -> np.ndarray | None:
        """A filter over all live rows as a mask over segment `number`'s rows (dead rows never pass)."""
        if mask is None:
            return self.live[number]
        local = np.zeros(self.segments[number].count, dtype=bool)
        local[self._live_rows[number]] = mask[self._bases[number]:self._bases[number + 1]]
        return local

    def global_rows(self, number: int, rows: np.ndarray) -> np.ndarray:
        """Live rows of segment `number` as numbers over the live rows of all segments."""
        if self.live[number] is None:   # no tombstone: a row's number is its place in the segment
            return rows + self._bases[number]
        return self._bases[number] + np.searchsorted(self._live_rows[number], rows)

    # --- changes -------------------------------------------------------------------------------------------
    def add(self, units: Sequence[Unit], embedder: Embedder | None = None,
            entities: Sequence[Entity] | EntitiesByDoc = (), tags: Mapping[str, str] | None = None
            ) -> "SegmentedIndex":
        """A new state with `units` as one more segment; live units of the same documents are tombstoned first
        (a document added again replaces itself). `entities` by document live as long as their document;
        a plain sequence lives with the segment."""
        if embedder is None and self.embedder is not None:
            raise ValueError(f"this index holds vectors of {self.embedder!r}: give that embedder to add units")
        if embedder is not None and self.segments and self.embedder != embedder.name:
            raise ValueError(f"this index holds {'no vectors' if self.embedder is None else self.embedder!r}: "
                             f"units embedded with {embedder.name!r} cannot join it; build it again")
        units = list(units)
        state = self.remove({u.doc_id for u in units})
        if not units:
            return state
        if isinstance(entities, Mapping):
            tagged = tuple((doc, e) for doc, found in entities.items() for e in found)
        else:
            tagged = tuple((None, e) for e in entities)
        docs = dict.fromkeys(u.doc_id for u in units)
        segment = state._new_segment(units, embedder, tagged, {d: (tags or {}).get(d, "") for d in docs})
        return replace(state, embedder=embedder.name if embedder else None, segments=(*state.segments, segment),
                       deleted=(*state.deleted, frozenset()), generation=state.generation + 1)

    def _new_segment(self, units: list[Unit], embedder: Embedder | None,
                     entities: tuple[tuple[str | None, Entity], ...], tags: dict[str, str]) -> Segment:
        vectors = None
        if embedder is not None:
            dense = DenseIndex(embedder, VectorIndex(embedder.name, embedder.dim, self.vector_config))
            dense.add([u.content or u.text for u in units])
            vectors = dense.vectors
        keys, sets = BandKeys.of(units, self.banding)
        earlier = [Earlier(s.units, s.bands, live) for s, live in zip(self.segments, self.live)]
        edges = new_edges(keys, sets, earlier, self.banding.threshold)
        return Segment(_segment_name(self.generation + 1), tuple(units),
                       LexicalSegment.of([u.text for u in units], self.lexical_config), vectors, keys, edges,
                       entities, tags)

    def remove(self, doc_ids: Sequence[str] | set[str]) -> "SegmentedIndex":
        """A new state where the units of `doc_ids` are tombstoned; segments left with no live row are dropped."""
        doc_ids = set(doc_ids)
        if not doc_ids or not doc_ids & set(self.documents()):
            return self
        segments, deleted = [], []
        for segment, dead in zip(self.segments, self.deleted):
            dead = dead | {row for row, u in enumerate(segment.units) if u.doc_id in doc_ids}
            if len(dead) < segment.count:
                segments.append(segment)
                deleted.append(frozenset(dead))
        return replace(self, segments=tuple(segments), deleted=tuple(deleted), generation=self.generation + 1)

    def merge(self, policy: MergePolicy | None = None, everything: bool = False) -> "SegmentedIndex":
        """A new state where adjacent segments are merged as `policy` says (or all of them into one), without
        their tombstoned rows; the same state when there is nothing to merge."""
        runs = self._merge_runs(policy or MergePolicy(), everything)
        if not runs:
            return self
        segments, deleted = list(self.segments), list(self.deleted)
        for start, end in reversed(runs):
            segments[start:end] = [self._merged(start, end)]
            deleted[start:end] = [frozenset()]
        return replace(self, segments=tuple(segments), deleted=tuple(deleted), generation=self.generation + 1)

    def _merge_runs(self, policy: MergePolicy, everything: bool) -> list[tuple[int, int]]:
        sizes = [len(rows) for rows in self._live_rows]
        if everything:
            return [(0, len(sizes))] if len(sizes) > 1 or any(self.deleted) else []
        tiers = [int(math.log(max(size, 1), policy.tier_factor)) for size in sizes]
        runs, start = [], 0
        while start < len(sizes):
            end = start
            while end < len(sizes) and tiers[end] == tiers[start]:
                end += 1
            if end - start > policy.segments_per_tier:
                runs.append((start, end))
            else:
                runs += [(n, n + 1) for n in range(start, end)
                         if len(self.deleted[n]) > policy.max_dead_share * self.segments[n].count]
            start = end
        return runs

    def _merged(self, start: int, end: int) -> Segment:
        """One segment holding the live rows of segments start..end-1, in their order; nothing is re-embedded."""
        parts = list(zip(self.segments[start:end], self._live_rows[start:end]))
        units = [s.units[r] for s, rows in parts for r in rows.tolist()]
        vectors = None
        if self.embedder is not None:
            vectors = VectorIndex(self.embedder, parts[0][0].vectors.dim, self.vector_config)
            for segment, rows in parts:   # a part at a time: at 1M rows, all parts stacked cost 3 GB more
                vectors.add(segment.vectors.stored(rows))
        # a document's entities and tag come from the segment holding its live rows, not from a replaced copy
        live_docs = [{s.units[r].doc_id for r in rows.tolist()} for s, rows in parts]
        entities = tuple((doc, e) for (s, _), docs in zip(parts, live_docs) for doc, e in s.entities
                         if doc is None or doc in docs)
        tags = {doc: tag for (s, _), docs in zip(parts, live_docs) for doc, tag in s.tags.items() if doc in docs}
        keys = [s.bands.take(rows) for s, rows in parts]
        edges = live_contents(self.contents, np.concatenate([NO_EDGES, *(s.edges for s, _ in parts)]))
        return Segment(_segment_name(self.generation + 1), tuple(units),
                       LexicalSegment.merged([(s.lexical, rows) for s, rows in parts]), vectors,
                       BandKeys(*(np.concatenate([getattr(k, name) for k in keys])
                                  for name in ("grouped", "keys", "contents"))),
                       edges, entities, tags)

    # --- disk ----------------------------------------------------------------------------------------------
    def write(self, directory: Path | str, extra: dict | None = None) -> None:
        """Make this state the one saved in `directory`: the segments it lacks, then the manifest's switch."""
        directory = Path(directory)
        if self.embedder is not None and any(s.vectors is None for s in self.segments):
            raise ValueError(f"this state was loaded without its vectors ({self.embedder}); it cannot be saved")
        (directory / SEGMENTS).mkdir(parents=True, exist_ok=True)
        with _writing(directory):
            for segment in self.segments:
                target = directory / SEGMENTS / segment.name
                if not target.exists():
                    temporary = directory / SEGMENTS / f"{_TMP}{segment.name}"
                    shutil.rmtree(temporary, ignore_errors=True)
                    segment.write(temporary)
                    os.replace(temporary, target)
            fsync_path(directory / SEGMENTS)
            _switch_manifest(directory, self._manifest(extra or {}))
            named = {s.name for s in self.segments}
            for leftover in (directory / SEGMENTS).iterdir():
                if leftover.name not in named:
                    shutil.rmtree(leftover, ignore_errors=True)

    def _manifest(self, extra: dict) -> dict:
        return {"format": FORMAT, "generation": self.generation,
                "embedder": self.embedder, "lexical": asdict(self.lexical_config),
                "vectors": asdict(self.vector_config), "banding": asdict(self.banding),
                "segments": [{"name": s.name, "rows": s.count, "deleted": sorted(dead)}
                             for s, dead in zip(self.segments, self.deleted)], "extra": extra}

    @classmethod
    def load(cls, directory: Path | str, embedder: Embedder | None = None) -> tuple["SegmentedIndex", dict]:
        """The state saved in `directory` and the extra data saved with it. Vectors are read only with the
        embedder that made them (VectorIndexMismatch otherwise); without one, the state is lexical only."""
        directory = Path(directory)
        meta = read_json(directory / MANIFEST)
        if meta.get("format") != FORMAT:
            raise ValueError(f"{directory} holds search index format {meta.get('format')!r}, expected {FORMAT!r}")
        with_vectors = embedder if meta["embedder"] is not None else None
        segments = tuple(Segment.load(directory / SEGMENTS / s["name"], with_vectors) for s in meta["segments"])
        state = cls(LexicalConfig(**meta["lexical"]), VectorConfig(**meta["vectors"]), Banding(**meta["banding"]),
                    meta["embedder"], segments, tuple(frozenset(s["deleted"]) for s in meta["segments"]),
                    meta["generation"])
        return state, meta["extra"]


class SegmentedDense:
    """Dense search over every segment's vectors: each segment's best rows, merged by similarity (cosine scores
    of one model compare across segments as they are)."""

    def __init__(self, embedder: Embedder, index: SegmentedIndex):
        self.embedder = embedder
        self.index = index

    def count(self) -> int:
        return self.index.count()

    def search(self, query: str, k: int = 10, mask: np.ndarray | None = None) -> list[IndexHit]:
        return self.search_vector(self.embedder.embed_query(query), k, mask)

    def search_vector(self, vector: np.ndarray, k: int = 10, mask: np.ndarray | None = None) -> list[IndexHit]:
        segments = self.index.segments
        if len(segments) == 1 and mask is None and self.index.live[0] is None:   # its rows are the live rows
            return ranked_hits(*segments[0].vectors.nearest(vector, k))
        rows, scores = [], []
        for number, segment in enumerate(segments):
            local = self.index.local_mask(number, mask)
            if local is not None and not local.any():
                continue
            found, similarities = segment.vectors.nearest(vector, k, local)
            rows.append(self.index.global_rows(number, found))
            scores.append(similarities)
        return hits(np.concatenate(rows), np.concatenate(scores), k) if rows else []


def _segment_name(generation: int) -> str:
    return f"{generation:09d}-{uuid.uuid4().hex[:8]}"


@contextmanager
def _writing(directory: Path) -> Iterator[None]:
    """One writer of the directory at a time (the lock is released when its descriptor closes)."""
    descriptor = os.open(directory / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _switch_manifest(directory: Path, manifest: dict) -> None:
    """The one atomic step of a change: the new manifest, fsynced, replaces the old one."""
    temporary = directory / f"{_TMP}{MANIFEST}.{uuid.uuid4().hex[:8]}"
    try:
        temporary.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        fsync_path(temporary)
        os.replace(temporary, directory / MANIFEST)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_path(directory)


def _write_lines(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
