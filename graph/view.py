"""A NetworkX view of the RDF, for traversals SPARQL says awkwardly: citation chains, collaboration networks.

Nodes are the entities (IRIs as strings) with `kind` and `label`; qualified nodes (citations, role
associations, mentions) are folded into edges. Edge key = relation ("based_on", "cites", "applies", "amends",
"lead", "cooperating", ...); `graphs` lists the named graphs (documents) that state the edge. The view is derived:
the RDF stays the record, and the view is rebuilt from it.
"""
from __future__ import annotations

from collections import deque
from itertools import combinations

import networkx as nx
from rdflib import Dataset, URIRef
from rdflib.term import Node

from ontology.terms import DCTERMS, ELI, ORG, PG, PPLAN, PROV, RDF, SKOS

# Checked in order: a document with tasks is also a p-plan:Plan, and stays a "document".
KINDS: tuple[tuple[URIRef, str], ...] = (
    (PG.Document, "document"), (ELI.LegalResource, "legal"), (ORG.Organization, "agency"),
    (PROV.Person, "person"), (ORG.Post, "post"), (PPLAN.Step, "task"), (PPLAN.Variable, "product"),
    (PG.Target, "target"), (PG.Programme, "programme"), (PG.Anomaly, "anomaly"))
RELATIONS: dict[URIRef, str] = {
    ELI.based_on: "based_on", ELI.cites: "cites", ELI.applies: "applies", ELI.amends: "amends",
    ELI.passed_by: "passed_by", ELI.realizes: "realizes", ORG.subOrganizationOf: "sub_organization_of",
    PPLAN.isStepOfPlan: "step_of", PPLAN.isOutputVarOf: "output_of", PG.servesProgramme: "serves",
    PG.approvedBy: "approved_by", PG.targetOf: "target_of", PG.foundIn: "found_in", PG.concerns: "concerns"}
ROLE_NAMES: dict[URIRef, str] = {PG.Lead: "lead", PG.Cooperating: "cooperating", PG.DirectedBy: "directed_by",
                                 PG.Recipient: "recipient"}
CITING = ("based_on", "cites", "applies", "amends")
_LABEL_PREDICATES = (SKOS.prefLabel, ELI.id_local, DCTERMS.title, DCTERMS.identifier)


def graph_view(dataset: Dataset) -> nx.MultiDiGraph:
    """The entities of every graph in `dataset` and the relations between them."""
    view = nx.MultiDiGraph()
    for graph in dataset.graphs():
        if not len(graph):
            continue
        _add_nodes(view, graph)
        _add_edges(view, graph)
        _add_roles(view, graph)
    return view


def _add_nodes(view: nx.MultiDiGraph, graph) -> None:
    for rdf_class, kind in reversed(KINDS):   # the first kind listed wins when a node has several
        for node in graph.subjects(RDF.type, rdf_class):
            view.add_node(str(node), kind=kind, label=_label(graph, node))


def _label(graph, node: Node) -> str:
    for predicate in _LABEL_PREDICATES:
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    return str(node).rsplit("/", 1)[-1]


def _add_edge(view: nx.MultiDiGraph, source: str, target: str, relation: str, graph_name: str) -> None:
    if view.has_edge(source, target, key=relation):
        view.edges[source, target, relation]["graphs"].add(graph_name)
    else:
        view.add_edge(source, target, key=relation, relation=relation, graphs={graph_name})


def _add_edges(view: nx.MultiDiGraph, graph) -> None:
    for predicate, relation in RELATIONS.items():
        for subject, obj in graph.subject_objects(predicate):
            if str(subject) in view and str(obj) in view:
                _add_edge(view, str(subject), str(obj), relation, str(graph.identifier))


def _add_roles(view: nx.MultiDiGraph, graph) -> None:
    """`task prov:qualifiedAssociation [prov:agent A; prov:hadRole R]` becomes the edge task -R-> A."""
    for owner, association in graph.subject_objects(PROV.qualifiedAssociation):
        agent, role = graph.value(association, PROV.agent), graph.value(association, PROV.hadRole)
        if agent is not None and role in ROLE_NAMES and str(agent) in view:
            _add_edge(view, str(owner), str(agent), ROLE_NAMES[role], str(graph.identifier))


def cited_by(view: nx.MultiDiGraph, node: str, *, transitive: bool = True) -> set[str]:
    """Documents, tasks and legal resources that cite `node` (based_on, cites, applies, amends), directly or,
    with `transitive`, through a chain; a document and the legal resource it realizes count as one."""
    seen, queue, found = {node}, deque([node]), set()
    while queue:
        current = queue.popleft()
        for same in _realizations(view, current) - seen:
            seen.add(same)
            queue.append(same)
        for citer, _target, relation in view.in_edges(current, keys=True):
            if relation in CITING and citer not in seen:
                seen.add(citer)
                found.add(citer)
                if transitive:
                    queue.append(citer)
    return found


def _realizations(view: nx.MultiDiGraph, node: str) -> set[str]:
    ahead = {t for _s, t, rel in view.out_edges(node, keys=True) if rel == "realizes"}
    behind = {s for s, _t, rel in view.in_edges(node, keys=True) if rel == "realizes"}
    return ahead | behind


def collaboration(view: nx.MultiDiGraph) -> nx.Graph:
    """Agencies joined when they share a task or target (in any role); `weight` counts the shared tasks."""
    network = nx.Graph()
    for task, data in view.nodes(data=True):
        if data.get("kind") not in ("task", "target"):
            continue
        agencies = sorted({agent for _t, agent, rel in view.out_edges(task, keys=True)
                           if rel in ("lead", "cooperating", "recipient") and view.nodes[agent]["kind"] == "agency"})
        for agency in agencies:
            network.add_node(agency, label=view.nodes[agency]["label"])
        for first, second in combinations(agencies, 2):
            weight = network.edges[first, second]["weight"] + 1 if network.has_edge(first, second) else 1
            network.add_edge(first, second, weight=weight)
    return network
