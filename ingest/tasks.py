"""Tasks and targets: the actionable items of a plan, from its task tables and from its numbered prose.

The structure decides, not the wording: a table whose header names a content column and role columns (chủ trì,
phối hợp, lãnh đạo chỉ đạo, sản phẩm, thời gian) is a task table, one with a unit and a planned value is a target
table, and the numbered items of the sections that assign work ("Nội dung phối hợp", "Nhiệm vụ", "Trách nhiệm",
"Tổ chức thực hiện") are tasks. Sections that state aims or money ("Mục đích, yêu cầu", "Kinh phí") are not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.agencies import AgencyResolver, ResolvedAgency
from ingest.document import Block, Row, SourceDocument, Span
from ingest.model import Target, Task
from ingest.roles import (agencies_in_cell, normalise_period, period_in_text, roles_from_prose, split_people,
                          split_products)
from ingest.text import LOWER, fold

# ------------------------------------------------------------------------------------------------ columns

_COLUMN_ROLES = [
    ("number", r"^(?:s?tt|so tt|stt\.?)$"),
    ("directed_by", r"lanh dao.*chi dao|chi dao"),
    ("lead", r"chu tri|thuc hien|tham muu|dau moi|don vi thuc hien|co quan thuc hien|trach nhiem"),
    ("cooperating", r"phoi hop"),
    ("recipients", r"tiep nhan"),
    ("unit", r"don vi tinh|dvt"),
    ("value", r"ke hoach \d{4}|chi tieu \d{4}|so luong|muc tieu \d{4}|gia tri|nam \d{4}$"),
    ("products", r"san pham|hinh thuc|ket qua"),
    ("period", r"thoi gian|thoi han|tien do|thoi diem"),
    ("note", r"ghi chu"),
    ("content", r"noi dung|nhiem vu|giai phap|ten|chi tieu|hoat dong|de tai|du an|cong viec"),
]


def column_roles(header: list[str]) -> dict[int, str]:
    """Column index -> role, from the header cells' words (first matching role wins per column)."""
    roles: dict[int, str] = {}
    for i, cell in enumerate(header):
        folded = fold(cell)
        for role, pattern in _COLUMN_ROLES:
            if re.search(pattern, folded) and role not in roles.values():
                roles[i] = role
                break
    return roles


# ------------------------------------------------------------------------------------------------ sections

_TASK_SECTION = re.compile(r"noi dung|nhiem vu|giai phap|trach nhiem|to chuc thuc hien|phan cong|danh muc|"
                           r"ke hoach hanh dong|cong viec|hoat dong")
_NOT_TASK_SECTION = re.compile(r"muc dich|yeu cau|kinh phi|can cu|ket qua thuc hien|danh gia|kho khan|kien nghi|"
                               r"de xuat|tinh hinh|chi tieu|quan diem|muc tieu|pham vi|doi tuong")
_TARGET_SECTION = re.compile(r"chi tieu")
_ROMAN = re.compile(r"^(?=[IVXLC]+$)M*(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})$")


@dataclass
class Section:
    numbering: str
    title: str
    level: int
    agencies: list[ResolvedAgency] = field(default_factory=list)   # "1. Sở Khoa học và Công nghệ" names an actor

    @property
    def label(self) -> str:
        return f"{self.numbering} {self.title}".strip()


@dataclass
class Findings:
    """What the structure itself shows a reviewer: rows with empty required cells, unnumbered sub-items, the
    numbering of sections (for gaps) and counts the text announces ("Gồm 26 nhiệm vụ")."""
    empty_cells: list[tuple[str, list[str]]] = field(default_factory=list)     # (task id, empty fields)
    unnumbered: list[str] = field(default_factory=list)                        # task ids
    section_numbers: list[list[str]] = field(default_factory=list)             # one list per table / heading level
    announced: list[tuple[str, int, int, Span]] = field(default_factory=list)  # (section, announced, found, span)


