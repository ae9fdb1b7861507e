"""Broken and hostile files of every format plangraph reads, made from scratch, and the check every one must pass.

Each `*_files()` strategy draws `(suffix, bytes)`: a file that starts from something a reader accepts (a small
Vietnamese plan as text, HTML, a hand-built .docx package, a hand-built PDF) and is then broken the ways files
break in the wild or on purpose: cut short, bytes overwritten, parts missing, nesting thousands deep, tables with
thousands of columns or cells claiming a billion, zip and deflate bombs, legacy and mixed encodings, control
characters, random bytes. `check_read` is the contract: a SourceDocument whose spans point at its text, or one
ReadError with a one-line reason; within the time limit; never anything else. The tests run these strategies a
bounded number of times; `bench/robustness_bench.py` runs them longer.
"""
from __future__ import annotations

import io
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from ingest.errors import REASON_MAX_CHARS, ReadError
from ingest.readers import ReadLimits, read
from ingest.readers.limits import MIB
from tests.ingest.test_readers import assert_spans_consistent

# Tight limits, so that a fuzzed file over one of them is refused in a fraction of the time the defaults allow.
FUZZ_LIMITS = ReadLimits(max_unpacked_bytes=8 * MIB, max_characters=2_000_000, max_columns=64,
                         max_cells=20_000, max_seconds=10.0)
TIME_SLACK_S = 3.0      # what a reader may overrun its limit by: C code (lxml, zlib) finishes its call first
UNEXPECTED = "unexpected error"   # the reason read() gives a failure no reader foresaw: a bug to fix

SYLLABLES = ("Kế hoạch", "phát triển", "khoa học", "công nghệ", "Sở", "Ủy ban nhân dân", "tỉnh", "năm 2025",
             "Quyết định số 12/QĐ-UBND", "chủ trì", "phối hợp", "nhiệm vụ", "STT", "Nội dung", "Đơn vị",
             "Nơi nhận:", "- Như trên;", "GIÁM ĐỐC", "hòa nhập", "hoà nhập", "I.", "1.", "a)", "(i)", "-", "+")
NASTY_CHARS = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\u00a0\u200b\u200e\u202e\u2028\u2029\ufeff\ufffd\ufffe" \
              "\U0001f600\u0301\u0323\u0303"


@dataclass
class Outcome:
    read: bool
    reason: str = ""
    seconds: float = 0.0


def check_read(path: Path, limits: ReadLimits = FUZZ_LIMITS) -> Outcome:
    """Read `path` and assert the readers' contract; return what happened."""
    started = time.monotonic()
    try:
        doc = read(path, limits=limits)
    except ReadError as error:
        seconds = time.monotonic() - started
        assert "\n" not in str(error) and len(error.reason) <= REASON_MAX_CHARS, str(error)
        assert str(error).startswith(f"{path.name}: ") and error.reason, str(error)
        assert not error.reason.startswith(UNEXPECTED), str(error)
        outcome = Outcome(False, error.reason, seconds)
    else:
        outcome = Outcome(True, seconds=time.monotonic() - started)
        assert doc.blocks and doc.text
        assert_spans_consistent(doc)
        assert unicodedata.is_normalized("NFC", doc.text)
    assert outcome.seconds < limits.max_seconds + TIME_SLACK_S, outcome
    return outcome


# -- text and markdown ----------------------------------------------------------------------------------------

words = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=8).map(" ".join)
nasty_text = st.text(alphabet=st.sampled_from(SYLLABLES[0] + "ạếờ " + NASTY_CHARS), max_size=60)
cell_text = st.one_of(words, st.just(""), st.just("---"), st.just(":---:"), nasty_text,
                      st.sampled_from(["<b>Sở KH&CN</b>", "<p>a<br>b</p>", "<li>x", "</td>", "[3: chú thích",
                                       "**đậm", "&amp;", "&#0;", "&#x110000;"]))
text_line = st.one_of(
    words, nasty_text, st.just(""), st.just("|"), st.just("\t"),
    st.lists(cell_text, min_size=2, max_size=12).map("\t".join),                  # a tab row
    cell_text.map(lambda text: "\t" + text),                                      # a tab cell
    st.tuples(st.integers(1, 7), words).map(lambda h: "#" * h[0] + " " + h[1]),   # a markdown heading
    st.integers(1, 3000).map(lambda n: "\t".join(["x"] * n)),                     # a row of up to 3,000 cells
    st.integers(1, 20_000).map(lambda n: "Kế hoạch **số** <b>12</b> " * n),       # a line of up to 500 kB
)


