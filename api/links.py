"""Between the graph's stable IRIs and the app's routes, both ways, and the ids a client may send.

https://plangraph.vn/id/legal/<key path>  <->  /legal/<key path>
https://plangraph.vn/id/agency/<key path> <->  /agencies/<key path>
https://plangraph.vn/id/person/<key path> <->  /people/<key path>
https://plangraph.vn/id/task/<doc>/<task> <->  /tasks/<doc>/<task>
https://plangraph.vn/id/doc/<doc id>      <->  /documents/<doc id>
any other https://plangraph.vn/id/<path>  <->  /id/<path>

Ids are checked against the shapes graph.iri mints before they are used, so nothing a client sends reaches a
file path or a query unescaped.
"""
from __future__ import annotations

import re
from urllib.parse import quote, unquote

from api.errors import NotFound
from ontology.terms import ID

ROUTES = {"legal": "legal", "agency": "agencies", "person": "people", "task": "tasks", "doc": "documents"}
DOC_ID = re.compile(r"[0-9a-f]{16}")
# graph.iri.key_path: slugs of folded text, one per key part
KEY_PATH = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*){0,7}")
# graph.iri._local: percent-encoded, with "-._~" kept
LOCAL_ID = re.compile(r"[A-Za-z0-9\-._~%]{1,200}")
ID_PATH = re.compile(r"[A-Za-z0-9\-._~%]+(?:/[A-Za-z0-9\-._~%]+){0,9}")
_MAX_ID_CHARS = 400


def iri_of(kind: str, identifier: str) -> str:
    """The IRI an entity page names, after checking that the id has the shape the graph mints."""
    if kind == "doc":
        _check(DOC_ID, identifier, "a document id is 16 hexadecimal digits")
    elif kind == "task":
        doc_id, _, task_id = identifier.partition("/")
        _check(DOC_ID, doc_id, "a task is named /tasks/<document id>/<task id>")
        task_id = quote(unquote(task_id).strip(), safe="-._~")
        _check(LOCAL_ID, task_id, "a task id is the one its document's page lists")
        identifier = f"{doc_id}/{task_id}"
    elif kind in ROUTES:
        _check(KEY_PATH, identifier, "an id is lower-case words joined by '-' and '/', as the page links give it")
    else:
        _check(ID_PATH, identifier, "not an id of this service")
    return f"{ID}{kind}/{identifier}"


def _check(pattern: re.Pattern, value: str, hint: str) -> None:
    if len(value) > _MAX_ID_CHARS or not pattern.fullmatch(value):
        raise NotFound(f"no such entity {value[:80]!r}: {hint}")


def page_of(iri: str) -> str | None:
    """The app's route for an entity IRI; None for IRIs outside https://plangraph.vn/id/."""
    if not iri.startswith(str(ID)):
        return None
    kind, _, rest = iri[len(str(ID)):].partition("/")
    if kind in ROUTES and rest:
        return f"/{ROUTES[kind]}/{rest}"
    return f"/id/{kind}/{rest}" if rest else None


def document_link(doc_id: str, start: int | None = None, end: int | None = None) -> str:
    """The document page, with the sentence at [start, end) highlighted when given."""
    if start is None or end is None:
        return f"/documents/{doc_id}"
    return f"/documents/{doc_id}?start={start}&end={end}"


def task_of(iri: str) -> tuple[str, str] | None:
    """(document id, task id as the Extraction has it) of a task IRI."""
    prefix = f"{ID}task/"
    if not iri.startswith(prefix):
        return None
    doc_id, _, local = iri[len(prefix):].partition("/")
    return (doc_id, unquote(local)) if DOC_ID.fullmatch(doc_id) and local else None
