"""One SourceDocument in, one Extraction out: the extractors in order, each reading what the earlier ones found.

meta (own number, date, province, title) -> agencies in context (province, issuing department, the document's
own definitions) -> citations with their relation to this document -> tasks and targets with roles -> people ->
programmes -> anomalies.
"""
from __future__ import annotations

import re

from ingest.agencies import AgencyResolver, ResolvedAgency, province_of
from ingest.anomalies import find_anomalies
from ingest.citations import CitationMatch, find_citations, symbol_type
from ingest.document import Block, SourceDocument, Span
from ingest.keys import agency_key, legal_key
from ingest.meta import OwnReference, extract_meta
from ingest.model import Agency, AgencyMention, Extraction, LegalRef, Task
from ingest.people import find_people
from ingest.programmes import find_programmes
from ingest.tasks import extract_tasks

EXTRACTOR_VERSION = "plangraph-extract/1"

_BASIS_OPENING = re.compile(r"^\W*(?:Căn cứ|Thực hiện|Triển khai|Nhằm|Theo|Tiếp tục thực hiện|Trên cơ sở)\b")


def extract(doc: SourceDocument) -> Extraction:
    """Everything plangraph reads from one document."""
    meta, own = extract_meta(doc)
    resolver = AgencyResolver(meta.province)
    resolver.learn_definitions(doc.text)
    issuers = _issuers(doc, resolver, own, meta.title)
    resolver.issuer_department = next((a.name for a in issuers if a.name.startswith("Sở ")), None)
    meta.issuers = [a.name for a in issuers]
    default_year = _plan_year(meta.title, meta.issued_date)
    tasks, targets, findings = extract_tasks(doc, resolver, issuers, default_year)
    matches = [c for c in find_citations(doc.text) if not _is_own(c, own)]
    citations = [_legal_ref(doc, c, tasks, resolver, meta.province) for c in matches]
    _share_issuers(citations, matches, meta.province)
    _one_year_per_document(citations)
    for task in tasks:
        task.citations = [c.symbol for c in citations if c.task_id == task.id]
    agencies = _agencies(doc, resolver)
    organisation = resolver.issuer_department
    people = find_people(doc, organisation)
    programmes = find_programmes(doc.text, matches, [(t.text, t.span.start) for t in tasks], meta.province,
                                 meta.title)
    anomalies = find_anomalies(doc, meta, own, citations, tasks, findings)
    meta.key = legal_key(symbol_type(meta.symbol or "") or meta.doc_type or "", meta.symbol or doc.id,
                         meta.province, meta.issued_date)
    return Extraction(source=doc.source, doc_id=doc.id, meta=meta, citations=citations, agencies=agencies,
                      people=people, tasks=tasks, targets=targets, programmes=programmes, anomalies=anomalies)


def _plan_year(title: str | None, issued: str | None) -> str | None:
    """The year a work programme is for ("Chương trình công tác năm 2024"), not the end of a horizon
    ("… đến năm 2025")."""
    if title:
        m = re.search(r"(?<!đến )(?<!giai đoạn )(?<!tới )năm (\d{4})(?!\s*[-–])", title)
        if m:
            return m.group(1)
    return None


def _is_own(c: CitationMatch, own: list[OwnReference]) -> bool:
    return any(r.span.start <= c.start < r.span.end for r in own)


def _issuers(doc: SourceDocument, resolver: AgencyResolver, own: list[OwnReference],
             title: str | None) -> list[ResolvedAgency]:
    """The bodies that issue the document: named above the title, in the issuing line of an attached decision
    ("… của Giám đốc Sở Khoa học và Công nghệ"), or in the signature blocks."""
    title_at = _title_start(doc)
    regions = [doc.text[:title_at]]
    regions += [_line_at(doc.text, r.span.start) for r in own if r.attached]
    regions += [b.text for b in doc.iter_blocks("signature")]
    by = re.search(r"\b(?:của|CỦA)\s+((?:Sở|SỞ|Ủy ban|ỦY BAN|UBND|Ban|BAN|Bộ|BỘ)\b.{3,80})", title or "")
    if by:
        regions.append(by.group(1))
    found: list[ResolvedAgency] = []
    for region in regions:
        for m in resolver.mentions(region):
            agency = resolver.resolve(m)
            if agency.kind != "central" or not found:
                if agency.key not in {a.key for a in found} and not agency.name.startswith(("Chủ tịch", "Phó")):
                    found.append(agency)
    return [a for a in found if not re.match(r"(Tỉnh ủy|Đảng|Chính phủ|Quốc hội)\b", a.name)] or found


