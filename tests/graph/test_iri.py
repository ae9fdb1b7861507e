"""graph.iri and graph.keys: readable, stable IRIs and the identity rule for legal documents."""
from __future__ import annotations

import pytest

from graph import iri
from graph.keys import KeyResolver
from ingest.keys import NATIONAL, legal_key
from ingest.document import Span
from ingest.model import Agency, DocumentMeta, Extraction, LegalRef


@pytest.mark.parametrize("text, expected", [
    ("Sở Khoa học và Công nghệ tỉnh Quảng Ngãi", "so-khoa-hoc-va-cong-nghe-tinh-quang-ngai"),
    ("Sở KH&CN", "so-kh-cn"), ("11/2025/QĐ-UBND", "11-2025-qd-ubnd"), ("ĐỒNG THÁP", "dong-thap"), ("", "unknown")])
def test_iri_slug(text, expected):
    assert iri.slug(text) == expected


def test_iri_legal_document_path_reads_type_symbol_place_year():
    key = legal_key("Quyết định", "749/QĐ-TTg", None, "2020-06-03")
    assert str(iri.legal_iri(key)) == "https://plangraph.vn/id/legal/quyet-dinh/749-qd-ttg/national/2020"
    assert iri.legal_iri(legal_key("Quyết định", "749/QĐ-TTg", NATIONAL, None)).endswith("/national/unknown")


def test_iri_same_key_printed_differently_is_one_iri():
    assert iri.legal_iri("Nghị quyết|57-NQ/TW|national|2024") == iri.legal_iri("nghi quyet|57-nq/tw|NATIONAL|2024")
    assert iri.agency_iri("UBND tỉnh Đồng Tháp") != iri.agency_iri("UBND tỉnh Quảng Ngãi")


def test_iri_empty_key_is_refused():
    with pytest.raises(ValueError, match="empty key"):
        iri.agency_iri(" ")


def test_iri_document_local_ids_stay_readable():
    assert str(iri.task_iri("0ea02f5d", "001-III.1.5")) == "https://plangraph.vn/id/task/0ea02f5d/001-III.1.5"
    assert str(iri.mention_iri("0ea02f5d", Span(10, 42))) == "https://plangraph.vn/id/doc/0ea02f5d/span/10-42"


def _ref(symbol: str, issuer: str | None, date: str | None = None) -> LegalRef:
    return LegalRef("Kế hoạch", symbol, Span(0, 1), symbol, date=date, issuer=issuer)


def test_keys_derived_when_the_extraction_has_none():
    """A blank key is derived by the resolver's rule: the issuer's province from the document's agencies (an
    alias counts) or from its name, a central body national; a missing year from another citation of it."""
    extraction = Extraction(
        source="x.txt", doc_id="x", meta=DocumentMeta(province="Quảng Ngãi"),
        agencies=[Agency("UBND tỉnh Quảng Ngãi", "ubnd tinh quang ngai", aliases=["UBND tỉnh"], province="Quảng Ngãi")],
        citations=[_ref("169/KH-UBND", "UBND tỉnh Đồng Tháp", "2023-08-15"), _ref("169/KH-UBND", "UBND tỉnh Đồng Tháp"),
                   _ref("169/KH-UBND", "UBND tỉnh", "2021-12-09"), _ref("12/KH-BKHCN", "Bộ Khoa học và Công nghệ")])
    keys = KeyResolver(extraction)
    assert [keys.citation_key(i) for i in range(4)] == [
        "Kế hoạch|169/KH-UBND|Đồng Tháp|2023", "Kế hoạch|169/KH-UBND|Đồng Tháp|2023",
        "Kế hoạch|169/KH-UBND|Quảng Ngãi|2021", "Kế hoạch|12/KH-BKHCN|national|"]
    assert keys.symbol_key("169/KH-UBND") == "Kế hoạch|169/KH-UBND|Quảng Ngãi|2021"   # the document's own province


def test_keys_undated_citation_takes_the_year_of_its_dated_twin():
    dated, undated = _ref("57-NQ/TW", "Bộ Chính trị", "2024-12-22"), _ref("57-NQ/TW", None)
    dated.key, undated.key = "Nghị quyết|57-NQ/TW|national|2024", "Nghị quyết|57-NQ/TW|national|"
    other_year = _ref("57-NQ/TW", None)
    other_year.key = "Nghị quyết|57-NQ/TW|national|2019"
    keys = KeyResolver(Extraction(source="x", doc_id="x", meta=DocumentMeta(), citations=[dated, undated]))
    assert keys.citation_key(1) == "Nghị quyết|57-NQ/TW|national|2024"
    ambiguous = KeyResolver(Extraction(source="x", doc_id="x", meta=DocumentMeta(),
                                       citations=[dated, undated, other_year]))
    assert ambiguous.citation_key(1) == "Nghị quyết|57-NQ/TW|national|"   # two years known: left undecided
