"""Readers: every real document reads, its structure comes out as a person sees it, and every span points at
the text it claims; other formats give the same blocks; bad input is refused with a reason."""
from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import docx
import pytest

from ingest.document import SourceDocument
from ingest.errors import PlangraphError, ReadError
from ingest.readers import SUPPORTED_SUFFIXES, read
from ingest.readers.legacy import tcvn3_to_unicode


def assert_spans_consistent(doc: SourceDocument) -> None:
    """The offset invariant: blocks are in order and do not overlap; `text[b.start:b.end] == b.text` for every
    block (a table's text is its laid-out rows); rows lie inside their table and cells inside their row, in
    order, with `text[c.start:c.end] == c.text` for every cell."""
    end = 0
    for block in doc.blocks:
        assert end <= block.start <= block.end <= len(doc.text), block
        assert doc.text[block.start:block.end] == block.text, block
        end = block.end
        position = block.start
        for row in block.rows:
            assert position <= row.start <= row.end <= block.end
            position = row.start
            for cell in row.cells:
                assert position <= cell.start <= cell.end <= row.end
                assert doc.text[cell.start:cell.end] == cell.text
                position = cell.end
            position = row.end


def sample(shared_dir: Path, prefix: str) -> SourceDocument:
    return read(next((shared_dir / "corpus").glob(f"{prefix}_*.txt")))


def tables(doc: SourceDocument):
    return [block for block in doc.blocks if block.kind == "table"]


# -- the real documents ---------------------------------------------------------------------------------------

def test_readers_read_every_sample_document(shared_dir):
    files = sorted((shared_dir / "corpus").iterdir())
    assert len(files) == 5
    for path in files:
        doc = read(path)
        assert doc.source == path.name and doc.path == str(path) and doc.media_type == "text/plain"
        assert doc.blocks and not doc.warnings
        assert_spans_consistent(doc)
        for marker in ("<b>", "</p>", "<li>", "**", "&amp;", "[footnoteRef", "[bookmark"):
            assert marker not in doc.text, (path.name, marker)


@pytest.mark.slow
def test_readers_read_every_legal_document_fast(shared_dir):
    files = sorted((shared_dir / "corpus-legal").glob("*.md"))
    assert len(files) == 418
    characters = sum(len(path.read_text(encoding="utf-8")) for path in files)
    failures, elapsed = [], 0.0
    for path in files:
        started = time.process_time()
        try:
            doc = read(path)
        except ReadError as error:
            failures.append(f"{path.name}: {error}")
            continue
        elapsed += time.process_time() - started
        assert_spans_consistent(doc)
    assert not failures, "\n".join(failures)
    # the whole ingest must run at ~90k chars/s end to end, so reading has to cost a small part of that
    assert characters / elapsed > 400_000, f"{characters / elapsed:,.0f} chars/s"


def test_readers_join_hard_wrapped_legal_lines_and_read_the_header(shared_dir):
    doc = read(next((shared_dir / "corpus-legal").glob("2f6f80b9918e52de_*.md")))
    texts = [block.text for block in doc.blocks]
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH" in texts
    assert "Số: 172/KH-UBND" in texts
    assert "Thành phố Hồ Chí Minh, ngày 18 tháng 11 năm 2025" in texts
    item = next(b for b in doc.blocks if b.text.startswith("a) Xác định cụ thể nội dung"))
    assert item.kind == "list_item" and item.numbering == "a" and item.level == 5
    assert item.text.endswith("bảo đảm kịp thời, toàn diện, thống nhất, đồng bộ, hiệu lực, hiệu quả.")
    heading = next(b for b in doc.blocks if b.text.startswith("1. Phổ biến, giáo dục Luật"))
    assert heading.kind == "heading" and heading.bold and heading.numbering == "1" and heading.level == 2
    assert heading.text.endswith("hướng dẫn thi hành")
    signature = next(b for b in doc.blocks if b.kind == "signature")
    assert signature.text == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Thị Diệu Thúy"
    recipients = next(b for b in doc.blocks if b.kind == "recipients")
    assert recipients.text.startswith("Nơi nhận:\n- Thường trực Thành ủy;") and recipients.text.endswith("Tấn).")


