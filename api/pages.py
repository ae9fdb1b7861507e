"""The entity pages' answers, as JSON-ready dicts, over the graph questions (graph/questions.py): a legal document
with who cites it and the chains, an agency with its tasks by period and its collaborators, a person, a task
with its duplicates, a document's text.

The questions answer; this module only adds what a page needs on top: every entity named carries its page link
(`href`), every fact its provenance (`provenance`: document, span, quoted sentence, and the link that opens the
document with that passage highlighted), and a small graph to draw.
"""
from __future__ import annotations

from collections import defaultdict
from functools import partial

from api.errors import NotFound, Unprocessable
from api.library import Snapshot
from api.links import document_link, page_of, task_of
from graph import questions
from graph.iri import document_iri, graph_iri, legal_iri, task_iri
from graph.questions import Ambiguous, Citing, QuestionError, RoleItem
from graph.view import CITING
from ingest.document import Block
from ontology.terms import ID

ROLE_RELATIONS = ("lead", "cooperating", "directed_by", "recipient")
MAX_DRAWN = 40            # nodes drawn in a page's graph
MAX_COLLABORATORS = 30
LABEL_CHARS = 160
LEGAL_PAGE_CITERS = 500   # citers a legal page lists (grouped by province and document); the rest are counted
PAGE_TASKS = 500   # tasks an agency or person page lists of each role (by period); the rest are counted


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1].rstrip() + "…"


def ref(snap: Snapshot, node: str) -> dict:
    """How a page names an entity: its IRI, kind, a readable label and its page."""
    graph = snap.graph
    kind = graph.kind(node) or "entity"
    label = graph.label(node) if node in graph.view else node.rsplit("/", 1)[-1]
    if node in graph.tasks:
        label = _short(graph.tasks[node]["text"])
    elif node in graph.documents:
        label = graph.documents[node]["title"] or graph.documents[node]["source"]
    elif node in graph.legal and graph.legal[node]["types"]:
        label = f"{sorted(graph.legal[node]['types'])[0]} {label}"
    return {"iri": node, "kind": kind, "label": label, "href": page_of(node)}


def _named_refs(snap: Snapshot, kind: str, names) -> list[dict]:
    """Entities given by name in an answer (issuers, directors), linked where the name is unambiguous."""
    out = []
    for name in names:
        nodes = snap.named(kind, name)
        out.append(ref(snap, nodes[0]) if len(nodes) == 1 else {"iri": None, "kind": kind, "label": name,
                                                                 "href": None})
    return out


def _span_provenance(doc_id: str, start: int, end: int, quote: str) -> dict:
    return {"doc_id": doc_id, "start": start, "end": end, "quote": quote,
            "href": document_link(doc_id, start, end)}


def _task_provenance(snap: Snapshot, node: str) -> list[dict]:
    task, doc = snap.graph.tasks.get(node), None
    if task is not None:
        doc = snap.graph.documents.get(task["doc"])
    if doc is None:
        return []
    return [_span_provenance(doc["doc_id"], task["start"], task["end"], task["text"])]


def _document_ref(snap: Snapshot, doc_id: str) -> dict:
    return ref(snap, str(document_iri(doc_id)))


def _ambiguous(answer: Ambiguous) -> dict:
    """Several entities answer to the name: the candidates, each with its page (agency and person keys are
    IRIs; legal keys mint theirs)."""
    def page(key: str) -> str | None:
        return page_of(key) if key.startswith(str(ID)) else page_of(str(legal_iri(key)))
    return {"ambiguous": True, "what": answer.what, "query": answer.query,
            "candidates": [{**c.to_dict(), "href": page(c.key)} for c in answer.candidates]}


