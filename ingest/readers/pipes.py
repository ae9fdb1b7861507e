"""Finding the tables in markdown rendered with every "|" on a line of its own.

Such a rendering keeps a row as: "|", the first cell's lines, "|", the next cell's lines, …, "|"; the next row
opens with its own "|" right under the closing one, so two pipes with nothing between are either a row
boundary or an empty cell. Text between a row's closing pipe and the next opening pipe is outside any table.
Rows under a cell merged over several rows have fewer cells than the header.

`locate_tables` reads the chain of pipes as tables of a guessed width. A row is as wide as the table when the
gap after its last cell is empty (a boundary); otherwise it is a short row ending at its first empty gap, if the
rows after it still line up, or the table's last row (outside text follows). Over the whole document the
reading that confirms the most row boundaries wins (dynamic programming over pipes), less a cost per table: a
wrong width stops confirming at once, merges rows (two rows of 3 read as one of 7) or splits a table into
fragments, and each of those confirms less. A lone row confirms nothing, so its pipes are read as separators.
"""
from __future__ import annotations

from bisect import bisect_left

MAX_COLUMNS = 30
_WIDTH_GUESSES = 3       # a first row is as wide as the run of pipes up to one of its first empty gaps
_TABLE_COST = 0.5        # a table must confirm at least one row boundary to be worth believing


class PipeChain:
    def __init__(self, lines: list[str]):
        self.pipes = [index for index, line in enumerate(lines) if line.strip() == "|"]
        count = len(self.pipes)
        self.count = count
        # empty[k]: nothing but blank lines between pipe k and pipe k + 1 (False after the last pipe)
        self.empty = [self.pipes[k + 1] == self.pipes[k] + 1
                      or not any(line.strip() for line in lines[self.pipes[k] + 1:self.pipes[k + 1]])
                      for k in range(count - 1)] + [False]
        self.empty_gaps = [k for k, is_empty in enumerate(self.empty) if is_empty]
        # next_empty[k]: the first empty gap at or after pipe k (count when there is none)
        self.next_empty = [count] * (count + 1)
        for k in range(count - 1, -1, -1):
            self.next_empty[k] = k if self.empty[k] else self.next_empty[k + 1]
        self._rows: dict[tuple[int, int], tuple[int, int]] = {}
        self._aligned: dict[tuple[int, int], bool] = {}

    def _full_row_continues(self, start: int, columns: int) -> bool:
        closing = start + columns
        return closing + 1 < self.count and self.empty[closing]

    def _short_row_end(self, start: int, columns: int) -> int | None:
        """The closing pipe of a row narrower than the table (its first empty gap), if there is one."""
        boundary = self.next_empty[start + 1]
        return boundary if boundary < start + columns and boundary + 1 < self.count else None

    def _lines_up(self, start: int, columns: int) -> bool:
        """Can rows of this width open at pipe `start` and go on, through short rows, to a full-width one?"""
        walk = []
        position = start
        result = False
        while (columns, position) not in self._aligned:
            if position + columns >= self.count:
                break
            if self._full_row_continues(position, columns):
                result = True
                break
            walk.append(position)
            boundary = self._short_row_end(position, columns)
            if boundary is None:
                break
            position = boundary + 1
        else:
            result = self._aligned[(columns, position)]
        self._aligned[(columns, position)] = result
        for visited in walk:
            self._aligned[(columns, visited)] = result
        return result

    def row(self, start: int, columns: int) -> tuple[int, bool] | None:
        """The row opening at pipe `start`: (its closing pipe, whether the table goes on after it), or None
        when no row of this width can open there."""
        if start + columns >= self.count:
            return None
        if self._full_row_continues(start, columns):
            return start + columns, True
        boundary = self._short_row_end(start, columns)
        if boundary is not None and self._lines_up(boundary + 1, columns):
            return boundary, True      # a short row under merged cells
        return start + columns, False  # the table's last row; text outside the table follows

    def rows(self, start: int, columns: int) -> tuple[int, int]:
        """(number of rows, closing pipe of the last row) of the table whose first row opens at `start`."""
        walk: list[tuple[int, int]] = []
        position = start
        while (columns, position) not in self._rows:
            found = self.row(position, columns)
            if found is None:
                break
            closing, goes_on = found
            if not goes_on:
                self._rows[(columns, position)] = (1, closing)
                break
            walk.append((position, closing))
            position = closing + 1
        for opening, closing in reversed(walk):
            after = self._rows.get((columns, closing + 1))
            self._rows[(columns, opening)] = (after[0] + 1, after[1]) if after else (1, closing)
        return self._rows.get((columns, start), (0, start))

    def row_spans(self, start: int, columns: int, count: int) -> list[tuple[int, int]]:
        """The (opening, closing) pipes of the `count` rows from `start`."""
        spans = []
        position = start
        for _ in range(count):
            closing, _goes_on = self.row(position, columns)
            spans.append((position, closing))
            position = closing + 1
        return spans


def locate_tables(chain: PipeChain) -> dict[int, tuple[int, int]]:
    """{first pipe of a table: (columns, rows)} for the best reading of the whole chain."""
    count = chain.count
    best = [0.0] * (count + 1)
    choice: list[tuple[int, int, int] | None] = [None] * (count + 1)
    for first in range(count - 1, -1, -1):
        best[first] = best[first + 1]
        at = bisect_left(chain.empty_gaps, first + 1)
        # a header row has few empty cells, so its width ends at one of the first empty gaps
        for gap in chain.empty_gaps[at:at + _WIDTH_GUESSES]:
            columns = gap - first
            if columns > MAX_COLUMNS:
                break
            rows, last = chain.rows(first, columns)
            if rows < 2:
                continue
            score = rows - 1 - _TABLE_COST + best[last + 1]
            if score > best[first] + 1e-9:
                best[first], choice[first] = score, (columns, rows, last)
    tables: dict[int, tuple[int, int]] = {}
    first = 0
    while first < count:
        picked = choice[first]
        if picked is None:
            first += 1
            continue
        columns, rows, last = picked
        tables[first] = (columns, rows)
        first = last + 1
    return tables
