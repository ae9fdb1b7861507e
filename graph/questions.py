"""The graph questions, as services the CLI and the HTTP API both call: who cites what (and through which chain),
what a document rests on, who is responsible for what, what a leader directs, which tasks repeat, what is
inconsistent.

Every answer is a typed result with `to_dict()`; a name that fits several entities gives `Ambiguous` with the
candidates to choose from (pass a candidate's `key` back to pick it); a name that fits none raises
`QuestionError`.

The answers are computed over the store's graph in `graph.view`'s schema (nodes with `kind` and `label`, edges
keyed by relation with the named graphs stating them), read one of two ways with the same interface: a
`HeldState` (the HTTP service's snapshot) holds it in memory as a NetworkX view combined from its documents'
parts (`graph.parts`), so `graph.view.collaboration` applies to it; a `Store` on disk answers from its question
index (`graph.question_index`, SQLite beside the manifest), brought up to the store's state first (only the
documents that changed are read), so a question over a large store costs indexed lookups, not minutes of loading
and gigabytes of view. Each question also exists as a parameterised query in `ontology/queries/*.rq`
(`run_query`), and the tests hold the answers equal.
"""
from __future__ import annotations

import re
import threading
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Protocol

from graph import iri
from graph.duplicates import DuplicateFinder, DuplicateGroup, PreparedDocument, prepare
from graph.parts import Assignment, Citation, Citer, QuestionGraph, without_place
from graph.parts import forget_parts as _forget_graph_parts
from graph.duplicate_index import duplicate_index
from graph.question_index import IndexedGraph, following, indexed_graph
from graph.store import ManifestEntry, Store
from graph.view import CITING
from ingest.agencies import province_of, provinces
from ingest.citations import find_reference, symbol_type
from ingest.document import SourceDocument, Span
from ingest.errors import PlangraphError
from ingest.keys import agency_key
from ingest.model import DocumentMeta, Extraction, Programme, Task
from ingest.text import fold
from ontology.terms import ID

ROLES = ("lead", "cooperating", "recipient", "directed_by")
RELATION_OF_EDGE = {"based_on": "basis", "applies": "applies", "amends": "amends"}   # "cites": task or mention
_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/-])")
# From this many documents a task's duplicates (on wording) come from the on-disk index (some 0.1-1.5 s a task,
# memory flat), below it from the finder over every task, built once per state (18 s at 420 documents, then
# about 1 ms a task): the answers are the same.
INDEXED_DUPLICATES = 1000


class QuestionError(PlangraphError):
    """Nothing in the store answers to the name asked about; the message says what was looked for."""


class SparqlEndpoint(Protocol):
    """Where the SPARQL of the questions runs: the local `graph.store.Store` (in-process Oxigraph) or a
    `graph.remote.RemoteGraphStore` (a SPARQL 1.1 server); both answer in `Store.query`'s shapes."""

    def query(self, sparql: str) -> list[dict[str, str]] | bool: ...


# ------------------------------------------------------------------------------------------------ results
@dataclass
class Candidate:
    key: str                               # pass it back as the name to pick this candidate
    label: str
    details: dict[str, str | None]         # issuer / province / year, or province / parent
    count: int                             # citing documents, or tasks with a role

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Ambiguous:
    query: str
    what: str                              # "legal document" | "agency" | "person" | "document or task"
    candidates: list[Candidate]

    def to_dict(self) -> dict:
        return {"ambiguous": True, "query": self.query, "what": self.what,
                "candidates": [c.to_dict() for c in self.candidates]}


@dataclass
class LegalDocument:
    key: str                               # type|symbol|province-or-national|year, as the resolver keyed it
    iris: list[str]                        # the nodes that are this document (a year-less citation joins it)
    doc_type: str
    symbol: str
    issuers: list[str]
    province: str | None
    year: str | None

    @property
    def label(self) -> str:
        return f"{self.doc_type} {self.symbol}"

    def to_dict(self) -> dict:
        return {**asdict(self), "label": self.label}


@dataclass
class Step:
    node: str                              # IRI
    kind: str                              # legal | document | task
    label: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Citing:
    """One document or task that cites the document asked about, directly or through a chain."""
    kind: str                              # document | task
    node: str
    doc_id: str
    source: str
    province: str | None
    document: str                          # the citing document's title (or file name)
    task_id: str | None
    text: str                              # the task's text, or the document's title
    relation: str                          # basis | task | mention: how it cites the first link of its path
    direct: bool
    path: list[Step]                       # from the document asked about to this one (a shortest chain)
    sentence: str                          # the sentence of the citation, from the stored document
    span: tuple[int, int] | None
    chains: list[str] = field(default_factory=list)   # every chain it is reached by, as labels

    def chain(self) -> str:
        return " ← ".join(step.label for step in self.path)

    def to_dict(self) -> dict:
        return {**asdict(self), "path": [s.to_dict() for s in self.path], "chain": self.chain()}


