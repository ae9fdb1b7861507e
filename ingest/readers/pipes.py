"""Finding the tables in markdown rendered with every "|" on a line of its own.

Such a rendering keeps a row as: "|", the first cell's lines, "|", the next cell's lines, …, "|"; the next row
opens with its own "|" right under the closing one, so two pipes with nothing between are either a row
boundary or an empty cell. Text between a row's closing pipe and the next opening pipe is outside any table.
Rows under a cell merged over several rows have fewer cells than the header.

`locate_tables` reads the chain of pipes as tables of a guessed width. A row is as wide as the table when the
gap after its last cell is empty (a boundary); otherwise it is a short row ending at its first empty gap, if the
rows after it still line up, or the table's last row (outside text follows). Over the whole document the
reading that confirms the most row boundaries wins (dynamic programming over pipes), less a cost per table; a
boundary counts when a full-width row ends there (short rows are tolerated, not evidence). A wrong width stops
confirming at once, merges rows (two rows of 3 read as one of 7), splits rows into short ones or a table into
fragments, and each of those confirms less. A lone row confirms nothing, so its pipes are read as separators.
Two guards keep a document's body out of cells, which a lucky width could otherwise swallow: text that only
running text holds (an "Điều 5." or "Chương II" heading, a markdown heading, 150+ lines) is never a cell, and
an unconfirmed last row may not hold a cell longer than a cell usually is.
"""
from __future__ import annotations

import re
from bisect import bisect_left

MAX_COLUMNS = 30
_CELL_MAX_LINES = 150     # no table cell in the legal corpus runs this long; the body between tables does
_DIVISION = re.compile(r"\s*(?:\*\*\s*)?(?:Điều\s+\d+[a-z]?\s*[.:]|(?:Chương|CHƯƠNG|Phần|PHẦN)\s+[IVXLC\d]+\b|#)")
_LAST_ROW_MAX_LINES = 25   # longest cell believed in a last row that no boundary confirms
_WIDTH_GUESSES = 2       # a first row is as wide as the run of pipes up to one of its first empty gaps
_TABLE_COST = 0.5        # a table must confirm at least one row boundary to be worth believing


class PipeChain:
    """The pipes of one document, the gaps between them, and the rows that can be read from them."""

    def __init__(self, lines: list[str]):
        self.pipes = [index for index, line in enumerate(lines) if line.strip() == "|"]
        count = len(self.pipes)
        self.count = count
        # sizes[k]: lines of text between pipe k and pipe k + 1; empty[k]: none (False after the last pipe)
        gaps = [lines[self.pipes[k] + 1:self.pipes[k + 1]] for k in range(count - 1)]
        self.sizes = [sum(1 for line in gap if line.strip()) for gap in gaps] + [0]
        self.empty = [size == 0 for size in self.sizes[:-1]] + [False]
        # outside[k]: the gap holds what only running text holds, so no row may take it as a cell
        self.outside = [size > _CELL_MAX_LINES or any(_DIVISION.match(line) for line in gap)
                        for gap, size in zip(gaps, self.sizes)] + [False]
        self.empty_gaps = [k for k, is_empty in enumerate(self.empty) if is_empty]
        # next_empty[k]: the first empty gap at or after pipe k (count when there is none)
        self.next_empty = [count] * (count + 1)
        for k in range(count - 1, -1, -1):
            self.next_empty[k] = k if self.empty[k] else self.next_empty[k + 1]
        self.next_outside = [count] * (count + 1)
        for k in range(count - 1, -1, -1):
            self.next_outside[k] = k if self.outside[k] else self.next_outside[k + 1]
        self._rows: dict[tuple[int, int], tuple[int, int, int]] = {}
        self._aligned: dict[tuple[int, int], bool] = {}

    def _lines_up(self, start: int, columns: int) -> bool:
        """Can rows of this width open at pipe `start` and go on, through short rows, to a full-width one?"""
        walk = []
        position = start
        result = False
        count, empty, next_empty = self.count, self.empty, self.next_empty
        while (columns, position) not in self._aligned:
            closing = position + columns
            if closing >= count:
                break
            if closing + 1 < count and empty[closing]:
                result = True
                break
            walk.append(position)
            boundary = next_empty[position + 1]
            if boundary >= closing or boundary + 1 >= count:
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
        closing = start + columns
        count = self.count
        if closing >= count or self.next_outside[start] < closing:
            return None
        if closing + 1 < count and self.empty[closing]:
            return closing, True           # full width, and the next row opens right after
        boundary = self.next_empty[start + 1]
        if boundary < closing and boundary + 1 < count and self._lines_up(boundary + 1, columns):
            return boundary, True          # a short row under merged cells
        if max(self.sizes[start:closing]) > _LAST_ROW_MAX_LINES:
            return None   # nothing confirms this row and a "cell" this long is the text after the table
        return closing, False              # the table's last row; text outside the table follows

    def rows(self, start: int, columns: int) -> tuple[int, int, int]:
        """(rows, full-width rows followed by another row, closing pipe of the last row) of the table whose
        first row opens at `start`; (0, 0, start) when none opens there."""
        known = self._rows.get((columns, start))
        if known is not None:
            return known
        found = self.row(start, columns)
        if found is None:
            return 0, 0, start
        closing, goes_on = found
        after = self._rows.get((columns, closing + 1)) if goes_on else None
        if goes_on and after is None:
            return self._walk_rows(start, columns)
        self._rows[(columns, start)] = result = self._extend(start, closing, columns, after)
        return result

    def _extend(self, opening: int, closing: int, columns: int,
                after: tuple[int, int, int] | None) -> tuple[int, int, int]:
        """The rows from `opening`, given the rows after its row (None when it is the last)."""
        if not after or not after[0]:
            return 1, 0, closing
        confirmed = 1 if closing - opening == columns else 0   # a short row is tolerated, not evidence
        return after[0] + 1, after[1] + confirmed, after[2]

    def _walk_rows(self, start: int, columns: int) -> tuple[int, int, int]:
        """`rows` when the rows after `start` are not known yet: walk them, then count back."""
        walk: list[tuple[int, int]] = []
        position = start
        while (columns, position) not in self._rows:
            found = self.row(position, columns)
            if found is None:
                break
            closing, goes_on = found
            if not goes_on:
                self._rows[(columns, position)] = (1, 0, closing)
                break
            walk.append((position, closing))
            position = closing + 1
        for opening, closing in reversed(walk):
            self._rows[(columns, opening)] = self._extend(opening, closing, columns,
                                                          self._rows.get((columns, closing + 1)))
        return self._rows.get((columns, start), (0, 0, start))

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
        if chain.empty[first]:
            continue   # a table opens with a header or a first cell, not with an empty one
        at = bisect_left(chain.empty_gaps, first + 1)
        # a header row has few empty cells, so its width ends at one of the first empty gaps
        for gap in chain.empty_gaps[at:at + _WIDTH_GUESSES]:
            columns = gap - first
            if columns > MAX_COLUMNS:
                break
            rows, confirmed, last = chain.rows(first, columns)
            if rows < 2:
                continue
            score = confirmed - _TABLE_COST + best[last + 1]
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
