"""graph.build and graph.validate on a hand-made Kế hoạch (tests/graph/sample.py)."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest
from rdflib import Dataset, Literal, URIRef

from graph import iri
from graph.build import Provenance, build_graph, date_literal
from graph.validate import validate
from ingest.keys import agency_key
from ingest.document import Span
from ingest.model import LegalRef
from ontology import terms
from ontology.terms import ELI, ORG, PG, PPLAN, PROV, RDF, SKOS
from tests.graph import sample

FACT_CLASSES = (ELI.LegalResource, PG.Citation, ORG.Organization, PROV.Person, ORG.Post, PPLAN.Step,
                PROV.Association, PPLAN.Variable, PG.Target, PG.Programme, PG.Anomaly)


@pytest.fixture(scope="module")
def doc():
    return sample.source_document()


@pytest.fixture(scope="module")
def built(doc) -> Dataset:
    return build_graph(sample.extraction(doc), doc)


def _named(dataset: Dataset):
    (graph,) = [g for g in dataset.graphs() if len(g)]
    return graph


def _legal_nodes(dataset: Dataset, symbol: str) -> set[URIRef]:
    return set(_named(dataset).subjects(ELI.id_local, Literal(symbol)))


def test_build_graph_conforms_to_shapes(built):
    report = validate(built)
    assert report.conforms, str(report)


def _drop(graph, predicate, subject_class):
    node = next(graph.subjects(RDF.type, subject_class))
    graph.remove((node, predicate, None))


def _second_symbol(graph, _predicate, _class):
    node = next(graph.subjects(RDF.type, ELI.LegalResource))
    graph.add((node, ELI.id_local, Literal("999/QĐ-UBND")))


def _bad_role(graph, _predicate, _class):
    association = next(graph.subjects(RDF.type, PROV.Association))
    graph.set((association, PROV.hadRole, PG.Document))


def _person_leads(graph, _predicate, _class):
    association = next(a for a in graph.subjects(PROV.hadRole, PG.Lead))
    person = next(graph.subjects(RDF.type, PROV.Person))
    graph.set((association, PROV.agent, person))


@pytest.mark.parametrize("break_it, predicate, subject_class", [
    (_drop, ELI.id_local, ELI.LegalResource),            # a legal resource without its symbol
    (_drop, ELI.type_document, ELI.LegalResource),       # ... without its type
    (_second_symbol, None, None),                        # ... with two symbols
    (_drop, PPLAN.isStepOfPlan, PPLAN.Step),             # a task in no plan
    (_drop, PROV.wasDerivedFrom, PPLAN.Step),            # a task without provenance
    (_drop, PROV.wasDerivedFrom, PG.Citation),           # a citation without provenance
    (_drop, PG.start, PG.Mention),                       # a mention without its offset
    (_bad_role, None, None),                             # a role outside the list
    (_person_leads, None, None),                         # a lead that is not an organisation
])
def test_validate_fails_on_broken_graph(doc, break_it, predicate, subject_class):
    dataset = build_graph(sample.extraction(doc), doc)
    break_it(_named(dataset), predicate, subject_class)
    assert not validate(dataset).conforms


def test_build_same_symbol_of_two_provinces_is_two_nodes(built):
    nodes = _legal_nodes(built, "169/KH-UBND")
    assert nodes == {iri.ID["legal/ke-hoach/169-kh-ubnd/quang-ngai/2021"],
                     iri.ID["legal/ke-hoach/169-kh-ubnd/dong-thap/2023"]}


@pytest.mark.parametrize("keyed", [True, False], ids=["resolver-keys", "derived-keys"])
def test_build_one_document_cited_in_different_words_is_one_node(doc, keyed):
    extraction = sample.extraction(doc, keyed=keyed)
    texts = {ref.text for ref in extraction.citations if ref.symbol == "57-NQ/TW"}
    assert len(texts) == 2   # "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị" and "Nghị quyết 57-NQ/TW"
    dataset = build_graph(extraction, doc)
    assert _legal_nodes(dataset, "57-NQ/TW") == {iri.ID["legal/nghi-quyet/57-nq-tw/national/2024"]}
    assert len(_legal_nodes(dataset, "169/KH-UBND")) == 2
    assert validate(dataset).conforms


def test_build_every_fact_has_provenance_pointing_at_its_text(built, doc):
    graph = _named(built)
    facts = {node for cls in FACT_CLASSES for node in graph.subjects(RDF.type, cls)}
    assert all((None, RDF.type, cls) in graph for cls in FACT_CLASSES)   # the sample has every kind of fact
    for fact in facts:
        sources = set(graph.objects(fact, PROV.wasDerivedFrom))
        assert sources, f"{fact} has no provenance"
    mentions = set(graph.subjects(RDF.type, PG.Mention))
    for mention in mentions:
        start, end = int(graph.value(mention, PG.start)), int(graph.value(mention, PG.end))
        assert doc.text[start:end] == str(graph.value(mention, PG.quote))
        assert graph.value(mention, PG.source) == iri.document_iri(doc.id)


QUOTES = """
SELECT ?quote WHERE {
  ?fact prov:wasDerivedFrom ?m . ?m pg:quote ?quote .
}"""


def _quotes_of(graph, fact: URIRef) -> list[str]:
    return [str(row.quote) for row in graph.query(QUOTES, initBindings={"fact": fact})]


def test_build_provenance_names_the_exact_words(built):
    graph = _named(built)
    task = iri.task_iri(sample.extraction().doc_id, sample.TASK_ROW)
    (row_quote,) = _quotes_of(graph, task)
    assert sample.ROW_TEXT in row_quote and "Phòng QLKH" in row_quote
    dong_thap = iri.ID["legal/ke-hoach/169-kh-ubnd/dong-thap/2023"]
    assert _quotes_of(graph, dong_thap) == ["Kế hoạch số 169/KH-UBND ngày 15/8/2023 của UBND tỉnh Đồng Tháp"]
    phong = iri.agency_iri(agency_key(sample.PHONG))
    assert _quotes_of(graph, phong) == ["Phòng QLKH", "Phòng QLKH"]
    anomaly = next(graph.subjects(RDF.type, PG.Anomaly))
    assert _quotes_of(graph, anomaly) == ["IV. TỔ CHỨC THỰC HIỆN"]


def test_build_task_roles_products_and_plan(built):
    graph = _named(built)
    task = iri.task_iri(sample.extraction().doc_id, sample.TASK_ROW)
    roles = {(graph.value(a, PROV.hadRole), str(graph.value(graph.value(a, PROV.agent), SKOS.prefLabel)))
             for a in graph.objects(task, PROV.qualifiedAssociation)}
    assert roles == {(PG.Lead, sample.PHONG), (PG.Cooperating, sample.TRUNG_TAM),
                     (PG.DirectedBy, "Nguyễn Văn An")}
    products = {str(graph.value(p, SKOS.prefLabel)) for p in graph.subjects(PPLAN.isOutputVarOf, task)}
    assert products == {"Cơ sở dữ liệu", "Báo cáo"}
    assert graph.value(task, PPLAN.isStepOfPlan) == iri.document_iri(sample.extraction().doc_id)
    assert (task, ELI.cites, iri.ID["legal/nghi-quyet/57-nq-tw/national/2024"]) in graph
    other = iri.task_iri(sample.extraction().doc_id, sample.TASK_PARA)
    post = next(graph.value(a, PROV.agent) for a in graph.objects(other, PROV.qualifiedAssociation)
                if graph.value(a, PROV.hadRole) == PG.DirectedBy)
    assert (post, RDF.type, ORG.Post) in graph


def test_build_citation_relations_and_implements(built):
    graph = _named(built)
    document = iri.document_iri(sample.extraction().doc_id)
    nq57 = iri.ID["legal/nghi-quyet/57-nq-tw/national/2024"]
    kh169_qn = iri.ID["legal/ke-hoach/169-kh-ubnd/quang-ngai/2021"]
    kh169_dt = iri.ID["legal/ke-hoach/169-kh-ubnd/dong-thap/2023"]
    assert {o for o in graph.objects(document, ELI.based_on)} == {nq57, kh169_qn}
    assert (document, ELI.cites, kh169_dt) in graph
    assert (kh169_qn, ELI.applies, nq57) in graph
    assert graph.value(kh169_qn, ELI.passed_by) == iri.agency_iri(agency_key(sample.UBND_QN))
    programme = next(graph.subjects(RDF.type, PG.Programme))
    assert graph.value(programme, PG.approvedBy) == kh169_qn   # the document's own province decides


def test_build_amends_when_the_text_says_sua_doi(doc):
    text = "Quyết định số 11/2025/QĐ-UBND sửa đổi, bổ sung Quyết định số 25/2018/QĐ-UBND"
    extraction = sample.extraction(doc)
    start = sample.TEXT.index("Căn cứ")   # any span of the text: the quote is taken from there
    extraction.citations += [
        LegalRef("Quyết định", "11/2025/QĐ-UBND", Span(start, start + 6), text, issuer=sample.UBND_QN,
                 implements=["25/2018/QĐ-UBND"]),
        LegalRef("Quyết định", "25/2018/QĐ-UBND", Span(start, start + 6), text, issuer=sample.UBND_QN)]
    graph = _named(build_graph(extraction))   # without the document: the citation's own text is read
    amending = iri.ID["legal/quyet-dinh/11-2025-qd-ubnd/quang-ngai/2025"]
    assert (amending, ELI.amends, iri.ID["legal/quyet-dinh/25-2018-qd-ubnd/quang-ngai/2018"]) in graph
    assert (amending, ELI.applies, None) not in graph


def test_build_describes_the_named_graph_with_prov(doc):
    when = datetime(2025, 3, 11, 8, 30, tzinfo=timezone.utc)
    provenance = Provenance("052_ke-hoach-so-hoa.txt", "ab" * 32, "extractor-7", when)
    dataset = build_graph(sample.extraction(doc), doc, provenance=provenance)
    graph = _named(dataset)
    assert graph.identifier == iri.graph_iri(doc.id)
    assert graph.value(graph.identifier, PROV.wasDerivedFrom) == iri.document_iri(doc.id)
    assert graph.value(graph.identifier, PG.extractorVersion) == Literal("extractor-7")
    assert graph.value(graph.identifier, PROV.generatedAtTime).toPython() == when
    assert graph.value(iri.document_iri(doc.id), PG.contentHash) == Literal("ab" * 32)
    assert graph.value(iri.document_iri(doc.id), PG.sourceFile) == Literal("052_ke-hoach-so-hoa.txt")


def test_build_is_deterministic(doc):
    provenance = Provenance("f.txt", "0" * 64, "1", datetime(2025, 1, 1, tzinfo=timezone.utc))
    first = build_graph(sample.extraction(doc), doc, provenance=provenance)
    second = build_graph(sample.extraction(doc), doc, provenance=provenance)
    assert set(first.quads()) == set(second.quads())


def test_build_refuses_spans_outside_the_text(doc):
    extraction = sample.extraction(doc)
    extraction.tasks[0] = dataclasses.replace(extraction.tasks[0], span=Span(0, len(doc.text) + 5))
    with pytest.raises(ValueError, match="outside the text"):
        build_graph(extraction, doc)


def test_build_refuses_a_citation_of_an_unknown_task(doc):
    extraction = sample.extraction(doc)
    extraction.citations[3] = dataclasses.replace(extraction.citations[3], task_id="no-such-task")
    with pytest.raises(ValueError, match="no-such-task"):
        build_graph(extraction, doc)


def test_build_refuses_a_document_of_another_extraction(doc):
    with pytest.raises(ValueError, match="SourceDocument"):
        build_graph(sample.extraction(doc), sample.source_document(addendum="\nPhụ lục"))


@pytest.mark.parametrize("printed, datatype", [("2024-12-22", terms.XSD.date), ("2025-05", terms.XSD.gYearMonth),
                                               ("2025", terms.XSD.gYear)])
def test_date_literal_types(printed, datatype):
    assert date_literal(printed).datatype == datatype


@pytest.mark.parametrize("printed", ["2024-02-30", "2025-13", "22/12/2024", None])
def test_date_literal_refuses_what_is_not_a_date(printed):
    assert date_literal(printed) is None
