"""The search box's answers: hits with highlights, their source, their kind and, in Vietnamese, why they matched;
facets with readable labels; suggestions that lead to entity pages."""
from __future__ import annotations

import math

from api.errors import Unprocessable
from api.library import Snapshot
from api.links import document_link, page_of
from graph.iri import agency_iri, legal_iri, task_iri
from search.engine import Hit
from search.facets import FACETS

FILTERS = (*FACETS, "agency")
_ROLE_WORDS = {"lead": "chủ trì", "cooperating": "phối hợp", "directed_by": "chỉ đạo"}
_FIELD_WORDS = {"exact": "khớp từ khóa đúng dấu", "folded": "khớp từ khóa khi bỏ dấu",
                "exact+folded": "khớp từ khóa (cả có dấu và không dấu)"}


def search_answer(snap: Snapshot, query: str, k: int, offset: int, filters: dict[str, list[str]]) -> dict:
    try:
        result = snap.engine.search(query, k=k, offset=offset, filters=filters or None)
    except ValueError as error:   # the engine's own refusal of a filter or a paging value
        raise Unprocessable(str(error)) from None
    names = _entity_names(snap)
    return {"query": query, "total": result.total, "offset": offset, "limit": k,
            "next_offset": offset + k if offset + k < result.total else None,
            "filters": filters, "hits": [_hit(snap, hit, names) for hit in result.hits],
            "facets": {name: [{"value": value, "label": names.get(value, value), "count": count}
                              for value, count in values.items()]
                       for name, values in result.facets.items()}}


def _entity_names(snap: Snapshot) -> dict[str, str]:
    return snap.memo(("entity names",), lambda: {entity.key: entity.name for entity in snap.engine.entities})


def _hit(snap: Snapshot, hit: Hit, names: dict[str, str]) -> dict:
    unit = snap.units.get(hit.id)
    doc_id = unit.doc_id if unit else hit.id.split("/", 1)[0]
    extraction = snap.extractions.get(doc_id)
    links = {"document": document_link(doc_id, hit.start, hit.end)}
    task = _task_link(snap, doc_id, hit)
    if task:
        links["task"] = task
    return {"id": hit.id, "kind": hit.kind, "doc_id": doc_id, "source": hit.source,
            "document_title": extraction.meta.title if extraction else None, "text": hit.text,
            "start": hit.start, "end": hit.end, "score": _plain(hit.score),
            "highlights": [list(h) for h in hit.highlights], "why": why(hit.explanation, names),
            "explanation": _plain(hit.explanation), "links": links}


def _task_link(snap: Snapshot, doc_id: str, hit: Hit) -> str | None:
    """A task unit's page (unit ids are "<doc id>/task/<task id>")."""
    if hit.kind != "task":
        return None
    task_id = hit.id.split("/", 2)[-1]
    return page_of(str(task_iri(doc_id, task_id))) if snap.task(doc_id, task_id) else None


def why(explanation: dict, names: dict[str, str]) -> list[str]:
    """The engine's explanation in words a reader of the page understands."""
    reasons = []
    lexical = explanation.get("lexical") or {}
    if lexical.get("field") in _FIELD_WORDS:
        reasons.append(_FIELD_WORDS[lexical["field"]])
    dense = explanation.get("dense") or {}
    if dense.get("rank"):
        reasons.append(f"gần nghĩa với câu tìm (hạng {dense['rank']} theo ngữ nghĩa)")
    for reason in explanation.get("graph") or []:
        name = names.get(reason["key"]) or _key_name(reason["key"])
        if reason["why"] == "cites":
            reasons.append(f"trích dẫn {name}")
        elif reason["why"].startswith("cites"):
            reasons.append(f"thực hiện {name} qua chuỗi văn bản")
        elif reason["why"] in _ROLE_WORDS:
            reasons.append(f"{name} {_ROLE_WORDS[reason['why']]}")
    duplicates = explanation.get("duplicates") or []
    if duplicates:
        reasons.append(f"có {len(duplicates)} nội dung trùng lặp")
    return list(dict.fromkeys(reasons))


def _key_name(key: str) -> str:
    """A legal key "Nghị quyết|57-NQ/TW|national|2024" read as "Nghị quyết 57-NQ/TW"."""
    parts = key.split("|")
    return " ".join(parts[:2]) if len(parts) >= 2 else key


def _plain(value):
    """JSON-safe: numpy numbers as Python numbers, NaN and infinities as null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def suggest_answer(snap: Snapshot, prefix: str, limit: int) -> dict:
    """The engine's suggestions, each with the page it opens; two keys of one entity (a citation printed with
    and without its year) are one suggestion."""
    merged: dict[tuple[str, str], dict] = {}
    for s in snap.engine.suggest(prefix, limit):
        href = locate(snap, s.kind, s.key, s.name)
        slot = (s.kind, href or s.key)
        if slot in merged:
            merged[slot]["units"] += s.units
        else:
            merged[slot] = {"name": s.name, "kind": s.kind, "key": s.key, "units": s.units, "href": href}
    return {"query": prefix, "suggestions": list(merged.values())}


def locate(snap: Snapshot, kind: str, key: str, name: str) -> str | None:
    """The page of a suggested entity: by the IRI its key mints, else by its name among the graph's nodes
    (a key the search side completes differently, a person keyed by name alone); else a search for it."""
    minted = {"legal": legal_iri, "agency": agency_iri}.get(kind)
    if minted is not None:
        try:
            node = str(minted(key))
        except ValueError:
            node = None
        if node in snap.view:
            return page_of(node)
    label = key.split("|")[1] if kind == "legal" and "|" in key else name
    candidates = snap.named(kind, label)
    if candidates:
        best = max(candidates, key=lambda n: (snap.view.in_degree(n), n))
        return page_of(best)
    return None
