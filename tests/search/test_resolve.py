import pytest

from search.resolve import LinkAgencyResolver, LinkLegalResolver, canonical_words


@pytest.fixture(scope="module")
def legal(corpus) -> LinkLegalResolver:
    return LinkLegalResolver.from_units(corpus.units)


@pytest.fixture(scope="module")
def agencies(corpus) -> LinkAgencyResolver:
    return LinkAgencyResolver.from_units(corpus.units, corpus.entities)


@pytest.mark.parametrize("query, symbol", [
    ("NQ 57", "57-NQ/TW"), ("NQ57", "57-NQ/TW"), ("nghị quyết số 57-NQ/TW", "57-NQ/TW"),
    ("nghi quyet 57", "57-NQ/TW"), ("Quyết định 749", "749/QĐ-TTg"), ("thanh tra theo 1879/QD-UBND", "1879/QĐ-UBND"),
    ("sửa đổi Quyết định 25/2018/QĐ-UBND", "25/2018/QĐ-UBND"),
])
def test_resolve_legal_reference_in_the_forms_people_type(legal, query, symbol):
    keys = legal.resolve(query)
    assert keys and all(symbol in key for key in keys)


@pytest.mark.parametrize("query", ["kế hoạch năm 2024", "57 nhiệm vụ", "Nghị quyết 99999"])
def test_resolve_legal_needs_a_type_and_a_known_number(legal, query):
    assert legal.resolve(query) == []


def test_resolve_legal_mention_spans_the_naming_words(legal):
    query = "những nhiệm vụ nào thực hiện Kế hoạch 32/KH-UBND về truy xuất nguồn gốc"
    (mention, *_) = legal.mentions(query)
    assert query[mention.start:mention.end] == "Kế hoạch 32/KH-UBND"


@pytest.mark.parametrize("query, words_in_key, role", [
    ("Phòng TĐC chủ trì những nhiệm vụ gì năm 2024", "tieu chuan do luong chat luong", "lead"),
    ("PGĐ Phan Văn Hiếu chỉ đạo những nội dung nào", "phan van hieu", "directed_by"),
    ("Thanh tra Sở chịu trách nhiệm những việc gì", "thanh tra so", "lead"),
    ("Sở Công Thương Đồng Tháp chủ trì những nhiệm vụ nào", "cong thuong", "lead"),
])
def test_resolve_agency_and_the_role_asked(agencies, query, words_in_key, role):
    (mention, *_) = agencies.mentions(query)
    assert words_in_key in mention.key and mention.role == role


def test_resolve_agency_several_named_in_order_with_province(agencies):
    mentions = agencies.mentions("Sở Nông nghiệp và Môi trường Quảng Ngãi phối hợp với Sở KH&CN làm những việc gì")
    assert "nong nghiep va moi truong" in mentions[0].key and "quang ngai" in mentions[0].key
    assert mentions[0].role == "cooperating"
    assert any("khoa hoc va cong nghe" in m.key for m in mentions[1:])
    assert not any("dong thap" in m.key for m in mentions)


@pytest.mark.parametrize("query", ["kiem tra tien do nhiem vu KHCN lap lai cac quy",
                                   "làm sạch môi trường vùng nuôi cá da trơn công nghiệp",
                                   "thực hiện Kế hoạch 32/KH-UBND"])
def test_resolve_agency_not_read_into_words_that_name_none(agencies, query):
    assert agencies.resolve(query) == []


def test_canonical_words_expand_short_forms_and_fold():
    assert canonical_words("Phòng TĐC") == ["phong", "tieu", "chuan", "do", "luong", "chat", "luong"]
    assert canonical_words("Sở KH&CN") == ["so", "khoa", "hoc", "va", "cong", "nghe"]
