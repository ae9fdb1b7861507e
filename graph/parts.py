"""The store's graph as the questions read it: each document's part, read from its own graph file, and the
view of a store state combined from its documents' parts (`QuestionGraph`, a NetworkX view in `graph.view`'s
schema: nodes with `kind` and `label`, edges keyed by relation with the named graphs stating them).

Each document's graph is read alone (its N-Quads file, into a small in-memory Oxigraph store: some 15 ms a
document) and what it adds to the view is kept per graph file; a store state's view combines the parts of its
documents, so a change re-reads only the documents that changed. The parts keep what the queries over the
union of the graphs would join across documents (a node typed in one graph and named in another) apart, and
the combination joins them: the view is the one those queries gave. `graph.question_index` keeps the same parts
on disk for stores too large to hold in memory.
"""
from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Iterable, NamedTuple, Protocol

import networkx as nx
import pyoxigraph

from graph import iri
from graph.sentences import sentence_around
from graph.serialize import PREFIXES
from graph.store import ManifestEntry, Store
from graph.view import CITING, KINDS, RELATIONS, ROLE_NAMES, collaboration
from ingest.agencies import province_of
from ingest.document import SourceDocument
from ingest.keys import agency_key
from ingest.text import fold
from ontology.terms import DCTERMS, ELI, ORG, PG, PROV, SCHEMA, SKOS

# ------------------------------------------------------------------------------------------------ the view
@dataclass
class Citation:
    """A qualified citation: who cites what, how, and where (the span in the citing document's text)."""
    citer: str
    cited: str
    relation: str
    graph: str
    start: int
    end: int


class DocumentSource(Protocol):
    def document(self, doc_id: str) -> SourceDocument: ...


class Citer(NamedTuple):
    """A node a walk against the citing edges reached, and where it sits (what `cites` sorts and counts by)."""
    parent: str | None          # the node it was reached from (None: a start)
    stepped: bool               # reached by a citing edge (False: a start, or the same document as its parent)
    level: int                  # citing edges between it and a start
    kind: str | None
    doc: str | None             # its document (itself, or a task's), when the view holds that document
    source: str | None          # that document's file name
    province: str | None        # that document's province
    task_id: str | None


class Assignment(NamedTuple):
    """A task or target an agent holds a role in (`assigned`): what the agency and person questions list."""
    relation: str               # lead | cooperating | recipient | directed_by
    kind: str                   # task | target
    node: str
    doc_id: str                 # "" when the view does not hold the task's document
    source: str
    task_id: str
    text: str
    period: str | None
    section: str | None
    directed_by: tuple[str, ...]   # the labels of the people directing it, sorted


class Walk:
    """What a walk of the citers found (`QuestionGraph.citers`), with the order and counts `cites` reads, made
    once per walk: the next page of a much-cited resolution sorts nothing again."""

    def __init__(self, reached: dict[str, Citer]) -> None:
        self.reached = reached

    @cached_property
    def citing(self) -> list[str]:
        """The documents and tasks reached, by province, file, the document before its tasks, task id."""
        found = [n for n, c in self.reached.items() if c.stepped and c.kind != "legal" and c.doc is not None]
        return sorted(found, key=lambda n: _citing_order(self.reached[n]))

    @cached_property
    def on_chains(self) -> list[str]:
        """The legal documents reached (the chains' links), nearest first."""
        found = [n for n, c in self.reached.items() if c.stepped and c.kind == "legal"]
        return sorted(found, key=lambda n: (self.reached[n].level, n))

    @cached_property
    def counts(self) -> dict[str, dict[str, int]]:
        """province -> how many documents cite (themselves or by a task), how many tasks, how many directly."""
        documents: dict[str, set[str]] = defaultdict(set)
        counts: dict[str, dict[str, int]] = defaultdict(lambda: {"documents": 0, "tasks": 0, "direct": 0})
        for citer in map(self.reached.__getitem__, self.citing):
            province = citer.province or "national"
            documents[province].add(citer.doc or "")
            counts[province]["tasks"] += citer.kind == "task"
            counts[province]["direct"] += citer.level == 1
        for province, docs in documents.items():
            counts[province]["documents"] = len(docs)
        return dict(sorted(counts.items()))


def _citing_order(citer: Citer) -> tuple:
    return citer.province or "", citer.source or "", citer.kind != "document", citer.task_id or ""