@st.composite
def text_files(draw) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".txt", ".md"]))
    if draw(st.integers(0, 9)) == 0:
        return suffix, draw(st.binary(min_size=1, max_size=4096))
    lines = draw(st.lists(text_line, min_size=1, max_size=60))
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    data = _encoded(text, draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258", "latin-1",
                                                "mixed"])))
    return suffix, _damaged(draw, data)


def _encoded(text: str, encoding: str) -> bytes:
    if encoding == "mixed":   # a file pasted together from a UTF-8 and a Windows-1258 source
        half = len(text) // 2
        return text[:half].encode("utf-8", "replace") + text[half:].encode("cp1258", "replace")
    return text.encode(encoding, "replace")


def _damaged(draw, data: bytes) -> bytes:
    """Cut short, overwritten in a few places, or left whole."""
    damage = draw(st.sampled_from(["none", "none", "cut", "overwrite"]))
    if damage == "cut" and len(data) > 1:
        return data[:draw(st.integers(1, len(data) - 1))]
    if damage == "overwrite" and data:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            position = draw(st.integers(0, len(out) - 1))
            out[position:position + 4] = draw(st.binary(min_size=1, max_size=4))
        return bytes(out)
    return data


# -- HTML -----------------------------------------------------------------------------------------------------

HTML_TAGS = ("p", "div", "span", "b", "strong", "i", "font", "table", "thead", "tbody", "tr", "td", "th", "ol",
             "ul", "li", "h1", "h2", "h3", "br", "script", "style", "section", "center", "a", "sup")
html_attribute = st.one_of(
    st.tuples(st.sampled_from(["colspan", "rowspan"]), st.one_of(st.integers(-5, 10**9).map(str),
                                                                 st.sampled_from(["", "x", "1e9", "0x10"]))),
    st.tuples(st.just("style"), st.sampled_from(["font-weight:bold", "font-weight: 900", "color:red", ""])),
    st.tuples(st.sampled_from(["start", "type"]), st.sampled_from(["a", "I", "i", "-3", "99999999999", "1"])),
    st.tuples(st.just("title"), st.integers(0, 200_000).map(lambda n: "a" * n)),   # a huge attribute
)


def _html_element(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(st.sampled_from(HTML_TAGS), st.lists(html_attribute, max_size=3), children, st.booleans())


html_tree = st.recursive(st.one_of(words, nasty_text, st.sampled_from(["&amp;", "&nbsp;", "&#x0;", "&bogus;",
                                                                       "<!--", "]]>", "<", "&#99999999;"])),
                         lambda children: _html_element(st.lists(children, max_size=5)), max_leaves=40)


def _render_html(node) -> str:
    if isinstance(node, str):
        return node
    tag, attributes, children, closed = node
    opening = "".join(f" {name}={quoteattr(value)}" for name, value in attributes)
    inner = "".join(_render_html(child) for child in children)
    return f"<{tag}{opening}>{inner}" + (f"</{tag}>" if closed else "")


@st.composite
def html_files(draw) -> tuple[str, bytes]:
    shape = draw(st.sampled_from(["tree", "tree", "tree", "deep", "wide", "bytes"]))
    if shape == "bytes":
        return ".html", b"<html>" + draw(st.binary(min_size=1, max_size=4096))
    if shape == "deep":    # unclosed inline tags pile up: libxml2 gives up at a depth of 256
        tag = draw(st.sampled_from(["span", "font", "b", "div", "td", "li", "table"]))
        body = f"<{tag}>Kế hoạch " * draw(st.integers(100, 5000)) + "phát triển"
    elif shape == "wide":  # spans that would blow a small table up to millions of cells
        cells = draw(st.integers(1, 3000))
        span = draw(st.integers(1, 1000))
        body = "<table>" + ("<tr>" + f'<td colspan="{span}" rowspan="{span}">Sở</td>' * cells + "</tr>") * 3 \
               + "</table>"
    else:
        body = "".join(_render_html(node) for node in draw(st.lists(html_tree, min_size=1, max_size=4)))
    page = f"<html><head><title>x</title></head><body>{body}</body></html>"
    return ".html", _damaged(draw, _encoded(page, draw(st.sampled_from(["utf-8", "utf-16", "cp1258", "mixed"]))))


# -- .docx: a WordprocessingML package written by hand ----------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.footnotes+xml"/></Types>')
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_R_NS}/officeDocument" Target="word/document.xml"/></Relationships>')
_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_R_NS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_R_NS}/numbering" Target="numbering.xml"/>'
    f'<Relationship Id="rId3" Type="{_R_NS}/footnotes" Target="footnotes.xml"/></Relationships>')


