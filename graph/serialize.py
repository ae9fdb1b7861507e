"""Serialising and reading Datasets: N-Quads and TriG keep the named graphs, Turtle is the union of them.

Reading always goes into a `Dataset` (TriG or N-Quads read into a plain `Graph` come back empty when queried,
RDFLib/rdflib#2958).
"""
from __future__ import annotations

from typing import Literal

from rdflib import Dataset, Graph

from ontology.terms import DCTERMS, ELI, GRAPH, ID, ORG, PG, PPLAN, PROV, SCHEMA, SKOS

Format = Literal["turtle", "trig", "jsonld", "nquads"]
FORMATS: tuple[str, ...] = ("turtle", "trig", "jsonld", "nquads")
PREFIXES = {"pg": str(PG._NS), "eli": str(ELI._NS), "p-plan": str(PPLAN._NS), "prov": str(PROV._NS),
            "org": str(ORG._NS), "skos": str(SKOS._NS), "dcterms": str(DCTERMS._NS), "schema": str(SCHEMA._NS),
            "id": str(ID), "g": str(GRAPH)}


def bind_prefixes(graph: Graph) -> None:
    """The project's prefixes on `graph` (a Dataset too), for readable Turtle, TriG and JSON-LD."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)


def serialize(dataset: Dataset, format: Format = "nquads") -> str:
    """`dataset` as text; "turtle" writes the union of its graphs (Turtle has no graph names)."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; available: {', '.join(FORMATS)}")
    if format == "turtle":
        return _union(dataset).serialize(format="turtle")
    if format == "jsonld":
        return dataset.serialize(format="json-ld", context=PREFIXES, indent=1)
    return dataset.serialize(format=format)


def parse(text: str, format: Format = "nquads") -> Dataset:
    """A Dataset read from `text`, with the named graphs the text has."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; available: {', '.join(FORMATS)}")
    dataset = Dataset()
    dataset.parse(data=text, format="json-ld" if format == "jsonld" else format)
    return dataset


def _union(dataset: Dataset) -> Graph:
    union = Graph()
    bind_prefixes(union)
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union