WALKS = 16   # walks of `citers` kept per state

_NUMBER = re.compile(r"\d+[a-zđ]?")   # the number a symbol starts with


def leading_numbers(symbols: Iterable[str]) -> set[str]:
    """The numbers the symbols start with, folded ("57-NQ/TW" -> "57")."""
    return {m.group(0) for symbol in symbols if (m := _NUMBER.match(fold(symbol)))}


def without_place(name: str) -> str:
    """A name without its parent in brackets and its province ("Phòng QLKH (Sở …)" -> "Phòng QLKH")."""
    name = re.sub(r"\s*\([^)]*\)", "", name)
    found = province_of(name)
    if found:
        name = re.sub(rf"[,\s]*(?:tỉnh|thành phố|TP\.?)?\s*{re.escape(found[0])}\s*$", "", name, flags=re.I)
    return re.sub(r"[,\s]+(?:tỉnh|Tỉnh)$", "", name).strip(" ,")


def person_matches(wanted: str, names: Iterable[str]) -> bool:
    """Whether a folded name is one of a person's names or part of one."""
    return any(wanted in fold(n) for n in names)


@dataclass
class QuestionGraph:
    """The store's graph as the questions read it, built once per store state and held in memory.

    The questions read it through `view` (in_edges, out_edges, get_edge_data, edges[u, v, key], `in`), the
    entity tables (get, [], `in`), and the lookups below, which `graph.question_index.IndexedGraph` answers from
    disk the same way."""
    view: nx.MultiDiGraph
    documents: dict[str, dict]             # document IRI -> doc_id, source, title, province
    tasks: dict[str, dict]                 # task/target IRI -> doc IRI, id, text, period, section, start, end
    legal: dict[str, dict]                 # legal IRI -> type, symbol, aliases, issuers
    agencies: dict[str, dict]              # agency IRI -> name, aliases, province, parent
    people: dict[str, dict]                # person IRI -> name, aliases, titles
    citations: dict[tuple[str, str], list[Citation]]        # (citer, cited) -> its qualified citations
    mentions: dict[tuple[str, str], list[tuple[int, int]]]   # (legal IRI, graph) -> spans citing it there
    graph_doc: dict[str, str]              # named graph IRI -> document IRI
    _collaboration: nx.Graph | None = None
    _agency_keys: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None
    _texts: dict[str, SourceDocument] = field(default_factory=dict)
    _realized: dict[str, set[str]] = field(default_factory=dict)
    _by_number: dict[str, list[str]] | None = None
    _assignments: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def legal_by_number(self, number: str) -> list[str]:
        """The legal nodes whose symbol starts with `number` ("57" -> 57-NQ/TW, 57/2024/NĐ-CP, ...)."""
        if self._by_number is None:
            index: dict[str, list[str]] = defaultdict(list)
            for node, entry in self.legal.items():
                for value in leading_numbers(entry["symbols"]):
                    index[value].append(node)
            self._by_number = dict(index)
        return sorted(self._by_number.get(fold(number), []))

    def realizations(self, node: str) -> set[str]:
        """The documents a legal node is the number of, or the legal node a document's number is (memoised:
        a much-cited node has thousands of in-edges to look through)."""
        if node not in self._realized:
            ahead = {t for _s, t, rel in self.view.out_edges(node, keys=True) if rel == "realizes"}
            behind = {s for s, _t, rel in self.view.in_edges(node, keys=True) if rel == "realizes"}
            self._realized[node] = ahead | behind
        return self._realized[node]

    def source_document(self, store: DocumentSource, doc_id: str) -> SourceDocument:
        """The stored SourceDocument (read once: the sentences of citations are cut from it)."""
        if doc_id not in self._texts:
            self._texts[doc_id] = store.document(doc_id)
        return self._texts[doc_id]

    def sentence(self, store: DocumentSource, doc_id: str, span: tuple[int, int]) -> str:
        """The sentence of the document that holds the span (KeyError: no such document)."""
        return sentence_around(self.source_document(store, doc_id), *span)

    def __post_init__(self) -> None:
        self.citers = lru_cache(WALKS)(self._citers)   # asked again (the next page), a walk costs the page

    def _citers(self, starts: tuple[str, ...]) -> Walk:
        """Every node reached from `starts` against the citing edges, a level at a time; a document and the
        legal resource it realizes are one. Each node keeps the least IRI of the nodes that reach it first as its
        parent, so the answer does not depend on the order edges are stored in (`IndexedGraph.citers` agrees)."""
        reached: dict[str, tuple[str | None, bool, int]] = {s: (None, False, 0) for s in starts}
        level, frontier = 0, sorted(set(starts))
        while frontier:
            grown = frontier
            while grown:   # the same documents as this level's, at this level
                same = self._reach(grown, self.realizations, reached)
                reached.update({n: (p, False, level) for n, p in same.items()})
                frontier, grown = frontier + sorted(same), sorted(same)
            cited = self._reach(frontier, lambda node: [s for s, _t, rel in self.view.in_edges(node, keys=True)
                                                         if rel in CITING], reached)
            level += 1
            reached.update({n: (p, True, level) for n, p in cited.items()})
            frontier = sorted(cited)
        return Walk({node: Citer(*at, *self._placed(node)) for node, at in reached.items()})

    @staticmethod
    def _reach(nodes: list[str], neighbours, reached: dict) -> dict[str, str]:
        """neighbour not yet reached -> the least of `nodes` it neighbours."""
        found: dict[str, str] = {}
        for node in nodes:
            for other in neighbours(node):
                if other not in reached and (other not in found or node < found[other]):
                    found[other] = node
        return found

    def _placed(self, node: str) -> tuple[str | None, str | None, str | None, str | None, str | None]:
        task = self.tasks.get(node)
        doc = node if node in self.documents else task["doc"] if task else None
        entry = self.documents.get(doc) if doc else None
        if entry is None:
            return self.kind(node), None, None, None, None
        return self.kind(node), doc, entry["source"], entry["province"], task["id"] if task else None

    def plan_tasks(self, doc_nodes: list[str]) -> dict[str, list[str]]:
        """document -> the ids of its tasks (its plan's steps), sorted."""
        return {doc: sorted(self.tasks[s]["id"] for s, _t, rel in self.view.in_edges(doc, keys=True)
                            if rel == "step_of" and s in self.tasks) for doc in doc_nodes}

    def documents_named(self, name: str, source: str) -> list[str]:
        """The documents whose doc_id is `name` or whose file name is `name` or `source`."""
        return sorted(n for n, d in self.documents.items() if d["doc_id"] == name or d["source"] in (name, source))

    def tasks_with_id(self, task_id: str) -> list[str]:
        return sorted(n for n, t in self.tasks.items() if t["id"] == task_id)

    def people_named(self, name: str) -> list[str]:
        """The people `name` is (an IRI), or whose name or alias holds it (folded)."""
        wanted = fold(name)
        return sorted(p for p, e in self.people.items() if name == p or person_matches(wanted, e["names"] | e["aliases"]))

    def agencies_keyed(self, key: str, loose: bool = False) -> list[str]:
        """The agencies whose canonical name has this `ingest.keys.agency_key`; `loose`: any name or alias,
        without parent and province."""
        if self._agency_keys is None:
            exact: dict[str, set[str]] = defaultdict(set)
            forms: dict[str, set[str]] = defaultdict(set)
            for node, entry in self.agencies.items():
                for name in entry["names"]:
                    exact[agency_key(name)].add(node)
                for form in entry["names"] | entry["aliases"]:
                    forms[agency_key(without_place(form))].add(node)
            self._agency_keys = dict(exact), dict(forms)
        return sorted(self._agency_keys[loose].get(key, ()))

    def assignment_counts(self, agent: str) -> dict[str, int]:
        """relation -> how many tasks and targets name `agent` by it."""
        return {relation: len(owners) for relation, owners in self._assigned(agent).items()}

    def assigned(self, agent: str, relation: str, offset: int = 0, limit: int | None = None) -> list[Assignment]:
        """The tasks and targets that name `agent` by `relation`, each with its document and directors, in
        order of file name, period, task id and kind; the page from `offset` (`limit` None: all)."""
        owners = self._assigned(agent).get(relation, [])
        return [self._assignment(owner, relation) for owner in owners[offset:None if limit is None else offset + limit]]

    def _assigned(self, agent: str) -> dict[str, list[str]]:
        """relation -> the tasks and targets naming `agent` by it, in `assigned`'s order (memoised per agent)."""
        if agent not in self._assignments:
            found: dict[str, list[str]] = defaultdict(list)
            if agent in self.view:
                for owner, _a, relation in self.view.in_edges(agent, keys=True):
                    if relation in ROLE_NAMES.values() and owner in self.tasks:
                        found[relation].append(owner)
            self._assignments[agent] = {r: sorted(owners, key=self._assignment_order) for r, owners in found.items()}
        return self._assignments[agent]

    def _assignment_order(self, owner: str) -> tuple:
        task = self.tasks[owner]
        doc = self.documents.get(task["doc"])
        return doc["source"] if doc else "", task["period"] or "", task["id"], self.kind(owner) or "task", owner

    def _assignment(self, owner: str, relation: str) -> Assignment:
        task = self.tasks[owner]
        doc = self.documents.get(task["doc"], {"doc_id": "", "source": ""})
        directors = sorted(self.label(a) for _o, a, rel in self.view.out_edges(owner, keys=True) if rel == "directed_by")
        return Assignment(relation, self.kind(owner) or "task", owner, doc["doc_id"], doc["source"], task["id"],
                          task["text"], task["period"], task["section"], tuple(directors))

    def sources_of(self, node: str, relation: str) -> list[str]:
        """The nodes with a `relation` edge to `node`."""
        return [s for s, _t, rel in self.view.in_edges(node, keys=True) if rel == relation] if node in self.view else []

    def collaboration(self) -> nx.Graph:
        if self._collaboration is None:
            self._collaboration = collaboration(self.view)
        return self._collaboration

    def collaborators(self, agency: str) -> list[tuple[str, int]]:
        """The agencies sharing a task or target with `agency` in any role, with how many they share."""
        network = self.collaboration()
        return [(other, data["weight"]) for other, data in network[agency].items()] if agency in network else []

    def label(self, node: str) -> str:
        return self.view.nodes[node].get("label", node) if node in self.view else node

    def kind(self, node: str) -> str | None:
        return self.view.nodes[node].get("kind") if node in self.view else None