# --- legal documents ------------------------------------------------------------------------------------------
def legal_page(snap: Snapshot, iri: str) -> dict:
    """Who cites the legal document, grouped by province and document, with each chain and sentence."""
    key = "|".join(iri[len(f"{ID}legal/"):].split("/"))   # graph.iri slugs are their own slugs: the path is a key
    try:
        answer = questions.cites(snap.state, key, limit=LEGAL_PAGE_CITERS)
    except QuestionError:
        raise NotFound(f"no legal document {iri} in the store") from None
    if isinstance(answer, Ambiguous):
        return _ambiguous(answer)
    document = answer.document
    groups = [{"province": province, "documents": [_citing_document(snap, hits) for hits in by_source.values()]}
              for province, by_source in answer.groups().items()]
    return {**ref(snap, iri), "key": document.key, "doc_type": document.doc_type, "symbol": document.symbol,
            "province": document.province, "year": document.year,
            "issuers": _named_refs(snap, "agency", document.issuers),
            "citers_total": answer.total, "direct_total": sum(c["direct"] for c in answer.counts.values()),
            "citers_listed": len(answer.citing), "counts": answer.counts, "through_total": answer.through_total,
            "groups": groups, "through": [_citing(snap, h) for h in answer.through],
            "plan_tasks": {doc_id: [_task_link(snap, doc_id, t) for t in tasks]
                           for doc_id, tasks in answer.plan_tasks.items()},
            "graph": _chain_graph(snap, iri, [*answer.through, *answer.citing])}


def _citing_document(snap: Snapshot, hits: list[Citing]) -> dict:
    first = hits[0]
    return {**_document_ref(snap, first.doc_id), "doc_id": first.doc_id, "source": first.source,
            "items": [_citing(snap, h) for h in hits]}


def _citing(snap: Snapshot, hit: Citing) -> dict:
    provenance = [_span_provenance(hit.doc_id, *hit.span, hit.sentence)] if hit.span and hit.doc_id else []
    return {**ref(snap, hit.node), "relation": hit.relation, "direct": hit.direct, "task_id": hit.task_id,
            "chain": [ref(snap, step.node) for step in hit.path], "chains": hit.chains,
            "provenance": provenance}


def _task_link(snap: Snapshot, doc_id: str, task_id: str) -> dict:
    return {**ref(snap, str(task_iri(doc_id, task_id))), "task_id": task_id}


def _chain_graph(snap: Snapshot, root: str, hits: list[Citing]) -> dict:
    """Every node on the chains (depth = steps from the document asked about) and the links between them."""
    depth: dict[str, int] = {root: 0}
    edges: dict[tuple[str, str], str] = {}
    for hit in sorted(hits, key=lambda h: len(h.path)):
        steps = [s.node for s in hit.path]
        if len(depth) + len(steps) > MAX_DRAWN and hit.node not in depth:
            continue
        for position, node in enumerate(steps):
            depth.setdefault(node, position)
            if position:
                edges[(node, steps[position - 1])] = _relation(snap, node, steps[position - 1])
    nodes = [{**ref(snap, node), "depth": d} for node, d in sorted(depth.items(), key=lambda kv: kv[1])]
    return {"nodes": nodes, "edges": [{"source": s, "target": t, "relation": r} for (s, t), r in edges.items()]}


def _relation(snap: Snapshot, citer: str, cited: str) -> str:
    keys = snap.view.get_edge_data(citer, cited, default={})
    return next((k for k in keys if k in CITING), "realizes")


# --- agencies and people ------------------------------------------------------------------------------------------
def _assignment(snap: Snapshot, item: RoleItem, role: str) -> dict:
    return {**ref(snap, item.node), "role": role, "task_id": item.task_id, "period": item.period,
            "section": item.section, "document": _document_ref(snap, item.doc_id) if item.doc_id else None,
            "directed_by": _named_refs(snap, "person", item.directed_by),
            "provenance": _task_provenance(snap, item.node)}


def _by_period(assignments: list[dict]) -> list[dict]:
    groups: dict[str | None, list[dict]] = defaultdict(list)
    for item in assignments:
        groups[item["period"]].append(item)
    order = sorted(groups, key=lambda p: (p is None, p or ""))
    return [{"period": period, "tasks": groups[period]} for period in order]


def agency_page(snap: Snapshot, iri: str) -> dict:
    """The tasks the agency leads, cooperates on, receives and directs, by period; its collaborators."""
    answer = _answer(partial(questions.agency, limit=PAGE_TASKS), snap, snap.graph.agencies, iri, "agency")
    if isinstance(answer, Ambiguous):
        return _ambiguous(answer)
    assignments = [_assignment(snap, item, role) for role, items in answer.roles.items() for item in items]
    collaborators = _collaborators(snap, iri)
    parent = snap.graph.agencies.get(iri, {}).get("parent")
    return {**ref(snap, iri), "label": answer.name, "aliases": answer.aliases, "province": answer.province,
            "parent": [ref(snap, parent)] if parent else [],
            "units": [ref(snap, s) for s, _t, rel in snap.view.in_edges(iri, keys=True) if rel == "sub_organization_of"],
            "roles": answer.counts, "tasks_listed": len(assignments),
            "periods": _by_period(assignments), "collaborators": collaborators,
            "graph": _star_graph(snap, iri, [(c["iri"], "collaborates", c["weight"]) for c in collaborators])}