def test_readers_keep_legal_tables_and_rows_under_merged_cells(shared_dir):
    doc = read(next((shared_dir / "corpus-legal").glob("00e8b0e4daffc2ef_*.md")))
    places = next(t for t in tables(doc) if t.rows[0].texts() == ["STT", "Địa điểm", "Địa chỉ"])
    assert places.rows[0].is_header
    assert ["1", "Phường Bắc Giang", ""] == places.rows[1].texts() and places.rows[1].is_section
    assert ["-", "Khu vực nhà thi đấu thể thao tỉnh Bắc Ninh", "Phường Bắc Giang, tỉnh Bắc Ninh"] == \
        places.rows[2].texts()
    assert sum(1 for row in places.rows if row.is_section) == 31   # every ward of the list, none lost
    body = " ".join(b.text for b in doc.blocks if b.kind != "table")
    assert "Điều 2. Sở Công Thương có trách nhiệm chủ trì" in body   # the decision's text is not in a cell


def test_readers_001_table_drops_repeated_headers_and_joins_page_broken_rows(shared_dir):
    doc = sample(shared_dir, "001")
    for table in tables(doc):
        headers = [row.texts() for row in table.header]
        assert all([cell.casefold() for cell in row.texts()] not in
                   [[cell.casefold() for cell in header] for header in headers] for row in table.body)
    row = next(r for t in tables(doc) for r in t.rows
               if r.cells[1].text.startswith("Thông qua các chương trình, mô hình"))
    assert row.cells[1].text.endswith("phù hợp với điều kiện thực tế, trình độ phát triển sản xuất của các "
                                      "địa phương trong tỉnh.")
    assert row.cells[2].text == "Giám đốc Sở"
    leads = [r.cells[4].text for t in tables(doc) for r in t.rows
             if r.cells[1].text.startswith("Kế hoạch đào tạo, bồi dưỡng công chức, viên chức năm 2024")]
    assert leads == ["Tất cả các phòng, đơn vị thuộc Sở"]
    assert not any(not r.cells[0].text and r.cells[1].text[:1].islower() for t in tables(doc) for r in t.rows)


def test_readers_001_keeps_sub_items_and_marks_section_rows(shared_dir):
    doc = sample(shared_dir, "001")
    first = tables(doc)[0]
    assert first.rows[0].is_header and first.rows[0].texts()[:2] == ["TT", "CHỈ TIÊU CHỦ YẾU"]
    section = first.rows[1]
    assert section.is_section and section.texts()[:2] == ["I", "Nghiên cứu khoa học và công nghệ"]
    assert section.cells[1].bold
    second = tables(doc)[1]
    assert [r.cells[2].text for r in second.body if r.cells[1].text.startswith("Hình thành ít nhất")] == \
        ["PGĐ Trần Công Hòa", "PGĐ Phan Văn Hiếu"]   # an empty-TT sub-item, not a page break


def test_readers_002_appendix_table_has_six_columns_and_section_rows(shared_dir):
    doc = sample(shared_dir, "002")
    appendix = tables(doc)[-1]
    assert {len(row.cells) for row in appendix.rows} == {6}
    assert appendix.rows[0].is_header and appendix.rows[0].texts()[1] == "Nhiệm vụ và giải pháp chủ yếu"
    sections = [row for row in appendix.rows if row.is_section]
    assert [row.cells[0].text for row in sections] == ["I", "II", "III", "IV", "V", "VII"]
    assert sections[0].texts() == ["I", "Thực hiện công tác truyền thông, bồi dưỡng kiến thức về KHCN", "", "", "", ""]
    sub_items = [row.cells[1].text for row in appendix.rows if not row.cells[0].text]
    assert len(sub_items) == 5 and sub_items[0].startswith("(i) Dự án đăng ký bảo hộ chỉ dẫn địa lý Cao Lãnh")
    cooperating = next(r.cells[3].text for r in appendix.rows if r.cells[1].text.startswith("Triển khai nhiệm vụ KHCN"))
    assert cooperating.split("\n")[:2] == ["- Sở Nông nghiệp và Phát triển nông thôn (các cơ quan chuyên môn trực "
                                           "thuộc Sở Nông nghiệp và Phát triển nông thôn);", "- Các sở, ngành Tỉnh;"]


