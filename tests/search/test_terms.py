import unicodedata

import pytest

from search.terms import compounds, default_abbreviations, has_diacritics, syllables, text_terms


def test_terms_keep_one_letter_syllables():
    assert "y" in text_terms("Hướng dẫn thủ tục cấp phép thiết bị X quang y tế").exact


def test_terms_read_decomposed_text_as_whole_syllables():
    decomposed = unicodedata.normalize("NFD", "Công nghệ")
    assert text_terms(decomposed, pairs=False).exact[:2] == ("công", "nghệ")


@pytest.mark.parametrize("text, token", [
    ("Sở KH&CN tỉnh", "kh&cn"),
    ("Sở KH & CN tỉnh", "kh&cn"),
    ("Nghị quyết số 57-NQ/TW ngày 22/12/2024", "57-nq/tw"),
    ("Quyết định số 1879/QĐ-UBND", "1879/qđ-ubnd"),
    ("Số: 52 /KH-SKHCN-UBND", "52/kh-skhcn-ubnd"),
])
def test_terms_keep_symbols_whole_beside_their_parts(text, token):
    exact = text_terms(text, expand=False).exact
    assert token in exact
    assert all(part in exact for part in token.replace("&", " ").replace("/", " ").replace("-", " ").split())


def test_terms_split_a_type_code_typed_against_its_number():
    assert {"nq", "57"} <= set(text_terms("NQ57", expand=False).exact)


def test_terms_fold_diacritics_and_d_bar():
    terms = text_terms("Đường dương", expand=False)
    assert terms.exact == ("đường", "dương", "đường_dương")
    assert terms.folded == ("duong", "duong", "duong_duong")


def test_terms_pair_adjacent_syllables_within_a_phrase_only():
    pairs = [t for t in text_terms("kiểm tra tiến độ, báo cáo", expand=False).exact if "_" in t]
    assert pairs == ["kiểm_tra", "tra_tiến", "tiến_độ", "báo_cáo"]


@pytest.mark.parametrize("query, marked", [("nghi quyet 57", False), ("NQ 57", False), ("Đồng Tháp", True),
                                           ("đường", True), ("khoa hoc", False)])
def test_terms_tell_a_query_typed_with_diacritics(query, marked):
    assert has_diacritics(query) is marked


@pytest.mark.parametrize("text, expected", [
    ("Sở KH&CN hỗ trợ khởi nghiệp", {"khoa", "học", "công", "nghệ", "khcn"}),   # short -> long and siblings
    ("Sở Khoa học và Công nghệ", {"kh&cn", "khcn"}),                           # long -> short
    ("khoa hoc va cong nghe", {"kh&cn"}),                                      # long form typed without marks
    ("UBND tỉnh", {"ủy", "ban", "nhân", "dân"}),
    ("Phòng QLKH", {"quản", "lý", "khoa", "học"}),
    ("nghị quyết số 57-NQ/TW", {"trung", "ương"}),                               # the parts of a symbol
])
def test_abbreviations_expand_both_ways(text, expected):
    assert expected <= set(text_terms(text).exact)


def test_abbreviation_parts_of_a_known_compound_are_not_expanded_alone():
    # "KH" of "KH&CN" is not "Kế hoạch"
    assert "kế" not in text_terms("nhiệm vụ KH&CN").exact


def test_abbreviation_shaped_like_a_syllable_needs_capitals():
    table = default_abbreviations()
    assert table.lookup_short("TU") == ("Tỉnh ủy",)
    assert table.lookup_short("tu") == ()          # "tu", "tư", "từ" are words
    assert table.lookup_short("ubnd") == ("Ủy ban nhân dân",)   # no word looks like it


def test_syllables_and_compounds_give_spans_into_the_text():
    text = "Sở KH&CN và 57-NQ/TW"
    assert [text[t.start:t.end] for t in syllables(text)] == ["Sở", "KH", "CN", "và", "57", "NQ", "TW"]
    assert [text[t.start:t.end] for t in compounds(text)] == ["KH&CN", "57-NQ/TW"]