def _line_at(text: str, pos: int) -> str:
    """The paragraph holding `pos` (an "issued with Quyết định … của Giám đốc Sở …" line)."""
    start = text.rfind("\n\n", 0, pos) + 1
    end = text.find("\n\n", pos)
    return text[start:end if end >= 0 else None]


def _title_start(doc: SourceDocument) -> int:
    m = re.search(r"^\W*(KẾ HOẠCH|CHƯƠNG TRÌNH|BÁO CÁO|QUYẾT ĐỊNH|NGHỊ QUYẾT|THÔNG TƯ|NGHỊ ĐỊNH|CHỈ THỊ|KẾT LUẬN|"
                  r"THÔNG BÁO|CÔNG ĐIỆN|HƯỚNG DẪN|TỜ TRÌNH)\b", doc.text[:3000], re.MULTILINE)
    return m.start() if m else 0


def _legal_ref(doc: SourceDocument, c: CitationMatch, tasks: list[Task], resolver: AgencyResolver,
               province: str | None) -> LegalRef:
    task = next((t for t in tasks if t.span.start <= c.start < t.span.end), None)
    relation = "task" if task else ("basis" if _grounds_document(doc, c.start) else "mention")
    issuer = _issuer_name(c, resolver, province)
    return LegalRef(doc_type=c.doc_type, symbol=c.symbol, span=Span(c.start, c.end), text=doc.text[c.start:c.end],
                    date=c.date, issuer=issuer, relation=relation, task_id=task.id if task else None,
                    implements=list(c.implements),
                    key=legal_key(symbol_type(c.symbol) or c.doc_type, c.symbol,
                                  _issuer_province(issuer, c.symbol, province), c.date))


def _share_issuers(citations: list[LegalRef], matches: list[CitationMatch], province: str | None) -> None:
    """A document cited once with "của Bộ Chính trị" and once bare is issued by Bộ Chính trị both times: the
    printed issuer wins over the one guessed from the symbol's code."""
    printed = {c.symbol: c.issuer for c, m in zip(citations, matches) if m.issuer_text and c.issuer}
    for c, m in zip(citations, matches):
        if not m.issuer_text and c.symbol in printed:
            c.issuer = printed[c.symbol]
            c.key = legal_key(symbol_type(c.symbol) or c.doc_type, c.symbol,
                              _issuer_province(c.issuer, c.symbol, province), c.date)


def _one_year_per_document(citations: list[LegalRef]) -> None:
    """One document cites one "2141/QĐ-UBND" even when it prints two dates for it (an anomaly, flagged): all its
    citations of that symbol take the key of the first one, the preamble's."""
    first: dict[str, str] = {}
    for c in citations:
        if c.key.rsplit("|", 1)[1]:          # the first citation that gives a year (a title mention may not)
            first.setdefault(c.key.rsplit("|", 1)[0], c.key)
    for c in citations:
        c.key = first.get(c.key.rsplit("|", 1)[0], c.key)


def _grounds_document(doc: SourceDocument, pos: int) -> bool:
    """In the preamble ("Căn cứ …", "Thực hiện …" before the first section), or in a heading that grounds its
    section ("1. Các chỉ tiêu … theo Quyết định số …")."""
    block = _block_at(doc, pos)
    if block is None:
        return False
    first_section = next((b.start for b in doc.blocks if b.kind in ("heading", "list_item") and b.numbering
                          and b.numbering not in "-+*"), len(doc.text))
    if block.start < first_section and _BASIS_OPENING.match(block.text):
        return True
    return block.kind == "heading" or (block.kind == "list_item" and block.bold)


