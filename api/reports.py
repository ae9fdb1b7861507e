"""The store as a whole: its counts, its duplicate groups and the anomalies found in its documents."""
from __future__ import annotations

from collections import Counter

from api.errors import NotFound
from api.library import Snapshot
from api.links import document_link, page_of
from graph import questions
from graph.iri import task_iri


def stats(snap: Snapshot) -> dict:
    kinds = Counter(data.get("kind") for _node, data in snap.view.nodes(data=True))
    relations = Counter(key for _s, _t, key in snap.view.edges(keys=True))
    extractions = snap.extractions.values()
    return {"documents": len(snap.entries), "quads": sum(e.quads for e in snap.entries.values()),
            "units": snap.engine.count(), "nodes": dict(sorted(kinds.items())),
            "relations": dict(sorted(relations.items())),
            "tasks": sum(len(x.tasks) for x in extractions), "citations": sum(len(x.citations) for x in extractions),
            "anomalies": sum(len(x.anomalies) for x in extractions),
            "provinces": dict(Counter(x.meta.province or "không rõ" for x in extractions))}


def _known(snap: Snapshot, doc_id: str | None) -> None:
    if doc_id and doc_id not in snap.entries:
        raise NotFound(f"no document {doc_id} in the store")


def duplicates(snap: Snapshot, kind: str | None, doc_id: str | None, offset: int, limit: int, embed: bool) -> dict:
    _known(snap, doc_id)
    answer = snap.memo(("duplicates", doc_id, embed),
                       lambda: questions.duplicates(snap.state, doc=doc_id, embed=embed))
    groups = [g for g in answer.groups if not kind or g.kind == kind]
    return {"total": len(groups), "offset": offset, "limit": limit, "embedded": answer.embedded,
            "groups": [{"kind": g.kind, "score": round(g.score, 3), "why": g.why,
                        "tasks": [_member(snap, source, task_id) for source, task_id in g.tasks]}
                       for g in groups[offset:offset + limit]]}


def _member(snap: Snapshot, source: str, task_id: str) -> dict:
    doc_id = snap.doc_of_source(source)
    task = snap.task(doc_id, task_id) if doc_id else None
    if task is None:
        return {"source": source, "task_id": task_id, "doc_id": doc_id, "text": None, "href": None}
    return {"source": source, "task_id": task_id, "doc_id": doc_id, "text": task.text, "period": task.period,
            "lead": task.lead, "href": page_of(str(task_iri(doc_id, task_id))),
            "provenance": document_link(doc_id, task.span.start, task.span.end)}


def anomalies(snap: Snapshot, kind: str | None, doc_id: str | None, offset: int, limit: int) -> dict:
    _known(snap, doc_id)
    report = snap.memo(("lint",), lambda: questions.lint(snap.state))
    found = []
    for item in report.items:
        current = snap.doc_of_source(item.source)
        if (kind and item.kind != kind) or (doc_id and current != doc_id):
            continue
        found.append({"doc_id": current, "source": item.source, "kind": item.kind, "detail": item.detail,
                      "symbols": item.symbols,
                      "spans": [{"start": s.start, "end": s.end, "line": s.line, "quote": s.quote,
                                 "href": document_link(current, s.start, s.end) if current else None}
                                for s in item.spans]})
    return {"total": len(found), "offset": offset, "limit": limit, "anomalies": found[offset:offset + limit]}