LABELS = tuple(str(p) for p in (DCTERMS.identifier, DCTERMS.title, ELI.id_local, SKOS.prefLabel))   # last wins
_CLASSES = tuple(str(c) for c, _kind in KINDS) + (str(SKOS.Concept),)
_VALUES = LABELS + tuple(str(p) for p in (SKOS.altLabel, PG.province, ELI.type_document, ELI.passed_by,
                                           ORG.subOrganizationOf, SCHEMA.jobTitle))
_RELATIONS = {str(p): name for p, name in RELATIONS.items()}
_ROLES = {str(r): name for r, name in ROLE_NAMES.items()}
_PART_QUERIES = {
    "types": "SELECT DISTINCT ?s ?class WHERE { ?s a ?class VALUES ?class { %s } }"
             % " ".join(f"<{c}>" for c in _CLASSES),
    "statements": "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o VALUES ?p { %s } }"
                  % " ".join(f"<{p}>" for p in {*_VALUES, *_RELATIONS}),
    "roles": """SELECT DISTINCT ?owner ?agent ?role WHERE {
        ?owner prov:qualifiedAssociation ?a . ?a prov:agent ?agent ; prov:hadRole ?role }""",
    "tasks": """SELECT ?t ?doc ?id ?text ?period ?section ?start ?end WHERE {
        { ?t p-plan:isStepOfPlan ?doc } UNION { ?t pg:targetOf ?doc }
        ?t dcterms:identifier ?id ; dcterms:description ?text ; prov:wasDerivedFrom ?m .
        ?m pg:start ?start ; pg:end ?end .
        OPTIONAL { ?t pg:period ?period } OPTIONAL { ?t pg:section ?section } }""",
    "citations": """SELECT ?citer ?cited ?relation ?start ?end WHERE {
        ?citer pg:qualifiedCitation ?c . ?c pg:citedResource ?cited ; pg:relation ?relation ;
        prov:wasDerivedFrom ?m . ?m pg:start ?start ; pg:end ?end }""",
    "mentions": """SELECT ?l ?start ?end WHERE { ?l a eli:LegalResource ;
        prov:wasDerivedFrom ?m . ?m a pg:Mention ; pg:start ?start ; pg:end ?end }""",
}


