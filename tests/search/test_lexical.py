import json

import pytest

from search.lexical import LexicalConfig, LexicalIndex

TEXTS = ["Nâng cấp tuyến đường giao thông nông thôn", "Bảo tồn cây dương xỉ quý hiếm ở vườn quốc gia",
         "Xây dựng mô hình trồng nấm dược liệu", "Sở KH&CN hỗ trợ khởi nghiệp đổi mới sáng tạo"]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    built = LexicalIndex()
    built.index(TEXTS)
    return built


def test_lexical_query_with_marks_keeps_duong_and_duong_apart(index):
    assert index.search("đường", k=2)[0].row == 0
    assert index.search("dương", k=2)[0].row == 1
    marked = index.field_scores("đường")
    assert marked.exact[1] == 0 and marked.folded[1] > 0    # "dương" only meets "đường" folded


def test_lexical_query_without_marks_is_read_folded_only(index):
    scores = index.field_scores("duong")
    assert scores.exact_weight == 0
    assert {h.row for h in index.search("duong", k=5)} == {0, 1}


def test_lexical_abbreviation_meets_its_long_form(index):
    assert index.search("khoa học và công nghệ khởi nghiệp", k=1)[0].row == 3
    assert index.search("khcn", k=1)[0].row == 3


def test_lexical_unmatched_query_finds_nothing(index):
    assert index.search("casino", k=5) == []


def test_lexical_saves_its_parameters_and_versions(index, tmp_path):
    index.save(tmp_path / "lexical")
    meta = json.loads((tmp_path / "lexical" / "lexical.json").read_text(encoding="utf-8"))
    assert meta["count"] == len(TEXTS) and meta["scoring"] == "bm25 lucene" and meta["config"]["k1"] == LexicalConfig().k1
    assert LexicalIndex.load(tmp_path / "lexical").config == index.config


def test_lexical_refuses_an_index_of_another_format(index, tmp_path):
    index.save(tmp_path / "lexical")
    path = tmp_path / "lexical" / "lexical.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**meta, "format": "plangraph.lexical.v0"}), encoding="utf-8")
    with pytest.raises(ValueError, match="rebuild"):
        LexicalIndex.load(tmp_path / "lexical")


def test_lexical_coverage_says_how_much_of_the_query_a_row_holds(index):
    full, none = index.coverage("nấm dược liệu", [2, 0])
    assert full == pytest.approx(1.0) and none == 0
    (part,) = index.coverage("trồng nấm quý hiếm", [2])
    assert 0 < part < 1
