"""Named programmes, schemes and plans that work belongs to or serves ("Chương trình OCOP", "Đề án 06",
"Chương trình phát triển tài sản trí tuệ tỉnh Quảng Ngãi đến năm 2030" approved by Quyết định 2141/QĐ-UBND).

Three places name them: a citation that approves or issues one ("Quyết định số 749/QĐ-TTg … phê duyệt Chương trình
Chuyển đổi số quốc gia …"), a task whose content is the programme itself (a row "Chương trình hỗ trợ …"), and the
running text ("… ưu tiên các nhiệm vụ phục vụ Đề án Tái cơ cấu ngành Nông nghiệp, Chương trình Mỗi xã một sản
phẩm (OCOP) …"). Forms of one programme (a short name in brackets, lower-case repeats) are merged by wording.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.agencies import programme_abbreviations
from ingest.citations import CitationMatch
from ingest.document import Span
from ingest.model import Programme
from ingest.text import UPPER, fold

_KINDS = {"chuong trinh": "Chương trình", "de an": "Đề án", "ke hoach": "Kế hoạch", "du an": "Dự án"}
_KEYWORD = r"(?:Chương trình|Đề án|Kế hoạch|Dự án|chương trình|đề án|kế hoạch)"
# what may follow the keyword in a name: a capital, a number ("Đề án 06"), a quote, or a descriptive verb
_NAME_START = rf"(?:[{UPPER}“\"]|\d{{1,3}}\b|(?:phát triển|hỗ trợ|chuyển giao|quốc gia|mục tiêu|thực hiện|" \
              rf"xây dựng|chuyển đổi|tái cơ cấu|nâng cao|đảm bảo|khuyến|ứng dụng|hành động|triển khai|tăng cường)\b)"
_NOT_A_NAME = re.compile(r"^(?:này|đó|trên|phối hợp\b(?!\s+[{U}])|công tác\b|hành động\s*$|số\b|KH&CN\s*(?:[,;.)]|$|liên quan))"
                         .replace("{U}", UPPER))
_APPROVES = re.compile(r"(?:phê duyệt|ban hành|về việc phê duyệt|về việc ban hành|về việc|về)\s+$")
_END_OF_NAME = re.compile(r"[;.()\n\t|]|,(?!\s*(?:định hướng|giai đoạn|tầm nhìn|đổi mới|phát triển|hàng hóa))|"
                          r"\s(?:gắn với|theo hướng|nhằm|để|trên cơ sở|thông qua|do|"
                          r"được|đã|với|cho|trong đó|tại|theo|trên địa bàn)\s")


@dataclass
class _Found:
    name: str
    kind: str
    start: int
    approved_by: list[str]
    alias: str | None = None


def find_programmes(text: str, citations: list[CitationMatch], task_texts: list[tuple[str, int]],
                    province: str | None, own_title: str | None) -> list[Programme]:
    """Programmes named in the document, merged across their forms, with the documents that approve them."""
    found: list[_Found] = []
    found += _approved_by_citations(text, citations)
    for content, start in task_texts:
        if re.match(rf"^{_KEYWORD}\s", content) and not _single_period_work(content):
            found += _named_at(content, 0, start, whole=True)
    for m in re.finditer(rf"(?<![\w])(?<!các )(?<!những )(?P<kw>Chương trình|Đề án|chương trình)\s+(?={_NAME_START})", text):
        found += _named_at(text, m.start(), 0, whole=False)
    known = programme_abbreviations()
    for m in re.finditer(r"(?<![\w])(?P<abbr>[A-ZĐ][A-ZĐ0-9&]{2,9})(?![\w])", text):
        if m.group("abbr") in known:
            found.append(_Found(m.group("abbr"), "Chương trình", m.start(), []))
    return _merge(found, province, own_title)


def _single_period_work(content: str) -> bool:
    """"Kế hoạch công tác văn thư năm 2024" is a deliverable of one year's work, not a programme the work serves;
    a numbered plan ("Kế hoạch số 01/…") is a citation."""
    if re.match(rf"^{_KEYWORD}(?:\s+\w+)?\s+số\b", content):
        return True
    one_year = re.search(r"năm \d{4}", content) and not re.search(r"giai đoạn|đến năm|định hướng|\d{4}\s*[-–]\s*\d{4}",
                                                                   content)
    return bool(one_year)


def _approved_by_citations(text: str, citations: list[CitationMatch]) -> list[_Found]:
    out = []
    for c in citations:
        tail = text[c.end:c.end + 400]
        m = re.match(rf"[\s,]*(?:về việc\s+|về\s+)?(?:phê duyệt|ban hành)?\s*(?={_KEYWORD}\s)", tail)
        if not m:
            continue
        named = _named_at(text, c.end + m.end(), 0, whole=False, until_clause=True)
        for n in named:
            n.approved_by = [c.symbol]
        out += named
    return out


def _named_at(text: str, pos: int, offset: int, whole: bool, until_clause: bool = False) -> list[_Found]:
    m = re.match(rf"(?P<kw>{_KEYWORD})\s+(?P<rest>.*)", text[pos:pos + 400], re.DOTALL)
    if not m:
        return []
    rest = m.group("rest")
    if _NOT_A_NAME.match(rest):
        return []
    end_re = re.compile(r"[;\n\t|]|\.(?:\s|$)") if whole else _END_OF_NAME
    stop = end_re.search(rest)
    body = rest[:stop.start()] if stop else rest
    alias = None
    bracket = re.search(r"\s*\((?P<inner>[^()]{2,80})\)", body)
    if bracket:
        inner = bracket.group("inner").strip()
        alias = inner if re.match(rf"(?i){_KEYWORD}|[A-Z]{{3,}}$", inner) else None
        body = body[:bracket.start()] + body[bracket.end():]
    elif "(" in rest[:len(body) + 2]:
        tail = re.match(r"\s*\((?P<inner>[^()]{2,80})\)", rest[len(body):])
        if tail and re.match(rf"(?i){_KEYWORD}|[A-Z]{{3,}}$", tail.group("inner").strip()):
            alias = tail.group("inner").strip()
    body = body.strip(" ,:;-–")
    if len(body.split()) < 2 and not re.fullmatch(r"\d{1,3}", body):
        return []
    name = f"{m.group('kw')} {body}"
    kind = _KINDS[fold(m.group("kw"))]
    return [_Found(name, kind, offset + pos, [], alias)]


def _merge(found: list[_Found], province: str | None, own_title: str | None) -> list[Programme]:
    programmes: list[Programme] = []
    for f in found:
        name = f.name[0].upper() + f.name[1:]
        if own_title and _dice(name, own_title) >= 0.8:
            continue
        if f.alias and re.fullmatch(r"[A-Z]{3,}", f.alias) and f.alias not in name:
            name_forms = [name, f.alias]
        else:
            name_forms = [name] + ([f.alias[0].upper() + f.alias[1:]] if f.alias else [])
        target = next((p for p in programmes if any(_same_programme(x, y)
                                                      for x in [p.name, *p.aliases] for y in name_forms)), None)
        if target is None:
            target = Programme(name=name, kind=f.kind, span=Span(f.start, f.start + len(f.name)),
                               province=_programme_province(name, province))
            programmes.append(target)
        for form in name_forms:
            if form != target.name and form not in target.aliases:
                target.aliases.append(form)
        for symbol in f.approved_by:
            if symbol not in target.approved_by:
                target.approved_by.append(symbol)
    return _absorb_short_forms(programmes)


def _same_programme(a: str, b: str) -> bool:
    """Two written forms of one programme: equal when folded, one the start of the other, or close in wording with
    every word of the shorter in the longer ("… Nông nghiệp" and "… Công nghiệp" stay two)."""
    fa, fb = fold(a), fold(b)
    if fa == fb or fa.startswith(fb) or fb.startswith(fa):
        return True
    ta, tb = Counter(re.findall(r"\w+", fa)), Counter(re.findall(r"\w+", fb))
    short, long = sorted((ta, tb), key=lambda c: sum(c.values()))
    contained = sum((short & long).values()) / max(1, sum(short.values()))
    return _dice(a, b) >= 0.7 and contained >= 0.95


def _absorb_short_forms(programmes: list[Programme]) -> list[Programme]:
    """"OCOP" found alone and "Chương trình Mỗi xã một sản phẩm (OCOP)" are one programme."""
    kept = []
    for p in programmes:
        owner = next((q for q in programmes if q is not p and p.name in q.aliases), None)
        if owner is None:
            kept.append(p)
    return kept


def _programme_province(name: str, province: str | None) -> str | None:
    if re.search(r"(?i)quốc gia|Việt Nam|Chính phủ", name):
        return None
    return province


def _dice(a: str, b: str) -> float:
    ta, tb = Counter(re.findall(r"\w+", fold(a))), Counter(re.findall(r"\w+", fold(b)))
    if not ta or not tb:
        return 0.0
    return 2 * sum((ta & tb).values()) / (sum(ta.values()) + sum(tb.values()))
