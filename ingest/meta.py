"""The document's own identity: type, number/symbol, date, province, issuing bodies, title.

Read from the places a Vietnamese administrative document states them: the header ("Số: 52/KH-SKHCN-UBND",
"Đồng Tháp, ngày 25 tháng 3 năm 2022", the issuing body above the national motto), the type line ("KẾ HOẠCH")
and the title under it, and, for a document issued with a decision or as an annex, the "(Ban hành kèm theo
Quyết định số …)" / "(Kèm theo Kế hoạch số …)" line.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.agencies import province_of, provinces
from ingest.citations import CITATION_RE, DOC_TYPES, canonical_symbol, parse_date
from ingest.document import SourceDocument, Span
from ingest.model import DocumentMeta
from ingest.text import fold

# "Số: 52/KH-SKHCN-UBND", "Số:\n\n87/2025/QĐ-UBND", "Số hiệu: …" (a portal's header), "Số:   /CTPH-…" (blank)
_OWN_NUMBER_RE = re.compile(r"(?<![\w])Số(?: hiệu)?\s*:?\s{0,3}"
                            r"(?P<symbol>(?:\d{1,5}[a-zđ]?(?:\.\d{1,3})?(?:/\d{4})?)?[ \t]*[/-][ \t]*[A-ZĐ][\w&Đđ/-]*)")
_PLACE_DATE_RE = re.compile(
    r"(?P<place>[A-ZĐ][\w .]{1,40}?),\s*ngày\s*(?P<day>\d{0,2}|\s*)\s*tháng\s*(?P<month>\d{0,2})\s*năm\s*(?P<year>\d{4})")
# "(Ban hành kèm theo Quyết định số …)", "(Kèm theo Kế hoạch số …)": in brackets or opening a line; the same words
# inside a sentence ("… ban hành kèm theo Quyết định số 625/QĐ-UBND") cite another document.
_ATTACHED_RE = re.compile(r"(?:^|\()[ \t*_]*(?:Ban hành\s+)?kèm\s+theo\s+", re.IGNORECASE | re.MULTILINE)
_TYPE_LINE_RE = re.compile(
    r"^\W*(?P<type>KẾ HOẠCH|CHƯƠNG TRÌNH|BÁO CÁO|QUYẾT ĐỊNH|NGHỊ QUYẾT|NGHỊ ĐỊNH|THÔNG TƯ|CHỈ THỊ|KẾT LUẬN|"
    r"THÔNG BÁO|CÔNG ĐIỆN|HƯỚNG DẪN|TỜ TRÌNH|QUY ĐỊNH|QUY CHẾ|ĐỀ ÁN|CÔNG VĂN|LUẬT|VĂN BẢN HỢP NHẤT)\b(?P<rest>[^\n]*)",
    re.MULTILINE)
_HEAD_CHARS = 2500


@dataclass
class OwnReference:
    """Where the document states its own number: the header, or an "issued with / attached to" line."""
    symbol: str | None
    date: str | None
    span: Span
    attached: bool


def own_references(doc: SourceDocument) -> list[OwnReference]:
    """Every statement of the document's own number, in order (the header's "Số:" and each "kèm theo" line)."""
    refs = []
    head = doc.text[:_HEAD_CHARS]
    m = _OWN_NUMBER_RE.search(head)
    if m:
        symbol = canonical_symbol(m.group("symbol"))
        number_blank = not re.match(r"\d", symbol)
        date = _header_date(head)
        refs.append(OwnReference(None if number_blank else symbol, date, Span(m.start(), m.end()), False))
    for m in _ATTACHED_RE.finditer(doc.text):
        cited = CITATION_RE.match(doc.text, m.end())
        blank = re.match(r"(?P<type>[\wÀ-ỹ ]{4,20}?)\s+số\s*:?\s*(?P<symbol>/[\w&Đđ-]+)(?P<rest>[^)\n]{0,60})",
                         doc.text[m.end():m.end() + 120])
        if cited:
            refs.append(OwnReference(canonical_symbol(cited.group("symbol")), parse_date(cited.group("date")),
                                     Span(m.start(), cited.end()), True))
        elif blank:
            date = re.search(r"ngày\s*([\d\s/.-]*\d{4})", blank.group("rest"))
            refs.append(OwnReference("/" + blank.group("symbol").lstrip("/"), parse_date(date and date.group(1)),
                                     Span(m.start(), m.end() + blank.end()), True))
    return refs


def _header_date(head: str) -> str | None:
    m = _PLACE_DATE_RE.search(head)
    if not m:
        return None
    day, month, year = (m.group("day") or "").strip(), m.group("month"), m.group("year")
    return parse_date(f"{day} tháng {month} năm {year}" if day else f"tháng {month} năm {year}")


def document_province(doc: SourceDocument) -> str | None:
    """The header's place ("Quảng Ngãi, ngày …"), else the province the text names most often."""
    m = _PLACE_DATE_RE.search(doc.text[:_HEAD_CHARS])
    if m:
        found = province_of(m.group("place"))
        if found:
            return found[0]
    counts = Counter()
    folded = fold(doc.text)
    for form, (name, _) in provinces().items():
        if form == "ho chi minh":
            form = "thanh pho ho chi minh"
        counts[name] += len(re.findall(rf"(?:tinh|thanh pho|tp\.?)\s+{re.escape(form)}(?!\w)", folded))
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] else None


