"""The grammar of Vietnamese legal citations.

A citation is `<type word> [qualifier] [số[:]] <symbol> [, ngày <date>] [của <issuer>]`, e.g.
"Quyết định số 11/2025/QĐ-UBND ngày 27/02/2025 của UBND tỉnh", "Kế hoạch hành động số 359-KH/TU ngày 29/4/2025 của
Tỉnh ủy Quảng Ngãi", "Nghị định 82/2024/NĐ-CP", "Luật số 01/2021/QH15". Built on the legal corpus, where symbols are
split across lines ("QĐ-\\nUBND"), "số" is often missing and dates are written in words ("ngày 30 tháng 5 năm 2019").

`find_citations(text)` returns every match with its span; `find_reference(query)` reads the looser forms people
type into a search box ("NQ 57", "nghi quyet so 57", "Quyết định 749").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.text import fold

# Type words, longest first so "Thông tư liên tịch" wins over "Thông tư". The folded form is matched.
DOC_TYPES: dict[str, str] = {
    "van ban hop nhat": "Văn bản hợp nhất",
    "thong tu lien tich": "Thông tư liên tịch",
    "nghi quyet": "Nghị quyết",
    "nghi dinh": "Nghị định",
    "quyet dinh": "Quyết định",
    "thong tu": "Thông tư",
    "chi thi": "Chỉ thị",
    "ket luan": "Kết luận",
    "ke hoach": "Kế hoạch",
    "chuong trinh": "Chương trình",
    "cong van": "Công văn",
    "cong dien": "Công điện",
    "to trinh": "Tờ trình",
    "thong bao": "Thông báo",
    "bao cao": "Báo cáo",
    "huong dan": "Hướng dẫn",
    "quy dinh": "Quy định",
    "bo luat": "Bộ luật",
    "phap lenh": "Pháp lệnh",
    "lenh": "Lệnh",
    "luat": "Luật",
}

# The type code inside a symbol names the type when the text does not ("... theo 1879/QĐ-UBND").
TYPE_CODES: dict[str, str] = {
    "NQ": "Nghị quyết", "NĐ": "Nghị định", "QĐ": "Quyết định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "CT": "Chỉ thị", "KL": "Kết luận", "KH": "Kế hoạch", "KHPH": "Kế hoạch", "CTr": "Chương trình",
    "CTPH": "Chương trình", "TB": "Thông báo", "TTr": "Tờ trình", "BC": "Báo cáo", "CĐ": "Công điện",
    "HD": "Hướng dẫn", "VBHN": "Văn bản hợp nhất", "QC": "Quy chế", "QH": "Luật", "L": "Lệnh", "PL": "Pháp lệnh",
}

_QUALIFIERS = r"(?:(?:hành động|phối hợp|liên tịch|liên ngành|công tác|chỉ đạo|triển khai|thực hiện)\s+){0,2}"
_TYPE_WORD = r"(?:Văn bản hợp nhất|Thông tư liên tịch|Nghị quyết|Nghị định|Quyết định|Thông tư|Chỉ thị|Kết luận|" \
             r"Kế hoạch|Chương trình|Công văn|Công điện|Tờ trình|Thông báo|Báo cáo|Hướng dẫn|Quy định|Bộ luật|" \
             r"Pháp lệnh|Luật)"
_CODE = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
# 57-NQ/TW, 11/2025/QĐ-UBND, 911a/QĐ-UBND-HC, 01/2021/QH15, 211/STTTT-BCVT&CNTT, 66.7/2025/NQ-CP; a line
# break (now a space) may follow "-" or "/" inside the symbol.
_SYMBOL = rf"\d{{1,5}}(?:\.\d{{1,3}})?[a-zđ]?(?:/\d{{4}})?(?:\s?[/-]\s?{_CODE})+"
_DAY_MONTH_YEAR = r"(?:\d{1,2}|\s*)\s*[/.-]\s*(?:\d{1,2}|\s*)\s*[/.-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}" \
                  r"|tháng\s+\d{1,2}\s+năm\s+\d{4}|(?:\s*)tháng\s*\d{0,2}\s*năm\s+\d{4}"
_DATE = rf"(?:,\s*|\s+)ngày\s*(?P<date>{_DAY_MONTH_YEAR})"

CITATION_RE = re.compile(
    rf"(?P<type>(?i:{_TYPE_WORD}))\s+(?i:{_QUALIFIERS})(?:(?:số|Số|SỐ)\s*:?\s*)?(?P<symbol>{_SYMBOL})(?:{_DATE})?")
# A bare symbol with a type code ("theo 1879/QĐ-UBND"), used where no type word precedes it: written without spaces.
_TIGHT_SYMBOL = rf"\d{{1,5}}(?:\.\d{{1,3}})?[a-zđ]?(?:/\d{{4}})?(?:[/-]{_CODE})+"
BARE_SYMBOL_RE = re.compile(rf"(?<![\w/.-])(?P<symbol>{_TIGHT_SYMBOL})(?:{_DATE})?")

# "của <issuer>" up to the words that end an issuer phrase
_ISSUER_RE = re.compile(
    r"\s*(?:của|do)\s+(?P<issuer>[^;:()\n\t*]{2,140}?)"
    r"(?=\s+(?i:và\s+)?(?i:" + _TYPE_WORD + r")\s|\s+(?i:về|V/v|v/v|ban hành|phê duyệt|quy định|hướng dẫn|thực hiện|triển khai|tiếp tục|sửa đổi|bổ sung|"
    r"thông qua|giao|đã|được|cho|tại|đến|theo|trong|nhằm|và các|với|có|là|khóa|lần|kèm|đối với|phục vụ|"
    r"chuyển giao|đảm bảo|bảo đảm|năm \d)\b|\s*[,;.)(\n\t*]|$)")

_IMPLEMENT_GAP = re.compile(
    r"^[\s,]*(?:(?:về việc|về|V/v)\s+)?(?:ban hành\s+(?:Kế hoạch|Chương trình)\S*(?:\s+\S+){0,6}?\s+)?"
    r"(?:(?:tiếp tục|triển khai|tổ chức)\s+){0,2}(?:thực hiện|thi hành|triển khai)\s*$", re.IGNORECASE)
_AMEND_GAP = re.compile(
    r"^[\s,]*(?:(?:về việc|về|V/v)\s+)?(?:sửa đổi,?\s*bổ sung|sửa đổi|bổ sung|bãi bỏ|thay thế|điều chỉnh)"
    r"(?:\s+(?:một số|các|một)\s+(?:điều|nội dung|khoản)(?:\s+của)?)?\s*$", re.IGNORECASE)


@dataclass
class CitationMatch:
    doc_type: str
    symbol: str
    start: int
    end: int                      # end of the whole citation (symbol, date and issuer phrase)
    symbol_end: int
    date: str | None = None
    issuer_text: str | None = None
    implements: list[str] = field(default_factory=list)
    amends: bool = False


def canonical_symbol(raw: str) -> str:
    """As printed, without spaces around "/" and "-" ("52 /KH-SKHCN-UBND" -> "52/KH-SKHCN-UBND")."""
    return re.sub(r"\s+", "", raw).strip("-/.")


def symbol_type(symbol: str) -> str | None:
    """The document type a symbol's code names: "57-NQ/TW" -> "Nghị quyết", "01/2021/QH15" -> "Luật"."""
    for part in re.split(r"[/-]", symbol)[1:]:
        code = re.sub(r"\d+$", "", part)
        if code in TYPE_CODES:
            return TYPE_CODES[code]
    return None


