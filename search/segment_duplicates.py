"""Near-duplicate groups kept up to date segment by segment, as `NearDuplicateGrouper` finds them all at once.

`NearDuplicateGrouper` hashes every unit, puts them in one MinHash LSH and joins the pairs it verifies. Redoing
that on every change would cost the whole collection's terms again; instead each segment keeps, per grouped row,
its LSH band keys (the bands and rows per band that datasketch's `MinHashLSH` chooses for the same threshold), and
the verified pairs found when it was written: between its own rows, and between its rows and the live rows of the
segments before it. A pair is two permanent unit numbers (`seq`), which survive merges. The groups of a state are
then the connected pairs whose two ends are live: the same pairs, hence the same groups, as one grouper over the
live units (a removal that breaks a chain splits its group, as a fresh grouping would).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from search.duplicates import GROUPED_KINDS, NearDuplicateGrouper, jaccard, term_set
from search.units import Unit

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
NO_EDGES = np.zeros((0, 2), dtype=np.int64)


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
    """Per row of a segment: whether it takes part in grouping, and its band keys (zeros where it does not)."""
    grouped: np.ndarray    # bool [rows]
    keys: np.ndarray       # uint64 [rows, bands]

    @classmethod
    def of(cls, units: Sequence[Unit], banding: Banding) -> tuple["BandKeys", dict[int, frozenset[str]]]:
        """The keys of `units`, and the term sets of the grouped rows (to verify candidate pairs)."""
        sets = {row: term_set(u.text) for row, u in enumerate(units) if u.kind in GROUPED_KINDS}
        sets = {row: terms for row, terms in sets.items() if len(terms) >= banding.min_terms}
        grouped = np.zeros(len(units), dtype=bool)
        grouped[list(sets)] = True
        keys = np.zeros((len(units), banding.bands), dtype=np.uint64)
        if sets:
            encoded = [[t.encode("utf-8") for t in terms] for terms in sets.values()]
            hashes = np.vstack([m.hashvalues for m in MinHash.bulk(encoded, num_perm=banding.num_perm)])
            keys[list(sets)] = _band_keys(hashes, banding)
        return cls(grouped, keys), sets

    def take(self, rows: np.ndarray) -> "BandKeys":
        return BandKeys(self.grouped[rows], self.keys[rows])


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
    """A segment written before the new one, as the new one's rows are matched against it."""
    units: Sequence[Unit]
    seqs: np.ndarray
    keys: BandKeys
    live: np.ndarray | None


def new_edges(units: Sequence[Unit], seqs: np.ndarray, keys: BandKeys, sets: dict[int, frozenset[str]],
              earlier: Sequence[Earlier], threshold: float) -> np.ndarray:
    """The verified pairs (seq, seq) of a new segment: among its rows, and with the live rows of `earlier`."""
    pairs: set[tuple[int, int]] = set()
    rows = np.flatnonzero(keys.grouped)
    for band in range(keys.keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for row, key in zip(rows.tolist(), keys.keys[rows, band].tolist()):
            buckets.setdefault(key, []).append(row)
        for members in buckets.values():
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    edges = [(int(seqs[a]), int(seqs[b])) for a, b in sorted(pairs) if jaccard(sets[a], sets[b]) >= threshold]
    for segment in earlier:
        edges += _edges_with(segment, rows, keys, seqs, sets, threshold)
    return np.asarray(edges, dtype=np.int64).reshape(-1, 2)


def _edges_with(segment: Earlier, rows: np.ndarray, keys: BandKeys, seqs: np.ndarray,
                sets: dict[int, frozenset[str]], threshold: float) -> list[tuple[int, int]]:
    candidates = segment.keys.grouped if segment.live is None else segment.keys.grouped & segment.live
    old_rows = np.flatnonzero(candidates)
    if not len(old_rows) or not len(rows):
        return []
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
    old_sets: dict[int, frozenset[str]] = {}
    edges = []
    for row, old in sorted(pairs):
        if old not in old_sets:
            old_sets[old] = term_set(segment.units[old].text)
        if jaccard(sets[row], old_sets[old]) >= threshold:
            edges.append((int(segment.seqs[old]), int(seqs[row])))
    return edges


def groups_of(live_seqs: np.ndarray, edges: Sequence[np.ndarray]) -> list[list[int]]:
    """Groups of rows (positions in `live_seqs`) joined by pairs whose two ends are live; each group's rows
    ascending, the groups in the order of their first row (as `NearDuplicateGrouper.groups` gives them)."""
    pairs = np.concatenate([NO_EDGES, *edges])
    if not len(pairs) or not len(live_seqs):
        return []
    order = np.argsort(live_seqs, kind="stable")
    sorted_seqs = live_seqs[order]
    positions = np.searchsorted(sorted_seqs, pairs).clip(max=len(sorted_seqs) - 1)
    both_live = (sorted_seqs[positions] == pairs).all(axis=1)
    first, second = order[positions[both_live]].T
    # connected components in numpy: every row takes the lowest label among its pairs' ends, then follows its
    # label's label, until nothing moves; a component ends labelled by its first row
    labels = np.arange(len(live_seqs))
    while True:
        lowest = np.minimum(labels[first], labels[second])
        moved = labels.copy()
        np.minimum.at(moved, first, lowest)
        np.minimum.at(moved, second, lowest)
        moved = moved[moved]
        if np.array_equal(moved, labels):
            break
        labels = moved
    rows = np.unique(np.concatenate([first, second]))
    by_group = rows[np.lexsort((rows, labels[rows]))]
    bounds = np.flatnonzero(np.diff(labels[by_group])) + 1
    return [members.tolist() for members in np.split(by_group, bounds) if len(members) > 1]
