"""SHACL validation of document graphs against `ontology/shapes.ttl` (pyshacl, no inference).

Each named graph is validated on its own: a document's graph is self-contained by design (graph.build), and
validating graphs one by one keeps a bad document from hiding behind the facts of another.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pyshacl
from rdflib import Dataset, Graph
from rdflib.namespace import SH

SHAPES = resources.files("ontology").joinpath("shapes.ttl")   # package data, so it ships with the wheel


@dataclass
class Violation:
    graph: str          # the named graph it was found in
    focus: str          # the node that breaks a shape
    path: str | None    # the property, when the shape is about one
    message: str


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.violations

    def __str__(self) -> str:
        if self.conforms:
            return "conforms"
        return "\n".join(f"{v.graph}: {v.focus} {v.path or ''}: {v.message}" for v in self.violations)


@lru_cache(maxsize=1)
def shapes() -> Graph:
    return Graph().parse(data=SHAPES.read_text(encoding="utf-8"), format="turtle")


def validate(data: Dataset | Graph) -> ValidationReport:
    """Violations of the shapes in every non-empty named graph of `data` (or in `data` itself, for a Graph)."""
    graphs = [g for g in data.graphs() if len(g)] if isinstance(data, Dataset) else [data]
    report = ValidationReport()
    for graph in graphs:
        report.violations.extend(_violations(graph))
    return report


def _violations(graph: Graph) -> list[Violation]:
    plain = Graph()   # pyshacl reads a Dataset's graphs as one union; hand it exactly this graph's triples
    for triple in graph:
        plain.add(triple)
    conforms, results, _text = pyshacl.validate(plain, shacl_graph=shapes(), inference="none",
                                                allow_warnings=True)
    if conforms:
        return []
    found = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        path = results.value(result, SH.resultPath)
        found.append(Violation(graph=str(graph.identifier), focus=str(results.value(result, SH.focusNode)),
                               path=str(path) if path is not None else None,
                               message=str(results.value(result, SH.resultMessage))))
    return found
