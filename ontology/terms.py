"""The RDF terms plangraph writes, as closed namespaces: a misspelt term raises instead of minting a new IRI.

`PG` is plangraph's own vocabulary (`ontology/plangraph.ttl` defines and documents every term); `ELI`, `PPLAN`
and `SCHEMA` list only the terms of those vocabularies that plangraph uses. PROV-O, W3C ORG, SKOS and Dublin
Core come from rdflib, whose classes are already closed (`_fail = True`).
"""
from __future__ import annotations

from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["PG", "ELI", "PPLAN", "SCHEMA", "DCTERMS", "ORG", "PROV", "RDF", "RDFS", "SKOS", "XSD", "ID", "GRAPH"]

ID = Namespace("https://plangraph.vn/id/")        # entity IRIs, minted by graph.iri
GRAPH = Namespace("https://plangraph.vn/graph/")  # one named graph per source document


class PG(DefinedNamespace):
    """plangraph ontology: only what no standard vocabulary says."""
    _fail = True
    _NS = Namespace("https://plangraph.vn/ontology#")

    # classes
    Document: URIRef
    Programme: URIRef
    Target: URIRef
    Anomaly: URIRef
    Mention: URIRef
    Citation: URIRef
    TaskRole: URIRef
    DocumentTypes: URIRef       # the skos:ConceptScheme of document types
    # roles of an agent in a task or target (values of prov:hadRole)
    Lead: URIRef
    Cooperating: URIRef
    DirectedBy: URIRef
    Recipient: URIRef
    # provenance: mentions and graph descriptions
    source: URIRef
    start: URIRef
    end: URIRef
    quote: URIRef
    sourceFile: URIRef
    contentHash: URIRef
    extractorVersion: URIRef
    # citations
    qualifiedCitation: URIRef
    citedResource: URIRef
    relation: URIRef
    printedDate: URIRef
    implementsSymbol: URIRef
    # tasks, targets, programmes, anomalies
    section: URIRef
    kind: URIRef
    period: URIRef
    deadline: URIRef
    ambiguous: URIRef
    servesProgramme: URIRef
    approvedBy: URIRef
    approvedBySymbol: URIRef
    value: URIRef
    unit: URIRef
    year: URIRef
    targetOf: URIRef
    foundIn: URIRef
    concerns: URIRef
    symbol: URIRef
    province: URIRef


class ELI(DefinedNamespace):
    """European Legislation Identifier ontology: the terms plangraph uses."""
    _fail = True
    _NS = Namespace("http://data.europa.eu/eli/ontology#")

    LegalResource: URIRef
    based_on: URIRef
    cites: URIRef
    applies: URIRef
    amends: URIRef
    passed_by: URIRef
    date_document: URIRef
    id_local: URIRef
    type_document: URIRef
    realizes: URIRef


class PPLAN(DefinedNamespace):
    """P-Plan: plans, their steps and the variables (products) the steps output."""
    _fail = True
    _NS = Namespace("http://purl.org/net/p-plan#")

    Plan: URIRef
    Step: URIRef
    Variable: URIRef
    isStepOfPlan: URIRef
    isOutputVarOf: URIRef


class SCHEMA(DefinedNamespace):
    """schema.org: the terms plangraph uses (rdflib's SDO is open, so typos there would pass silently)."""
    _fail = True
    _NS = Namespace("https://schema.org/")

    jobTitle: URIRef