def test_readers_002_and_003_signature_and_recipients(shared_dir):
    signature = [b.text for b in sample(shared_dir, "002").blocks if b.kind == "signature"]
    assert signature == ["TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nHuỳnh Minh Tuấn"]
    doc = sample(shared_dir, "003")
    assert [b.text for b in doc.blocks if b.kind == "signature"] == [
        "UBND HUYỆN CAO LÃNH\nCHỦ TỊCH\nLê Chí Thiện", "SỞ KHOA HỌC VÀ CÔNG NGHỆ\nGIÁM ĐỐC\nTrần Thanh Liêm"]
    recipients = next(b for b in doc.blocks if b.kind == "recipients")
    assert recipients.text.split("\n")[:2] == ["Nơi nhận:", "- Tỉnh ủy (để báo cáo);"]


def test_readers_003_joins_a_sentence_cut_by_a_page_break_and_splits_html_cells(shared_dir):
    doc = sample(shared_dir, "003")
    assert any("huy động đội ngũ cán bộ, công chức, viên chức, trí thức, vận động" in b.text for b in doc.blocks)
    assert any("áp dụng kỹ thuật tiến bộ mới, ứng dụng công nghệ cao trong s chế, bảo quản" in b.text
               for b in doc.blocks)
    units = next(r.cells[2].text for t in tables(doc) for r in t.rows if r.cells[0].text == "1")
    assert units.split("\n")[:2] == ["Cơ sở sản xuất khô Hải Yên", "Công ty TNHH BC Vũ Long"]


def test_readers_004_moves_footnotes_into_footnote_blocks(shared_dir):
    doc = sample(shared_dir, "004")
    notes = [b for b in doc.blocks if b.kind == "footnote"]
    assert [b.label for b in notes] == [str(n) for n in range(1, 13)]
    assert notes[3].text == "Công văn số 211/STTTT-BCVT&CNTT ngày 22/01/2025"
    running = " ".join(b.text for b in doc.blocks if b.kind != "footnote")
    assert "Công văn số 211/STTTT-BCVT&CNTT" not in running and "footnoteRef" not in doc.text
    cited = next(b for b in doc.blocks if "phát triển thêm nhiều HTTT, CSDL" in b.text)
    assert "CSDL; đến nay" in cited.text
    assert doc.blocks[doc.blocks.index(cited) + 1].label == "1"   # the note follows the paragraph citing it


def test_readers_004_headings_and_levels_follow_the_numbering(shared_dir):
    doc = sample(shared_dir, "004")
    shapes = {b.text.split(" ")[0]: (b.kind, b.numbering, b.level) for b in doc.blocks
              if b.kind in ("heading", "list_item")}
    assert shapes["I."] == ("heading", "I", 1)
    assert shapes["1.1."] == ("heading", "1.1", 3)
    assert shapes["2.3"] == ("heading", "2.3", 3)
    assert shapes["a)"] == ("list_item", "a", 5)
    assert shapes["-"] == ("list_item", "-", 6)
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].text == "BÁO CÁO"


# -- text handling --------------------------------------------------------------------------------------------

def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


MARKDOWN = """**KẾ HOẠCH**

Phát triển khoa học và công nghệ hoà nhập, thuỷ lợi &amp; môi trường

### **I. MỤC ĐÍCH**

**1. Mục đích**

- Nâng cao năng lực; [bookmark: _Hlk1]tăng cường hợp tác.
+ Tăng cường hợp tác.
a) Hỗ trợ doanh nghiệp.
(i) Dự án thứ nhất;
2.1. Công tác tham mưu
Nội dung tham mưu.
"""


def test_readers_markdown_numbering_levels_and_markup(tmp_path):
    doc = read(write(tmp_path, "plan.md", MARKDOWN))
    assert doc.media_type == "text/markdown"
    shapes = [(b.kind, b.numbering, b.level, b.bold) for b in doc.blocks]
    assert shapes == [("heading", None, 0, True), ("paragraph", None, 0, False), ("heading", "I", 1, True),
                      ("heading", "1", 2, True), ("list_item", "-", 6, False), ("list_item", "+", 7, False),
                      ("list_item", "a", 5, False), ("list_item", "i", 5, False), ("heading", "2.1", 3, False),
                      ("paragraph", None, 0, False)]
    assert doc.blocks[1].text == "Phát triển khoa học và công nghệ hòa nhập, thủy lợi & môi trường"
    assert doc.blocks[4].text == "- Nâng cao năng lực; tăng cường hợp tác."
    assert_spans_consistent(doc)