@dataclass(frozen=True)
class GraphPart:
    """What one document's graph adds to the view, read from that graph alone."""
    doc_id: str
    source: str
    graph: str                                         # its named graph's IRI
    types: dict[str, dict[str, None]]                  # class -> nodes typed so here (in the order read)
    values: dict[str, dict[str, set[str]]]             # predicate -> node -> the values stated here
    edges: list[tuple[str, str, str]]                  # (source, target, relation), role associations included
    tasks: dict[str, dict]
    citations: list[Citation]
    mentions: dict[str, list[tuple[int, int]]]         # legal IRI -> spans citing it here


_PARTS: dict[tuple[str, str], GraphPart] = {}                              # (store, graph file) -> its part
_PARTS_LOCK = threading.Lock()


def graph_part(store: Store, entry: ManifestEntry) -> GraphPart:
    """The document's part of the view, read from its graph file once and kept until `forget_parts`
    (FileNotFoundError: a writer has removed that version meanwhile)."""
    key = (str(store.path.resolve()), entry.graph_file)
    part = _PARTS.get(key)
    if part is None:
        part = read_part(entry, (store.path / entry.graph_file).read_text(encoding="utf-8"))
        with _PARTS_LOCK:
            _PARTS[key] = part
    return part


def forget_parts(store: Store, entries: Iterable[ManifestEntry]) -> None:
    """Drop the kept parts of `store`'s graph files other than those of `entries`."""
    root, kept = str(store.path.resolve()), {e.graph_file for e in entries}
    with _PARTS_LOCK:
        for key in [k for k in _PARTS if k[0] == root and k[1] not in kept]:
            del _PARTS[key]