def _block_at(doc: SourceDocument, pos: int) -> Block | None:
    for b in doc.blocks:
        if b.start <= pos < b.end:
            return b
    return None


# Which body a symbol's code names when the citation does not say "của …"
_CODE_ISSUERS = {"TTg": "Thủ tướng Chính phủ", "CP": "Chính phủ", "QH": "Quốc hội", "UBTVQH": "Ủy ban Thường vụ Quốc hội",
                 "BCT": "Bộ Công Thương", "BTC": "Bộ Tài chính", "BKHCN": "Bộ Khoa học và Công nghệ",
                 "BTTTT": "Bộ Thông tin và Truyền thông", "BNV": "Bộ Nội vụ", "BYT": "Bộ Y tế", "BTP": "Bộ Tư pháp",
                 "BNNMT": "Bộ Nông nghiệp và Môi trường", "BXD": "Bộ Xây dựng", "BQP": "Bộ Quốc phòng",
                 "BCA": "Bộ Công an", "NHNN": "Ngân hàng Nhà nước Việt Nam", "VPCP": "Văn phòng Chính phủ"}
_LOCAL_CODES = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "HDND": "Hội đồng nhân dân", "TU": "Tỉnh ủy"}


def _issuer_name(c: CitationMatch, resolver: AgencyResolver, province: str | None) -> str | None:
    if c.issuer_text:
        # "UBND tỉnh và Trường ĐH Tôn Đức Thắng" names two issuers; "Sở Khoa học và Công nghệ" names one
        mentions = resolver.mentions(c.issuer_text)
        names = list(dict.fromkeys(resolver.resolve(m).name for m in mentions))
        return " và ".join(names) if names else c.issuer_text.strip()
    codes = re.split(r"[/-]", c.symbol)[1:]
    for code in reversed(codes):
        if code in _CODE_ISSUERS:
            return _CODE_ISSUERS[code]
        if code in _LOCAL_CODES:
            body = _LOCAL_CODES[code]
            if province:
                return f"{body} {province}" if body == "Tỉnh ủy" else f"{body} tỉnh {province}"
            return body
        if code == "TW":
            return {"Nghị quyết": "Ban Chấp hành Trung ương Đảng", "Chỉ thị": "Ban Bí thư",
                    "Kết luận": "Bộ Chính trị"}.get(symbol_type(c.symbol) or c.doc_type, "Trung ương Đảng")
    return None


def _issuer_province(issuer: str | None, symbol: str, province: str | None) -> str | None:
    """Local bodies' documents are identified within their province; central ones are national."""
    if issuer:
        found = province_of(issuer)
        if found:
            return found[0]
        if re.search(r"Ủy ban nhân dân|Hội đồng nhân dân|Tỉnh ủy|Sở |UBND|HĐND", issuer):
            return province
        return None
    local = any(code in _LOCAL_CODES or code.startswith("S") and len(code) > 2 for code in re.split(r"[/-]", symbol)[1:])
    return province if local else None


def _agencies(doc: SourceDocument, resolver: AgencyResolver) -> list[Agency]:
    """Every organisation named anywhere, plus those the role cells named, one entry per canonical agency."""
    mentions_by_key: dict[str, list[AgencyMention]] = {}
    for m in resolver.mentions(doc.text):
        agency = resolver.resolve(m)
        mentions_by_key.setdefault(agency.key, []).append(AgencyMention(m.surface, Span(m.start, m.end)))
    out = []
    for key, a in resolver.agencies.items():
        out.append(Agency(name=a.name, key=agency_key(a.name), aliases=list(a.aliases),
                          mentions=mentions_by_key.get(key, []), parent=a.parent_key and agency_key_of(resolver, a),
                          province=a.province, kind=a.kind))
    return out


def agency_key_of(resolver: AgencyResolver, agency: ResolvedAgency) -> str | None:
    parent = resolver.agencies.get(agency.parent_key or "")
    return agency_key(parent.name) if parent else None