def word_part(root: str, inner: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} xmlns:w="{W_NS}">{inner}</w:{root}>'


def docx_package(body: str, styles: str = "", numbering: str = "", footnotes: str = "",
                 extra: dict[str, bytes] | None = None) -> bytes:
    """A .docx file: the body's WordprocessingML and, when given, the inner XML of the other parts."""
    parts = {"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _PACKAGE_RELS,
             "word/_rels/document.xml.rels": _DOCUMENT_RELS,
             "word/document.xml": word_part("document", f"<w:body>{body}</w:body>"),
             "word/styles.xml": word_part("styles", styles),
             "word/numbering.xml": word_part("numbering", numbering),
             "word/footnotes.xml": word_part("footnotes", footnotes)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def paragraph(text: str, properties: str = "", run_properties: str = "") -> str:
    run = f"<w:r><w:rPr>{run_properties}</w:rPr><w:t>{escape(text)}</w:t></w:r>"
    return f"<w:p><w:pPr>{properties}</w:pPr>{run}</w:p>"


def cell(content: str, properties: str = "") -> str:
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{content}</w:tc>"


# mostly plausible numbers, so that most files get past python-docx to the reader's own code
number_value = st.one_of(st.integers(0, 9).map(str), st.integers(0, 9).map(str), st.integers(-3, 10**9).map(str),
                         st.sampled_from(["", "abc", "1.5", "restart", "continue"]))
xml_text = st.text(alphabet=st.sampled_from(SYLLABLES[0] + "ạếờ \t\n\x85\u00a0\u200b\u202e\u2028\ufeff"
                                             "\U0001f600\u0301"), max_size=60)
style_id = st.sampled_from(["S0", "S1", "S2", "Heading2", "Missing"])


def _docx_paragraph() -> st.SearchStrategy:
    properties = st.lists(st.one_of(
        style_id.map(lambda s: f'<w:pStyle w:val="{s}"/>'),
        st.tuples(number_value, number_value).map(
            lambda n: f'<w:numPr><w:ilvl w:val="{n[0]}"/><w:numId w:val="{n[1]}"/></w:numPr>')), max_size=2)
    run_properties = st.sampled_from(["", "<w:b/>", '<w:b w:val="0"/>', '<w:rStyle w:val="S1"/>'])
    footnote = st.one_of(st.just(""), number_value.map(lambda n: f'<w:r><w:footnoteReference w:id="{n}"/></w:r>'))
    return st.tuples(st.one_of(words, xml_text), properties, run_properties, footnote).map(
        lambda p: paragraph(p[0], "".join(p[1]), p[2]).replace("</w:p>", p[3] + "</w:p>"))


def _docx_table(blocks: st.SearchStrategy) -> st.SearchStrategy:
    cell_properties = st.lists(st.one_of(
        number_value.map(lambda n: f'<w:gridSpan w:val="{n}"/>'),
        st.sampled_from(['<w:vMerge w:val="restart"/>', "<w:vMerge/>", '<w:vMerge w:val="continue"/>'])),
        max_size=2).map("".join)
    tc = st.tuples(st.lists(blocks, min_size=1, max_size=2).map("".join), cell_properties).map(
        lambda c: cell(*c))
    row_properties = st.one_of(st.just(""),
                               number_value.map(lambda n: f'<w:trPr><w:gridBefore w:val="{n}"/></w:trPr>'))
    tr = st.tuples(row_properties, st.lists(tc, max_size=5)).map(lambda r: f"<w:tr>{r[0]}{''.join(r[1])}</w:tr>")
    return st.lists(tr, max_size=5).map(lambda rows: f"<w:tbl>{''.join(rows)}</w:tbl>")


def _docx_containers(blocks: st.SearchStrategy) -> st.SearchStrategy:
    """A table of such blocks, or a content control around one."""
    return st.one_of(_docx_table(blocks), blocks.map(lambda b: f"<w:sdt><w:sdtContent>{b}</w:sdtContent></w:sdt>"))


docx_blocks = st.recursive(_docx_paragraph(), _docx_containers, max_leaves=25)

docx_styles = st.lists(st.tuples(st.sampled_from(["S0", "S1", "S2", "Heading2"]), style_id,
                                 st.sampled_from(["heading 2", "Title", "Normal", "Đề mục 3", ""]),
                                 st.sampled_from(["", "<w:rPr><w:b/></w:rPr>",
                                                  '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>'])),
                       max_size=4).map(lambda styles: "".join(
    f'<w:style w:type="{"character" if ident == "S1" else "paragraph"}" w:styleId="{ident}">'
    f'<w:name w:val="{name}"/><w:basedOn w:val="{base}"/>{inner}</w:style>'   # a style may be based on itself
    for ident, base, name, inner in styles))

docx_numbering = st.lists(st.tuples(number_value, st.sampled_from(["decimal", "lowerLetter", "upperRoman", "bullet",
                                                                   "none", "bogus"]),
                                    st.sampled_from(["%1.", "%1.%2.", "%9)", "", "%1%1%1"]), number_value),
                          max_size=3).map(lambda levels: '<w:abstractNum w:abstractNumId="0">' + "".join(
    f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
    f'</w:lvl>' for ilvl, fmt, text, start in levels) + '</w:abstractNum><w:num w:numId="1">'
    '<w:abstractNumId w:val="0"/></w:num>')


@st.composite
def docx_files(draw) -> tuple[str, bytes]:
    body = "".join(draw(st.lists(docx_blocks, min_size=1, max_size=6)))
    shape = draw(st.sampled_from(["tree", "tree", "tree", "deep", "bomb", "missing", "damaged", "illegal", "bytes"]))
    if shape == "bytes":
        return ".docx", b"PK\x03\x04" + draw(st.binary(max_size=2048))
    if shape == "deep":    # nesting past libxml2's depth limit, or tables nested in cells
        depth = draw(st.integers(20, 400))
        inner = draw(st.sampled_from([("<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>"),
                                      ("<w:tbl><w:tr><w:tc>", "</w:tc></w:tr></w:tbl>")]))
        body = inner[0] * depth + paragraph("Kế hoạch") + inner[1] * depth
    if shape == "illegal":  # characters XML forbids (python-docx refuses the file whole)
        body += paragraph(draw(nasty_text))
    footnotes = '<w:footnote w:id="1"><w:p><w:r><w:t>Chú thích</w:t></w:r></w:p></w:footnote>'
    extra = {}
    if shape == "bomb":    # a member a few kilobytes long that expands to megabytes
        extra["word/media/image1.png"] = bytes(draw(st.integers(1, 16)) * MIB)
    data = docx_package(body, draw(docx_styles), draw(docx_numbering), footnotes, extra)
    if shape == "missing":
        data = _without_member(data, draw(st.sampled_from(["word/document.xml", "[Content_Types].xml",
                                                           "_rels/.rels", "word/styles.xml",
                                                           "word/_rels/document.xml.rels"])))
    if shape == "damaged":
        data = _damaged(draw, data)
    return ".docx", data


def _without_member(data: bytes, name: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


# -- PDF: objects, cross-reference table and trailer written by hand ---------------------------------------------

def pdf_file(objects: list[bytes], *, root: int = 1, xref: bool = True) -> bytes:
    """A PDF whose object n (from 1) is objects[n - 1]; with a correct cross-reference table unless xref=False."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, start)
    return bytes(out)


def pdf_stream(data: bytes, deflate: bool = False, length: int | None = None) -> bytes:
    if deflate:
        data = zlib.compress(data)
    header = b"/Filter /FlateDecode " if deflate else b""
    return b"<< %s/Length %d >>\nstream\n%s\nendstream" % (header, len(data) if length is None else length, data)


def pdf_page_objects(content: bytes, *, deflate: bool = False, pages: int = 1) -> list[bytes]:
    """Catalog, page tree, `pages` pages sharing one content stream and a Helvetica font."""
    kids = b" ".join(b"%d 0 R" % (5 + page) for page in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
               pdf_stream(content, deflate)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                b"/Contents 4 0 R >>"] * pages
    return objects


pdf_number = st.one_of(st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=False, allow_infinity=False,
                                                                      width=32).map(lambda f: f"{f:.3f}"),
                       st.sampled_from(["1e308", "-0", ".", "--1", "99999999999999999999"]))
pdf_text = st.text(alphabet=st.sampled_from("Ke hoach phat trien STT Noi dung ()\\\x00\x85é"), max_size=40)
pdf_operator = st.one_of(
    st.tuples(pdf_number, pdf_number).map(lambda n: f"{n[0]} {n[1]} Td"),
    pdf_text.map(lambda t: "(" + t.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj"),
    pdf_text.map(lambda t: f"[({t.replace('(', '').replace(')', '')}) -250 (x)] TJ"),
    pdf_number.map(lambda n: f"/F1 {n} Tf"),
    st.tuples(pdf_number, pdf_number, pdf_number, pdf_number).map(lambda n: " ".join(n) + " re S"),
    st.tuples(pdf_number, pdf_number).map(lambda n: f"{n[0]} {n[1]} m {n[1]} {n[0]} l S"),
    st.sampled_from(["BT", "ET", "q", "Q", "f", "S", "/Im1 Do", "/F9 12 Tf", "1 0 0 1 0 0 cm", "T*", "<<", "]",
                     "(unclosed", "<4B65>", "BI /W 1 /H 1 ID \x00 EI", "%comment", "endstream"]),
)
pdf_garbage_object = st.one_of(
    st.binary(max_size=200),
    st.lists(st.sampled_from([b"<<", b">>", b"[", b"]", b"/Type", b"/Pages", b"/Kids", b"1 0 R", b"99 0 R", b"obj",
                              b"endobj", b"stream", b"(x)", b"<00>", b"-1", b"/Length", b"null", b"true"]),
             max_size=40).map(b" ".join),
    st.just(b"[" * 5000 + b"]" * 5000), st.just(b"<< /A " * 3000),
)


@st.composite
def pdf_files(draw) -> tuple[str, bytes]:
    content = "\n".join(["BT /F1 12 Tf 72 700 Td (Ke hoach phat trien) Tj ET"]
                        + draw(st.lists(pdf_operator, max_size=40))).encode("latin-1")
    objects = pdf_page_objects(content, deflate=draw(st.booleans()), pages=draw(st.integers(1, 3)))
    shape = draw(st.sampled_from(["ops", "ops", "garbage", "page", "loop", "bomb", "no-xref", "damaged", "bytes"]))
    if shape == "bytes":
        return ".pdf", b"%PDF-1.4\n" + draw(st.binary(max_size=4096))
    if shape == "garbage":   # an object replaced by token soup
        objects[draw(st.integers(0, len(objects) - 1))] = draw(pdf_garbage_object)
    if shape == "page":      # page boxes, rotation and resources of the wrong type or size
        entry = draw(st.sampled_from([b"/CropBox", b"/MediaBox", b"/Rotate", b"/Resources", b"/Contents"]))
        value = draw(st.one_of(pdf_garbage_object, st.lists(pdf_number, max_size=5).map(
            lambda numbers: ("[" + " ".join(numbers) + "]").encode())))
        objects[4] = objects[4][:-2] + entry + b" " + value + b" >>"
    if shape == "loop":      # a page tree that contains itself
        objects[1] = b"<< /Type /Pages /Kids [2 0 R 5 0 R] /Count 2 /Parent 2 0 R >>"
    if shape == "bomb":      # a content stream of a few kilobytes that inflates to megabytes
        objects[3] = pdf_stream(b" " * (draw(st.integers(1, 24)) * MIB), deflate=True)
    data = pdf_file(objects, xref=shape != "no-xref")
    return ".pdf", _damaged(draw, data) if shape == "damaged" else data


def any_files() -> st.SearchStrategy:
    return st.one_of(text_files(), html_files(), docx_files(), pdf_files())