def _answer(question, snap: Snapshot, known: dict, iri: str, what: str):
    """The question asked by IRI, for an IRI the graph has (a question would take anything else as a name)."""
    if iri not in known:
        raise NotFound(f"no {what} {iri} in the store")
    try:
        return question(snap.state, iri)
    except QuestionError:
        raise NotFound(f"no {what} {iri} in the store") from None


def _collaborators(snap: Snapshot, iri: str) -> list[dict]:
    network = snap.graph.collaboration()
    if iri not in network:
        return []
    ranked = sorted(network[iri].items(), key=lambda kv: (-kv[1]["weight"], kv[0]))[:MAX_COLLABORATORS]
    return [{**ref(snap, other), "weight": data["weight"]} for other, data in ranked]


def person_page(snap: Snapshot, iri: str) -> dict:
    """What a person directs, by period."""
    answer = _answer(partial(questions.person, limit=PAGE_TASKS), snap, snap.graph.people, iri, "person")
    if isinstance(answer, Ambiguous):
        return _ambiguous(answer)
    directs = [_assignment(snap, item, "directed_by") for item in answer.directs]
    return {**ref(snap, iri), "label": answer.name, "aliases": answer.aliases, "titles": answer.titles,
            "roles": {"directed_by": answer.total}, "tasks_listed": len(directs), "periods": _by_period(directs),
            "graph": _star_graph(snap, iri, [(d["iri"], "directed_by", 1) for d in directs])}


def _star_graph(snap: Snapshot, center: str, spokes: list[tuple[str, str, int]]) -> dict:
    spokes = spokes[:MAX_DRAWN - 1]
    nodes = [{**ref(snap, center), "depth": 0}] + [{**ref(snap, n), "depth": 1} for n, _r, _w in spokes]
    edges = [{"source": center, "target": n, "relation": r, "weight": w} for n, r, w in spokes]
    return {"nodes": nodes, "edges": edges}


# --- tasks ------------------------------------------------------------------------------------------------------
def task_card(snap: Snapshot, node: str) -> dict | None:
    """A task as the page shows it: text, roles (linked), period, products, its document, its sentence."""
    found = task_of(node)
    task = snap.task(*found) if found else None
    if task is None:
        return None
    roles = defaultdict(list)
    for _s, target, rel in snap.view.out_edges(node, keys=True):
        if rel in ROLE_RELATIONS:
            roles[rel].append(ref(snap, target))
    doc_id = found[0]
    return {**ref(snap, node), "doc_id": doc_id, "source": snap.entries[doc_id].source, "task_id": task.id,
            "text": task.text, "section": task.section, "period": task.period, "deadline": task.deadline,
            "task_kind": task.kind, "products": task.products, "roles": dict(roles),
            "document": _document_ref(snap, doc_id),
            "provenance": [_span_provenance(doc_id, task.span.start, task.span.end, task.text)]}


def task_page(snap: Snapshot, iri: str, embed_duplicates: bool) -> dict:
    """The task, what it cites, the programmes it serves, and its duplicates side by side."""
    card = task_card(snap, iri) if iri in snap.view else None
    if card is None:
        raise NotFound(f"no task {iri} in the store")
    view = snap.view
    cites = [{**ref(snap, t), "relation": rel} for _s, t, rel in view.out_edges(iri, keys=True) if rel in CITING]
    answer = questions.duplicates(snap.state, task=f"{card['source']}#{card['task_id']}", embed=embed_duplicates)
    duplicates = [{"kind": g.kind, "score": round(g.score, 3), "why": g.why,
                   "tasks": [c for c in (task_card(snap, _member(snap, s, t)) for s, t in g.tasks)
                             if c and c["iri"] != iri]} for g in answer.groups]
    spokes = [(r["iri"], role, 1) for role, refs in card["roles"].items() for r in refs]
    spokes += [(c["iri"], c["relation"], 1) for c in cites]
    return {**card, "cites": cites,
            "programmes": [ref(snap, t) for _s, t, rel in view.out_edges(iri, keys=True) if rel == "serves"],
            "duplicates": [d for d in duplicates if d["tasks"]], "graph": _star_graph(snap, iri, spokes)}


