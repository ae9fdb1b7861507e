"""A .docx file -> paragraphs and tables (python-docx), in body order.

Word keeps automatic numbering out of the text, so the number is rendered here from the numbering part
("1.", "a)", "II.", a bullet as "-") and put in front of the paragraph, as printed; heading styles ("Heading 2",
"Title") give the heading depth; a paragraph is bold when all its text is. Footnote references pull the
footnote's text from the footnotes part onto the paragraph that cites it. Merged cells: a cell spanning columns
keeps its text in the first column only, a cell spanning rows repeats it in every row.

Two costs of python-docx are avoided because they grow with the file: looking a style up scans every style of
the document (about 5 ms a lookup with Word's default template; a table of 800 rows took 18 s), so styles are
looked up once per style id; and a row's cells are read from the XML with the cells above carried down, since
`_Row.cells` walks up the table for every vertically merged cell (800 merged rows: over a minute) and repeats a
cell once per column it claims to span, however many. Before python-docx opens the file, its zip members are
checked against the unpacked-size and ratio limits (a zip bomb is a few kilobytes that expand to gigabytes).
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx
import lxml.etree
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ingest.document import SourceDocument
from ingest.errors import ReadError
from ingest.readers.build import document, normalised
from ingest.readers.inline import tidy
from ingest.readers.items import Item, Para, ReadCell, ReadTable
from ingest.readers.limits import MIB, Budget
from ingest.readers.shapes import list_letter, roman_numeral

_HEADING_STYLE = re.compile(r"(?:heading|đề mục|tiêu đề)\s*(\d)", re.IGNORECASE)
_FOOTNOTES_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_BULLET_FORMATS = frozenset(("bullet", "none"))
_BROKEN = (PackageNotFoundError, zipfile.BadZipFile, KeyError, lxml.etree.XMLSyntaxError, ValueError, OSError,
           EOFError, zlib.error,
           NotImplementedError, RuntimeError)   # zipfile: an unknown zip version or method, an encrypted member
_BOMB_FLOOR = 1 * MIB   # a member this small may compress as well as it likes: it cannot hurt


def read_docx_file(path: Path, media_type: str, budget: Budget) -> SourceDocument:
    if not zipfile.is_zipfile(path):
        raise ReadError(path, "corrupt or truncated .docx (not a valid zip archive)")
    try:
        _check_members(path, budget)
        word = docx.Document(str(path))
        items = _DocxReader(word, budget).items()
    except _BROKEN as error:
        raise ReadError(path, f"corrupt .docx ({type(error).__name__}: {error})") from None
    return document(normalised(items), path, media_type)


def _check_members(path: Path, budget: Budget) -> None:
    """Refuse a zip bomb before anything is unpacked. Python's zipfile never unpacks a member past the size
    its header declares, so the declared sizes bound what python-docx can be made to read."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    budget.check_unpacked(sum(member.file_size for member in members), "the .docx's zip members")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _BOMB_FLOOR and ratio > budget.limits.max_ratio:
            raise budget.refuse(f"zip member {member.filename} expands {ratio:,.0f} times, over the limit of "
                                f"{budget.limits.max_ratio:g} (ReadLimits.max_ratio): a zip bomb")


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


class _Styles:
    """What the reader needs from a style (heading depth, numbering, bold), found once per style id."""

    def __init__(self, word: docx.document.Document):
        self.part = word.part
        self._paragraph: dict[str | None, _StyleTraits] = {}
        self._character: dict[str | None, bool | None] = {}

    def paragraph(self, paragraph: Paragraph) -> "_StyleTraits":
        style_id = paragraph._p.style
        if style_id not in self._paragraph:
            self._paragraph[style_id] = _StyleTraits.of(self.part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH))
        return self._paragraph[style_id]

    def character_bold(self, run) -> bool | None:
        style_id = run._r.style
        if style_id not in self._character:
            self._character[style_id] = _style_bold(self.part.get_style(style_id, WD_STYLE_TYPE.CHARACTER))
        return self._character[style_id]


@dataclass(frozen=True)
class _StyleTraits:
    heading: int
    numbering: object | None    # the style's w:numPr (CT_NumPr), inherited through its base styles
    bold: bool | None           # the style's bold, inherited; None when no style in the chain says

    @classmethod
    def of(cls, style) -> "_StyleTraits":
        return cls(_heading_depth(style.name if style is not None else ""), _style_numbering(style),
                   _style_bold(style))


