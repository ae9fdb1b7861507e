"""A .pdf file -> paragraphs and tables (pdfplumber), page by page in reading order.

Tables are found from their ruling lines; the text outside them comes as visual lines, joined into paragraphs
like any hard-wrapped text, with a paragraph break where the vertical gap is wider than the line spacing. Page
numbers alone in the top or bottom margin are dropped. A table that ends one page and one with as many columns
that opens the next are one table cut by the page break (its repeated header and continued rows are handled
with the other formats' tables). Cells merged across rows or columns keep their text in the first cell only.

pdfminer inflates every compressed stream whole, in memory, so before it opens the file the streams are
inflated once in bounded chunks and counted against the unpacked-size limit: a few megabytes of deflated zeros
would otherwise ask for gigabytes.
"""
from __future__ import annotations

import logging
import re
import statistics
import zlib
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ingest.document import SourceDocument
from ingest.errors import ReadError
from ingest.readers.build import document, normalised
from ingest.readers.items import Item, Para, ReadCell, ReadTable
from ingest.readers.limits import Budget
from ingest.readers.lines import ParagraphBuilder

_PAGE_NUMBER = re.compile(r"[-–\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–\s]*", re.IGNORECASE)
_MARGIN = 0.08            # top and bottom share of the page where running headers and page numbers sit
_PARAGRAPH_GAP = 1.5      # a vertical gap this many times the usual line spacing separates paragraphs
_BROKEN = (PDFSyntaxError, PSException, PdfminerException, MalformedPDFException, ValueError, KeyError, TypeError,
           AttributeError, IndexError, AssertionError, EOFError, RecursionError)   # pdfminer recurses into arrays
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
_INFLATE_CHUNK = 1024 * 1024   # bytes read and written per step while counting

# pdfminer logs a warning for every irregularity it recovers from (a missing CropBox, a bad xref entry); the
# file's one ReadError, or its document, is what the user is told.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass
class _Line:
    top: float
    bottom: float
    text: str
    bold: bool


def read_pdf_file(path: Path, media_type: str, budget: Budget) -> SourceDocument:
    _check_streams(path.read_bytes(), budget)
    try:
        with pdfplumber.open(str(path)) as pdf:
            items = _read_pages(pdf, budget)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReadError(path, "encrypted PDF, cannot read it without the password") from None
    except _BROKEN as error:
        raise ReadError(path, f"corrupt or truncated PDF ({type(error).__name__}: {error})") from None
    return document(normalised(items), path, media_type)


def _check_streams(data: bytes, budget: Budget) -> None:
    """Count what the file's deflated streams expand to, stopping as soon as it is over the limit. Each stream
    is inflated from its start to zlib's own end of stream, not to the next "endstream": those bytes can sit
    inside the compressed data."""
    limit = budget.limits.max_unpacked_bytes
    view = memoryview(data)
    total = 0
    for start in _STREAM_START.finditer(data):
        total += _inflated_size(view[start.end():], limit - total + 1)
        if total > limit:
            break
    budget.check_unpacked(total, "the PDF's compressed streams")


def _inflated_size(stream: memoryview, cap: int) -> int:
    """Bytes the stream inflates to, counted up to just past `cap`, in bounded pieces; a stream that is not
    deflated counts 0 (and a broken one what it gave before breaking: pdfminer reports it)."""
    inflater = zlib.decompressobj()
    size = position = 0
    try:
        while position < len(stream) and not inflater.eof and size <= cap:
            pending = stream[position:position + _INFLATE_CHUNK]
            position += len(pending)
            while pending and size <= cap and not inflater.eof:   # after eof the tail stays, unconsumed
                size += len(inflater.decompress(pending, _INFLATE_CHUNK))
                pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return size


def _read_pages(pdf, budget: Budget) -> list[Item]:
    items: list[Item] = []
    open_table: ReadTable | None = None   # the table that ended the previous page, if any
    for page in pdf.pages:
        flow = _page_flow(page, budget)
        for position, (kind, content) in enumerate(flow):
            if kind == "table" and position == 0 and open_table is not None and _same_width(open_table, content):
                open_table.page_breaks.add(len(open_table.rows))
                open_table.rows.extend(content.rows)
            elif kind == "table":
                items.append(content)
            else:
                items.extend(content)
        open_table = items[-1] if flow and flow[-1][0] == "table" else None
    return items


def _same_width(table: ReadTable, other: ReadTable) -> bool:
    return bool(table.rows and other.rows) and len(table.rows[0]) == len(other.rows[0])


def _page_flow(page, budget: Budget) -> list[tuple[str, object]]:
    """The page's tables and runs of text in reading order: ("table", ReadTable) or ("text", [Para])."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    outside = page.filter(lambda obj: not _inside(obj, boxes)) if boxes else page
    placed = [(line.top, line) for line in _text_lines(outside, page.height)]
    placed += [(table.bbox[1], table) for table in tables]
    placed.sort(key=lambda entry: entry[0])
    flow: list[tuple[str, object]] = []
    run: list[_Line] = []
    for _top, thing in placed:
        if isinstance(thing, _Line):
            run.append(thing)
            continue
        if run:
            flow.append(("text", _paragraphs(run)))
            run = []
        flow.append(("table", _table(thing, budget)))
    if run:
        flow.append(("text", _paragraphs(run)))
    return flow


def _inside(obj, boxes) -> bool:
    if obj.get("object_type") != "char":
        return False
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _text_lines(page, height: float) -> list[_Line]:
    lines = []
    for line in page.extract_text_lines(strip=True, return_chars=True):
        text = line["text"]
        in_margin = line["top"] < _MARGIN * height or line["bottom"] > (1 - _MARGIN) * height
        if not text or (in_margin and _PAGE_NUMBER.fullmatch(text)):
            continue
        chars = [char for char in line["chars"] if char["text"].strip()]
        bold = bool(chars) and all("bold" in char.get("fontname", "").lower() for char in chars)
        lines.append(_Line(line["top"], line["bottom"], text, bold))
    return lines


def _paragraphs(lines: list[_Line]) -> list[Para]:
    builder = ParagraphBuilder(wrapped=True)
    spacings = [below.top - above.top for above, below in zip(lines, lines[1:]) if below.top > above.top]
    usual = statistics.median(spacings) if spacings else 0.0
    for index, line in enumerate(lines):
        if index and usual and line.top - lines[index - 1].top > _PARAGRAPH_GAP * usual:
            builder.feed_text("")
        builder.feed_text(line.text, line.bold)
    return builder.paragraphs()


def _table(table, budget: Budget) -> ReadTable:
    rows = []
    for row in table.extract():
        budget.add_row(len(row))
        rows.append([_cell(text) for text in row])
    return ReadTable(rows)


def _cell(text: str | None) -> ReadCell:
    if not text:
        return ReadCell()
    builder = ParagraphBuilder(wrapped=True, split_breaks=False)
    for line in text.split("\n"):
        builder.feed_text(line)
    return ReadCell(builder.paragraphs())
