"""Near-duplicate groups kept up to date segment by segment, as `NearDuplicateGrouper` finds them all at once.

`NearDuplicateGrouper` hashes every unit, puts them in one MinHash LSH and joins the pairs it verifies. Redoing
that on every change would cost the whole collection's terms again; instead each segment keeps, per grouped row,
its LSH band keys (the bands and rows per band that datasketch's `MinHashLSH` chooses for the same threshold) and
its content (a hash of its term set), and the verified pairs of contents found when it was written. Rows of one
content are always joined (their Jaccard is 1), so a pair is judged once per two contents, not once per two rows:
a boilerplate paragraph restated in ten thousand documents costs one content, not fifty million pairs. A new
segment judges its contents among themselves and against the live contents of the segments before it, so two
live contents that pair are paired in the later segment of their two live rows, which lives as long as that row.
The groups of a state are then the rows joined through their contents and the pairs of live contents: the same
groups as one grouper over the live units (a removal that breaks a chain splits its group, as a fresh grouping
would).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from search.duplicates import GROUPED_KINDS, NearDuplicateGrouper, jaccard, term_set
from search.units import Unit

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
NO_EDGES = np.zeros((0, 2), dtype=np.uint64)


@dataclass(frozen=True)
class Banding:
    """The grouper's parameters and the LSH banding they imply."""
    threshold: float
    num_perm: int
    min_terms: int
    bands: int
    rows_per_band: int

    @classmethod
    def of(cls, grouper: NearDuplicateGrouper | None = None) -> "Banding":
        grouper = grouper or NearDuplicateGrouper()
        lsh = MinHashLSH(threshold=grouper.threshold, num_perm=grouper.num_perm)
        return cls(grouper.threshold, grouper.num_perm, grouper.min_terms, lsh.b, lsh.r)


@dataclass(frozen=True)
class BandKeys:
    """Per row of a segment: whether it takes part in grouping, its band keys and its content (zeros where it
    does not)."""
    grouped: np.ndarray    # bool [rows]
    keys: np.ndarray       # uint64 [rows, bands]
    contents: np.ndarray   # uint64 [rows]: a hash of the row's term set

    @classmethod
    def of(cls, units: Sequence[Unit], banding: Banding) -> tuple["BandKeys", dict[int, frozenset[str]]]:
        """The keys of `units`, and the term sets of the grouped rows (to verify candidate pairs)."""
        sets = {row: term_set(u.text) for row, u in enumerate(units) if u.kind in GROUPED_KINDS}
        sets = {row: terms for row, terms in sets.items() if len(terms) >= banding.min_terms}
        grouped = np.zeros(len(units), dtype=bool)
        grouped[list(sets)] = True
        keys = np.zeros((len(units), banding.bands), dtype=np.uint64)
        contents = np.zeros(len(units), dtype=np.uint64)
        if sets:
            encoded = [[t.encode("utf-8") for t in terms] for terms in sets.values()]
            hashes = np.vstack([m.hashvalues for m in MinHash.bulk(encoded, num_perm=banding.num_perm)])
            keys[list(sets)] = _band_keys(hashes, banding)
            contents[list(sets)] = [content_of(terms) for terms in sets.values()]
        return cls(grouped, keys, contents), sets

    def take(self, rows: np.ndarray) -> "BandKeys":
        return BandKeys(self.grouped[rows], self.keys[rows], self.contents[rows])


