"""The citation grammar on the forms real documents use."""
from __future__ import annotations

import pytest

from ingest.citations import find_citations, find_reference, parse_date
from ingest.text import normalise


@pytest.mark.parametrize("text, symbol, date, issuer", [
    ("Căn cứ Quyết định số 11/2025/QĐ-UBND ngày 27/02/2025 của UBND tỉnh ban hành Quy định",
     "11/2025/QĐ-UBND", "2025-02-27", "UBND tỉnh"),
    ("theo Kết luận số 50-KL/TW ngày 30 tháng 5 năm 2019 của Ban Bí thư về tiếp tục", "50-KL/TW", "2019-05-30",
     "Ban Bí thư"),
    ("Thực hiện Quyết định số\n1850/QĐ-TTg ngày 27 tháng 8 năm 2025 của Thủ tướng Chính phủ về ban hành",
     "1850/QĐ-TTg", "2025-08-27", "Thủ tướng Chính phủ"),
    ("Luật số 01/2021/QH15 sửa đổi", "01/2021/QH15", None, None),
    ("Quyết định số 911a/QĐ-UBND-HC ngày 09/7/2021 của Ủy ban nhân dân Tỉnh về ban hành", "911a/QĐ-UBND-HC",
     "2021-07-09", "Ủy ban nhân dân Tỉnh"),
    ("Công văn số 211/STTTT-BCVT&CNTT ngày 22/01/2025", "211/STTTT-BCVT&CNTT", "2025-01-22", None),
    ("Quyết định số 2638/QĐ- UBND ngày 12/11/2025", "2638/QĐ-UBND", "2025-11-12", None),
])
def test_citations_read_symbol_date_and_issuer(text, symbol, date, issuer):
    found = find_citations(normalise(text))
    assert [(c.symbol, c.date, c.issuer_text) for c in found] == [(symbol, date, issuer)]


def test_citations_state_the_implements_chain():
    text = ("Căn cứ Kế hoạch hành động số 359-KH/TU ngày 29/4/2025 của Tỉnh ủy Quảng Ngãi thực hiện Nghị quyết số "
            "57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học")
    kh, nq = find_citations(text)
    assert kh.implements == ["57-NQ/TW"] and nq.implements == []
    amend = find_citations("Nghị định số 82/2024/NĐ-CP sửa đổi, bổ sung một số điều của Nghị định số 73/2019/NĐ-CP")
    assert amend[0].implements == ["73/2019/NĐ-CP"] and amend[0].amends


def test_citations_ignore_standards_and_table_numbers():
    assert find_citations("theo TCVN ISO 9001:2015 đối với các cơ quan") == []
    assert find_citations("9\t- Khảo sát chất lượng") == []


def test_citations_in_every_sample_document(shared_dir):
    symbols = {c.symbol for f in (shared_dir / "corpus").glob("*.txt")
               for c in find_citations(normalise(f.read_text(encoding="utf-8")))}
    assert {"57-NQ/TW", "749/QĐ-TTg", "1879/QĐ-UBND", "50/KHPH-SKHCN-LHH", "336-KH/TU"} <= symbols


@pytest.mark.parametrize("query, doc_type, number, symbol", [
    ("NQ 57", "Nghị quyết", "57", None),
    ("nghi quyet so 57-NQ/TW", "Nghị quyết", "57", "57-nq/tw"),
    ("Quyết định 749", "Quyết định", "749", None),
    ("thanh tra theo quyet dinh 1879/QD-UBND", "Quyết định", "1879", "1879/qd-ubnd"),
])
def test_queries_name_legal_documents_in_any_form(query, doc_type, number, symbol):
    ref = find_reference(query)[0]
    assert (ref.doc_type, ref.number, ref.symbol) == (doc_type, number, symbol)


@pytest.mark.parametrize("raw, iso", [("27/02/2025", "2025-02-27"), ("30 tháng 5 năm 2019", "2019-05-30"),
                                      ("  tháng 5 năm 2025", "2025-05"), (" /01/2024", "2024-01"), ("45/13/2024", None)])
def test_dates_partial_and_invalid(raw, iso):
    assert parse_date(raw) == iso
