"""Stable, readable IRIs minted from identity keys.

A key is a string of `|`-separated parts ("Nghị quyết|57-NQ/TW|national|2024"); each part is folded and slugged
into one path segment (`legal/nghi-quyet/57-nq-tw/national/2024`), so the same key always gives the same IRI and
two keys that differ only in case, diacritics or punctuation give the same one. A key without `|` is one segment.
Nodes that only exist inside one document (tasks, mentions, citations) are minted under that document's id.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from rdflib import URIRef

from ingest.document import Span
from ingest.text import fold
from ontology.terms import GRAPH, ID

UNKNOWN = "unknown"   # the segment for an empty key part (a citation printed without a year)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Folded, lower-case, runs of anything but letters and digits made one hyphen: "Sở KH&CN" -> "so-kh-cn"."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-") or UNKNOWN


def key_path(key: str) -> str:
    """The IRI path for a key: one slug per `|`-separated part."""
    if not key.strip():
        raise ValueError("cannot mint an IRI from an empty key; the resolver (or graph.keys) must supply one")
    return "/".join(slug(part) for part in key.split("|"))


def _local(value: str) -> str:
    """An id that is already local to a document (task ids such as "001-III.1.5"), kept readable but IRI-safe."""
    return quote(value.strip(), safe="-._~")


def legal_iri(key: str) -> URIRef:
    return ID[f"legal/{key_path(key)}"]


def agency_iri(key: str) -> URIRef:
    return ID[f"agency/{key_path(key)}"]


def person_iri(key: str) -> URIRef:
    return ID[f"person/{key_path(key)}"]


def programme_iri(key: str) -> URIRef:
    return ID[f"programme/{key_path(key)}"]


def doctype_iri(doc_type: str) -> URIRef:
    return ID[f"doctype/{slug(doc_type)}"]


def document_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{_local(doc_id)}"]


def graph_iri(doc_id: str) -> URIRef:
    """The named graph holding one source document's facts."""
    return GRAPH[_local(doc_id)]


def activity_iri(doc_id: str) -> URIRef:
    return GRAPH[f"{_local(doc_id)}/ingest"]


def extractor_iri(version: str) -> URIRef:
    return ID[f"software/plangraph/{_local(version)}"]


def mention_iri(doc_id: str, span: Span) -> URIRef:
    return ID[f"doc/{_local(doc_id)}/span/{span.start}-{span.end}"]


def citation_iri(doc_id: str, index: int) -> URIRef:
    return ID[f"doc/{_local(doc_id)}/citation/{index}"]


def anomaly_iri(doc_id: str, index: int) -> URIRef:
    return ID[f"doc/{_local(doc_id)}/anomaly/{index}"]


def post_iri(doc_id: str, label: str) -> URIRef:
    """An unnamed post ("Lãnh đạo Sở") means something only inside the document that prints it."""
    return ID[f"doc/{_local(doc_id)}/post/{slug(label)}"]


def task_iri(doc_id: str, task_id: str) -> URIRef:
    return ID[f"task/{_local(doc_id)}/{_local(task_id)}"]


def target_iri(doc_id: str, target_id: str) -> URIRef:
    return ID[f"target/{_local(doc_id)}/{_local(target_id)}"]


def product_iri(task: URIRef, index: int) -> URIRef:
    return URIRef(f"{task}/product/{index}")


def association_iri(owner: URIRef, role: str, index: int) -> URIRef:
    return URIRef(f"{owner}/{slug(role)}/{index}")
