"""From a SourceDocument (and its Extraction) to the units of retrieval: what a person would point at.

- one document unit: the head of the document (title, number, preamble), up to the first numbered section;
- one section unit per heading: the heading and what follows it up to the next heading of the same or a higher
  level, so a question about a whole part ("Nhiệm vụ trọng tâm") has an answer;
- passages: a paragraph, a list item (joined with its sub-items while short), a table row; never a line fragment,
  since a hard-wrapped line is not something anyone points at;
- with an Extraction: a unit per task and per target, its text followed by its roles in words
  ("… — chủ trì: Phòng QLKH; phối hợp: …") so that lexical search sees them, and its entity links (legal keys,
  agency keys by role) for filters, facets and graph-aware ranking. A table row that became a task is not indexed
  twice.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.document import Block, Row, SourceDocument
from ingest.model import Extraction, LegalRef, Target, Task
from ingest.text import fold
from search.resolve import Entity
from search.units import Unit

HEAD_CHARS = 1500          # the document unit: its head, at most this long
SECTION_CHARS = 600        # a section unit's text, its heading and opening, is cut here; its span covers it all
JOIN_CHARS = 600           # a list item is joined with its sub-items while the whole stays this short
MIN_SYLLABLES = 3          # shorter blocks (a lone number, "Nơi nhận:") are not passages
TASK_COVERAGE = 0.6        # a passage that tasks cover this much is left to them
_ROW_NUMBER = re.compile(r"^(?:\d{1,3}|[IVXLC]{1,6}|[a-zđ])[.)]?$")


def build_units(doc: SourceDocument, extraction: Extraction | None = None) -> list[Unit]:
    """Every unit of one document, in reading order within each kind."""
    context = _Context.of(doc, extraction)
    tasks = _task_units(context) + _target_units(context)
    passages = [u for u in _passage_units(context) if not _covered(u, tasks)]
    return [_document_unit(context), *_section_units(context), *passages, *tasks]


@dataclass
class _Context:
    doc: SourceDocument
    extraction: Extraction | None
    agency_keys: dict[str, str]          # canonical agency name -> key
    citations: list[LegalRef]
    key_of_symbol: dict[str, str]        # cited symbol -> legal key

    @classmethod
    def of(cls, doc: SourceDocument, extraction: Extraction | None) -> "_Context":
        agencies = {a.name: a.key or fold(a.name) for a in extraction.agencies} if extraction else {}
        citations = list(extraction.citations) if extraction else []
        return cls(doc, extraction, agencies, citations, {c.symbol: legal_key(c) for c in citations})

    def unit(self, kind: str, n: int | str, text: str, start: int, end: int, cites: list[str] | None = None) -> Unit:
        """A unit with the document's metadata, citing what is cited inside its span unless told otherwise."""
        meta = self.extraction.meta if self.extraction else None
        year = ((meta.issued_date or "")[:4] or None) if meta else None
        cites = self.cites_within(start, end) if cites is None else cites
        return Unit(id=f"{self.doc.id}/{kind}/{n}", source=self.doc.source, doc_id=self.doc.id, kind=kind,
                    text=text, start=start, end=end, province=meta.province if meta else None,
                    doc_type=meta.doc_type if meta else None, year=year, cites=cites,
                    cites_via=self.chain_of(cites))

    def agency_key(self, name: str) -> str:
        return self.agency_keys.get(name) or fold(name)

    def cites_within(self, start: int, end: int) -> list[str]:
        return _unique(legal_key(c) for c in self.citations if start <= c.span.start and c.span.end <= end)

    def chain_of(self, keys: list[str]) -> list[str]:
        """Keys reached from `keys` through the implements links the text states (KH 359 -> NQ 57)."""
        implements = {legal_key(c): [self.key_of_symbol.get(s, s) for s in c.implements] for c in self.citations}
        seen: list[str] = []
        frontier = list(keys)
        while frontier:
            for reached in implements.get(frontier.pop(), []):
                if reached not in seen and reached not in keys:
                    seen.append(reached)
                    frontier.append(reached)
        return seen


def legal_key(ref: LegalRef) -> str:
    """The legal document's identity as the resolver keys it, or its type and symbol until it does."""
    return ref.key or f"{ref.doc_type} {ref.symbol}"


def _unique(items) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def build_entities(extraction: Extraction) -> list[Entity]:
    """The named things of one extraction that people search for by name, with the keys units link to."""
    entities = [Entity("agency", a.key or fold(a.name), a.name, tuple(a.aliases)) for a in extraction.agencies]
    entities += [Entity("person", fold(p.name), p.name, tuple(p.aliases)) for p in extraction.people]
    entities += [Entity("legal", legal_key(c), f"{c.doc_type} {c.symbol}") for c in extraction.citations]
    entities += [Entity("programme", p.key or fold(p.name), p.name, tuple(p.aliases)) for p in extraction.programmes]
    return list({(e.kind, e.key): e for e in entities}.values())