def content_of(terms: frozenset[str]) -> int:
    """A term set's 64-bit content hash, never 0 (0 marks a row that is not grouped)."""
    digest = hashlib.blake2b("\x1f".join(sorted(terms)).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1


def _band_keys(hashes: np.ndarray, banding: Banding) -> np.ndarray:
    """One 64-bit key per band of `rows_per_band` MinHash values (FNV-1a over the values): rows sharing a band
    share its key, as they share a bucket of datasketch's LSH."""
    used = hashes[:, :banding.bands * banding.rows_per_band].astype(np.uint64)
    values = used.reshape(len(hashes), banding.bands, banding.rows_per_band)
    keys = np.full(values.shape[:2], _FNV_OFFSET, dtype=np.uint64)
    for position in range(banding.rows_per_band):
        keys = (keys ^ values[:, :, position]) * _FNV_PRIME
    return keys


@dataclass(frozen=True)
class Earlier:
    """A segment written before the new one, as the new one's contents are matched against it."""
    units: Sequence[Unit]
    keys: BandKeys
    live: np.ndarray | None

    def live_rows(self) -> np.ndarray:
        """One grouped live row per content."""
        grouped = self.keys.grouped if self.live is None else self.keys.grouped & self.live
        rows = np.flatnonzero(grouped)
        _contents, first = np.unique(self.keys.contents[rows], return_index=True)
        return rows[np.sort(first)]


def new_edges(keys: BandKeys, sets: dict[int, frozenset[str]], earlier: Sequence[Earlier],
              threshold: float) -> np.ndarray:
    """The verified pairs (content, content) of a new segment's contents: among them, and with the live contents
    of `earlier`."""
    rows = np.flatnonzero(keys.grouped)
    _contents, first = np.unique(keys.contents[rows], return_index=True)
    rows = rows[np.sort(first)]
    pairs: set[tuple[int, int]] = set()
    for band in range(keys.keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for row, key in zip(rows.tolist(), keys.keys[rows, band].tolist()):
            buckets.setdefault(key, []).append(row)
        for members in buckets.values():
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    contents = keys.contents
    edges = {_pair(contents[a], contents[b]) for a, b in pairs if jaccard(sets[a], sets[b]) >= threshold}
    for segment in earlier:
        edges.update(_edges_with(segment, segment.live_rows(), rows, keys, sets, threshold))
    return np.asarray(sorted(edges), dtype=np.uint64).reshape(-1, 2)


def _edges_with(segment: Earlier, old_rows: np.ndarray, rows: np.ndarray, keys: BandKeys,
                sets: dict[int, frozenset[str]], threshold: float) -> set[tuple[int, int]]:
    if not len(old_rows) or not len(rows):
        return set()
    pairs: set[tuple[int, int]] = set()
    for band in range(keys.keys.shape[1]):
        old_keys = segment.keys.keys[old_rows, band]
        order = np.argsort(old_keys, kind="stable")
        sorted_keys = old_keys[order]
        new_keys = keys.keys[rows, band]
        starts = np.searchsorted(sorted_keys, new_keys, side="left")
        ends = np.searchsorted(sorted_keys, new_keys, side="right")
        for row, start, end in zip(rows.tolist(), starts.tolist(), ends.tolist()):
            pairs.update((row, int(old)) for old in old_rows[order[start:end]])
    pairs = {(row, old) for row, old in pairs if keys.contents[row] != segment.keys.contents[old]}   # one content
    old_sets: dict[int, frozenset[str]] = {}
    edges = set()
    for row, old in sorted(pairs):
        if old not in old_sets:
            old_sets[old] = term_set(segment.units[old].text)
        if jaccard(sets[row], old_sets[old]) >= threshold:
            edges.add(_pair(segment.keys.contents[old], keys.contents[row]))
    return edges


def _pair(first: np.uint64, second: np.uint64) -> tuple[int, int]:
    return (int(first), int(second)) if first < second else (int(second), int(first))


def groups_of(contents: np.ndarray, edges: Sequence[np.ndarray]) -> list[list[int]]:
    """Groups of live rows (positions in `contents`, their contents, 0 where not grouped) joined by one content
    or by pairs of contents both live; each group's rows ascending, the groups in the order of their first row
    (as `NearDuplicateGrouper.groups` gives them)."""
    grouped = np.flatnonzero(contents)
    if not len(grouped):
        return []
    distinct, of_row = np.unique(contents[grouped], return_inverse=True)
    pairs = np.concatenate([NO_EDGES, *edges])
    positions = np.searchsorted(distinct, pairs).clip(max=len(distinct) - 1)
    both_live = (distinct[positions] == pairs).all(axis=1)
    labels = _components(len(distinct), *positions[both_live].T) if both_live.any() else np.arange(len(distinct))
    row_labels = labels[of_row.reshape(-1)]
    by_group = grouped[np.lexsort((grouped, row_labels))]
    bounds = np.flatnonzero(np.diff(np.sort(row_labels))) + 1
    groups = [members.tolist() for members in np.split(by_group, bounds) if len(members) > 1]
    return sorted(groups, key=lambda members: members[0])


def live_contents(contents: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The pairs of `edges` whose two contents are among `contents`, each once."""
    kept = edges[np.isin(edges, contents).all(axis=1)]
    return np.unique(kept, axis=0) if len(kept) else NO_EDGES


def _components(count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Connected components in numpy: every node takes the lowest label among its pairs' ends, then follows its
    label's label, until nothing moves; a component ends labelled by its lowest node."""
    labels = np.arange(count)
    while True:
        lowest = np.minimum(labels[first], labels[second])
        moved = labels.copy()
        np.minimum.at(moved, first, lowest)
        np.minimum.at(moved, second, lowest)
        moved = moved[moved]
        if np.array_equal(moved, labels):
            return labels
        labels = moved
