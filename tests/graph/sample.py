"""A small Kế hoạch written for these tests, and the Extraction a careful reader makes of it.

The text is the project's own (not a shared document); offsets are computed from it, so every span points at
the words it names.
"""
from __future__ import annotations

from ingest.document import Block, Cell, Row, SourceDocument, Span
from ingest.model import (Agency, AgencyMention, Anomaly, DocumentMeta, Extraction, LegalRef, Person, Programme,
                          Target, Task)
from ingest.keys import agency_key, legal_key
from ingest.text import normalise

QUANG_NGAI, DONG_THAP = "Quảng Ngãi", "Đồng Tháp"
SO = "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi"
PHONG = "Phòng Quản lý khoa học (Sở Khoa học và Công nghệ tỉnh Quảng Ngãi)"
TRUNG_TAM = "Trung tâm Ứng dụng và Dịch vụ khoa học (Sở Khoa học và Công nghệ tỉnh Quảng Ngãi)"
UBND_QN, UBND_DT, BCT = "UBND tỉnh Quảng Ngãi", "UBND tỉnh Đồng Tháp", "Bộ Chính trị"
PROGRAMME = "Chương trình chuyển đổi số tỉnh Quảng Ngãi đến năm 2025"
ROW_TEXT = "Xây dựng cơ sở dữ liệu nhiệm vụ khoa học và công nghệ cấp tỉnh, thực hiện Nghị quyết 57-NQ/TW"
TASK_ROW, TASK_PARA = "052-I.1", "052-I.2"

HEADER = ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\nSỞ KHOA HỌC VÀ CÔNG NGHỆ\n"
          "Số: 52/KH-SKHCN\tQuảng Ngãi, ngày 10 tháng 3 năm 2025\n\n"
          "KẾ HOẠCH\nỨng dụng công nghệ số trong quản lý nhiệm vụ khoa học năm 2025\n\n")
PREAMBLE = ("Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, "
            "công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;\n"
            "Căn cứ Kế hoạch số 169/KH-UBND ngày 09/12/2021 của UBND tỉnh Quảng Ngãi về phát triển chính quyền "
            "số, thực hiện Nghị quyết số 57-NQ/TW;\n"
            "Tham khảo Kế hoạch số 169/KH-UBND ngày 15/8/2023 của UBND tỉnh Đồng Tháp về chuyển đổi số ngành "
            "khoa học và công nghệ;\n"
            "Sở Khoa học và Công nghệ ban hành Kế hoạch như sau:\n\n")
TASKS = ("I. NHIỆM VỤ\n"
         "TT\tNội dung\tChủ trì\tPhối hợp\tLãnh đạo chỉ đạo\tSản phẩm\tThời gian\n"
         f"1\t{ROW_TEXT}\tPhòng QLKH\tTrung tâm Ứng dụng\tPGĐ Nguyễn Văn An\tCơ sở dữ liệu; Báo cáo\tQuý II/2025\n"
         f"2. Tham mưu UBND tỉnh bổ sung các nhiệm vụ số hóa vào {PROGRAMME}; Lãnh đạo Sở chỉ đạo.\n\n")
TARGETS = "II. CHỈ TIÊU\nTỷ lệ nhiệm vụ khoa học được cập nhật vào cơ sở dữ liệu năm 2025: 100%.\n\n"
CLOSING = ("IV. TỔ CHỨC THỰC HIỆN\nSở KH&CN giao Phòng QLKH theo dõi, báo cáo.\n\n"
           "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nNguyễn Văn An\n")
TEXT = normalise(HEADER + PREAMBLE + TASKS + TARGETS + CLOSING)


def span_of(fragment: str, occurrence: int = 0) -> Span:
    """Where the `occurrence`-th copy of `fragment` sits in the text."""
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(fragment, start + 1)
    return Span(start, start + len(fragment))


def _line_block(kind: str, fragment: str, numbering: str | None = None) -> Block:
    span = span_of(fragment)
    return Block(kind, fragment, span.start, span.end, numbering=numbering)


def _task_table() -> Block:
    header_line, row_line = TASKS.split("\n")[1:3]
    rows = []
    for line, is_header in ((header_line, True), (row_line, False)):
        line_span = span_of(line)
        cells, offset = [], line_span.start
        for cell_text in line.split("\t"):
            cells.append(Cell(cell_text, offset, offset + len(cell_text), bold=is_header))
            offset += len(cell_text) + 1
        rows.append(Row(cells, line_span.start, line_span.end, is_header=is_header))
    return Block("table", header_line + "\n" + row_line, rows[0].start, rows[-1].end, rows=rows)


def source_document(addendum: str = "", source: str = "052_ke-hoach-so-hoa.txt") -> SourceDocument:
    """The document; an `addendum` after the signature makes a revised version with the same offsets."""
    blocks = [_line_block("heading", "KẾ HOẠCH"),
              _line_block("paragraph", PREAMBLE.split("\n")[0]),
              _line_block("heading", "I. NHIỆM VỤ", numbering="I"),
              _task_table(),
              _line_block("heading", "IV. TỔ CHỨC THỰC HIỆN", numbering="IV"),
              _line_block("signature", "Nguyễn Văn An")]
    return SourceDocument(source=source, text=TEXT + normalise(addendum), blocks=blocks)