def _document_unit(context: _Context) -> Unit:
    doc = context.doc
    first_section = next((b.start for b in doc.blocks if b.kind == "heading" and b.numbering), len(doc.text))
    # a document opening on its first section has no head apart from it: its opening stands for it
    end = min(first_section or len(doc.text), HEAD_CHARS)
    return context.unit("document", 0, doc.text[:end], 0, end, cites=context.cites_within(0, len(doc.text)))


def _section_units(context: _Context) -> list[Unit]:
    doc = context.doc
    headings = [b for b in doc.blocks if b.kind == "heading"]
    units = []
    for n, heading in enumerate(headings):
        end = next((h.start for h in headings[n + 1:] if h.level <= heading.level), len(doc.text))
        text = doc.text[heading.start:min(end, heading.start + SECTION_CHARS)].strip()
        unit = context.unit("section", n, text, heading.start, end)
        unit.section = heading.text
        units.append(unit)
    return units


def _passage_units(context: _Context) -> list[Unit]:
    units: list[Unit] = []
    section = None
    for group in _passage_groups(context.doc.blocks):
        if group[0].kind == "heading":
            section = group[0].text
            continue
        for text, start, end in _passage_texts(group):
            if len(fold(text).split()) < MIN_SYLLABLES:
                continue
            unit = context.unit("passage", len(units), text, start, end)
            unit.section = section
            units.append(unit)
    return units


def _passage_groups(blocks: list[Block]) -> list[list[Block]]:
    """Blocks as passages: a list item takes its deeper sub-items along while the whole stays short."""
    groups: list[list[Block]] = []
    for block in blocks:
        if block.kind in ("signature", "recipients"):
            continue
        last = groups[-1] if groups else None
        if (block.kind == "list_item" and last and last[0].kind == "list_item" and block.level > last[0].level
                and sum(len(b.text) for b in last) + len(block.text) <= JOIN_CHARS):
            last.append(block)
        else:
            groups.append([block])
    return groups


def _passage_texts(group: list[Block]) -> list[tuple[str, int, int]]:
    if group[0].kind == "table":
        return [(_row_text(row), row.start, row.end) for row in group[0].body]
    return [(" ".join(b.text for b in group), group[0].start, group[-1].end)]


def _row_text(row: Row) -> str:
    """A row's cells, each once (merged cells repeat their text across the row), joined by " | "; the row's
    number ("1", "IV", "a)") is the table's furniture, not something the row says."""
    cells = [c.text for c in row.cells]
    if cells and _ROW_NUMBER.match(cells[0]):
        cells = cells[1:]
    return " | ".join(_unique(cells))


def _roles_in_words(lead: list[str], cooperating: list[str], directed_by: list[str]) -> str:
    parts = [(label, names) for label, names in
             (("chủ trì", lead), ("phối hợp", cooperating), ("chỉ đạo", directed_by)) if names]
    return "; ".join(f"{label}: {', '.join(names)}" for label, names in parts)


def _task_units(context: _Context) -> list[Unit]:
    return [_task_unit(context, task) for task in context.extraction.tasks] if context.extraction else []


def _task_unit(context: _Context, task: Task) -> Unit:
    roles = _roles_in_words(task.lead, task.cooperating, task.directed_by)
    text = f"{task.text} — {roles}" if roles else task.text
    cited = [legal_key(c) for c in context.citations if c.task_id == task.id]
    cited += [context.key_of_symbol.get(s, s) for s in task.citations]
    cited += context.cites_within(task.span.start, task.span.end)
    unit = context.unit("task", task.id, text, task.span.start, task.span.end, cites=_unique(cited))
    unit.lead = _unique(context.agency_key(n) for n in task.lead)
    unit.cooperating = _unique(context.agency_key(n) for n in task.cooperating)
    unit.directed_by = _unique(fold(n) for n in task.directed_by)
    unit.recipients = _unique(context.agency_key(n) for n in task.recipients)
    unit.period = task.period
    unit.section = task.section
    unit.content = task.text if roles else None
    return unit


def _target_units(context: _Context) -> list[Unit]:
    return [_target_unit(context, t) for t in context.extraction.targets] if context.extraction else []


def _target_unit(context: _Context, target: Target) -> Unit:
    figures = " ".join(p for p in (target.value, target.unit, target.year and f"năm {target.year}") if p)
    roles = _roles_in_words(target.lead, [], [])
    text = " — ".join(p for p in (target.text, figures, roles) if p)
    unit = context.unit("target", target.id, text, target.span.start, target.span.end)
    unit.lead = _unique(context.agency_key(n) for n in target.lead)
    unit.period = target.year
    unit.content = " — ".join(p for p in (target.text, figures) if p) if roles else None
    return unit


def _covered(passage: Unit, tasks: list[Unit]) -> bool:
    """True when task or target units already cover most of the passage's span."""
    length = max(1, passage.end - passage.start)
    inside = sum(max(0, min(passage.end, t.end) - max(passage.start, t.start)) for t in tasks)
    return inside / length >= TASK_COVERAGE
