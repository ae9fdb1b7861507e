"""An .html/.htm file -> paragraphs and tables (lxml).

Block elements (p, div, li, h1-h6, …) and <br> end paragraphs; <b>, <strong>, <th> and a bold font-weight make
text bold; list items get the marker a browser would draw ("1.", "a)", "-"), so the classifier sees the same
numbering as in a text export. Table cells spanning columns keep their text in the first column they cover
(the others stay empty); cells spanning rows repeat their text in every row, so each row still names, say, its
lead agency.
"""
from __future__ import annotations

import re
from pathlib import Path

import lxml.etree
import lxml.html

from ingest.document import SourceDocument
from ingest.errors import ReadError
from ingest.readers.build import document, normalised
from ingest.readers.inline import tidy
from ingest.readers.items import Item, Para, ReadCell, ReadTable
from ingest.readers.limits import Budget
from ingest.readers.shapes import list_letter, roman_numeral
from ingest.readers.text_file import decode_file

_SKIPPED = frozenset(("script", "style", "head", "title", "noscript", "template", "meta", "link", "object"))
_BLOCKS = frozenset(("p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "blockquote",
                     "pre", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "tbody", "thead", "tfoot",
                     "caption", "figure", "figcaption", "form", "fieldset", "address", "center", "hr", "table",
                     "h1", "h2", "h3", "h4", "h5", "h6"))
_BOLD_TAGS = frozenset(("b", "strong", "th"))
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_WORD = re.compile(r"\w")
_MAX_SPAN = 100   # colspan/rowspan beyond this are typos; they would blow the grid up


def read_html_file(path: Path, media_type: str, budget: Budget) -> SourceDocument:
    decoded = decode_file(path, budget)
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(decoded.text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ReadError(path, f"not readable as HTML ({error})") from None
    # libxml2 recovers from most broken HTML, but past a fatal error (elements nested deeper than 256, as
    # unclosed <span>s pile up) it silently drops the rest of the file: refuse it rather than lose text.
    fatal = next((error for error in parser.error_log if error.level_name == "FATAL"), None)
    if fatal is not None:
        raise ReadError(path, f"not readable as HTML past line {fatal.line} ({fatal.message})")
    body = root.find("body")
    reader = _HtmlReader(budget)
    reader.walk(body if body is not None else root, bold=False)
    reader.sink.end()
    return document(normalised(reader.items), path, media_type, decoded.warnings)


class _ParagraphSink:
    """Collects inline text into paragraphs; `end()` closes the paragraph being written."""

    def __init__(self, out: list):
        self.out = out
        self.pieces: list[str] = []
        self.plain_words = self.bold_words = False
        self.heading = 0

    def text(self, text: str, bold: bool) -> None:
        if not text:
            return
        self.pieces.append(text)
        if _WORD.search(text):
            self.bold_words |= bold
            self.plain_words |= not bold

    def end(self) -> None:
        text = tidy(" ".join("".join(self.pieces).split()))
        if text:
            self.out.append(Para(text, self.bold_words and not self.plain_words, self.heading))
        self.pieces = []
        self.plain_words = self.bold_words = False


class _HtmlReader:
    def __init__(self, budget: Budget):
        self.budget = budget
        self.items: list[Item] = []
        self.sink = _ParagraphSink(self.items)

    def walk(self, element, bold: bool, sink: _ParagraphSink | None = None) -> None:
        sink = sink or self.sink
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _SKIPPED or not tag:
            return
        if tag == "table" and sink is self.sink:
            sink.end()
            self.items.append(self._table(element))
            return
        bold = bold or tag in _BOLD_TAGS or bool(_BOLD_STYLE.search(element.get("style", "")))
        block = tag in _BLOCKS
        if block or tag == "br":
            sink.end()
        outer_heading = sink.heading
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            sink.heading = int(tag[1])
        if tag == "li":
            sink.text(_list_marker(element), bold)
        sink.text(element.text or "", bold)
        for child in element:
            self.walk(child, bold, sink)
            sink.text(child.tail or "", bold)
        if block:
            sink.end()
        sink.heading = outer_heading

    def _table(self, table) -> ReadTable:
        grid: list[list[ReadCell | None]] = []
        carried: dict[tuple[int, int], ReadCell] = {}   # cells spanning rows, by (row, column)
        for row_index, tr in enumerate(_rows(table)):
            row: list[ReadCell | None] = []
            column = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                while (row_index, column) in carried:
                    row.append(carried.pop((row_index, column)))
                    column += 1
                cell = self._cell(td)
                span = _span(td, "colspan")
                row.append(cell)
                row.extend(ReadCell() for _ in range(span - 1))
                for below in range(1, _span(td, "rowspan")):
                    carried[(row_index + below, column)] = cell
                column += span
                self.budget.check_width(column)
            while (row_index, column) in carried:
                row.append(carried.pop((row_index, column)))
                column += 1
            self.budget.add_row(len(row))
            grid.append(row)
        return ReadTable([[cell or ReadCell() for cell in row] for row in grid])

    def _cell(self, td) -> ReadCell:
        paras: list[Para] = []
        sink = _ParagraphSink(paras)
        bold = td.tag.lower() == "th"
        sink.text(td.text or "", bold)
        for child in td:
            self.walk(child, bold, sink)
            sink.text(child.tail or "", bold)
        sink.end()
        return ReadCell(paras)


def _rows(table):
    """The table's own rows, in order, whether or not they sit in thead/tbody/tfoot."""
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr")


def _span(cell, attribute: str) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(cell.get(attribute, "1"))))
    except ValueError:
        return 1


def _list_marker(item) -> str:
    """The marker a browser draws for this <li>: "1. " in an ordered list (or its type), "- " otherwise."""
    parent = item.getparent()
    if parent is None or not isinstance(parent.tag, str) or parent.tag.lower() != "ol":
        return "- "
    position = [child for child in parent if isinstance(child.tag, str) and child.tag.lower() == "li"].index(item)
    try:
        number = int(parent.get("start", "1")) + position
    except ValueError:
        number = position + 1
    kind = parent.get("type", "1")
    if kind in ("a", "A"):
        letter = list_letter(number)
        return f"{letter if kind == 'a' else letter.upper()}) "
    if kind in ("i", "I"):
        roman = roman_numeral(number)
        return f"{roman.lower()}) " if kind == "i" else f"{roman}. "
    return f"{number}. "