def test_readers_a_ten_megabyte_line_does_not_hang(tmp_path):
    line = "[3: chú thích " + "Căn cứ **Quyết định** số 12/QĐ-UBND của <b>UBND</b> tỉnh; * " * 200_000
    path = write(tmp_path, "long.txt", line[:10_000_000])
    started = time.process_time()
    doc = read(path)
    assert time.process_time() - started < 20   # linear: about 4 s of CPU on the project's 2-core machine
    assert doc.blocks and doc.blocks[0].text.startswith("[3: chú thích Căn cứ Quyết định số 12/QĐ-UBND")


# -- other formats --------------------------------------------------------------------------------------------

def test_readers_docx_heading_numbered_list_table_and_bold(tmp_path):
    word = docx.Document()
    word.add_heading("KẾ HOẠCH PHÁT TRIỂN KHOA HỌC", level=1)
    word.add_paragraph("Căn cứ Quyết định số 12/QĐ-UBND về hoà nhập quốc tế.")
    word.add_paragraph("Nâng cao năng lực nghiên cứu.", style="List Number")
    word.add_paragraph("Đổi mới sáng tạo.", style="List Number")
    word.add_paragraph("Chuyển đổi số.", style="List Bullet")
    table = word.add_table(rows=4, cols=3)
    for column, name in enumerate(["STT", "Nội dung", "Đơn vị chủ trì"]):
        table.cell(0, column).text = name
    table.cell(1, 0).text, table.cell(1, 1).text = "1", "Xây dựng kế hoạch"
    table.cell(2, 0).text, table.cell(2, 1).text = "2", "Triển khai thực hiện"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Sở Khoa học và Công nghệ"
    table.cell(3, 0).text = "II"
    table.cell(3, 1).merge(table.cell(3, 2)).text = "Nhiệm vụ khác"
    word.add_paragraph().add_run("GIÁM ĐỐC").bold = True
    word.add_paragraph("Nguyễn Văn An")
    word.save(tmp_path / "plan.docx")
    doc = read(tmp_path / "plan.docx")
    assert doc.media_type.endswith("wordprocessingml.document")
    kinds = [(b.kind, b.numbering) for b in doc.blocks]
    assert kinds == [("heading", None), ("paragraph", None), ("list_item", "1"), ("list_item", "2"),
                     ("list_item", "-"), ("table", None), ("signature", None)]
    assert doc.blocks[0].bold and doc.blocks[1].text.endswith("về hòa nhập quốc tế.")
    assert doc.blocks[2].text == "1. Nâng cao năng lực nghiên cứu."
    rows = doc.blocks[5].rows
    assert rows[0].is_header
    assert [r.texts() for r in rows[1:]] == [["1", "Xây dựng kế hoạch", "Sở Khoa học và Công nghệ"],
                                             ["2", "Triển khai thực hiện", "Sở Khoa học và Công nghệ"],
                                             ["II", "Nhiệm vụ khác", ""]]
    assert rows[3].is_section
    assert doc.blocks[6].text == "GIÁM ĐỐC\nNguyễn Văn An"
    assert_spans_consistent(doc)


