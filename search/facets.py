"""Filters and facet counts over the units' metadata and entity links, as integer codes for numpy.

Every facet value is kept as a code per (row, value) pair, so a filter is a boolean mask over the rows. For the
counts, all facets' codes are numbered together and kept by row (CSR): the counts of a result set are one
`bincount` over the pairs of its rows, or, when most rows match (a query of common words), the counts of all rows
less those of the rows left out, so the work follows the smaller side.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ingest.text import fold
from search.units import Unit

FACETS = ("province", "doc_type", "kind", "year", "source", "lead", "cooperating", "directed_by")
ANY_AGENCY = "agency"   # a filter on any role at once
_ROLES = ("lead", "cooperating", "directed_by")


def _values(unit: Unit, facet: str) -> list[str]:
    value = getattr(unit, facet)
    if isinstance(value, list):
        return value
    return [value] if value else []


@dataclass
class _Facet:
    labels: list[str]          # code -> display value
    rows: np.ndarray           # pair -> row
    codes: np.ndarray          # pair -> code
    code_of: dict[str, int]    # folded value -> code


def _facet(units: Sequence[Unit], facet: str) -> _Facet:
    labels: list[str] = []
    code_of: dict[str, int] = {}
    code_as_written: dict[str, int] = {}   # folding is the cost here: each value written one way is folded once
    rows, codes = [], []
    for row, unit in enumerate(units):
        for value in _values(unit, facet):
            code = code_as_written.get(value)
            if code is None:
                code = code_as_written[value] = code_of.setdefault(fold(value), len(labels))
                if code == len(labels):
                    labels.append(value)
            rows.append(row)
            codes.append(code)
    return _Facet(labels, np.asarray(rows, dtype=np.int64), np.asarray(codes, dtype=np.int64), code_of)


class FacetTable:
    def __init__(self, units: Sequence[Unit]):
        self.count = len(units)
        self._facets = {name: _facet(units, name) for name in FACETS}
        ends = np.cumsum([len(self._facets[n].labels) for n in FACETS]).tolist()
        self._first_code = dict(zip(FACETS, [0, *ends[:-1]]))
        self._code_count = ends[-1]
        rows = np.concatenate([self._facets[n].rows for n in FACETS])
        codes = np.concatenate([self._facets[n].codes + self._first_code[n] for n in FACETS])
        by_row = np.argsort(rows, kind="stable")
        self._codes_by_row = codes[by_row].astype(np.int32)
        self._row_start = np.searchsorted(rows[by_row], np.arange(self.count + 1))
        self._all_counts = np.bincount(self._codes_by_row, minlength=self._code_count)

    def mask(self, filters: dict | None) -> np.ndarray | None:
        """Rows that pass every filter; a filter's value may be one value or a list of accepted values."""
        if not filters:
            return None
        allowed = np.ones(self.count, dtype=bool)
        for name, wanted in filters.items():
            facets = _ROLES if name == ANY_AGENCY else (name,)
            unknown = [f for f in facets if f not in self._facets]
            if unknown:
                raise ValueError(f"unknown filter {name!r}: available filters are "
                                 f"{', '.join((*FACETS, ANY_AGENCY))}")
            wanted_values = wanted if isinstance(wanted, (list, tuple, set)) else [wanted]
            passing = np.zeros(self.count, dtype=bool)
            for facet in facets:
                passing |= self._rows_with(facet, [str(v) for v in wanted_values])
            allowed &= passing
        return allowed

    def _rows_with(self, facet: str, values: list[str]) -> np.ndarray:
        data = self._facets[facet]
        codes = [data.code_of[fold(v)] for v in values if fold(v) in data.code_of]
        rows = np.zeros(self.count, dtype=bool)
        rows[data.rows[np.isin(data.codes, codes)]] = True
        return rows

    def counts(self, matched: np.ndarray, limit: int = 20) -> dict[str, dict[str, int]]:
        """Per facet, the most frequent values among the matched rows with their counts."""
        if 2 * np.count_nonzero(matched) > self.count:
            counts = self._all_counts - self._counts_of(np.flatnonzero(~matched))
        else:
            counts = self._counts_of(np.flatnonzero(matched))
        out = {}
        for name, data in self._facets.items():
            first = self._first_code[name]
            facet_counts = counts[first:first + len(data.labels)]
            top = [c for c in np.argsort(-facet_counts, kind="stable")[:limit] if facet_counts[c] > 0]
            out[name] = {data.labels[c]: int(facet_counts[c]) for c in top}
        return out

    def _counts_of(self, rows: np.ndarray) -> np.ndarray:
        """Counts by code over the pairs of `rows`: their slices of the CSR arrays, gathered in one index."""
        starts = self._row_start[rows]
        lengths = self._row_start[rows + 1] - starts
        # position p of the pairs = its row's start + its rank within the row
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        return np.bincount(self._codes_by_row[positions], minlength=self._code_count)