def parse_date(raw: str | None) -> str | None:
    """ISO form of a printed date, partial where the day or month is blank ("tháng 5 năm 2025" -> "2025-05")."""
    if not raw:
        return None
    words = re.match(r"\s*(?:(\d{1,2})\s+)?tháng\s*(\d{0,2})\s*năm\s+(\d{4})", raw)
    if words:
        day, month, year = words.groups()
    else:
        parts = re.match(r"\s*(\d{0,2})\s*[/.-]\s*(\d{0,2})\s*[/.-]\s*(\d{4})", raw)
        if not parts:
            return None
        day, month, year = parts.groups()
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        return None
    if not month:
        return year
    if not day:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _issuer_after(text: str, pos: int) -> tuple[str | None, int]:
    match = _ISSUER_RE.match(text, pos)
    if not match:
        return None, pos
    issuer = match.group("issuer").strip(" ,")
    return issuer, match.end("issuer")


def find_citations(text: str) -> list[CitationMatch]:
    """Every numbered legal reference in `text`, in order, with the chains the text states between them."""
    found: list[CitationMatch] = []
    for m in CITATION_RE.finditer(text):
        symbol = canonical_symbol(m.group("symbol"))
        if not _looks_like_symbol(symbol):
            continue
        type_word = DOC_TYPES[fold(m.group("type"))]
        issuer, end = _issuer_after(text, m.end())
        found.append(CitationMatch(type_word, symbol, m.start(), end, m.end("symbol"), parse_date(m.group("date")),
                                   issuer))
    taken = [(c.start, c.end) for c in found]
    for m in BARE_SYMBOL_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        symbol = canonical_symbol(m.group("symbol"))
        doc_type = symbol_type(symbol)
        if doc_type is None or not _looks_like_symbol(symbol):
            continue
        issuer, end = _issuer_after(text, m.end())
        found.append(CitationMatch(doc_type, symbol, m.start(), end, m.end("symbol"), parse_date(m.group("date")),
                                   issuer))
    found.sort(key=lambda c: c.start)
    _link_chains(text, found)
    return found


