"""graph.serialize: the named graph survives every format that can carry it."""
from __future__ import annotations

import pytest
from rdflib import Graph

from graph.build import build_graph
from graph.serialize import parse, serialize
from tests.graph import sample


@pytest.fixture(scope="module")
def dataset():
    doc = sample.source_document()
    return build_graph(sample.extraction(doc), doc)


@pytest.mark.parametrize("format", ["nquads", "trig", "jsonld"])
def test_serialize_round_trip_keeps_the_named_graph(dataset, format):
    back = parse(serialize(dataset, format), format)
    assert {(str(g.identifier), len(g)) for g in back.graphs() if len(g)} == \
           {(str(g.identifier), len(g)) for g in dataset.graphs() if len(g)}
    assert set(back.quads()) == set(dataset.quads())


def test_serialize_turtle_is_the_union(dataset):
    text = serialize(dataset, "turtle")
    assert "57-NQ/TW" in text and "@prefix pg:" in text
    assert len(Graph().parse(data=text, format="turtle")) == len(dataset)


def test_serialize_unknown_format_names_the_options(dataset):
    with pytest.raises(ValueError, match="available: turtle, trig, jsonld, nquads"):
        serialize(dataset, "rdfxml")
