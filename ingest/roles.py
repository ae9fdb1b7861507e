"""Reading responsibilities: who leads (chủ trì), cooperates (phối hợp), directs, receives, and what is produced.

Two sources: a task table's role columns, whose cells list agencies ("Phòng QLKH, TĐC, HCTH"), and the prose of a
numbered item ("Sở Nông nghiệp và Môi trường phối hợp với Sở Khoa học và Công nghệ thực hiện …", "Giao Sở KHCN chủ
trì phối hợp với …", "Hai Sở …").
"""
from __future__ import annotations

import re

from ingest.agencies import AgencyResolver, ResolvedAgency
from ingest.text import fold

_ITEM_SPLIT = re.compile(r"\s*(?:\n|;|,(?!\s*(?:ban|ngành|thị xã|thành phố|phường|đặc khu|Thể thao)\b)| & )\s*")
_NONE_CELL = re.compile(r"^[\s\-–—+.*/]*$")
_RELATED = re.compile(r"\b(?:có\s+)?liên quan\b|^(?:các\s+)?(?:cơ quan|đơn vị|tổ chức|cá nhân)\b", re.IGNORECASE)


def agencies_in_cell(cell: str, resolver: AgencyResolver) -> list[ResolvedAgency]:
    """The agencies a role cell names, in order; a bare short form takes the head noun of the item before it
    ("Phòng QLKH, TĐC, HCTH" -> three Phòng)."""
    if _NONE_CELL.match(cell):
        return []
    out: list[ResolvedAgency] = []
    mentions = resolver.mentions(cell)
    pos = 0
    last_head = None
    for m in mentions:
        out.extend(_bare_items(cell[pos:m.start], resolver, last_head))
        agency = resolver.resolve(m)
        out.append(agency)
        last_head = m.head or (m.body.name.split()[0] if m.body else None)
        pos = m.end
    out.extend(_bare_items(cell[pos:], resolver, last_head))
    unique: list[ResolvedAgency] = []
    for a in out:
        if a.key not in {u.key for u in unique}:
            unique.append(a)
    return unique


def _bare_items(segment: str, resolver: AgencyResolver, head: str | None) -> list[ResolvedAgency]:
    found = []
    for item in _ITEM_SPLIT.split(segment):
        item = item.strip(" .,;:-–+*()")
        if len(item) < 2 or _RELATED.search(item) or item.lower() in {"và", "với"}:
            continue
        agency = resolver.resolve_text(item)
        if agency is None and head and re.fullmatch(r"[A-ZĐ][A-ZĐ0-9&\- ]{1,15}", item):
            agency = resolver.resolve_text(f"{head} {item}")
        if agency:
            found.append(agency)
    return found


def split_products(cell: str) -> list[str]:
    """Deliverables as printed, split on commas and semicolons ("Biên bản, Tờ trình" -> two); "-" is none."""
    if _NONE_CELL.match(cell):
        return []
    parts = [p.strip(" .;,-–•+\n") for p in re.split(r"[;,\n]\s*", cell)]
    return [p for p in parts if p and not _NONE_CELL.match(p)]


def split_people(cell: str) -> list[str]:
    """A directing-leader cell: one or more names or roles ("PGĐ Trần Công Hòa", "Giám đốc Sở")."""
    if _NONE_CELL.match(cell):
        return []
    return [p.strip() for p in re.split(r"\n|;|,", cell) if p.strip()]


# ------------------------------------------------------------------------------------------------ prose

_DUAL_SUBJECT = re.compile(r"^(?:[^,.;]{0,30},\s*)?(?:Hai|hai)\s+(?:Sở|bên|đơn vị|cơ quan)\b")
_TITLE_PREFIX = re.compile(r"^(?:Trưởng|Thủ trưởng|Lãnh đạo|Giám đốc|Người đứng đầu)\s+$")
_ASSIGN = re.compile(r"^(?:Giao|giao|Đề nghị|đề nghị|Yêu cầu)\s+")
_COOPERATE_WITH = re.compile(r"\bphối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+$")
_RECIPIENT_CUE = re.compile(r"(?:tham mưu|trình|báo cáo|đề xuất|thông báo cho|gửi|về)\s+(?:cho\s+|với\s+)?$")
_COOP_CUE = re.compile(r"(?:đề xuất của|ý kiến|lấy ý kiến|với|cùng|hỗ trợ)\s+$")


