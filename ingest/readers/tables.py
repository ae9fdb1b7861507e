"""A grid of cells as read -> a table block: header rows named, page-break repeats dropped, continuation rows
joined, section rows recognised; or, for a layout table, the paragraphs it only positions on the page.

Evidence behind the continuation rule (sample corpus): in 001 every row whose first cell (TT) is empty comes
right after a header row repeated at the top of a new page and starts mid-sentence ("thuật, công nghệ mới…"),
so it is the rest of the row above. In 002 and 003 rows with an empty TT and no repeated header before them are
real sub-items ("(i) Dự án …", "Hỗ trợ việc tạo lập …"), and joining them would merge distinct tasks. So an
empty-TT row is joined only after a page break, or when it visibly continues the row above: it starts in lower
case where the cell above has no final punctuation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.readers.draft import DraftCell, DraftRow
from ingest.readers.items import Para, ReadCell, ReadTable
from ingest.readers.shapes import ends_sentence, starts_item, starts_lower
from ingest.text import fold

_HEADER_TERMS = ("tt", "stt", "so tt", "noi dung", "nhiem vu", "don vi", "chu tri", "phoi hop", "san pham",
                 "thoi gian", "thoi han", "ghi chu", "lanh dao", "chi tieu", "ke hoach", "kinh phi", "ten",
                 "so luong", "ma so", "dia diem", "dia chi", "co quan", "hinh thuc", "ket qua", "giai phap",
                 "du toan", "trach nhiem", "linh vuc", "muc tieu", "tien do", "nguon von", "ho va ten",
                 "chuc vu", "noi dung cong viec", "danh muc", "quy mo", "tong so", "ty le", "gia tri")
_HEADER_TERM = re.compile(r"(?:^|\W)(?:" + "|".join(sorted(_HEADER_TERMS, key=len, reverse=True)) + r")(?:\W|$)")
_COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?|[A-Z]")
_SECTION_MARK = re.compile(r"[IVXL]{1,6}|[A-Z]|[IVXL]{1,6}\.|[A-Z]\.")
_HEADER_CELL_MAX = 80
_LAYOUT_MAX_COLUMNS = 2
_LAYOUT_MAX_ROWS = 3
_MAX_HEADER_ROWS = 3


@dataclass
class BuiltTable:
    rows: list[DraftRow]
    footnotes: list[tuple[str, str]] = field(default_factory=list)
    layout: list[Para] | None = None    # set instead of rows when the grid is page layout, not data


def build_table(table: ReadTable) -> BuiltTable:
    grid, page_breaks = _filled_rows(table)
    footnotes = [note for row in grid for cell in row for para in cell.paras for note in para.footnotes]
    if not grid:
        return BuiltTable([], footnotes)
    header_count = _header_rows(grid)
    if not header_count and len(grid[0]) <= _LAYOUT_MAX_COLUMNS and len(grid) <= _LAYOUT_MAX_ROWS:
        return BuiltTable([], [], [para for row in grid for cell in row for para in cell.paras])
    header_keys = [_row_key(row) for row in grid[:header_count]]
    rows = [_draft_row(row, is_header=True) for row in grid[:header_count]]
    body_start = len(rows)
    after_break = False
    for index in range(header_count, len(grid)):
        row = grid[index]
        after_break |= index in page_breaks
        if header_keys and _row_key(row) in header_keys:
            after_break = True   # the header printed again at the top of a new page
            continue
        draft = _draft_row(row, is_header=False)
        above = rows[-1] if len(rows) > body_start else None
        if above is not None and _continues(above, draft, after_break):
            _join_into(above, draft)
        else:
            rows.append(draft)
        after_break = False
    for row in rows[body_start:]:
        _mark_section(row)
    return BuiltTable(rows, footnotes)


def _filled_rows(table: ReadTable) -> tuple[list[list[ReadCell]], set[int]]:
    """The rows with any text, padded to the widest, and which of them open a new page."""
    rows: list[list[ReadCell]] = []
    page_breaks: set[int] = set()
    pending_break = False
    for index, row in enumerate(table.rows):
        pending_break |= index in table.page_breaks
        if any(cell.text for cell in row):
            if pending_break:
                page_breaks.add(len(rows))
                pending_break = False
            rows.append(row)
    width = max((len(row) for row in rows), default=0)
    return [row + [ReadCell() for _ in range(width - len(row))] for row in rows], page_breaks


def _row_key(row: list[ReadCell]) -> tuple[str, ...]:
    """What a repeated header row has in common with the first one (bold and case may differ)."""
    return tuple(" ".join(cell.text.casefold().split()) for cell in row)


def _draft_row(row: list[ReadCell], is_header: bool) -> DraftRow:
    return DraftRow([DraftCell(cell.text, cell.bold) for cell in row], is_header=is_header)


def _header_rows(grid: list[list[ReadCell]]) -> int:
    """How many leading rows name the columns. A second header row is a sub-header under merged cells (its
    first cell empty or merged with the first row's) or a column-number row "(1) (2) (3)"; "A | Các nhiệm vụ …"
    right under the header is a section row, not a header."""
    if not grid or not _names_columns(grid[0], first=True):
        return 0
    count = 1
    for row in grid[1:_MAX_HEADER_ROWS]:
        if _row_key(row) == _row_key(grid[0]):
            break   # the header printed twice: a repeat, dropped with the others
        under_merged = not row[0].text or row[0].text == grid[0][0].text
        if (under_merged and _names_columns(row, first=False)) or _numbers_columns(row):
            count += 1
        else:
            break
    return count


def _names_columns(row: list[ReadCell], first: bool) -> bool:
    texts = [cell.text for cell in row if cell.text]
    if len(texts) < 2 or any(len(text) > _HEADER_CELL_MAX for text in texts):
        return False
    folded = [fold(text) for text in texts]
    named = sum(1 for text in folded if _HEADER_TERM.search(text))
    if folded[0] in ("tt", "stt") or named >= max(1, (len(texts) + 1) // 2):
        return True
    # an unlabelled grid whose first row is set in bold across three or more columns
    return first and len(texts) >= 3 and all(cell.bold for cell in row if cell.text)


def _numbers_columns(row: list[ReadCell]) -> bool:
    texts = [cell.text for cell in row if cell.text]
    return len(texts) >= 2 and all(_COLUMN_NUMBER.fullmatch(text) for text in texts)


def _continues(above: DraftRow, row: DraftRow, after_break: bool) -> bool:
    """Is `row` the rest of `above`, cut by a page break? Only rows whose first cell is empty can be."""
    if row.cells[0].text or not any(cell.text for cell in row.cells):
        return False
    if after_break:
        return True
    column = next(index for index, cell in enumerate(row.cells) if cell.text)
    text, cell_above = row.cells[column].text, above.cells[column].text
    if not cell_above or starts_item(text):
        return False   # "(v) Tiếp tục …" under "(iv) …" is the next sub-item
    return starts_lower(text) and not ends_sentence(cell_above)


def _join_into(above: DraftRow, row: DraftRow) -> None:
    for cell_above, cell in zip(above.cells, row.cells):
        if cell.text and not _repeats_end(cell_above.text, cell.text):
            cell_above.text = f"{cell_above.text} {cell.text}" if cell_above.text else cell.text
            cell_above.bold = cell_above.bold and cell.bold


def _repeats_end(above: str, fragment: str) -> bool:
    """A page-break fragment that only repeats the end of the cell above ("PGĐ Trần Công Hòa" + "Công Hòa"), as
    converters print a wrapped cell's last line on both pages: joining it would double the words."""
    return len(fragment.split()) >= 2 and " ".join(above.split()).endswith(" ".join(fragment.split()))


def _mark_section(row: DraftRow) -> None:
    """A group heading inside a table: "I | Nghiên cứu …" with the other cells empty, or the heading text
    repeated across merged cells ("I | Thực hiện … | Thực hiện … | …"), which is kept once."""
    cells = row.cells
    if len(cells) < 3 or not cells[1].text:
        return
    others = [cell for cell in cells[1:] if cell.text]
    if len(others) == len(cells) - 1 and len({cell.text for cell in others}) == 1:
        for cell in others[1:]:
            cell.text = ""
        row.is_section = True
    elif len(others) == 1:
        numbered = bool(_SECTION_MARK.fullmatch(cells[0].text))
        row.is_section = numbered or (bool(cells[0].text) and cells[0].bold and cells[1].bold)