def read_part(entry: ManifestEntry, nquads: str) -> GraphPart:
    graph = pyoxigraph.Store()
    graph.load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
    rows = {name: _select(graph, sparql) for name, sparql in _PART_QUERIES.items()}
    types: dict[str, dict[str, None]] = defaultdict(dict)
    for row in rows["types"]:
        types[row["class"]][row["s"]] = None
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    edges = []
    for row in rows["statements"]:
        if row["p"] in _RELATIONS:
            edges.append((row["s"], row["o"], _RELATIONS[row["p"]]))
        if row["p"] in _VALUES:
            values[row["p"]][row["s"]].add(row["o"])
    edges += [(r["owner"], r["agent"], _ROLES[r["role"]]) for r in rows["roles"] if r["role"] in _ROLES]
    tasks = {r["t"]: {"doc": r["doc"], "id": r["id"], "text": r["text"], "period": r.get("period"),
                      "section": r.get("section"), "start": int(r["start"]), "end": int(r["end"])}
             for r in rows["tasks"]}
    name = str(iri.graph_iri(entry.doc_id))
    citations = [Citation(r["citer"], r["cited"], r["relation"], name, int(r["start"]), int(r["end"]))
                 for r in rows["citations"]]
    mentions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in rows["mentions"]:
        mentions[r["l"]].append((int(r["start"]), int(r["end"])))
    return GraphPart(entry.doc_id, entry.source, name, dict(types), {p: dict(v) for p, v in values.items()},
                     edges, tasks, citations, {legal: sorted(spans) for legal, spans in mentions.items()})


def _select(graph: pyoxigraph.Store, sparql: str) -> list[dict[str, str]]:
    solutions = graph.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    names = [variable.value for variable in solutions.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in solutions]


def combine_parts(parts: list[GraphPart]) -> QuestionGraph:
    """The view of the documents whose parts these are: nodes typed in any of them, each named by the least
    value of the last label predicate any of them states; the edges between those nodes, with the graphs
    stating each. A new QuestionGraph: the parts are only read, so a view another state still serves is safe."""
    types: dict[str, dict[str, None]] = defaultdict(dict)
    values: dict[str, dict[str, set[str]]] = defaultdict(dict)
    stated: dict[tuple[str, str, str], set[str]] = {}   # edge -> the graphs stating it
    for part in parts:
        for rdf_class, nodes in part.types.items():
            types[rdf_class].update(nodes)
        for predicate, by_node in part.values.items():
            _merge(values[predicate], by_node)
        for edge in part.edges:
            stated.setdefault(edge, set()).add(part.graph)
    view = nx.MultiDiGraph()
    for node, kind in node_kinds(types).items():
        label = next((min(values[p][node]) for p in reversed(LABELS) if node in values[p]), None)
        view.add_node(node, kind=kind, label=label or node.rsplit("/", 1)[-1])
    view.add_edges_from((source, target, relation, {"relation": relation, "graphs": graphs})
                        for (source, target, relation), graphs in stated.items() if source in view and target in view)
    documents = _documents(parts, types, values)
    agencies = _agencies(types, values)
    citations: dict[tuple[str, str], list[Citation]] = defaultdict(list)
    for part in parts:
        for citation in part.citations:
            citations[(citation.citer, citation.cited)].append(citation)
    return QuestionGraph(view, documents, {t: task for part in parts for t, task in part.tasks.items()},
                         _legal(types, values, agencies), agencies, _people(types, values), dict(citations),
                         {(legal, part.graph): spans for part in parts for legal, spans in part.mentions.items()},
                         {str(iri.graph_iri(d["doc_id"])): node for node, d in documents.items()})


