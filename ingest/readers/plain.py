"""Plain text and markdown (.txt, .md) -> paragraphs and tables.

Three table layouts occur in exported administrative documents, all handled here:
- tab rows: one row per line, cells separated by tabs, HTML inside cells, markdown separator rows;
- tab cells: one cell per line, each opening with a tab, rows separated by blank lines, a cell's text running
  on over untabbed lines (a header group of short tab-led lines opens such a table);
- pipe cells: markdown tables rendered with every "|" on a line of its own and each cell's text between two
  pipes, rows back to back ("|" ending one row, "|" opening the next).
Everything else is running text, joined into paragraphs by `lines.ParagraphBuilder`.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from ingest.readers.inline import clean_line, tidy
from ingest.readers.items import Item, Para, ReadCell, ReadTable
from ingest.readers.limits import Budget
from ingest.readers.lines import ParagraphBuilder, looks_hard_wrapped
from ingest.readers.pipes import PipeChain, locate_tables

_SEPARATOR_CELL = re.compile(r"\s*:?-{3,}:?\s*")
_CELL_BLANK_LOOKAHEAD = 40   # a blank line inside a tab cell must be followed by the next cell within this


def read_plain(text: str, budget: Budget) -> list[Item]:
    """Parse normalised text into paragraphs and tables, in order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    return _PlainParser(lines, budget).run()


def _is_pipe(line: str) -> bool:
    return "|" in line and line.strip() == "|"


def _is_tab_row(line: str) -> bool:
    """"1\tNội dung\t…": a row of tab-separated cells (a line opening with one tab and one cell is not)."""
    if "\t" not in line:
        return False
    cells = line.split("\t")
    return bool(cells[0].strip()) or len(cells) >= 3


def _is_tab_cell(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:]


