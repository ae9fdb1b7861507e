"""Blocks before they have offsets, and the one place that lays them out into `SourceDocument.text`.

Every reader produces drafts (already normalised, markup removed); `assemble` writes the display text and gives
each block, row and cell its span. Layout: blocks separated by a blank line, table rows by a newline, cells by
" | ". The invariant every SourceDocument from here satisfies: `text[b.start:b.end] == b.text` for every block
(a table's text is its laid-out rows) and `text[c.start:c.end] == c.text` for every cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ingest.document import Block, BlockKind, Cell, Row, SourceDocument

BLOCK_SEPARATOR = "\n\n"
ROW_SEPARATOR = "\n"
CELL_SEPARATOR = " | "


@dataclass
class DraftCell:
    text: str
    bold: bool = False


@dataclass
class DraftRow:
    cells: list[DraftCell]
    is_header: bool = False
    is_section: bool = False


@dataclass
class Draft:
    kind: BlockKind
    text: str = ""
    numbering: str | None = None
    level: int = 0
    bold: bool = False
    label: str | None = None
    rows: list[DraftRow] = field(default_factory=list)


class _Writer:
    """Appends pieces of text and tells where each one landed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def write(self, piece: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


def assemble(drafts: list[Draft], source: str, path: str | None, media_type: str,
             warnings: list[str] | None = None) -> SourceDocument:
    """Lay the drafts out in order into one text and return the SourceDocument with every span set."""
    writer = _Writer()
    blocks: list[Block] = []
    for draft in drafts:
        if draft.kind == "table" and not draft.rows:
            continue
        if draft.kind != "table" and not draft.text:
            continue
        if blocks:
            writer.write(BLOCK_SEPARATOR)
        blocks.append(_table(draft, writer) if draft.kind == "table" else _block(draft, writer))
    text = writer.text()
    for block in blocks:
        if block.kind == "table":
            block.text = text[block.start:block.end]
    return SourceDocument(source=source, text=text, blocks=blocks, path=path, media_type=media_type,
                          warnings=list(warnings or []))


def _block(draft: Draft, writer: _Writer) -> Block:
    start, end = writer.write(draft.text)
    return Block(kind=draft.kind, text=draft.text, start=start, end=end, numbering=draft.numbering,
                 level=draft.level, bold=draft.bold, label=draft.label)


def _table(draft: Draft, writer: _Writer) -> Block:
    table_start = writer.length
    rows = []
    for row_index, draft_row in enumerate(draft.rows):
        if row_index:
            writer.write(ROW_SEPARATOR)
        row_start = writer.length
        cells = []
        for cell_index, draft_cell in enumerate(draft_row.cells):
            if cell_index:
                writer.write(CELL_SEPARATOR)
            start, end = writer.write(draft_cell.text)
            cells.append(Cell(text=draft_cell.text, start=start, end=end, bold=draft_cell.bold))
        rows.append(Row(cells=cells, start=row_start, end=writer.length, is_header=draft_row.is_header,
                        is_section=draft_row.is_section))
    return Block(kind="table", text="", start=table_start, end=writer.length, bold=draft.bold, rows=rows)