class _DocxReader:
    def __init__(self, word: docx.document.Document, budget: Budget):
        self.word = word
        self.budget = budget
        self.styles = _Styles(word)
        self.numbering = _Numbering.of(word)
        self.footnotes = _footnotes(word)
        self.footnotes_cited = 0   # Word numbers footnotes 1, 2, … in the order they are cited

    def items(self) -> list[Item]:
        out: list[Item] = []
        for element in _body_blocks(self.word.element.body):
            if element.tag == qn("w:tbl"):
                out.append(self._table(element))
            else:
                para = self._para(Paragraph(element, self.word))
                if para.text or para.footnotes:
                    out.append(para)
        return out

    def _para(self, paragraph: Paragraph) -> Para:
        text = tidy(" ".join(paragraph.text.split()))
        style = self.styles.paragraph(paragraph)
        marker = self._marker(paragraph, style) if text else ""
        notes = []
        for note_id in _footnote_ids(paragraph._p):
            if self.footnotes.get(note_id):
                self.footnotes_cited += 1
                notes.append((str(self.footnotes_cited), self.footnotes[note_id]))
        return Para(marker + text, bold=self._all_bold(paragraph, style), heading=style.heading, footnotes=notes)

    def _marker(self, paragraph: Paragraph, style: _StyleTraits) -> str:
        properties = paragraph._p.pPr
        num = properties.numPr if properties is not None else None
        if num is None:
            num = style.numbering
        if num is None or num.numId is None:
            return ""
        ilvl = num.ilvl.val if num.ilvl is not None else 0
        return self.numbering.marker(str(num.numId.val), int(ilvl))

    def _all_bold(self, paragraph: Paragraph, style: _StyleTraits) -> bool:
        runs = [run for run in paragraph.runs if run.text.strip()]
        return bool(runs) and all(self._run_bold(run, style) for run in runs)

    def _run_bold(self, run, style: _StyleTraits) -> bool:
        for bold in (run.bold, self.styles.character_bold(run), style.bold):
            if bold is not None:
                return bold
        return False

    def _table(self, table) -> ReadTable:
        """A w:tbl's rows as grids: a cell spanning columns fills the first, a vertically merged cell (w:vMerge
        "continue") repeats the cell above it in the same grid column."""
        rows: list[list[ReadCell]] = []
        above: dict[int, ReadCell] = {}   # grid column -> the cell that starts there in the row above
        for tr in table.tr_lst:
            cells: list[ReadCell] = []
            here: dict[int, ReadCell] = {}
            column = tr.grid_before
            for tc in tr.tc_lst:
                span = max(1, tc.grid_span)
                self.budget.check_width(len(cells) + span)
                if tc.vMerge == "continue" and column in above:
                    cell = above[column]
                else:
                    cell = ReadCell(self._cell_paras(tc))
                cells.append(cell)
                cells.extend(ReadCell() for _ in range(span - 1))   # the same cell spanning these columns
                here[column] = cell
                column += span
            self.budget.add_row(len(cells))
            rows.append(cells)
            above = here
        return ReadTable(rows)

    def _cell_paras(self, cell_element) -> list[Para]:
        """A cell's paragraphs in order, with those of a table nested in it (a layout grid inside a cell)."""
        paras = []
        for element in _body_blocks(cell_element):
            if element.tag == qn("w:tbl"):
                for tr in element.tr_lst:
                    self.budget.add_row(len(tr.tc_lst))
                    for tc in tr.tc_lst:
                        paras.extend(self._cell_paras(tc))
            else:
                para = self._para(Paragraph(element, self.word))
                if para.text:
                    paras.append(para)
        return paras


def _body_blocks(body):
    """Paragraphs and tables of the body in order, looking inside content controls (w:sdt)."""
    for element in body.iterchildren():
        if element.tag in (qn("w:p"), qn("w:tbl")):
            yield element
        elif element.tag == qn("w:sdt"):
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_blocks(content)


def _style_numbering(style):
    for ancestor in _style_chain(style):
        properties = ancestor.element.pPr
        if properties is not None and properties.numPr is not None:
            return properties.numPr
    return None


def _style_bold(style) -> bool | None:
    return next((a.font.bold for a in _style_chain(style) if a.font.bold is not None), None)


def _style_chain(style):
    """The style and the styles it is based on; a chain that loops back (a broken file) is cut there."""
    seen = set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        yield style
        style = style.base_style


def _heading_depth(name: str | None) -> int:
    name = name or ""
    if name.lower() == "title":
        return 1
    match = _HEADING_STYLE.match(name)
    return int(match.group(1)) if match else 0


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
