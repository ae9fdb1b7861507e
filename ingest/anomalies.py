"""What a careful reviewer flags: inconsistencies between parts of one document.

Each check is a small function over what the extractors found; each finding names its kind, explains itself in
one line, points at its spans, and lists the document numbers it concerns.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ingest.citations import symbol_type
from ingest.document import SourceDocument, Span
from ingest.meta import OwnReference
from ingest.model import Anomaly, DocumentMeta, LegalRef, Task
from ingest.tasks import Findings, _ROMAN
from ingest.text import fold

_PLACEHOLDER = re.compile(r"(?<![.\d])(?:\.{5,}|…{2,}|_{5,})")


def find_anomalies(doc: SourceDocument, meta: DocumentMeta, own: list[OwnReference], citations: list[LegalRef],
                   tasks: list[Task], findings: Findings) -> list[Anomaly]:
    checks = [_citation_date_conflicts(citations), _own_number_conflicts(own), _numbering_gaps(findings),
              _impossible_dates(meta, citations), _copied_blocks(tasks), _self_cooperation(tasks),
              _placeholders(doc, own), _empty_cells(findings), _unnumbered_rows(findings),
              _undated_citations(citations), _type_code_mismatch(citations), _announced_counts(findings)]
    return [a for check in checks for a in check]


def _display_date(iso: str | None) -> str:
    if not iso:
        return "no date"
    parts = iso.split("-")
    return "/".join(reversed([p.lstrip("0") or "0" for p in parts]))


def _citation_date_conflicts(citations: list[LegalRef]) -> list[Anomaly]:
    by_symbol: dict[str, list[LegalRef]] = defaultdict(list)
    for c in citations:
        if c.date:
            by_symbol[c.symbol].append(c)
    out = []
    for symbol, refs in by_symbol.items():
        dates = sorted({c.date for c in refs})
        if len(dates) > 1:
            where = "; ".join(f"{_display_date(d)} ({next(c.relation for c in refs if c.date == d)})" for d in dates)
            out.append(Anomaly("citation_date_conflict", f"{symbol} is printed with different dates: {where}",
                               [c.span for c in refs], [symbol]))
    return out


def _own_number_conflicts(own: list[OwnReference]) -> list[Anomaly]:
    if len(own) < 2:
        return []
    forms = {(r.symbol or "(blank)", r.date or "") for r in own}
    symbols = {r.symbol for r in own if r.symbol}
    blanks = [r for r in own if not r.symbol or not re.match(r"\d", r.symbol)]
    if len(forms) <= 1 and not blanks:
        return []
    described = "; ".join(f"'{r.symbol or '(blank)'}' dated {_display_date(r.date)}" for r in own)
    return [Anomaly("own_number_conflict", f"the document's own number is printed differently: {described}",
                    [r.span for r in own], sorted(s for s in symbols if re.match(r"\d", s)))]


def _numbering_gaps(findings: Findings) -> list[Anomaly]:
    out = []
    for numbers in findings.section_numbers:
        values = [_roman_value(n) for n in numbers if _ROMAN.match(n)]
        for a, b in zip(values, values[1:]):
            if b > a + 1:
                missing = ", ".join(_to_roman(v) for v in range(a + 1, b))
                out.append(Anomaly("numbering_gap", f"sections jump from {_to_roman(a)} to {_to_roman(b)}: "
                                                    f"no section {missing}"))
    return out


def _roman_value(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " "):
        total += -values[ch] if values.get(nxt, 0) > values[ch] else values[ch]
    return total


def _to_roman(value: int) -> str:
    out = ""
    for number, numeral in [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                            (4, "IV"), (1, "I")]:
        while value >= number:
            out, value = out + numeral, value - number
    return out


def _impossible_dates(meta: DocumentMeta, citations: list[LegalRef]) -> list[Anomaly]:
    """A document cannot rest on, or cite, one issued after it."""
    if not meta.issued_date or len(meta.issued_date) < 7:
        return []
    return [Anomaly("impossible_date", f"{c.symbol} is dated {_display_date(c.date)}, after this document "
                                       f"({_display_date(meta.issued_date)})", [c.span], [c.symbol])
            for c in citations if c.date and len(c.date) == 10 and c.date[:len(meta.issued_date)] > meta.issued_date]


def _copied_blocks(tasks: list[Task]) -> list[Anomaly]:
    """Two or more consecutive items repeated word for word under another heading of the same period."""
    out = []
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(tasks):
        by_text[fold(t.text)].append(i)
    seen: set[tuple[int, int]] = set()
    for i, t in enumerate(tasks):
        for j in by_text[fold(t.text)]:
            if j <= i or (i, j) in seen or tasks[i].section == tasks[j].section or tasks[i].period != tasks[j].period:
                continue
            length = 0
            while (j + length < len(tasks) and i + length < j and
                   fold(tasks[i + length].text) == fold(tasks[j + length].text)):
                seen.add((i + length, j + length))
                length += 1
            if length >= 2:
                out.append(Anomaly("copy_paste_section",
                                   f"{length} items of '{tasks[i].section}' are repeated word for word under "
                                   f"'{tasks[j].section}': '{tasks[i].text[:60]}…'",
                                   [tasks[i + k].span for k in range(length)] + [tasks[j + k].span for k in range(length)]))
    return out


def _self_cooperation(tasks: list[Task]) -> list[Anomaly]:
    """An item listed under one party that has the party cooperate with itself was copied from another list."""
    return [Anomaly("copy_paste_section", f"'{t.text[:70]}…' makes {t.lead[0]} cooperate with itself: the item "
                                          f"reads as copied from another party's list", [t.span])
            for t in tasks if t.lead and set(t.lead) & set(t.cooperating)]


def _placeholders(doc: SourceDocument, own: list[OwnReference]) -> list[Anomaly]:
    spots = [m for m in _PLACEHOLDER.finditer(doc.text) if not _is_leader_line(doc.text, m.start())]
    blank_number = any(not r.attached and not r.symbol for r in own)
    blank_day = re.search(r"ngày\s{2,}tháng", doc.text[:2500]) is not None
    if not spots and not blank_number and not blank_day:
        return []
    parts = []
    if blank_number:
        parts.append("document number blank")
    if blank_day:
        parts.append("day of issue blank")
    parts += [f"placeholder '{_context(doc.text, m.start(), m.end())}'" for m in spots[:5]]
    return [Anomaly("other", "draft left unfilled: " + "; ".join(parts), [Span(m.start(), m.end()) for m in spots])]


def _is_leader_line(text: str, pos: int) -> bool:
    """Dots that lead to a page number in a table of contents are layout, not a blank."""
    line_end = text.find("\n", pos)
    return bool(re.match(r"[.\s…]*\d+\s*$", text[pos:line_end if line_end >= 0 else None]))


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - 25):start].split("\n")[-1]
    after = text[end:end + 25].split("\n")[0]
    return f"{before}{text[start:end]}{after}".strip()


def _empty_cells(findings: Findings) -> list[Anomaly]:
    if not findings.empty_cells:
        return []
    ids = [task_id for task_id, _ in findings.empty_cells]
    fields = sorted({f for _, fs in findings.empty_cells for f in fs})
    return [Anomaly("other", f"rows {', '.join(i.split('-', 1)[1] for i in ids)} have empty "
                             f"{', '.join(fields)} cells (read as continuing the merged cells above)")]


def _unnumbered_rows(findings: Findings) -> list[Anomaly]:
    if not findings.unnumbered:
        return []
    return [Anomaly("other", f"sub-items {', '.join(i.split('-', 1)[1] for i in findings.unnumbered)} have no "
                             f"number of their own and share the cells of the row above")]


def _undated_citations(citations: list[LegalRef]) -> list[Anomaly]:
    """A symbol without a year and never dated cannot be told apart from the same number of another year."""
    dated = {c.symbol for c in citations if c.date}
    out = []
    for symbol in dict.fromkeys(c.symbol for c in citations):
        if symbol not in dated and not re.search(r"/\d{4}/", symbol):
            ref = next(c for c in citations if c.symbol == symbol)
            out.append(Anomaly("other", f"{ref.doc_type} {symbol} is cited without any date", [ref.span], [symbol]))
    return out


def _type_code_mismatch(citations: list[LegalRef]) -> list[Anomaly]:
    out = []
    for c in {c.symbol: c for c in citations}.values():
        coded = symbol_type(c.symbol)
        if coded and c.doc_type and fold(coded) != fold(c.doc_type) and not _compatible(c.doc_type, coded):
            out.append(Anomaly("other", f"{c.doc_type} {c.symbol}: the code in the number says {coded}", [c.span],
                               [c.symbol]))
    return out


def _compatible(written: str, coded: str) -> bool:
    """Plans and programmes of action are often numbered as plans; a law's number carries the legislature."""
    pairs = {("Kế hoạch", "Chương trình"), ("Chương trình", "Kế hoạch"), ("Luật", "Nghị quyết"),
             ("Bộ luật", "Luật"), ("Công văn", "Thông báo"), ("Quy định", "Quyết định")}
    return (written, coded) in pairs


def _announced_counts(findings: Findings) -> list[Anomaly]:
    return [Anomaly("other", f"'{section[:60]}' announces {announced} items but lists {found}", [span])
            for section, announced, found, span in findings.announced if found and announced != found]
