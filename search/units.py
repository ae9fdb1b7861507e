"""The unit of retrieval: what a person points at (a document, section, passage, table row / task, target)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

UnitKind = Literal["document", "section", "passage", "task", "target"]


@dataclass
class Unit:
    id: str                        # stable: "<doc id>/<kind>/<n>" or the task id
    source: str                    # file name
    doc_id: str
    kind: UnitKind
    text: str
    start: int
    end: int
    # entity links used for filters, facets and graph-aware ranking
    cites: list[str] = field(default_factory=list)          # legal-document keys cited directly
    cites_via: list[str] = field(default_factory=list)      # keys reached through implements/basis chains
    lead: list[str] = field(default_factory=list)           # agency keys by role
    cooperating: list[str] = field(default_factory=list)
    directed_by: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    province: str | None = None
    doc_type: str | None = None
    year: str | None = None
    period: str | None = None
    section: str | None = None
    # the unit's own words when `text` adds context for lexical search (a task's roles in words): what the
    # embedder reads, so that every task of one department does not look alike; None when `text` is all its own
    content: str | None = None
