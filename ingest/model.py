"""What the extractors find in one document, before it becomes RDF.

Every finding carries the span of text it was read from (offsets into `SourceDocument.text`), so the graph can
state provenance for each fact. Entity identity (which agency, which legal document) is decided by the resolver
and recorded in the `key` fields; the graph builder mints IRIs from those keys.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from ingest.document import Span

Relation = Literal["basis", "task", "mention"]


@dataclass
class LegalRef:
    """A numbered reference to a legal or administrative document, as printed in one place."""
    doc_type: str                  # "Nghị quyết", "Quyết định", ...
    symbol: str                    # canonical symbol: "57-NQ/TW", "11/2025/QĐ-UBND"
    span: Span
    text: str                      # verbatim citation text
    date: str | None = None        # ISO date as printed here
    issuer: str | None = None      # resolved issuing body, with the province for local bodies
    relation: Relation = "mention"
    task_id: str | None = None     # the task it is cited in, when relation == "task"
    implements: list[str] = field(default_factory=list)   # symbols this cited document is said to implement/amend
    key: str = ""                  # identity: type + symbol + issuer's province + year


@dataclass
class AgencyMention:
    surface: str
    span: Span


@dataclass
class Agency:
    """One organisation named in the document, with every surface form used for it."""
    name: str                      # canonical, with the province for local bodies
    key: str                       # identity key (folded canonical name)
    aliases: list[str] = field(default_factory=list)
    mentions: list[AgencyMention] = field(default_factory=list)
    parent: str | None = None      # key of the parent organisation (a Phòng's Sở)
    province: str | None = None
    kind: str | None = None        # "Sở", "Phòng", "UBND", ...


@dataclass
class Person:
    name: str
    role: str | None
    span: Span
    aliases: list[str] = field(default_factory=list)


@dataclass
class Task:
    id: str                        # "<file prefix>-<section path>.<row>"
    section: str
    text: str
    span: Span
    kind: str = "task"             # task | research_project | indicator_work
    lead: list[str] = field(default_factory=list)          # canonical agency names
    cooperating: list[str] = field(default_factory=list)
    directed_by: list[str] = field(default_factory=list)   # person names or roles as printed
    recipients: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    period: str | None = None
    deadline: str | None = None
    ambiguous: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)     # symbols cited in the task
    programmes: list[str] = field(default_factory=list)    # names of programmes it belongs to


@dataclass
class Target:
    id: str
    text: str
    span: Span
    value: str | None = None
    unit: str | None = None
    year: str | None = None
    lead: list[str] = field(default_factory=list)


@dataclass
class Programme:
    name: str
    kind: str
    span: Span
    aliases: list[str] = field(default_factory=list)
    approved_by: list[str] = field(default_factory=list)
    province: str | None = None
    key: str = ""


@dataclass
class Anomaly:
    kind: str                      # citation_date_conflict | own_number_conflict | numbering_gap | impossible_date | copy_paste_section | other
    detail: str
    spans: list[Span] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)


@dataclass
class DocumentMeta:
    doc_type: str | None = None
    symbol: str | None = None
    issued_date: str | None = None
    province: str | None = None
    issuers: list[str] = field(default_factory=list)
    title: str | None = None
    key: str = ""


@dataclass
class Extraction:
    """Everything found in one SourceDocument."""
    source: str
    doc_id: str
    meta: DocumentMeta
    citations: list[LegalRef] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