def test_readers_docx_layout_grid_gives_recipients_and_signature(tmp_path):
    word = docx.Document()
    grid = word.add_table(rows=1, cols=2)
    grid.cell(0, 0).text = "Nơi nhận:"
    grid.cell(0, 0).add_paragraph("- Như trên;")
    grid.cell(0, 0).add_paragraph("- Lưu: VT.")
    office = grid.cell(0, 1).add_table(rows=2, cols=1)   # Word users nest a grid for the signature too
    office.cell(0, 0).text, office.cell(1, 0).text = "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
    grid.cell(0, 1).add_paragraph("Nguyễn Văn An")
    word.save(tmp_path / "signed.docx")
    doc = read(tmp_path / "signed.docx")
    assert [(b.kind, b.text) for b in doc.blocks] == [("recipients", "Nơi nhận:\n- Như trên;\n- Lưu: VT."),
                                                      ("signature", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nNguyễn Văn An")]


def tiny_pdf(pages: list[list[tuple]]) -> bytes:
    """A PDF written by hand: each page a list of ("text", x, y, size, string) and ("grid", x, top, widths,
    row_height, rows) drawn with ruling lines. The font is referenced, not embedded; a ToUnicode map gives
    the text back, so any Vietnamese string can be written without a font file."""
    codes: dict[str, int] = {}

    def shown(x, y, size, string):
        hexes = "".join(f"{codes.setdefault(char, len(codes) + 1):04X}" for char in string)
        return f"BT /F1 {size} Tf {x} {y} Td <{hexes}> Tj ET"

    contents = []
    for page in pages:
        ops = []
        for item in page:
            if item[0] == "text":
                ops.append(shown(*item[1:]))
                continue
            _, x0, top, widths, height, rows = item
            edges = [x0]
            for width in widths:
                edges.append(edges[-1] + width)
            bottom = top - height * len(rows)
            ops += [f"{x0} {top - r * height} m {edges[-1]} {top - r * height} l S" for r in range(len(rows) + 1)]
            ops += [f"{x} {top} m {x} {bottom} l S" for x in edges]
            ops += [shown(edges[c] + 3, top - (r + 1) * height + 6, 9, text)
                    for r, row in enumerate(rows) for c, text in enumerate(row)]
        contents.append("\n".join(ops).encode())
    mapping = "".join(f"<{code:04X}> <{char.encode('utf-16-be').hex().upper()}>\n" for char, code in codes.items())
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(codes)} beginbfchar\n{mapping}endbfchar\nendcmap CMapName currentdict /CMap defineresource pop "
            "end end").encode()
    count = len(pages)
    kids = " ".join(f"{6 + 2 * i} 0 R" for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
               b"<< /Type /Font /Subtype /Type0 /BaseFont /Helvetica /Encoding /Identity-H "
               b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
               b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Helvetica /DW 520 /CIDSystemInfo "
               b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap)]
    for i, content in enumerate(contents):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R "
                       f">> >> /Contents {7 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


HEADER = ["STT", "Nội dung", "Đơn vị chủ trì"]


def test_readers_pdf_heading_numbered_list_and_table_across_a_page_break(tmp_path):
    first = [("text", 72, 740, 14, "KẾ HOẠCH PHÁT TRIỂN"), ("text", 72, 715, 11, "I. MỤC ĐÍCH"),
             ("text", 72, 695, 11, "1. Nâng cao năng lực khoa học và công nghệ,"),
             ("text", 72, 680, 11, "hoà nhập quốc tế."), ("text", 72, 660, 11, "2. Đổi mới sáng tạo."),
             ("grid", 72, 200, [40, 250, 150], 20, [HEADER, ["1", "Xây dựng kế hoạch", "Sở Tài chính"],
                                                    ["2", "Triển khai các nhiệm vụ của", "Sở Khoa học"]])]
    second = [("grid", 72, 740, [40, 250, 150], 20, [HEADER, ["", "kế hoạch năm 2025", "và Công nghệ"],
                                                     ["3", "Kiểm tra, đánh giá", "Sở Nội vụ"]]),
              ("text", 300, 40, 9, "2")]
    doc = read(write(tmp_path, "plan.pdf", tiny_pdf([first, second])))
    assert doc.media_type == "application/pdf"
    assert [(b.kind, b.numbering, b.level) for b in doc.blocks] == [
        ("heading", None, 0), ("heading", "I", 1), ("list_item", "1", 2), ("list_item", "2", 2), ("table", None, 0)]
    assert doc.blocks[2].text == "1. Nâng cao năng lực khoa học và công nghệ, hòa nhập quốc tế."
    rows = doc.blocks[4].rows
    assert [r.is_header for r in rows] == [True, False, False, False]
    assert rows[2].texts() == ["2", "Triển khai các nhiệm vụ của kế hoạch năm 2025", "Sở Khoa học và Công nghệ"]
    assert rows[3].texts() == ["3", "Kiểm tra, đánh giá", "Sở Nội vụ"]
    assert_spans_consistent(doc)