def _member(snap: Snapshot, source: str, task_id: str) -> str:
    doc_id = snap.doc_of_source(source) or ""
    return str(task_iri(doc_id, task_id)) if doc_id else ""


# --- documents ---------------------------------------------------------------------------------------------------
def document_list(snap: Snapshot) -> dict:
    documents = []
    for doc_id, entry in snap.entries.items():
        meta = snap.extractions[doc_id].meta
        documents.append({**_document_ref(snap, doc_id), "doc_id": doc_id, "source": entry.source,
                          "title": meta.title, "doc_type": meta.doc_type, "symbol": meta.symbol,
                          "province": meta.province, "issued_date": meta.issued_date,
                          "ingested_at": entry.ingested_at, "tasks": len(snap.extractions[doc_id].tasks)})
    return {"total": len(documents), "documents": documents}


def document_page(snap: Snapshot, doc_id: str, start: int | None, end: int | None) -> dict:
    """The document's text and blocks (with offsets), its tasks and citations linked, a passage highlighted."""
    doc = snap.documents.get(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id} in the store")
    highlight = _highlight(len(doc.text), start, end)
    page = snap.memo(("document", doc_id), lambda: _document(snap, doc_id))
    return {**page, "highlight": highlight}


def _document(snap: Snapshot, doc_id: str) -> dict:
    doc, entry, extraction = snap.documents[doc_id], snap.entries[doc_id], snap.extractions[doc_id]
    meta = extraction.meta
    graph = str(graph_iri(doc_id))
    citations = [{"start": c.start, "end": c.end, "relation": c.relation, **_legal_link(snap, c.cited)}
                 for found in snap.graph.citations.values() for c in found if c.graph == graph]
    return {**_document_ref(snap, doc_id), "doc_id": doc_id, "source": entry.source, "title": meta.title,
            "doc_type": meta.doc_type, "symbol": meta.symbol, "issued_date": meta.issued_date,
            "province": meta.province, "issuers": meta.issuers, "ingested_at": entry.ingested_at,
            "media_type": doc.media_type, "text": doc.text, "blocks": [_block(b) for b in doc.blocks],
            "tasks": [{"id": t.id, "start": t.span.start, "end": t.span.end,
                       "href": page_of(str(task_iri(doc_id, t.id)))} for t in extraction.tasks],
            "citations": sorted(citations, key=lambda c: c["start"])}


def _legal_link(snap: Snapshot, cited: str) -> dict:
    found = ref(snap, cited)
    return {"legal": found["label"], "href": found["href"]}


def _highlight(length: int, start: int | None, end: int | None) -> dict | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise Unprocessable("give both start and end to highlight a passage, or neither")
    if not 0 <= start <= end <= length:
        raise Unprocessable(f"the passage {start}-{end} is outside the document's text (0-{length})")
    return {"start": start, "end": end}


def _block(block: Block) -> dict:
    out = {"kind": block.kind, "start": block.start, "end": block.end, "numbering": block.numbering,
           "level": block.level}
    if block.rows:
        out["rows"] = [{"header": row.is_header, "section": row.is_section,
                        "cells": [[cell.start, cell.end] for cell in row.cells]} for row in block.rows]
    return out


# --- any other entity (programmes, targets, products, posts, anomalies) ----------------------------------------
def entity_page(snap: Snapshot, iri: str) -> dict:
    if iri not in snap.view:
        raise NotFound(f"no entity {iri} in the store")
    view = snap.view
    return {**ref(snap, iri),
            "links": [{**ref(snap, t), "relation": rel} for _s, t, rel in view.out_edges(iri, keys=True)],
            "linked_from": [{**ref(snap, s), "relation": rel} for s, _t, rel in view.in_edges(iri, keys=True)],
            "provenance": _task_provenance(snap, iri)}