def node_kinds(types: dict[str, dict[str, None]]) -> dict[str, str]:
    """node -> kind: the first of KINDS its classes name."""
    kinds: dict[str, str] = {}
    for rdf_class, kind in reversed(KINDS):
        for node in types.get(str(rdf_class), {}):
            kinds[node] = kind
    return kinds


def _merge(into: dict[str, set[str]], more: dict[str, set[str]]) -> None:
    """Add another document's values: a node new here shares that document's set (no set is ever changed),
    one stated before gets a new set holding both."""
    both = {node: into[node] | more[node] for node in into.keys() & more.keys()}
    into.update(more)
    into.update(both)


def _entities(types: dict, values: dict, rdf_class: str, fields: dict[str, tuple[str, ...]],
              required: str) -> dict[str, dict[str, set[str]]]:
    """node -> field -> values (of the field's predicates), for the nodes of `rdf_class` with a `required` value."""
    out = {}
    for node in types.get(rdf_class, {}):
        entry = {name: set().union(*(values.get(p, {}).get(node, ()) for p in predicates))
                 for name, predicates in fields.items()}
        if entry[required]:
            out[node] = entry
    return out


def _documents(parts: list[GraphPart], types: dict, values: dict) -> dict[str, dict]:
    sources = {part.doc_id: part.source for part in parts}
    out = {}
    for node in types.get(str(PG.Document), {}):
        doc_id = node.rsplit("/", 1)[-1]
        if doc_id in sources:
            titles, provinces = (values.get(str(p), {}).get(node) for p in (DCTERMS.title, PG.province))
            out[node] = {"doc_id": doc_id, "source": sources[doc_id], "title": min(titles) if titles else None,
                         "province": min(provinces) if provinces else None}
    return out


def _legal(types: dict, values: dict, agencies: dict[str, dict]) -> dict[str, dict]:
    """Symbols, types and issuers of the legal resources, the type and issuer nodes given by their names."""
    entries = _entities(types, values, str(ELI.LegalResource),
                        {"symbols": (str(ELI.id_local), str(SKOS.altLabel)), "types": (str(ELI.type_document),),
                         "issuers": (str(ELI.passed_by),)}, "symbols")
    names = values.get(str(SKOS.prefLabel), {})
    type_names = {c: min(names[c]) for c in types.get(str(SKOS.Concept), {}) if c in names}
    for entry in entries.values():
        entry["types"] = {type_names.get(t, t) for t in entry["types"]}
        entry["issuers"] = {min(agencies[a]["names"]) if a in agencies else a for a in entry["issuers"]}
    return entries


def _agencies(types: dict, values: dict) -> dict[str, dict]:
    entries = _entities(types, values, str(ORG.Organization),
                        {"names": (str(SKOS.prefLabel),), "aliases": (str(SKOS.altLabel),),
                         "provinces": (str(PG.province),), "parents": (str(ORG.subOrganizationOf),)}, "names")
    for entry in entries.values():
        entry["province"] = min(entry.pop("provinces"), default=None)
        entry["parent"] = min(entry.pop("parents"), default=None)
    return entries


def _people(types: dict, values: dict) -> dict[str, dict]:
    return _entities(types, values, str(PROV.Person), {"names": (str(SKOS.prefLabel),),
                                                       "aliases": (str(SKOS.altLabel),),
                                                       "titles": (str(SCHEMA.jobTitle),)}, "names")

