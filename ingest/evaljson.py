"""The `eval-json` output of `plangraph extract`: the shape of ../shared/eval/SCHEMA.md, one object per document,
with the cross-document duplicate groups and the anomalies at the top level."""
from __future__ import annotations

from typing import Iterable

from ingest.model import Extraction

ANNOTATED = ["doc", "citations", "agencies", "people", "tasks", "targets", "duplicates", "anomalies", "programmes"]


def document_object(ex: Extraction) -> dict:
    meta = ex.meta
    return {
        "source": ex.source,
        "annotated": ANNOTATED,
        "recall_only": [],
        "doc_type": meta.doc_type,
        "title": meta.title,
        "symbol": meta.symbol,
        "issued_date": meta.issued_date,
        "province": meta.province,
        "issuers": meta.issuers,
        "citations": [{"doc_type": c.doc_type, "symbol": c.symbol, "date": c.date, "issuer": c.issuer,
                       "relation": c.relation, "task_ref": c.task_id, "implements": c.implements, "text": c.text,
                       "key": c.key, "start": c.span.start, "end": c.span.end} for c in ex.citations],
        "agencies": [{"name": a.name, "aliases": a.aliases, "key": a.key, "parent": a.parent, "province": a.province}
                     for a in ex.agencies],
        "people": [{"name": p.name, "role": p.role, "aliases": p.aliases} for p in ex.people],
        "tasks": [{"id": t.id, "section": t.section, "text": t.text, "lead": t.lead, "cooperating": t.cooperating,
                   "directed_by": t.directed_by, "recipients": t.recipients, "products": t.products,
                   "period": t.period, "deadline": t.deadline, "kind": t.kind, "ambiguous": t.ambiguous,
                   "citations": t.citations, "start": t.span.start, "end": t.span.end} for t in ex.tasks],
        "programmes": [{"name": p.name, "aliases": p.aliases, "kind": p.kind, "approved_by": p.approved_by,
                        "province": p.province} for p in ex.programmes],
        "targets": [{"id": t.id, "text": t.text, "value": t.value, "unit": t.unit, "year": t.year, "lead": t.lead}
                    for t in ex.targets],
    }


def eval_json(extractions: Iterable[Extraction], duplicates: list[dict] | None = None) -> dict:
    extractions = list(extractions)
    return {
        "documents": [document_object(ex) for ex in extractions],
        "duplicates": duplicates or [],
        "anomalies": [{"source": ex.source, "kind": a.kind, "detail": a.detail, "symbols": a.symbols,
                       "spans": [[s.start, s.end] for s in a.spans]} for ex in extractions for a in ex.anomalies],
    }