@dataclass
class CitesAnswer:
    reference: str
    document: LegalDocument
    citing: list[Citing]
    through: list[Citing]                  # legal documents on the chains (KH 359 implementing NQ 57)
    plan_tasks: dict[str, list[str]]       # doc_id -> tasks of a plan that rests on it as its basis
    total: int                             # citing documents and tasks, listed or not
    counts: dict[str, dict[str, int]]      # province -> documents, tasks, direct citers
    through_total: int                     # legal documents on the chains (`through` lists the `limit` nearest)
    offset: int = 0                        # `citing` lists the citers from this one on,
    limit: int | None = None               # this many (None: all)

    def groups(self) -> dict[str, dict[str, list[Citing]]]:
        """province -> citing document's file -> its citations (the document first, then its tasks)."""
        grouped: dict[str, dict[str, list[Citing]]] = defaultdict(lambda: defaultdict(list))
        for hit in sorted(self.citing, key=lambda h: (h.province or "", h.source, h.kind != "document",
                                                      h.task_id or "")):
            grouped[hit.province or "national"][hit.source].append(hit)
        return {p: dict(docs) for p, docs in grouped.items()}

    def to_dict(self) -> dict:
        return {"reference": self.reference, "document": self.document.to_dict(),
                "groups": {p: {s: [h.to_dict() for h in hits] for s, hits in docs.items()}
                           for p, docs in self.groups().items()},
                "through": [h.to_dict() for h in self.through], "plan_tasks": self.plan_tasks,
                "total": self.total, "counts": self.counts, "through_total": self.through_total,
                "offset": self.offset, "limit": self.limit}


@dataclass
class BasisAnswer:
    """What a document or task rests on: every legal document up its chains, each with the path to it."""
    subject: Step
    source: str
    basis: list[tuple[Step, str, list[Step]]]   # (legal document, relation of its first link, path to it)

    def to_dict(self) -> dict:
        return {"subject": self.subject.to_dict(), "source": self.source,
                "basis": [{"document": d.to_dict(), "relation": rel, "path": [s.to_dict() for s in path],
                           "chain": " → ".join(s.label for s in path), "depth": len(path) - 1}
                          for d, rel, path in self.basis]}


@dataclass
class RoleItem:
    kind: str                              # task | target
    node: str
    doc_id: str
    source: str
    task_id: str
    text: str
    period: str | None
    section: str | None
    directed_by: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class AgencyAnswer:
    agency: str                            # IRI
    name: str
    aliases: list[str]
    province: str | None
    parent: str | None
    roles: dict[str, list[RoleItem]]       # lead | cooperating | recipient | directed_by -> the page of items
    collaborators: list[tuple[str, int]]   # (agency name, shared tasks), most first
    units: list[str]                       # agencies that are units of this one
    counts: dict[str, int]                 # role -> all its items, listed or not
    offset: int = 0
    limit: int | None = None

    def by_document(self, role: str) -> dict[str, dict[str, list[RoleItem]]]:
        """file -> period -> items, for one role."""
        grouped: dict[str, dict[str, list[RoleItem]]] = defaultdict(lambda: defaultdict(list))
        for item in self.roles.get(role, []):
            grouped[item.source][item.period or "—"].append(item)
        return {s: dict(periods) for s, periods in grouped.items()}

    def to_dict(self) -> dict:
        return {"agency": self.agency, "name": self.name, "aliases": self.aliases, "province": self.province,
                "parent": self.parent, "units": self.units,
                "roles": {r: [i.to_dict() for i in items] for r, items in self.roles.items()},
                "by_document": {r: {s: {p: [i.task_id for i in items] for p, items in periods.items()}
                                    for s, periods in self.by_document(r).items()} for r in self.roles},
                "collaborators": [{"name": n, "shared_tasks": c} for n, c in self.collaborators],
                "counts": self.counts, "offset": self.offset, "limit": self.limit}


@dataclass
class PersonAnswer:
    person: str
    name: str
    aliases: list[str]
    titles: list[str]
    directs: list[RoleItem]                # the page of the tasks they direct
    total: int                             # all the tasks they direct, listed or not
    offset: int = 0
    limit: int | None = None

    def to_dict(self) -> dict:
        return {"person": self.person, "name": self.name, "aliases": self.aliases, "titles": self.titles,
                "directs": [i.to_dict() for i in self.directs], "total": self.total, "offset": self.offset,
                "limit": self.limit}


@dataclass
class DuplicatesAnswer:
    groups: list[DuplicateGroup]
    texts: dict[str, str]                  # "source#task id" -> task text
    embedded: bool                         # whether meaning (embeddings) was used, or wording alone

    def to_dict(self) -> dict:
        return {"embedded": self.embedded,
                "groups": [{**g.to_dict(), "texts": [self.texts.get(f"{s}#{t}", "") for s, t in g.tasks]}
                           for g in self.groups]}


@dataclass
class LintSpan:
    start: int
    end: int
    line: int
    quote: str


@dataclass
class LintItem:
    source: str
    kind: str
    detail: str
    symbols: list[str]
    spans: list[LintSpan]


@dataclass
class LintReport:
    items: list[LintItem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"anomalies": [asdict(i) for i in self.items]}