def roles_from_prose(text: str, resolver: AgencyResolver, section_agencies: list[ResolvedAgency],
                     issuers: list[ResolvedAgency]) -> tuple[list[str], list[str], list[str]]:
    """Lead, cooperating and recipient agency names of a task written as a sentence.

    `section_agencies` are the agencies the heading above names ("1. Sở Khoa học và Công nghệ"), `issuers` the
    parties that issue the document (a joint programme's two departments), the default actors when the sentence
    has no subject of its own.
    """
    mentions = [(m, resolver.resolve(m)) for m in resolver.mentions(text)]
    lead: list[ResolvedAgency] = []
    coop: list[ResolvedAgency] = []
    recipients: list[ResolvedAgency] = []
    subject = _subject(text, mentions)
    starts_with_cooperation = re.match(r"^(?:Phối hợp|phối hợp)\b", text) is not None
    partner = _cooperation_partner(text, mentions)
    if _DUAL_SUBJECT.match(text):
        lead = list(issuers or section_agencies)
    elif subject and subject_chairs(text, subject[0], mentions):
        lead = [subject[0]]              # "X chủ trì, phối hợp với Y …": X leads, Y cooperates (below)
    elif partner is not None and subject:
        # "X, Y … (tiếp tục) phối hợp (với) Z thực hiện …": Z leads, the ones before cooperate
        lead = [partner[1]]
        coop = [a for m, a in mentions if m.start < partner[0].start and a.key != partner[1].key]
    elif subject:
        agency, rest = subject
        if re.match(r"\s*(?:tiếp tục\s+)?phối hợp\s+với\b", rest):
            partner = _first_after(rest, mentions, text)
            lead, coop = ([partner] if partner else []), [agency]
        elif re.match(r"\s*(?:tiếp tục\s+)?phối hợp\b", rest):
            others = [a for _, a in mentions if a.key != agency.key]
            lead = others[:1] or [i for i in issuers if i.key != agency.key][:1]
            coop = [agency]
        else:
            lead = [agency]
    elif section_agencies:
        lead = list(section_agencies)
        if partner is not None and partner[1].key in {a.key for a in lead}:
            coop = [partner[1]]          # the party "phối hợp với" itself: kept as printed, flagged as an anomaly
        if starts_with_cooperation and len(issuers) == 2 and all(a.key in {i.key for i in issuers}
                                                                  for a in section_agencies):
            lead = [i for i in issuers if i.key not in {a.key for a in section_agencies}]
            coop = list(section_agencies)
    else:
        lead = list(issuers)
    taken = {a.key for a in lead + coop}
    for m, agency in mentions:
        if agency.key in taken:
            continue
        before = text[max(0, m.start - 30):m.start]
        if _RECIPIENT_CUE.search(before):
            recipients.append(agency)
        elif _COOP_CUE.search(before) or _COOPERATE_WITH.search(before):
            coop.append(agency)
        taken.add(agency.key)
    return _names(lead), _names(coop), _names(recipients)


def _subject(text: str, mentions) -> tuple[ResolvedAgency, str] | None:
    """The agency a sentence opens with ("Sở Tài chính bố trí …", "Giao Sở KHCN chủ trì …")."""
    if not mentions:
        return None
    first, agency = mentions[0]
    prefix = text[:first.start]
    assign = _ASSIGN.match(prefix)
    if prefix.strip() and not assign and not _TITLE_PREFIX.match(prefix):
        return None
    return agency, text[first.end:]


def subject_chairs(text: str, agency: ResolvedAgency, mentions) -> bool:
    """"Giao Sở KHCN chủ trì, phối hợp với …": the subject leads whatever follows."""
    first = next(m for m, a in mentions if a.key == agency.key)
    return re.match(r"\s*(?:là đơn vị\s+|là cơ quan\s+)?chủ trì\b", text[first.end:]) is not None


def _cooperation_partner(text: str, mentions):
    """The agency named right after "phối hợp (với)" when the sentence's subjects come before it."""
    for k, (m, agency) in enumerate(mentions):
        before = text[max(0, m.start - 25):m.start]
        if re.search(r"phối hợp(?:\s+chặt chẽ)?(?:\s+với)?(?:\s+(?:đầu mối|đại diện|cán bộ))?(?:\s+(?:bên|của))?\s+$",
                     before):
            return m, agency
    return None


def _first_after(rest: str, mentions, text: str) -> ResolvedAgency | None:
    offset = len(text) - len(rest)
    for m, agency in mentions:
        if m.start >= offset:
            return agency
    return None


def _names(agencies: list[ResolvedAgency]) -> list[str]:
    out = []
    for a in agencies:
        if a.name not in out:
            out.append(a.name)
    return out


def normalise_period(raw: str | None, default_year: str | None = None) -> tuple[str | None, bool]:
    """The period convention of the gold: YYYY, YYYY-QN, YYYY-YYYY, "hàng năm", "hàng tháng", "thường xuyên";
    returns (period, ambiguous): an open range or a condition is (None, True)."""
    if not raw or not raw.strip() or raw.strip() in "-–":
        return None, False
    folded = fold(raw)
    if "hang nam" in folded:          # "Hàng năm", "hằng năm", "Thường xuyên hàng năm"
        return "hàng năm", False
    if "hang thang" in folded:
        return "hàng tháng", False
    quarter = re.search(r"quy\s+(i{1,3}|iv|[1-4])\b(?:\s*(?:/|nam)\s*(\d{4}))?", folded)
    if quarter and not re.search(r"tiep theo|sau khi", folded):
        number = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(quarter.group(1), None) or int(quarter.group(1))
        year = quarter.group(2) or default_year
        return (f"{year}-Q{number}" if year else None), year is None
    years = re.findall(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", folded)
    if re.search(r"tiep theo|sau khi|khi co|den khi", folded):
        return None, True
    if len(years) >= 2:
        return f"{years[0]}-{years[-1]}", False
    if len(years) == 1:
        return years[0], False
    if "thuong xuyen" in folded:
        return "thường xuyên", False
    return None, False


def period_in_text(text: str) -> str | None:
    """A period the task sentence itself states: "giai đoạn 2025-2030", "Hàng năm, …", "Định kỳ hàng năm"."""
    folded = fold(text)
    span = re.search(r"giai doan\s+(\d{4})\s*[-–]\s*(\d{4})", folded)
    if span:
        return f"{span.group(1)}-{span.group(2)}"
    if re.search(r"\bhang nam\b", folded):
        return "hàng năm"
    return None
