"""ontology/: the closed namespaces, the Turtle ontology and the shapes agree with each other."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from ontology.terms import ELI, PG, PPLAN

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"


def _pg_terms(graph: Graph) -> set[str]:
    nodes = {node for triple in graph for node in triple if isinstance(node, URIRef)}
    return {str(node) for node in nodes if str(node).startswith(str(PG._NS)) and str(node) != str(PG._NS)}


def test_terms_misspelt_term_is_an_error():
    with pytest.raises(AttributeError):
        PG.Programe
    with pytest.raises(AttributeError):
        ELI.based_in
    assert str(PPLAN.isStepOfPlan) == "http://purl.org/net/p-plan#isStepOfPlan"


def test_terms_match_the_ontology_file():
    declared = {str(PG._NS) + name for name in PG.__annotations__}
    assert _pg_terms(Graph().parse(ONTOLOGY / "plangraph.ttl")) == declared


def test_terms_shapes_use_only_defined_terms():
    declared = {str(PG._NS) + name for name in PG.__annotations__}
    assert _pg_terms(Graph().parse(ONTOLOGY / "shapes.ttl")) <= declared