@dataclass
class TaskContext:
    prefix: str                                  # file prefix for ids ("001")
    resolver: AgencyResolver
    issuers: list[ResolvedAgency]
    default_year: str | None
    stack: list[Section] = field(default_factory=list)
    appendix: bool = False
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    used_ids: set[str] = field(default_factory=set)
    findings: Findings = field(default_factory=Findings)

    def path(self) -> str:
        parts = [s.numbering for s in self.stack if s.numbering and s.numbering not in "-+*"]
        return ".".join((["PL"] if self.appendix else []) + parts)

    def section_label(self) -> str:
        return " ".join(s.label for s in self.stack[-2:]) if self.stack else ""

    def new_id(self, local: str) -> str:
        base = f"{self.prefix}-{'.'.join(p for p in [self.path(), local] if p)}"
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}~{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    def in_task_section(self) -> bool:
        titles = [fold(s.title) for s in self.stack if s.title]
        if not titles:
            return False
        if any(_NOT_TASK_SECTION.search(t) for t in titles[:1]):
            return False
        return any(_TASK_SECTION.search(t) for t in titles) or any(s.agencies for s in self.stack)

    def in_task_section_for(self, title: str) -> bool:
        """Whether an item titled `title` under the current sections assigns work."""
        self.stack.append(Section("", title, 99))
        try:
            return self.in_task_section() or bool(_TASK_SECTION.search(fold(title)))
        finally:
            self.stack.pop()

    def section_agencies(self) -> list[ResolvedAgency]:
        for s in reversed(self.stack):
            if s.agencies:
                return s.agencies
        return []

    def period_from_sections(self) -> str | None:
        for s in reversed(self.stack):
            period, _ = normalise_period(s.title, self.default_year) if re.search(r"(?i)quý", s.title) else (None, 0)
            if period:
                return period
        return None

    def push(self, section: Section) -> None:
        while self.stack and self.stack[-1].level >= section.level:
            self.stack.pop()
        self.stack.append(section)


# ------------------------------------------------------------------------------------------------ walking


def extract_tasks(doc: SourceDocument, resolver: AgencyResolver, issuers: list[ResolvedAgency],
                  default_year: str | None) -> tuple[list[Task], list[Target], Findings]:
    """Every task and target of the document, with roles resolved to canonical agency names."""
    ctx = TaskContext(doc.source.split("_")[0].split(".")[0], resolver, issuers, default_year)
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "heading" and re.match(r"(?i)^\W*phụ lục", block.text):
            ctx.appendix, ctx.stack = True, []
        elif block.kind == "table":
            _read_table(block, ctx)
        elif block.kind in ("heading", "list_item") and block.numbering:
            i = _read_item(blocks, i, ctx)
            continue
        elif block.kind == "heading" and block.text.strip():
            ctx.push(Section("", block.text.strip(), block.level or 1))
        i += 1
    _count_announced(doc, ctx)
    return ctx.tasks, ctx.targets, ctx.findings


_ANNOUNCED = re.compile(r"(?i)gồm\s+(\d{1,3})\s+(?:nhiệm vụ|nội dung|chỉ tiêu|đề tài|dự án)")


def _count_announced(doc: SourceDocument, ctx: TaskContext) -> None:
    """"Gồm 26 nhiệm vụ" in a heading against the rows that follow it up to the next heading of that level."""
    for block in doc.iter_blocks("heading", "list_item"):
        m = _ANNOUNCED.search(block.text)
        if not m or not block.numbering:
            continue
        following = [x for x in ctx.tasks + ctx.targets if x.span.start > block.end]
        next_heading = next((b.start for b in doc.blocks if b.start > block.end and b.kind in ("heading", "list_item")
                             and b.numbering and b.level <= block.level), len(doc.text))
        found = sum(1 for x in following if x.span.start < next_heading)
        ctx.findings.announced.append((block.text.strip(), int(m.group(1)), found, Span(block.start, block.end)))


def _is_agency_heading(text: str, resolver: AgencyResolver) -> list[ResolvedAgency]:
    """"1. Sở Khoa học và Công nghệ", "2. Các Sở, ngành Tỉnh, UBND huyện, thành phố:": a heading that only
    names actors."""
    stripped = text.strip(" :.;")
    mentions = resolver.mentions(stripped)
    if not mentions:
        return []
    covered = sum(m.end - m.start for m in mentions)
    rest = re.sub(r"[\s,;:.và]+", "", "".join(
        stripped[a.end:b.start] for a, b in zip(mentions, mentions[1:])) + stripped[:mentions[0].start]
        + stripped[mentions[-1].end:])
    if covered >= 0.75 * len(stripped) and len(rest) <= 4:
        return [resolver.resolve(m) for m in mentions]
    return []


def _children(blocks: list[Block], i: int) -> list[int]:
    """Indexes of the list items and paragraphs that belong under the numbered block at `i`."""
    level = blocks[i].level
    out = []
    j = i + 1
    while j < len(blocks):
        b = blocks[j]
        if b.kind in ("heading", "list_item") and b.numbering and b.level <= level:
            break
        if b.kind in ("table", "signature", "recipients", "footnote"):
            break
        if b.kind == "heading" and not b.numbering:
            break
        out.append(j)
        j += 1
    return out


def _read_item(blocks: list[Block], i: int, ctx: TaskContext) -> int:
    block = blocks[i]
    children = _children(blocks, i)
    numbered_children = [j for j in children if blocks[j].kind in ("list_item", "heading") and blocks[j].numbering]
    text = _item_text(block)
    numbered_items = [j for j in children if blocks[j].numbering and blocks[j].numbering not in "-+*"]
    labelled = [blocks[j] for j in children if _ROLE_LABEL.match(_item_text(blocks[j]))]
    if labelled and not numbered_items and ctx.in_task_section_for(text):
        while ctx.stack and ctx.stack[-1].level >= block.level:
            ctx.stack.pop()
        _add_labelled_task(block, [blocks[j] for j in children], ctx)
        return i + 1 + len(children)
    agencies = _is_agency_heading(text, ctx.resolver)
    paragraphs = [blocks[j] for j in children if blocks[j].kind == "paragraph"]
    # "7. Thúc đẩy … nông thôn" + a paragraph: a numbered work item whose body follows on the next lines
    topic_item = (block.kind == "heading" and not numbered_children and paragraphs and block.level >= 2
                  and not agencies)
    if (block.kind == "heading" or numbered_children or agencies) and not topic_item:
        ctx.push(Section(block.numbering if block.numbering not in "-+*" else "", text, block.level, agencies))
        return i + 1
    while ctx.stack and ctx.stack[-1].level >= block.level:
        ctx.stack.pop()
    continuation = paragraphs if topic_item or not re.search(r"[.;!?]\W*$", text) else []
    if ctx.stack and _TARGET_SECTION.search(fold(ctx.stack[-1].title)):
        _add_prose_target(block, text, ctx)
    elif ctx.in_task_section():
        _add_prose_task(block, continuation, ctx)
    return i + 1 + len(continuation)


def _local_number(block: Block, ctx: TaskContext) -> str:
    if block.numbering and block.numbering not in "-+*":
        return block.numbering
    parent = ctx.stack[-1] if ctx.stack else None
    count = sum(1 for t in ctx.tasks if t.id.rsplit(".", 1)[0] == f"{ctx.prefix}-{ctx.path()}")
    return str(count + 1) if parent else str(len(ctx.tasks) + 1)


_NUMBER_PREFIX = re.compile(r"^\s*(?:\(?[IVXLC]+[.)]|\(?\d+(?:\.\d+)*[.)]?|\(?[a-zđ][.)]|\([ivx]+\)|[-–•+*])\s+")


def _item_text(block: Block) -> str:
    """The item without its printed number or bullet ("1. Hai Sở …" -> "Hai Sở …")."""
    return _NUMBER_PREFIX.sub("", block.text.strip(), count=1).strip() if block.numbering else block.text.strip()


# "- Cơ quan chủ trì: Sở Nội vụ …", "- Thời gian thực hiện: Năm 2025 …": the parts of one task, labelled
_ROLE_LABEL = re.compile(
    r"^(?P<label>Nội dung(?: thực hiện| công việc)?|(?:Cơ quan|Đơn vị)(?: chủ trì| thực hiện| chịu trách nhiệm)?|"
    r"Chủ trì|(?:Cơ quan|Đơn vị) phối hợp|Phối hợp|Thời gian(?: thực hiện| hoàn thành)?|Thời hạn(?: hoàn thành)?|"
    r"Tiến độ|Sản phẩm(?: đầu ra)?|Kết quả(?: đầu ra)?|Hình thức|Kinh phí(?: thực hiện)?|Nguồn kinh phí)\s*:\s*",
    re.IGNORECASE)


def _add_labelled_task(block: Block, parts: list[Block], ctx: TaskContext) -> None:
    """A numbered item whose bullets label its content, lead, partners, time and product."""
    fields: dict[str, str] = {}
    for part in parts:
        m = _ROLE_LABEL.match(_item_text(part))
        if m:
            fields[_label_role(m.group("label"))] = _item_text(part)[m.end():].strip()
    content = fields.get("content")
    text = _item_text(block) + (f": {content}" if content else "")
    lead, coop = _labelled_agencies(fields, ctx)
    period, ambiguous = normalise_period(fields.get("period"), ctx.default_year)
    end = parts[-1].end if parts else block.end
    ctx.tasks.append(Task(id=ctx.new_id(_local_number(block, ctx)), section=ctx.section_label(), text=text,
                          span=Span(block.start, end), kind=_task_kind(text, False), lead=lead, cooperating=coop,
                          products=split_products(fields.get("products", "")), period=period,
                          deadline=_deadline(fields.get("period", ""), ctx.default_year),
                          ambiguous=["period"] if ambiguous else []))


def _label_role(label: str) -> str:
    folded = fold(label)
    for role, pattern in (("cooperating", "phoi hop"), ("lead", "co quan|don vi|chu tri"), ("period", "thoi|tien do"),
                          ("products", "san pham|ket qua|hinh thuc"), ("content", "noi dung"), ("budget", "kinh phi")):
        if re.search(pattern, folded):
            return role
    return "other"


def _labelled_agencies(fields: dict[str, str], ctx: TaskContext) -> tuple[list[str], list[str]]:
    """"Cơ quan thực hiện: Sở Nội vụ chủ trì …; Sở Tư pháp … phối hợp" names the lead in a sentence, "Cơ quan
    chủ trì: Sở Nội vụ, Sở Tài chính." lists them."""
    lead_text, coop_text = fields.get("lead", ""), fields.get("cooperating", "")
    lead, coop, _ = roles_from_prose(lead_text, ctx.resolver, [], []) if lead_text else ([], [], [])
    if lead_text and not re.search(r"chủ trì|phối hợp", lead_text):
        lead = [a.name for a in agencies_in_cell(lead_text, ctx.resolver)]
    elif "chủ trì" in lead_text:
        chair = re.split(r"\bchủ trì\b", lead_text, maxsplit=1)[0]
        lead = [a.name for a in agencies_in_cell(chair, ctx.resolver)] or lead
    coop = [n for n in coop + [a.name for a in agencies_in_cell(coop_text, ctx.resolver)] if n not in lead]
    return lead or [a.name for a in ctx.issuers][:1], list(dict.fromkeys(coop))


def _add_prose_target(block: Block, text: str, ctx: TaskContext) -> None:
    """A line under "Chỉ tiêu chủ yếu đến năm 2025": the target, its first quantity and unit, the horizon year."""
    horizon = re.search(r"(\d{4})\s*$|năm (\d{4})", ctx.stack[-1].title)
    year = (horizon.group(1) or horizon.group(2)) if horizon else ctx.default_year
    quantity = next(iter(quantities(text)), None)
    ctx.targets.append(Target(id=ctx.new_id(_local_number(block, ctx)), text=text, span=Span(block.start, block.end),
                              value=quantity[0] if quantity else None, unit=quantity[1] if quantity else None,
                              year=year, lead=[]))


_QUANTITY = re.compile(rf"(?<![\w/.,-])(?P<value>\d{{1,3}}(?:\.\d{{3}})*(?:,\d+)?(?:\s*-\s*\d{{1,3}})?)(?P<pct>\s*%)?"
                       rf"(?:\s+(?P<unit>[{LOWER}A-ZĐ&][\w&]*(?:[ ,]+[\w&]+){{0,7}}))?")
_UNIT_STOP = re.compile(r"\s(?:thực hiện|phục vụ|được|có|tham gia|để|cho|của|tại|trên|về|theo|ra|bao gồm|thuộc|"
                        r"trong|với|từ|nhằm|góp phần|đạt|gồm|và)\b|[,(;.]")


def quantities(text: str) -> list[tuple[str, str | None, int, int]]:
    """Planned quantities in a sentence: "ít nhất 15 nhiệm vụ KHCN", "từ 05-06 nhiệm vụ", "95%", "3,5 tỷ đồng";
    years and document numbers are not quantities."""
    out = []
    for m in _QUANTITY.finditer(text):
        value = m.group("value")
        if re.fullmatch(r"(?:19|20)\d\d", value) or re.match(r"\s*/", text[m.end("value"):]):
            continue
        if m.group("pct"):
            out.append((value, "%", m.start(), m.end("pct")))
            continue
        unit = m.group("unit")
        if not unit:
            continue
        stop = _UNIT_STOP.search(" " + unit)
        unit = (" " + unit)[:stop.start()].strip() if stop else unit.strip()
        if unit:
            out.append((value, unit, m.start(), m.start("unit") + len(unit)))
    return out


def _clauses(text: str) -> list[str]:
    """A sentence cut where one planned quantity ends and another begins: at ";", ".", " để …", and " và "
    before a number."""
    parts = re.split(r";\s*|\.\s+|\s+(?:để|nhằm|góp phần)\s+.*?(?=;|\.\s|$)|\s+và\s+(?=\d)", text)
    return [p.strip(" .;") for p in parts if p and p.strip(" .;")]


def _targets_of_task(task: Task, products: str, ctx: TaskContext) -> None:
    """The quantities an indicator row plans, and those a product cell states as figures (a share, an amount)."""
    n = 0
    if task.kind == "indicator_work":
        for clause in _clauses(task.text):
            for value, unit, _, _ in quantities(clause)[:1]:
                n += 1
                ctx.targets.append(Target(id=f"{task.id}.{chr(96 + n)}", text=clause, span=task.span, value=value,
                                          unit=unit, year=ctx.default_year, lead=list(task.lead)))
    for clause in _clauses(products):
        for value, unit, start, end in quantities(clause)[:1]:
            if unit != "%" and not re.search(r"(?i)đồng|tỷ|triệu", unit or ""):
                continue
            text = clause if len(clause[:start].split()) + len(clause[end:].split()) >= 2 else task.text
            n += 1
            ctx.targets.append(Target(id=f"{task.id}.{chr(96 + n)}", text=text, span=task.span, value=value,
                                      unit=unit, year=ctx.default_year, lead=list(task.lead)))


_INLINE_LABEL = re.compile(r"(?:^|[;.]\s*|\s-\s)(?=(?:Cơ quan|Đơn vị|cơ quan|đơn vị) (?:chủ trì|phối hợp|thực hiện)\s*:|"
                           r"(?:Thời gian|thời gian)(?: thực hiện| hoàn thành)?\s*:|(?:Sản phẩm|sản phẩm)\s*:)")


def _inline_fields(text: str) -> dict[str, str]:
    """"… Cơ quan chủ trì: Sở X; cơ quan phối hợp: Sở Y; thời gian thực hiện: năm 2026." in one sentence."""
    fields = {}
    for part in _INLINE_LABEL.split(text)[1:]:
        m = _ROLE_LABEL.match(part[:1].upper() + part[1:])
        if m:
            fields[_label_role(m.group("label"))] = part[m.end():].strip(" ;.")
    return fields


def _add_prose_task(block: Block, continuation: list[Block], ctx: TaskContext) -> None:
    text = " ".join([_item_text(block), *[b.text.strip() for b in continuation]]).strip()
    if len(text) < 12:
        return
    end = continuation[-1].end if continuation else block.end
    lead, coop, recipients = roles_from_prose(text, ctx.resolver, ctx.section_agencies(), ctx.issuers)
    inline = _inline_fields(text)
    if "lead" in inline:
        lead, coop = _labelled_agencies(inline, ctx)
    period = (normalise_period(inline["period"], ctx.default_year)[0] if "period" in inline else None) \
        or period_in_text(text) or ctx.period_from_sections()
    task = Task(id=ctx.new_id(_local_number(block, ctx)), section=ctx.section_label(), text=text,
                span=Span(block.start, end), kind=_task_kind(text, False), lead=lead, cooperating=coop,
                recipients=recipients, period=period, deadline=_deadline(text, ctx.default_year))
    ctx.tasks.append(task)


# ------------------------------------------------------------------------------------------------ tables


def _read_table(block: Block, ctx: TaskContext) -> None:
    header = block.header[-1].texts() if block.header else []
    roles = column_roles(header)
    if "content" not in roles.values():
        return
    is_target_table = "unit" in roles.values() and "value" in roles.values()
    research = bool(re.search(r"nhiem vu khoa hoc|de tai|du an", fold(" ".join(header))))
    indicator = any(_TARGET_SECTION.search(fold(s.title)) for s in ctx.stack)
    table_stack_depth = len(ctx.stack)
    previous: dict[str, str] = {}
    last_task: Task | None = None
    last_local = ""
    section_numbers: list[str] = []
    ctx.findings.section_numbers.append(section_numbers)
    pending_targets: list[tuple[Task, str]] = []   # read once continuation rows have completed each task
    for row in block.body:
        cells = {role: (row.cells[i].text if i < len(row.cells) else "") for i, role in roles.items()}
        number = cells.get("number", "").strip(" .")
        content = cells.get("content", "").strip()
        if not content:
            continue
        if _is_section_row(row, number, cells):
            section_numbers.append(number)
            del ctx.stack[table_stack_depth:]
            ctx.stack.append(Section(number, content, 9))
            last_task = None
            continue
        empty = _inherit(cells, previous)
        if not number and last_task is not None and not _roman_item(content):
            _continue_task(last_task, row, cells, content, ctx)
            continue
        sub_item = _roman_item(content)
        if number:
            local = last_local = number
        elif sub_item and last_local:
            local = f"{last_local}.{sub_item}"       # "(i) Dự án …" under row 3 is 3.i
        else:
            local = str(len(ctx.tasks) + 1)
        if is_target_table:
            _add_target_row(row, cells, content, local, ctx)
            continue
        last_task = _add_table_task(row, cells, content, local, ctx, research, indicator)
        pending_targets.append((last_task, cells.get("products", "")))
        if empty:
            ctx.findings.empty_cells.append((last_task.id, empty))
        if sub_item and not number:
            ctx.findings.unnumbered.append(last_task.id)
    _emit_targets(pending_targets, ctx)


def _emit_targets(pending: list[tuple[Task, str]], ctx: TaskContext) -> None:
    for task, products in pending:
        _targets_of_task(task, products, ctx)


def _is_section_row(row: Row, number: str, cells: dict[str, str]) -> bool:
    """"I | Thực hiện công tác …" (a Roman or letter number), or the same text repeated across every cell."""
    if _ROMAN.match(number) or re.fullmatch(r"[A-Z]", number):
        return True
    texts = [c.text.strip() for c in row.cells if c.text.strip()]
    return len(texts) >= 3 and len(set(texts[1:])) == 1


def _inherit(cells: dict[str, str], previous: dict[str, str]) -> list[str]:
    """A '"' (ditto) cell repeats the one above; a row whose role cells are all empty continues the merged cells
    above (the rows of one merged block share its lead, partners, product and time). Returns the role fields
    that were empty in the row as printed."""
    role_fields = [f for f in ("lead", "cooperating", "products", "period", "unit", "directed_by") if f in cells]
    all_empty = bool(role_fields) and all(not cells[f].strip() for f in role_fields)
    for f in role_fields:
        if cells[f].strip() in {'"', "“", "”", "''"} or (all_empty and f in previous):
            cells[f] = previous.get(f, "")
    for f in role_fields:
        if cells[f].strip():
            previous[f] = cells[f]
    return role_fields if all_empty else []


def _roman_item(content: str) -> str | None:
    m = re.match(r"^\(([ivx]+)\)", content)
    return m.group(1) if m else None


def _add_table_task(row: Row, cells: dict[str, str], content: str, local: str, ctx: TaskContext,
                    research: bool, indicator: bool) -> Task:
    lead = [a.name for a in agencies_in_cell(cells.get("lead", ""), ctx.resolver)]
    coop = [a.name for a in agencies_in_cell(cells.get("cooperating", ""), ctx.resolver) if a.name not in lead]
    recipients = [a.name for a in agencies_in_cell(cells.get("recipients", ""), ctx.resolver)]
    period, ambiguous = normalise_period(cells.get("period"), ctx.default_year)
    period = period or ctx.period_from_sections() or (ctx.default_year if not cells.get("period") else None)
    kind = "indicator_work" if indicator else _task_kind(content, research)
    task = Task(id=ctx.new_id(local), section=ctx.section_label(), text=_clean(content),
                span=Span(row.start, row.end), kind=kind, lead=lead, cooperating=coop,
                directed_by=split_people(cells.get("directed_by", "")), recipients=recipients,
                products=split_products(cells.get("products", "")), period=period,
                deadline=_deadline(cells.get("note", "") + " " + cells.get("period", ""), ctx.default_year),
                ambiguous=["period"] if ambiguous else [])
    ctx.tasks.append(task)
    return task


def _continue_task(task: Task, row: Row, cells: dict[str, str], content: str, ctx: TaskContext) -> None:
    """A row without a number under a task: the rest of that task (a second sentence, a second leader)."""
    task.text = f"{task.text} {_clean(content)}"
    task.span = Span(task.span.start, row.end)
    for person in split_people(cells.get("directed_by", "")):
        if person not in task.directed_by:
            task.directed_by.append(person)
    for a in agencies_in_cell(cells.get("lead", ""), ctx.resolver):
        if a.name not in task.lead:
            task.lead.append(a.name)


def _add_target_row(row: Row, cells: dict[str, str], content: str, local: str, ctx: TaskContext) -> None:
    lead = [a.name for a in agencies_in_cell(cells.get("lead", ""), ctx.resolver)]
    if not lead and ctx.targets:
        lead = list(ctx.targets[-1].lead)     # the advising unit's cell is merged down the rows it covers
    ctx.targets.append(Target(id=ctx.new_id(local), text=_clean(content).lstrip("-–• ").strip(),
                              span=Span(row.start, row.end), value=cells.get("value", "").strip() or None,
                              unit=cells.get("unit", "").strip() or None, year=ctx.default_year, lead=lead))


def _task_kind(text: str, research_table: bool) -> str:
    if research_table or re.match(r"^(?:\(\w+\)\s*)?(?:Tiếp tục thực hiện\s+|Triển khai\s+)?(?:Đề tài|Dự án|dự án)\b",
                                  text.strip()):
        return "research_project"
    return "task"


_DEADLINE = re.compile(r"(?:thời hạn[^:]*:|trước ngày|hạn chót|chậm nhất)\s*(?:ngày\s*)?"
                       r"(?P<d>\d{1,2})\s*(?:/|tháng)\s*(?P<m>\d{1,2})(?:\s*(?:/|năm)\s*(?P<y>\d{4}))?",
                       re.IGNORECASE)


def _deadline(text: str, default_year: str | None) -> str | None:
    m = _DEADLINE.search(text or "")
    if not m:
        return None
    day, month = int(m.group("d")), int(m.group("m"))
    if m.group("y"):
        return f"{m.group('y')}-{month:02d}-{day:02d}"
    if re.search(r"hàng năm|hằng năm", text[m.end():m.end() + 12]):
        return f"--{month:02d}-{day:02d}"
    return f"{default_year}-{month:02d}-{day:02d}" if default_year else None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