def test_readers_html_lists_tables_and_entities(tmp_path):
    page = """<html><head><title>x</title><script>var a = "<p>no</p>";</script></head><body>
      <p><b>KẾ HOẠCH</b></p><p>Phát triển KH&amp;CN, hoà nhập</p><h2>I. MỤC ĐÍCH</h2>
      <ol><li>Mục tiêu thứ nhất.</li><li>Mục tiêu thứ hai.</li></ol>
      <table><tr><th>STT</th><th>Nội dung</th><th>Đơn vị chủ trì</th></tr>
      <tr><td>1</td><td>Xây dựng<br>kế hoạch</td><td rowspan="2">Sở KH&amp;CN</td></tr>
      <tr><td>2</td><td>Triển khai</td></tr></table>
      <p>Nơi nhận:<br>- Như trên;<br>- Lưu: VT.</p></body></html>"""
    doc = read(write(tmp_path, "plan.html", page))
    assert [(b.kind, b.numbering) for b in doc.blocks] == [
        ("heading", None), ("paragraph", None), ("heading", "I"), ("list_item", "1"), ("list_item", "2"),
        ("table", None), ("recipients", None)]
    assert doc.blocks[1].text == "Phát triển KH&CN, hòa nhập" and "no" not in doc.text.split()
    assert [r.texts() for r in doc.blocks[5].body] == [["1", "Xây dựng\nkế hoạch", "Sở KH&CN"],
                                                       ["2", "Triển khai", "Sở KH&CN"]]
    assert_spans_consistent(doc)


# -- encodings and bad input ----------------------------------------------------------------------------------

VIETNAMESE = "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\nKẾ HOẠCH phát triển khoa học năm 2025"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Windows-1258 stores â, ê, ô, ơ, ư, ă, đ whole and the five tones as combining marks after them."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
        out.append(base + "".join(p for p in parts if p in TONES))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("name, data", [
    ("utf8-bom.txt", b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8")),
    ("utf16.txt", VIETNAMESE.encode("utf-16")),
    ("utf16-no-bom.txt", VIETNAMESE.encode("utf-16-le")),
    ("windows-1258.txt", windows_1258(VIETNAMESE)),
])
def test_readers_decode_unicode_and_windows_1258(tmp_path, name, data):
    doc = read(write(tmp_path, name, data))
    assert doc.text.startswith("Cộng hòa xã hội chủ nghĩa Việt Nam")
    assert "KẾ HOẠCH phát triển khoa học năm 2025" in doc.text


# TCVN3 (ABC) bytes for the text above, typed with the lower-case and upper-case .VnTime fonts
TCVN3 = ("Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\nKÕ HO¹CH ph¸t triÓn khoa häc "
         "n¨m 2025").encode("latin-1")
VNI = ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc\nKEÁ HOAÏCH phaùt trieån "
       "khoa hoïc naêm 2025").encode("cp1252")


@pytest.mark.parametrize("data", [TCVN3, TCVN3.decode("latin-1").encode("utf-8"), VNI])
def test_readers_convert_legacy_font_encodings(tmp_path, data):
    doc = read(write(tmp_path, "legacy.txt", data))
    assert doc.text.replace("\n\n", "\n") == VIETNAMESE
    assert doc.warnings and "legacy" in doc.warnings[0]


def test_readers_tcvn3_table_restores_capitals_only_where_a_capital_font_was_used():
    assert tcvn3_to_unicode("Së KHCN tØnh") == "Sở KHCN tỉnh"
    assert tcvn3_to_unicode("Së KHOA HäC") == "SỞ KHOA HỌC"


@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.md", b" \n\t\n", "empty file"),
    ("binary.txt", b"\x00\x01\x02binary\x00" * 100, "binary content"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "binary content (a PNG image)"),
    ("legacy.txt", "µ¸¹ª® ¶·«¬ ¨©».,; ".encode("latin-1") * 50, "legacy TCVN3 encoding, convert to Unicode first"),
    ("truncated.docx", b"PK\x03\x04" + bytes(100), "corrupt or truncated .docx"),
    ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "corrupt or truncated PDF"),
    ("plan.doc", b"text", "unsupported file type '.doc'"),
])
def test_readers_refuse_bad_input_with_a_reason(tmp_path, name, data, reason):
    with pytest.raises(ReadError) as refused:
        read(write(tmp_path, name, data))
    assert reason in str(refused.value)
    assert str(refused.value).startswith(f"{name}: ")
    assert isinstance(refused.value, PlangraphError) and refused.value.path.endswith(name)


def test_readers_refuse_missing_and_oversized_files(tmp_path):
    with pytest.raises(ReadError, match="file not found"):
        read(tmp_path / "missing.txt")
    with pytest.raises(ReadError, match="over the 0.0 MB limit"):
        read(write(tmp_path, "big.txt", "Kế hoạch " * 100), max_bytes=10)
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