def extraction(doc: SourceDocument | None = None, keyed: bool = True) -> Extraction:
    """The reader's Extraction; `keyed=False` leaves every legal key blank, as an unresolved extractor would."""
    doc = doc or source_document()

    def key(doc_type: str, symbol: str, province: str | None, date: str | None) -> str:
        return legal_key(doc_type, symbol, province, date) if keyed else ""

    nq57_basis = "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị"
    kh169_qn = "Kế hoạch số 169/KH-UBND ngày 09/12/2021 của UBND tỉnh Quảng Ngãi"
    kh169_dt = "Kế hoạch số 169/KH-UBND ngày 15/8/2023 của UBND tỉnh Đồng Tháp"
    nq57_task = "Nghị quyết 57-NQ/TW"
    citations = [
        LegalRef("Nghị quyết", "57-NQ/TW", span_of(nq57_basis), nq57_basis, date="2024-12-22", issuer=BCT,
                 relation="basis", key=key("Nghị quyết", "57-NQ/TW", None, "2024-12-22")),
        LegalRef("Kế hoạch", "169/KH-UBND", span_of(kh169_qn), kh169_qn, date="2021-12-09", issuer=UBND_QN,
                 relation="basis", implements=["57-NQ/TW"],
                 key=key("Kế hoạch", "169/KH-UBND", QUANG_NGAI, "2021-12-09")),
        LegalRef("Kế hoạch", "169/KH-UBND", span_of(kh169_dt), kh169_dt, date="2023-08-15", issuer=UBND_DT,
                 relation="mention", key=key("Kế hoạch", "169/KH-UBND", DONG_THAP, "2023-08-15")),
        LegalRef("Nghị quyết", "57-NQ/TW", span_of(nq57_task), nq57_task, relation="task", task_id=TASK_ROW,
                 key=key("Nghị quyết", "57-NQ/TW", None, None)),   # undated here: the key has no year
    ]
    agencies = [
        Agency(SO, agency_key(SO), aliases=["Sở Khoa học và Công nghệ", "Sở KH&CN"], province=QUANG_NGAI, kind="Sở",
               mentions=[AgencyMention("SỞ KHOA HỌC VÀ CÔNG NGHỆ", span_of("SỞ KHOA HỌC VÀ CÔNG NGHỆ")),
                         AgencyMention("Sở Khoa học và Công nghệ", span_of("Sở Khoa học và Công nghệ ban hành")),
                         AgencyMention("Sở KH&CN", span_of("Sở KH&CN"))]),
        Agency(PHONG, agency_key(PHONG), aliases=["Phòng QLKH"], parent=agency_key(SO), province=QUANG_NGAI,
               kind="Phòng", mentions=[AgencyMention("Phòng QLKH", span_of("Phòng QLKH")),
                                       AgencyMention("Phòng QLKH", span_of("Phòng QLKH", 1))]),
        Agency(TRUNG_TAM, agency_key(TRUNG_TAM), aliases=["Trung tâm Ứng dụng"], parent=agency_key(SO),
               province=QUANG_NGAI, kind="Trung tâm",
               mentions=[AgencyMention("Trung tâm Ứng dụng", span_of("Trung tâm Ứng dụng"))]),
        Agency(UBND_QN, agency_key(UBND_QN), aliases=["UBND tỉnh"], province=QUANG_NGAI, kind="UBND",
               mentions=[AgencyMention("UBND tỉnh Quảng Ngãi", span_of("UBND tỉnh Quảng Ngãi")),
                         AgencyMention("UBND tỉnh", span_of("UBND tỉnh bổ sung"))]),
        Agency(UBND_DT, agency_key(UBND_DT), province=DONG_THAP, kind="UBND",
               mentions=[AgencyMention("UBND tỉnh Đồng Tháp", span_of("UBND tỉnh Đồng Tháp"))]),
        Agency(BCT, agency_key(BCT), mentions=[AgencyMention("Bộ Chính trị", span_of("Bộ Chính trị"))]),
    ]
    row = TASKS.split("\n")[2]
    para = TASKS.split("\n")[3]
    tasks = [
        Task(TASK_ROW, "I Nhiệm vụ", ROW_TEXT, span_of(row), lead=[PHONG], cooperating=[TRUNG_TAM],
             directed_by=["Nguyễn Văn An"], products=["Cơ sở dữ liệu", "Báo cáo"], period="2025-Q2",
             citations=["57-NQ/TW"], programmes=[PROGRAMME]),
        Task(TASK_PARA, "I Nhiệm vụ", para[3:], span_of(para[3:]), lead=[SO], directed_by=["Lãnh đạo Sở"],
             recipients=[UBND_QN], programmes=[PROGRAMME]),
    ]
    target_text = "Tỷ lệ nhiệm vụ khoa học được cập nhật vào cơ sở dữ liệu năm 2025: 100%"
    return Extraction(
        source=doc.source, doc_id=doc.id,
        meta=DocumentMeta(doc_type="Kế hoạch", symbol="52/KH-SKHCN", issued_date="2025-03-10", province=QUANG_NGAI,
                          issuers=[SO], title="Ứng dụng công nghệ số trong quản lý nhiệm vụ khoa học năm 2025",
                          key=key("Kế hoạch", "52/KH-SKHCN", QUANG_NGAI, "2025-03-10")),
        citations=citations, agencies=agencies,
        people=[Person("Nguyễn Văn An", f"Phó Giám đốc {SO}", span_of("Nguyễn Văn An", 1),
                       aliases=["PGĐ Nguyễn Văn An"])],
        tasks=tasks,
        targets=[Target("052-II.1", target_text, span_of(target_text), value="100", unit="%", year="2025",
                        lead=[PHONG])],
        programmes=[Programme(PROGRAMME, "Chương trình", span_of(PROGRAMME), approved_by=["169/KH-UBND"],
                              province=QUANG_NGAI)],
        anomalies=[Anomaly("numbering_gap", "section III is missing: II is followed by IV",
                           spans=[span_of("IV. TỔ CHỨC THỰC HIỆN")])],
    )