class HeldState:
    """One state of a store held in memory (the HTTP service's snapshot): questions asked of it answer from that
    state alone while the store on disk moves on. It reads like a `Store` (path, documents(), entry(),
    document(), extraction()), and keeps its view and its duplicate finders."""

    def __init__(self, path: Path, entries: dict[str, ManifestEntry], documents: dict[str, SourceDocument],
                 extractions: dict[str, Extraction], graph: QuestionGraph) -> None:
        self.path = path
        self.entries, self.graph = entries, graph
        self._documents, self._extractions = documents, extractions
        self._finders: dict[bool, DuplicateFinder] = {}
        self._building = threading.Lock()

    def documents(self) -> list[ManifestEntry]:
        return list(self.entries.values())

    def entry(self, doc_or_source: str) -> ManifestEntry:
        found = self.entries.get(doc_or_source) or next(
            (e for e in self.entries.values() if e.source == doc_or_source), None)
        if found is None:
            raise KeyError(f"no document {doc_or_source!r} in the store at {self.path}")
        return found

    def document(self, doc_id: str) -> SourceDocument:
        return self._documents[doc_id]

    def extraction(self, doc_id: str) -> Extraction:
        return self._extractions[doc_id]

    def duplicate_finder(self, embed: bool) -> DuplicateFinder:
        """Built on first use (by one request; the others wait for it), from the documents' prepared tasks."""
        with self._building:
            if embed not in self._finders:
                self._finders[embed] = _finder(self.path, self.documents(), self.extraction, embed)
            return self._finders[embed]

    def prepare_tasks(self) -> None:
        """Prepare every document's tasks for the duplicate finders (what their first build would do; kept
        for the states after this one)."""
        _prepared(self.path, self.documents(), self.extraction)


StoreLike = Store | HeldState


# ------------------------------------------------------------------------------------------------ store states
_VIEWS: dict[str, tuple[tuple[str, ...], IndexedGraph]] = {}              # store -> (graph files, its graph)
_PREPARED: dict[tuple[str, str], PreparedDocument] = {}                    # (store, graph file) -> its tasks
_FINDERS: dict[tuple[str, bool], tuple[tuple[str, ...], DuplicateFinder]] = {}
_CACHES = threading.Lock()
GraphLike = QuestionGraph | IndexedGraph


def question_graph(store: StoreLike) -> GraphLike:
    """The graph the questions read: a held state's own in-memory view, or, for a store on disk, its question
    index (`graph.question_index`) brought up to the store's current state (only the documents that changed are
    read) and reused until the store changes."""
    if isinstance(store, HeldState):
        return store.graph
    return following(store, _VIEWS, "question", lambda e: e.graph_file, lambda entries: indexed_graph(store, entries))


def forget_parts(store: Store, entries: Iterable[ManifestEntry]) -> None:
    """Drop the kept graph parts and prepared tasks of `store`'s graph files other than those of `entries`."""
    _forget_graph_parts(store, entries)
    root, kept = str(store.path.resolve()), {e.graph_file for e in entries}
    with _CACHES:
        for key in [k for k in _PREPARED if k[0] == root and k[1] not in kept]:
            del _PREPARED[key]


def _rows(endpoint: SparqlEndpoint, sparql: str) -> list[dict[str, str]]:
    result = endpoint.query(sparql)
    assert isinstance(result, list)
    return result


