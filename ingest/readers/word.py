"""A .docx file -> paragraphs and tables (python-docx), in body order.

Word keeps automatic numbering out of the text, so the number is rendered here from the numbering part
("1.", "a)", "II.", a bullet as "-") and put in front of the paragraph, as printed; heading styles ("Heading 2",
"Title") give the heading depth; a paragraph is bold when all its text is. Footnote references pull the
footnote's text from the footnotes part onto the paragraph that cites it. Merged cells: a cell spanning columns
keeps its text in the first column only, a cell spanning rows repeats it in every row.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import lxml.etree
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.document import SourceDocument
from ingest.errors import ReadError
from ingest.readers.build import document, normalised
from ingest.readers.inline import tidy
from ingest.readers.items import Item, Para, ReadCell, ReadTable
from ingest.readers.shapes import list_letter, roman_numeral

_HEADING_STYLE = re.compile(r"(?:heading|đề mục|tiêu đề)\s*(\d)", re.IGNORECASE)
_FOOTNOTES_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_BULLET_FORMATS = frozenset(("bullet", "none"))
_BROKEN = (PackageNotFoundError, zipfile.BadZipFile, KeyError, lxml.etree.XMLSyntaxError, ValueError, OSError,
           EOFError)


def read_docx_file(path: Path, media_type: str) -> SourceDocument:
    if not zipfile.is_zipfile(path):
        raise ReadError(path, "corrupt or truncated .docx (not a valid zip archive)")
    try:
        word = docx.Document(str(path))
        items = _DocxReader(word).items()
    except _BROKEN as error:
        raise ReadError(path, f"corrupt .docx ({type(error).__name__}: {error})") from None
    return document(normalised(items), path, media_type)


@dataclass
class _Level:
    number_format: str
    text: str           # Word's lvlText, "%1." or "%1.%2."
    start: int


@dataclass
class _Numbering:
    """Renders Word's automatic list numbers, counting per list and level as Word does."""
    levels: dict[tuple[str, int], _Level] = field(default_factory=dict)   # (numId, ilvl) -> level
    counters: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, word: docx.document.Document) -> "_Numbering":
        numbering = cls()
        try:
            root = word.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return numbering
        abstract = {}
        for definition in root.findall(qn("w:abstractNum")):
            levels = {}
            for level in definition.findall(qn("w:lvl")):
                levels[int(level.get(qn("w:ilvl"), "0"))] = _Level(
                    _value(level, "w:numFmt") or "decimal", _value(level, "w:lvlText") or "",
                    int(_value(level, "w:start") or 1))
            abstract[definition.get(qn("w:abstractNumId"))] = levels
        for instance in root.findall(qn("w:num")):
            reference = instance.find(qn("w:abstractNumId"))
            if reference is None:
                continue
            for ilvl, level in abstract.get(reference.get(qn("w:val")), {}).items():
                numbering.levels[(instance.get(qn("w:numId")), ilvl)] = level
        return numbering

    def marker(self, num_id: str, ilvl: int) -> str:
        level = self.levels.get((num_id, ilvl))
        if level is None or num_id == "0":
            return ""
        if level.number_format in _BULLET_FORMATS:
            return "- " if level.number_format == "bullet" else ""
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            counters.append(0)
        del counters[ilvl + 1:]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else level.start
        text = level.text
        for depth, count in enumerate(counters):
            outer = self.levels.get((num_id, depth))
            text = text.replace(f"%{depth + 1}", _format(count, outer.number_format if outer else "decimal"))
        return f"{text} " if text.strip() else ""


def _value(element, tag: str) -> str | None:
    child = element.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


def _format(number: int, number_format: str) -> str:
    if number_format in ("lowerLetter", "upperLetter"):
        letter = list_letter(number)
        return letter if number_format == "lowerLetter" else letter.upper()
    if number_format in ("lowerRoman", "upperRoman"):
        roman = roman_numeral(number)
        return roman.lower() if number_format == "lowerRoman" else roman
    return str(number)