class _PlainParser:
    def __init__(self, lines: list[str], budget: Budget):
        self.lines = lines
        self.budget = budget
        self.wrapped = looks_hard_wrapped(lines)
        self.items: list[Item] = []
        self.text = ParagraphBuilder(self.wrapped)
        self.chain = PipeChain(lines)
        self.pipes = self.chain.pipes
        self.pipe_tables = locate_tables(self.chain)

    def run(self) -> list[Item]:
        index = 0
        while index < len(self.lines):
            index = self._step(index)
        self._flush_text()
        return self.items

    def _step(self, index: int) -> int:
        line = self.lines[index]
        if _is_pipe(line):
            return self._pipe_table(index)
        if _is_tab_row(line):
            return self._tab_rows(index)
        if _is_tab_cell(line) and line.strip():
            return self._tab_cells(index)
        self.text.feed(line.lstrip("\t") if line.startswith("\t") else line)
        return index + 1

    def _flush_text(self) -> None:
        self.items.extend(self.text.paragraphs())
        self.text = ParagraphBuilder(self.wrapped)

    def _add_table(self, table: ReadTable) -> None:
        self._flush_text()
        if table.rows:
            self.items.append(table)

    # -- tab rows ---------------------------------------------------------------------------------------------
    def _tab_rows(self, index: int) -> int:
        rows: list[list[ReadCell]] = []
        end = index
        while end < len(self.lines):
            line = self.lines[end]
            if "\t" in line:
                cells = line.split("\t")
                if not all(_SEPARATOR_CELL.fullmatch(cell) or not cell.strip() for cell in cells):
                    self.budget.add_row(len(cells))
                    rows.append([_fragment_cell(cell) for cell in cells])
                end += 1
            elif not line.strip() and self._more_tab_rows(end):
                end += 1   # blank lines between page-broken parts of one table
            else:
                break
        self._add_table(ReadTable(rows))
        return end

    def _more_tab_rows(self, index: int) -> bool:
        for line in self.lines[index:index + 8]:
            if line.strip():
                return _is_tab_row(line)
        return False

    # -- tab cells --------------------------------------------------------------------------------------------
    def _tab_cells(self, index: int) -> int:
        """A table opens with a header group: two or more tab-led single-cell lines, then a blank line (or the
        end). Tab-led lines that do not form one are running text."""
        header_end = index
        while header_end < len(self.lines) and _is_tab_cell(self.lines[header_end]) and self.lines[header_end].strip():
            header_end += 1
        after = self.lines[header_end] if header_end < len(self.lines) else ""
        if header_end - index < 2 or after.strip():
            for line in self.lines[index:header_end]:
                self.text.feed(line[1:])
            return header_end
        columns = header_end - index
        self.budget.add_row(columns)
        rows = [[_lines_cell([line[1:]]) for line in self.lines[index:header_end]]]
        position = header_end
        while True:
            start = self._next_filled(position)
            if start is None or not self.lines[start].startswith("\t"):
                break
            row, position = self._tab_cell_row(start, columns)
            self.budget.add_row(len(row))
            rows.append(row)
        self._add_table(ReadTable(rows))
        return position

    def _tab_cell_row(self, start: int, columns: int) -> tuple[list[ReadCell], int]:
        """One row of tab-led cells (a blank line ends it unless the cell's text goes on); returns the row and
        where reading stopped."""
        cells: list[list[str]] = []
        position = start
        while position < len(self.lines):
            line = self.lines[position]
            if line.startswith("\t"):
                if len(cells) == columns:
                    break
                cells.append([line[1:]])
            elif line.strip():
                cells[-1].append(line)
            elif len(cells) < columns and self._blank_inside_cell(position):
                cells[-1].append("")
            else:
                break
            position += 1
        return [_lines_cell(cell) for cell in cells], position

    def _blank_inside_cell(self, index: int) -> bool:
        """A single blank line inside a cell is followed by more of its text and then by the next cell."""
        following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
        if not following.strip() or following.startswith("\t"):
            return False
        window = self.lines[index + 1:index + 1 + _CELL_BLANK_LOOKAHEAD]
        return any(line.startswith("\t") for line in window)

    def _next_filled(self, index: int) -> int | None:
        """The next line with text or a cell ("\t" alone is an empty cell, not a blank line)."""
        while index < len(self.lines):
            if self.lines[index].strip() or self.lines[index].startswith("\t"):
                return index
            index += 1
        return None

    # -- pipe cells -------------------------------------------------------------------------------------------
    def _pipe_table(self, index: int) -> int:
        pipe = bisect_left(self.pipes, index)
        table = self.pipe_tables.get(pipe)
        if table is None:
            self.text.flush()   # a stray "|": it still separates what is above from what is below
            return index + 1
        columns, rows = table
        spans = self.chain.row_spans(pipe, columns, rows)
        for opening, closing in spans:
            self.budget.add_row(closing - opening)
        grid = [[self._gap_cell(gap) for gap in range(opening, closing)] for opening, closing in spans]
        self._add_table(ReadTable(grid))
        return self.pipes[spans[-1][1]] + 1

    def _gap_lines(self, pipe: int) -> list[str]:
        """The lines between pipe number `pipe` and the next one."""
        start = self.pipes[pipe] + 1
        end = self.pipes[pipe + 1] if pipe + 1 < len(self.pipes) else len(self.lines)
        return self.lines[start:end]

    def _gap_cell(self, pipe: int) -> ReadCell:
        return ReadCell(ParagraphBuilder(self.wrapped, split_breaks=False).feed_all(self._gap_lines(pipe)))


def _fragment_cell(raw: str) -> ReadCell:
    """A cell of a tab row: one line that may hold <p>, <li> and <br> for its paragraphs."""
    inline = clean_line(raw)
    text = tidy(inline.text)
    if not text and not inline.footnotes:
        return ReadCell()
    return ReadCell([Para(text, inline.all_bold, footnotes=inline.footnotes)])


def _lines_cell(lines: list[str]) -> ReadCell:
    return ReadCell(ParagraphBuilder(wrapped=False, split_breaks=False).feed_all(lines))