def _sentence(store: StoreLike, qg: GraphLike, doc_id: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return ""
    try:
        return qg.sentence(store, doc_id, span)
    except KeyError:
        return ""


# ------------------------------------------------------------------------------------------------ cites
def resolve_legal(store: StoreLike, reference: str) -> LegalDocument | Ambiguous:
    """The legal document a reference names, in any surface form ("NQ 57", "57-NQ/TW", "nghi quyet so 57",
    "Quyết định 749/QĐ-TTg", a key); a year ("… năm 2021") or a province narrows it."""
    qg = question_graph(store)
    found = _legal_candidates(qg, reference)
    if not found:
        raise QuestionError(f"no legal document in the store at {store.path} matches {reference!r} "
                            f"(try the symbol as printed, e.g. \"57-NQ/TW\" or \"Quyết định 749/QĐ-TTg\")")
    documents = _merge_yearless(qg, found)
    documents = _narrow(documents, reference)
    if len(documents) == 1:
        return documents[0]
    return Ambiguous(reference, "legal document", [
        Candidate(d.key, d.label, {"issuer": "; ".join(d.issuers) or None, "province": d.province or "national",
                                   "year": d.year}, _citing_documents(qg, d.iris))
        for d in sorted(documents, key=lambda d: (d.province or "", d.year or "", d.symbol))])


def _legal_candidates(qg: GraphLike, reference: str) -> list[str]:
    if "|" in reference:
        node = str(iri.legal_iri(reference))
        return [node] if node in qg.legal else []
    refs = find_reference(reference)
    if not refs:
        return []
    ref = refs[0]
    wanted_symbol = fold(ref.symbol) if ref.symbol else None
    out = []
    for node in qg.legal_by_number(ref.number):
        entry = qg.legal[node]
        symbols = {fold(s) for s in entry["symbols"]}
        if wanted_symbol:
            if wanted_symbol not in symbols:
                continue
        elif not any(re.match(rf"{re.escape(ref.number)}(?:/\d{{4}})?[/-]", s) for s in symbols):
            continue
        types = entry["types"] | {t for s in entry["symbols"] if (t := symbol_type(s))}
        if ref.doc_type and ref.doc_type not in types:
            continue
        out.append(node)
    return out


def _identity(qg: GraphLike, node: str) -> LegalDocument:
    """Type, symbol, place and year of a legal node; the place and year are read from its IRI, which
    `graph.iri` mints from the key as legal/{type}/{symbol}/{province|national}/{year}."""
    entry = qg.legal[node]
    place, year = node[len(str(ID)):].split("/")[-2:]
    symbol = qg.label(node)
    # the type the symbol's code names, as ingest.keys keys it; else the type word printed
    doc_type = symbol_type(symbol) or (sorted(entry["types"])[0] if entry["types"] else "?")
    province = None if place == "national" else _province_from_slug(place)
    year_part = None if year == iri.UNKNOWN else year
    return LegalDocument("|".join([doc_type, symbol, province or "national", year_part or ""]), [node], doc_type,
                         symbol, sorted(entry["issuers"]), province, year_part)


@lru_cache(maxsize=1)
def _province_slugs() -> dict[str, str]:
    return {iri.slug(name): name for name, _prefix in set(provinces().values())}


def _province_from_slug(place: str) -> str:
    return _province_slugs().get(place, place)


def _merge_yearless(qg: GraphLike, nodes: list[str]) -> list[LegalDocument]:
    """A citation printed without a date (or year) joins the one dated document of the same type, symbol and
    place, as `graph.keys` does within a document; across documents the store keeps them as two nodes."""
    documents = [_identity(qg, n) for n in nodes]
    dated = [d for d in documents if d.year]
    merged = list(dated)
    for d in documents:
        if d.year:
            continue
        same = [x for x in dated if (fold(x.doc_type), fold(x.symbol), x.province) ==
                (fold(d.doc_type), fold(d.symbol), d.province)]
        if len(same) == 1:
            same[0].iris.extend(d.iris)
            same[0].issuers = sorted(set(same[0].issuers) | set(d.issuers))
        else:
            merged.append(d)
    return merged


def _narrow(documents: list[LegalDocument], reference: str) -> list[LegalDocument]:
    """Keep the candidates of the year or province the reference names, when it names one."""
    without_symbol = re.sub(r"\d+(?:/\d{4})?[/-][\w/&.-]+", " ", reference)
    year = _YEAR.search(without_symbol)
    if year:
        documents = [d for d in documents if d.year == year.group(1)] or documents
    place = province_of(reference)
    if place:
        documents = [d for d in documents if d.province == place[0]] or documents
    return documents


def _citing_documents(qg: GraphLike, nodes: list[str]) -> int:
    return len({_document_of(qg, s) for n in nodes for s, _t, rel in qg.view.in_edges(n, keys=True)
                if rel in CITING} - {None})


def _document_of(qg: GraphLike, node: str) -> str | None:
    if node in qg.documents:
        return node
    task = qg.tasks.get(node)
    return task["doc"] if task else None


def cites(store: StoreLike, reference: str, *, offset: int = 0, limit: int | None = None) -> CitesAnswer | Ambiguous:
    """Every document and task citing the legal document `reference` names, directly or through documents that
    implement it or rest on it, with the path, the relation and the source sentence. The citers are counted by
    province, and listed in the order of `CitesAnswer.groups` from `offset`, `limit` of them (None: all): only
    those listed are read in full, so the first page of a resolution with 50k citers costs a page."""
    resolved = resolve_legal(store, reference)
    if isinstance(resolved, Ambiguous):
        return resolved
    qg = question_graph(store)
    walk = qg.citers(tuple(resolved.iris))
    paths = _Paths(qg, walk.reached, resolved.label)
    citing = [_citing(store, qg, node, paths, resolved.iris)
              for node in walk.citing[offset:None if limit is None else offset + limit]]
    through = [_through(store, qg, node, paths.of(node)[-2].node, paths.of(node)) for node in walk.on_chains[:limit]]
    for hit in through:
        hit.chains = _chains(qg, hit.node, paths, resolved.iris)
    plans = qg.plan_tasks([h.node for h in citing if h.kind == "document" and h.relation == "basis"])
    return CitesAnswer(reference, resolved, citing, through,
                       {qg.documents[doc]["doc_id"]: tasks for doc, tasks in plans.items() if tasks},
                       len(walk.citing), walk.counts, len(walk.on_chains), offset, limit)


class _Paths:
    """The shortest path of each node a walk reached, back to the document asked about, built when asked."""

    def __init__(self, qg: GraphLike, reached: dict[str, Citer], label: str) -> None:
        self.qg, self.reached, self.label = qg, reached, label
        self._held: dict[str, list[Step]] = {}

    def of(self, node: str) -> list[Step]:
        if node not in self._held:
            citer = self.reached[node]
            if citer.parent is None:
                self._held[node] = [Step(node, "legal", self.label)]
            elif not citer.stepped:   # the same document as its parent
                self._held[node] = self.of(citer.parent)
            else:
                self._held[node] = [*self.of(citer.parent),
                                    Step(node, citer.kind or "", _step_label(self.qg, node))]
        return self._held[node]

    def stepped(self, node: str) -> bool:
        return node in self.reached and self.reached[node].stepped


def _chains(qg: GraphLike, node: str, paths: _Paths, starts: list[str]) -> list[str]:
    """One chain per link by which `node` reaches the document asked about (directly, through KH 359, ...)."""
    chains = set()
    for _s, cited, relation in qg.view.out_edges(node, keys=True):
        if relation not in CITING:
            continue
        for same in _cited_nodes(qg, cited):
            if same in starts:
                chains.add(" ← ".join([_step_label(qg, same), _step_label(qg, node)]))
            elif paths.stepped(same):
                chains.add(" ← ".join([s.label for s in paths.of(same)] + [_step_label(qg, node)]))
    return sorted(chains, key=lambda c: (c.count("←"), c))


def _step_label(qg: GraphLike, node: str) -> str:
    kind = qg.kind(node)
    if kind == "legal":
        types = qg.legal.get(node, {}).get("types") or {""}
        return f"{sorted(types)[0]} {qg.label(node)}".strip()
    if kind == "document":
        doc = qg.documents.get(node, {})
        return doc.get("title") or doc.get("source") or qg.label(node)
    if kind == "task":
        return f"task {qg.tasks.get(node, {}).get('id', qg.label(node))}"
    return qg.label(node)


def _citing(store: StoreLike, qg: GraphLike, node: str, paths: _Paths, starts: list[str]) -> Citing:
    citer, path = paths.reached[node], paths.of(node)
    doc = qg.documents[citer.doc]
    citation = _best_citation(qg, node, _cited_nodes(qg, path[-2].node))
    relation = citation.relation if citation else _relation_of(qg, node, path[-2].node)
    span = (citation.start, citation.end) if citation else None
    task = qg.tasks.get(node) if citer.task_id is not None else None
    return Citing(citer.kind or "", node, doc["doc_id"], doc["source"], doc["province"],
                  doc["title"] or doc["source"], citer.task_id, task["text"] if task else (doc["title"] or doc["source"]),
                  relation, citer.level == 1, path, _sentence(store, qg, doc["doc_id"], span), span,
                  _chains(qg, node, paths, starts))


def _cited_nodes(qg: GraphLike, node: str) -> set[str]:
    """A node and the ones it is the same document as (its realizations)."""
    return {node} | qg.realizations(node)


def _best_citation(qg: GraphLike, citer: str, cited: set[str]) -> Citation | None:
    found = [c for target in cited for c in qg.citations.get((citer, target), [])]
    order = {"basis": 0, "task": 1, "mention": 2}
    return min(found, key=lambda c: (order.get(c.relation, 3), c.start), default=None)


def _relation_of(qg: GraphLike, citer: str, cited: str) -> str:
    for target in sorted(_cited_nodes(qg, cited)):
        for key in _citing_keys(qg, citer, target):
            if key in CITING:
                return RELATION_OF_EDGE.get(key, "task" if qg.kind(citer) == "task" else "mention")
    return "mention"


def _citing_keys(qg: GraphLike, source: str, target: str) -> list[str]:
    """The citing relations of the edges from `source` to `target`, in CITING's order."""
    stated = qg.view.get_edge_data(source, target, default={})
    return [key for key in CITING if key in stated]


def _through(store: StoreLike, qg: GraphLike, node: str, cited: str, path: list[Step]) -> Citing:
    """A legal document on the chain: the sentence is where a document says it implements the next one."""
    edge = next((qg.view.edges[node, t, k] for t in sorted(_cited_nodes(qg, cited))
                 for k in _citing_keys(qg, node, t)), {"graphs": set(), "relation": ""})
    graph = sorted(edge["graphs"])[0] if edge["graphs"] else ""
    doc_node = qg.graph_doc.get(graph)
    doc = qg.documents.get(doc_node or "", {})
    span = _implementing_span(store, qg, node, cited, graph, doc.get("doc_id"))
    identity = _identity(qg, node) if node in qg.legal else None
    return Citing("legal", node, doc.get("doc_id", ""), doc.get("source", ""),
                  identity.province if identity else None, doc.get("title") or doc.get("source", ""), None,
                  _step_label(qg, node), RELATION_OF_EDGE.get(edge["relation"], edge["relation"]), len(path) == 2,
                  path, _sentence(store, qg, doc["doc_id"], span) if doc else "", span)


def _implementing_span(store: StoreLike, qg: GraphLike, node: str, cited: str, graph: str,
                       doc_id: str | None) -> tuple[int, int] | None:
    """The citation of `node` in `graph` whose sentence names `cited` (the statement of the link)."""
    spans = qg.mentions.get((node, graph), [])
    if not spans or doc_id is None:
        return None
    wanted = fold(qg.label(cited))
    for span in spans:
        if wanted in fold(_sentence(store, qg, doc_id, span)):
            return span
    return spans[0]


# ------------------------------------------------------------------------------------------------ basis
def basis(store: StoreLike, doc_or_task: str) -> BasisAnswer | Ambiguous:
    """What a document (doc_id, file name) or a task ("FILE#TASK-ID" or a task id) rests on, up to the top of
    every chain: its citations, what they implement or amend, and what the documents it cites rest on."""
    qg = question_graph(store)
    subject = _subject(qg, doc_or_task)
    if isinstance(subject, Ambiguous):
        return subject
    found = _walk_basis(qg, subject)
    doc = qg.documents.get(_document_of(qg, subject) or "", {})
    start = Step(subject, qg.kind(subject) or "", _step_label(qg, subject))
    chains = [(Step(path[-1].node, "legal", path[-1].label), _first_relation(qg, subject, path), [start, *path])
              for node, path in found.items() if qg.kind(node) == "legal"]
    return BasisAnswer(start, doc.get("source", ""), sorted(chains, key=lambda c: (len(c[2]), c[0].label)))


def _first_relation(qg: GraphLike, subject: str, path: list[Step]) -> str:
    """How the subject (or, for what a task rests on through its document, that document) cites the chain."""
    first = path[0].node
    task = qg.tasks.get(subject)
    if task and not any(k in CITING for t in _cited_nodes(qg, first)
                        for k in qg.view.get_edge_data(subject, t, default={})):
        return _relation_of(qg, task["doc"], first)
    return _relation_of(qg, subject, first)


def _subject(qg: GraphLike, name: str) -> str | Ambiguous:
    source, _, task_id = name.partition("#")
    docs = qg.documents_named(name, source)
    if task_id:
        tasks = [t for t in qg.tasks_with_id(task_id) if qg.tasks[t]["doc"] in docs]
    else:
        tasks = qg.tasks_with_id(name)
        if docs and not tasks:
            return docs[0]
    if len(tasks) == 1:
        return tasks[0]
    if tasks:
        return Ambiguous(name, "document or task", [
            Candidate(f"{qg.documents[qg.tasks[t]['doc']]['source']}#{qg.tasks[t]['id']}", qg.tasks[t]["text"][:80],
                      {"document": qg.documents[qg.tasks[t]["doc"]]["source"]}, 1) for t in tasks])
    raise QuestionError(f"no document or task {name!r} in the store (name a document by doc_id or file name, "
                        f"a task as FILE#TASK-ID)")


def _walk_basis(qg: GraphLike, subject: str) -> dict[str, list[Step]]:
    """Breadth first along the citing edges from the subject (a task also rests on its document's basis)."""
    starts = [subject]
    task = qg.tasks.get(subject)
    if task and task["doc"] in qg.view:
        starts.append(task["doc"])
    paths: dict[str, list[Step]] = {s: [] for s in starts}
    queue, found = deque(starts), {}
    while queue:
        current = queue.popleft()
        for same in sorted(qg.realizations(current)):
            if same not in paths:
                paths[same] = paths[current]
                queue.append(same)
        for _s, cited, relation in sorted(qg.view.out_edges(current, keys=True)):
            if relation in CITING and cited not in paths:
                paths[cited] = [*paths[current], Step(cited, qg.kind(cited) or "", _step_label(qg, cited))]
                found[cited] = paths[cited]
                queue.append(cited)
    return found


# ------------------------------------------------------------------------------------------------ agency
def resolve_agency(store: StoreLike, name: str) -> str | Ambiguous:
    """The agency IRI a name means: its canonical name or any alias, abbreviations written out ("Phòng QLKH"),
    with or without the province ("Sở KH&CN Quảng Ngãi"); several agencies across provinces -> Ambiguous."""
    qg = question_graph(store)
    if name in qg.agencies:
        return name
    matches = _agency_matches(qg, name)
    if not matches:
        raise QuestionError(f"no agency in the store is called {name!r} (any alias or abbreviation works, "
                            f"e.g. \"Phòng QLKH\" or \"Sở KH&CN Quảng Ngãi\")")
    if len(matches) == 1:
        return matches[0]
    return Ambiguous(name, "agency", [
        Candidate(a, _agency_name(qg, a), {"province": qg.agencies[a]["province"],
                                           "parent": _agency_name(qg, qg.agencies[a]["parent"])
                                           if qg.agencies[a]["parent"] else None},
                  sum(1 for _s, _t, r in qg.view.in_edges(a, keys=True) if r in ROLES)) for a in matches])


def _agency_matches(qg: GraphLike, name: str) -> list[str]:
    """Exact canonical names first, then aliases and names without their parent or province."""
    place = province_of(name)
    exact = qg.agencies_keyed(agency_key(name))
    if exact:
        return exact
    loose = qg.agencies_keyed(agency_key(without_place(name)), loose=True)
    if place:
        loose = [a for a in loose if qg.agencies[a]["province"] == place[0]]
    return loose


def _agency_name(qg: GraphLike, node: str) -> str:
    entry = qg.agencies.get(node)
    return sorted(entry["names"])[0] if entry else qg.label(node)


def agency(store: StoreLike, name: str, *, offset: int = 0, limit: int | None = None) -> AgencyAnswer | Ambiguous:
    """What an agency leads, cooperates on, receives and directs, by document and period, with who directs
    each task; the agencies it works with and how often. Each role lists its tasks from `offset` (at most
    `limit`; None: all) in order of file name, period and task id, and counts them all."""
    resolved = resolve_agency(store, name)
    if isinstance(resolved, Ambiguous):
        return resolved
    qg = question_graph(store)
    counts = {role: n for role, n in qg.assignment_counts(resolved).items() if role in ROLES and n}
    roles = {role: [_role_item(a) for a in qg.assigned(resolved, role, offset, limit)] for role in ROLES
             if role in counts}
    collaborators = sorted(((_agency_name(qg, other), weight) for other, weight in qg.collaborators(resolved)),
                           key=lambda x: (-x[1], x[0]))
    entry = qg.agencies[resolved]
    units = sorted(_agency_name(qg, s) for s in qg.sources_of(resolved, "sub_organization_of"))
    return AgencyAnswer(resolved, _agency_name(qg, resolved), sorted(entry["aliases"] - entry["names"]),
                        entry["province"], _agency_name(qg, entry["parent"]) if entry["parent"] else None,
                        roles, collaborators, units, counts, offset, limit)


def _role_item(assignment: Assignment) -> RoleItem:
    return RoleItem(*assignment[1:-1], list(assignment.directed_by))


# ------------------------------------------------------------------------------------------------ person
def person(store: StoreLike, name: str, *, offset: int = 0, limit: int | None = None) -> PersonAnswer | Ambiguous:
    """What a leader directs: the tasks whose "directed by" names them, in order of file name, period and task
    id, from `offset` (at most `limit`; None: all), and how many there are."""
    qg = question_graph(store)
    matches = qg.people_named(name)
    if not matches:
        raise QuestionError(f"no person in the store is called {name!r}")
    if len(matches) > 1:
        return Ambiguous(name, "person", [
            Candidate(p, sorted(qg.people[p]["names"])[0], {"title": "; ".join(sorted(qg.people[p]["titles"]))},
                      qg.assignment_counts(p).get("directed_by", 0)) for p in matches])
    node = matches[0]
    entry = qg.people[node]
    directs = [_role_item(a) for a in qg.assigned(node, "directed_by", offset, limit)]
    return PersonAnswer(node, sorted(entry["names"])[0], sorted(entry["aliases"]), sorted(entry["titles"]), directs,
                        qg.assignment_counts(node).get("directed_by", 0), offset, limit)


# ------------------------------------------------------------------------------------------------ duplicates
def duplicate_finder(store: StoreLike, *, embed: bool = True) -> DuplicateFinder:
    """The duplicate index over every stored task, built once per store state from each document's prepared
    tasks (prepared once per graph file: a change prepares only the documents that changed)."""
    if isinstance(store, HeldState):
        return store.duplicate_finder(embed)
    entries = store.documents()
    files = tuple(e.graph_file for e in entries)
    key = (str(store.path.resolve()), embed)
    held = _FINDERS.get(key)
    if held is None or held[0] != files:
        held = _FINDERS[key] = (files, _finder(store.path, entries, store.extraction, embed))
    return held[1]


def _finder(path: Path, entries: list[ManifestEntry], extraction: Callable[[str], Extraction],
            embed: bool) -> DuplicateFinder:
    documents = _prepared(path, entries, extraction)
    return DuplicateFinder(documents) if embed else DuplicateFinder(documents, None)


def _prepared(path: Path, entries: list[ManifestEntry],
              extraction: Callable[[str], Extraction]) -> list[PreparedDocument]:
    """Each document's prepared tasks, prepared once per graph file."""
    root, documents = str(path.resolve()), []
    for entry in entries:
        key = (root, entry.graph_file)
        prepared = _PREPARED.get(key)
        if prepared is None:
            prepared = prepare(extraction(entry.doc_id))
            with _CACHES:
                _PREPARED[key] = prepared
        documents.append(prepared)
    return documents


def duplicates(store: StoreLike, doc: str | None = None, task: str | None = None, *,
               embed: bool = True) -> DuplicatesAnswer:
    """Duplicate groups among the stored tasks; with `doc`, those touching that document (doc_id or file name);
    with `task` ("FILE#TASK-ID", or a task id when only one document has it), those holding that task."""
    if task and not embed and isinstance(store, Store) and len(store.documents()) >= INDEXED_DUPLICATES:
        return _indexed_duplicates(store, task, doc)
    finder = duplicate_finder(store, embed=embed)
    if task:
        source, task_id = _task_ref(store, finder, task, doc)
        groups = finder.groups_of(source, task_id)
    else:
        groups = finder.groups()
        if doc:
            source = store.entry(doc).source
            groups = [g for g in groups if any(s == source for s, _t in g.tasks)]
    return DuplicatesAnswer(groups, finder.texts(groups), finder.embedder is not None)


def _indexed_duplicates(store: Store, task: str, doc: str | None) -> DuplicatesAnswer:
    """The groups of one task, from the store's duplicate index (on wording alone: meaning would need every
    task's vector at hand): what the finder over every task gives, for the rows those groups can hold."""
    qg = question_graph(store)
    source, _, task_id = task.rpartition("#")
    if doc and not source:
        source = store.entry(doc).source
    nodes = [n for n in qg.tasks_with_id(task_id) if not source or
             qg.documents.get(qg.tasks[n]["doc"], {}).get("source") == source]
    if len(nodes) != 1:
        raise QuestionError(f"task {task!r} is in {len(nodes)} documents; name it as FILE#TASK-ID"
                            if nodes else f"no task {task!r} in the store")
    source = qg.documents[qg.tasks[nodes[0]]["doc"]]["source"]
    try:
        finder = duplicate_index(store).finder_for(source, task_id)
        return DuplicatesAnswer((groups := finder.groups_of(source, task_id)), finder.texts(groups), False)
    except KeyError:
        raise QuestionError(f"no task {task!r} in the store") from None


def _task_ref(store: StoreLike, finder: DuplicateFinder, task: str, doc: str | None) -> tuple[str, str]:
    source, _, task_id = task.rpartition("#")
    if doc and not source:
        source = store.entry(doc).source
    if source:
        return source, task_id
    sources = [s for s, t in finder._position if t == task_id]
    if len(sources) != 1:
        raise QuestionError(f"task {task!r} is in {len(sources)} documents; name it as FILE#TASK-ID"
                            if sources else f"no task {task!r} in the store")
    return sources[0], task_id


# ------------------------------------------------------------------------------------------------ lint
def lint(target: StoreLike | str | Path) -> LintReport:
    """The anomalies `ingest.anomalies` found, with their spans located (line, quoted text): of the documents
    in a store, or of a file or folder read and extracted now."""
    report = LintReport()
    for extraction, doc in _lint_inputs(target):
        for anomaly in extraction.anomalies:
            spans = [LintSpan(s.start, s.end, doc.text.count("\n", 0, s.start) + 1,
                              " ".join(doc.text[s.start:s.end].split())[:160]) for s in anomaly.spans]
            report.items.append(LintItem(extraction.source, anomaly.kind, anomaly.detail, anomaly.symbols, spans))
    return report


def _lint_inputs(target: StoreLike | str | Path) -> Iterable[tuple[Extraction, SourceDocument]]:
    if isinstance(target, (Store, HeldState)):
        for entry in target.documents():
            yield target.extraction(entry.doc_id), target.document(entry.doc_id)
        return
    from api.commands.inputs import read_inputs
    from ingest.pipeline import extract
    for _path, doc in read_inputs([str(target)]):
        if doc is not None:
            yield extract(doc), doc


# ------------------------------------------------------------------------------------------------ SPARQL
def query_text(name: str, **parameters: str | list[str]) -> str:
    """`ontology/queries/<name>.rq` with each `$parameter` replaced: IRIs (one or a list, as VALUES rows) or,
    for a name that is not an IRI, a string literal."""
    text = resources.files("ontology").joinpath("queries", f"{name}.rq").read_text(encoding="utf-8")
    for key, value in parameters.items():
        values = value if isinstance(value, list) else [value]
        text = text.replace(f"${key}", " ".join(_term(v) for v in values))
    return text


def run_query(endpoint: SparqlEndpoint, name: str, **parameters: str | list[str]) -> list[dict[str, str]]:
    """`ontology/queries/<name>.rq` run on the local store or on a SPARQL 1.1 server holding its graphs."""
    return _rows(endpoint, query_text(name, **parameters))


def duplicate_inputs(endpoint: SparqlEndpoint) -> list[Extraction]:
    """What the duplicate finder reads of each document, from the graph alone (`duplicate-tasks.rq`,
    `document-programmes.rq`): Extractions that hold only their tasks and programmes. Leads are agency IRIs,
    citations the IRIs of the legal documents cited (a symbol without a key as printed). A SPARQL server holding
    the graphs, without the stored Extractions, finds duplicates with `DuplicateFinder(duplicate_inputs(server))`."""
    by_source: dict[str, Extraction] = {}
    for row in run_query(endpoint, "duplicate-tasks"):
        extraction = by_source.get(row["source"])
        if extraction is None:
            extraction = by_source[row["source"]] = Extraction(row["source"], row["document"].rsplit("/", 1)[-1],
                                                               DocumentMeta())
        extraction.tasks.append(Task(row["id"], row.get("section", ""), row["text"],
                                     Span(int(row["start"]), int(row["end"])),
                                     lead=sorted(row.get("leads", "").split()), period=row.get("period"),
                                     citations=sorted(row.get("cited", "").splitlines())))
    for row in run_query(endpoint, "document-programmes"):
        if row["source"] in by_source:   # a document without tasks has no duplicates to pair its programmes with
            by_source[row["source"]].programmes.append(
                Programme(row["name"], row["kind"], Span(int(row["start"]), int(row["end"])),
                          aliases=sorted(row.get("aliases", "").splitlines())))
    return list(by_source.values())


def _term(value: str) -> str:
    if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
        return f"<{value}>"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