def document_type_and_title(doc: SourceDocument) -> tuple[str | None, str | None, Span | None]:
    """The type line ("KẾ HOẠCH", "CHƯƠNG TRÌNH CÔNG TÁC NĂM 2024 …") and the title it carries or that follows."""
    head = doc.text[:_HEAD_CHARS]
    for m in _TYPE_LINE_RE.finditer(head):
        type_word = DOC_TYPES.get(fold(m.group("type"))) or m.group("type").capitalize()
        rest = m.group("rest").strip(" *#:")
        if rest and not re.match(r"(SỐ|số)\b", rest):
            title = f"{m.group('type')} {rest}"
            return type_word, _sentence_case(title), Span(m.start("type"), m.end("rest"))
        lines = _title_lines(head[m.end():])
        title = " ".join(lines) or None
        return type_word, title and _sentence_case(title), Span(m.start("type"), m.end() + len(" ".join(lines)))
    return None, None, None


def _title_lines(after: str) -> list[str]:
    """The title under a type line: its first line, and the next ones while the title visibly goes on (a line
    ending in a comma or a connecting word, a next line in lower case, or one more line of an all-capitals title)."""
    lines: list[str] = []
    for raw in after.split("\n"):
        text = raw.strip(" \t*#")
        if not text:
            continue
        if re.match(r"(Căn cứ|Thực hiện|Nhằm|Theo|I\.|1\.|Phần|Chương|Điều|\()", text) or len(lines) >= 3:
            break
        if lines and not _title_goes_on(lines[-1], text):
            break
        lines.append(text)
    return lines


def _title_goes_on(previous: str, line: str) -> bool:
    if re.search(r"(,|và|của|về|giữa|với|cho|trên|đến)$", previous) or line[:1].islower():
        return True
    caps = lambda t: sum(c.isupper() for c in t if c.isalpha()) > 0.8 * max(1, sum(c.isalpha() for c in t))  # noqa: E731
    return caps(previous) and caps(line) and not re.search(r"[.;:]$", previous)


def _sentence_case(title: str) -> str:
    """An all-capitals title in the case people write: "TRIỂN KHAI HOẠT ĐỘNG …" -> "Triển khai hoạt động …"."""
    letters = [c for c in title if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        lowered = title.lower()
        return lowered[:1].upper() + lowered[1:]
    return title


def extract_meta(doc: SourceDocument) -> tuple[DocumentMeta, list[OwnReference]]:
    own = own_references(doc)
    doc_type, title, _ = document_type_and_title(doc)
    symbol = next((r.symbol for r in own if not r.attached), None)
    attached = [r for r in own if r.attached]
    if not symbol and attached:
        symbol = next((r.symbol for r in attached if r.symbol and r.symbol[0].isdigit()), None)
    date = next((r.date for r in own if not r.attached and r.date), None)
    if not date:
        date = next((r.date for r in attached if r.date), None)
    meta = DocumentMeta(doc_type=doc_type, symbol=symbol, issued_date=date, province=document_province(doc),
                        title=title)
    return meta, own