class _DocxReader:
    def __init__(self, word: docx.document.Document):
        self.word = word
        self.numbering = _Numbering.of(word)
        self.footnotes = _footnotes(word)
        self.footnotes_cited = 0   # Word numbers footnotes 1, 2, … in the order they are cited

    def items(self) -> list[Item]:
        out: list[Item] = []
        for element in _body_blocks(self.word.element.body):
            if element.tag == qn("w:tbl"):
                out.append(self._table(Table(element, self.word)))
            else:
                para = self._para(Paragraph(element, self.word))
                if para.text or para.footnotes:
                    out.append(para)
        return out

    def _para(self, paragraph: Paragraph) -> Para:
        text = tidy(" ".join(paragraph.text.split()))
        marker = self._marker(paragraph) if text else ""
        notes = []
        for note_id in _footnote_ids(paragraph._p):
            if self.footnotes.get(note_id):
                self.footnotes_cited += 1
                notes.append((str(self.footnotes_cited), self.footnotes[note_id]))
        return Para(marker + text, bold=_all_bold(paragraph), heading=_heading_depth(paragraph), footnotes=notes)

    def _marker(self, paragraph: Paragraph) -> str:
        properties = paragraph._p.pPr
        num = properties.numPr if properties is not None else None
        if num is None:
            num = _style_numbering(paragraph)
        if num is None or num.numId is None:
            return ""
        ilvl = num.ilvl.val if num.ilvl is not None else 0
        return self.numbering.marker(str(num.numId.val), int(ilvl))

    def _table(self, table: Table) -> ReadTable:
        rows: list[list[ReadCell]] = []
        for row in table.rows:
            cells: list[ReadCell] = []
            previous = None
            for cell in row.cells:
                if previous is not None and cell._tc is previous._tc:
                    cells.append(ReadCell())   # the same cell spanning this column too
                else:
                    cells.append(ReadCell(self._cell_paras(cell._tc)))
                previous = cell
            rows.append(cells)
        return ReadTable(rows)


    def _cell_paras(self, cell_element) -> list[Para]:
        """A cell's paragraphs in order, with those of a table nested in it (a layout grid inside a cell)."""
        paras = []
        for element in _body_blocks(cell_element):
            if element.tag == qn("w:tbl"):
                for row in Table(element, self.word).rows:
                    for cell in _distinct_cells(row):
                        paras.extend(self._cell_paras(cell._tc))
            else:
                para = self._para(Paragraph(element, self.word))
                if para.text:
                    paras.append(para)
        return paras


def _distinct_cells(row):
    """The row's cells, a cell merged over several columns once."""
    cells = []
    for cell in row.cells:
        if not cells or cell._tc is not cells[-1]._tc:
            cells.append(cell)
    return cells


def _body_blocks(body):
    """Paragraphs and tables of the body in order, looking inside content controls (w:sdt)."""
    for element in body.iterchildren():
        if element.tag in (qn("w:p"), qn("w:tbl")):
            yield element
        elif element.tag == qn("w:sdt"):
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_blocks(content)


def _style_numbering(paragraph: Paragraph):
    style = paragraph.style
    while style is not None:
        properties = style.element.pPr
        if properties is not None and properties.numPr is not None:
            return properties.numPr
        style = style.base_style
    return None


def _heading_depth(paragraph: Paragraph) -> int:
    name = paragraph.style.name if paragraph.style is not None else ""
    if name.lower() == "title":
        return 1
    match = _HEADING_STYLE.match(name)
    return int(match.group(1)) if match else 0


def _all_bold(paragraph: Paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(_run_bold(run, paragraph) for run in runs)


def _run_bold(run, paragraph: Paragraph) -> bool:
    if run.bold is not None:
        return run.bold
    for style in (run.style, paragraph.style):
        while style is not None:
            if style.font.bold is not None:
                return style.font.bold
            style = style.base_style
    return False


def _footnote_ids(paragraph_element) -> list[str]:
    return [reference.get(qn("w:id")) for reference in paragraph_element.iter(qn("w:footnoteReference"))]


def _footnotes(word: docx.document.Document) -> dict[str, str]:
    """Footnote id -> its text, from the footnotes part (none when the document has no footnotes)."""
    for relation in word.part.rels.values():
        if relation.reltype == _FOOTNOTES_RELATION and not relation.is_external:
            root = lxml.etree.fromstring(relation.target_part.blob)
            notes = {}
            for note in root.iter(qn("w:footnote")):
                if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in note.iter(qn("w:p"))]
                notes[note.get(qn("w:id"))] = " ".join(" ".join(texts).split())
            return notes
    return {}