def _looks_like_symbol(symbol: str) -> bool:
    """Reject things the symbol pattern also matches: standards ("TCVN 9001-2015"), dates, plain ranges."""
    codes = [p for p in re.split(r"[/-]", symbol)[1:] if p and not p.isdigit()]
    return bool(codes) and not any(c.upper() in {"TCVN", "ISO", "QCVN", "IEC"} for c in codes)


def _link_chains(text: str, found: list[CitationMatch]) -> None:
    """A cited document that the text says implements or amends the next cited one: "KH 359 ... thực hiện NQ 57"."""
    for current, following in zip(found, found[1:]):
        gap = text[current.end:following.start]
        if len(gap) > 90 or ";" in gap:
            continue
        if _IMPLEMENT_GAP.match(gap):
            current.implements.append(following.symbol)
        elif _AMEND_GAP.match(gap):
            current.implements.append(following.symbol)
            current.amends = True


@dataclass
class Reference:
    """What a query names: a type, a number, and a full symbol when one was typed."""
    doc_type: str | None
    number: str
    symbol: str | None
    start: int
    end: int


_SHORT_TYPES = {"nq": "Nghị quyết", "qd": "Quyết định", "nd": "Nghị định", "tt": "Thông tư", "ct": "Chỉ thị",
                "kl": "Kết luận", "kh": "Kế hoạch", "tb": "Thông báo", "ctr": "Chương trình", "cv": "Công văn"}
_QUERY_REF = re.compile(
    r"(?P<type>" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r"|" + "|".join(_SHORT_TYPES) + r")"
    r"\s*(?:so\s*:?\s*)?(?P<number>\d{1,5}[a-z]?)(?P<rest>(?:/\d{4})?(?:\s?[/-]\s?[a-z&][a-z0-9&]*)*)")


def find_reference(query: str) -> list[Reference]:
    """Legal references in a search query, typed in any form: "NQ 57", "nghi quyet so 57-NQ/TW", "QĐ 749"."""
    folded = fold(query)
    refs = []
    for m in _QUERY_REF.finditer(folded):
        type_key = m.group("type")
        doc_type = DOC_TYPES.get(type_key) or _SHORT_TYPES.get(type_key)
        symbol = m.group("number") + m.group("rest") if m.group("rest") else None
        refs.append(Reference(doc_type, m.group("number"), symbol and re.sub(r"\s", "", symbol), m.start(), m.end()))
    if not refs:
        for m in BARE_SYMBOL_RE.finditer(query):
            symbol = canonical_symbol(m.group("symbol"))
            number = re.match(r"\d+[a-zđ]?", symbol).group(0)
            refs.append(Reference(symbol_type(symbol), number, fold(symbol), m.start(), m.end()))
    return refs
