import dataclasses
import threading
import zlib

import numpy as np
import pytest

from ingest.text import fold
from search.engine import SearchEngine


def _any_key(keys: list[str], words: str) -> bool:
    return any(words in fold(k) for k in keys)


@pytest.mark.parametrize("query", ["NQ 57", "nghị quyết số 57-NQ/TW", "nghi quyet 57", "NQ57"])
def test_engine_legal_reference_ranks_first_the_units_citing_it(lexical_engine, query):
    hits = lexical_engine.search(query, k=5).hits
    units = {u.id: u for u in lexical_engine.units}
    assert len(hits) == 5
    for hit in hits:
        unit = units[hit.id]
        assert _any_key(unit.cites + unit.cites_via, "57-nq/tw"), hit.text[:80]
        assert any(reason["why"].startswith("cites") for reason in hit.explanation["graph"])


def test_engine_legal_reference_through_a_chain_counts_after_direct_citations(lexical_engine):
    hits = lexical_engine.search("các nội dung thực hiện Nghị quyết 57", k=30).hits
    whys = [max(r["boost"] for r in h.explanation["graph"]) for h in hits if h.explanation["graph"]]
    assert whys == sorted(whys, reverse=True)


@pytest.mark.parametrize("query, role, words", [
    ("Phòng TĐC chủ trì những nhiệm vụ gì năm 2024", "lead", "tieu chuan do luong chat luong"),
    ("PGĐ Phan Văn Hiếu chỉ đạo những nội dung nào", "directed_by", "phan van hieu"),
    ("Thanh tra Sở chịu trách nhiệm những việc gì", "lead", "thanh tra"),
])
def test_engine_agency_query_ranks_the_units_where_it_holds_the_role(lexical_engine, query, role, words):
    units = {u.id: u for u in lexical_engine.units}
    hits = lexical_engine.search(query, k=8).hits
    assert all(_any_key(getattr(units[h.id], role), words) for h in hits), [h.text[:60] for h in hits]


def test_engine_agency_cooperating_comes_after_leading(lexical_engine):
    units = {u.id: u for u in lexical_engine.units}
    hits = lexical_engine.search("Sở Công Thương Đồng Tháp chủ trì những nhiệm vụ nào", k=10).hits
    leads = [_any_key(units[h.id].lead, "so cong thuong") for h in hits]
    assert leads[0] and leads == sorted(leads, reverse=True)
    assert any(_any_key(units[h.id].cooperating, "so cong thuong") for h in hits)


def test_engine_repetition_query_surfaces_the_duplicate_group(lexical_engine):
    hits = lexical_engine.search("kiem tra tien do nhiem vu KHCN lap lai cac quy", k=10).hits
    top = [fold(h.text) for h in hits[:4]]
    assert all(t.startswith("to chuc kiem tra tien do cac nhiem vu") for t in top)
    assert hits[0].explanation["duplicate_count"] >= 3 and len(hits[0].explanation["duplicates"]) >= 3


def test_engine_a_task_pasted_as_query_brings_its_repetitions(lexical_engine):
    task = "Triển khai thanh tra theo Quyết định số 1879/QĐ-UBND ngày 19/12/2023 của Chủ tịch UBND tỉnh Quảng Ngãi"
    hits = lexical_engine.search(task, k=4).hits
    assert all(h.text.startswith(task) for h in hits)
    assert len({h.id for h in hits}) == 4


def test_engine_duplicates_pulled_up_behind_a_hit_pass_the_filters_too(corpus):
    """A document copied into a second file: its tasks have copies in another source, which the search pulls up
    behind each one — but not past a filter on the source."""
    original = [u for u in corpus.units if u.source == corpus.units[0].source]
    copy = [dataclasses.replace(u, id=f"copy-{u.id}", source=f"copy-{u.source}", doc_id=f"copy-{u.doc_id}") for u in original]
    engine = SearchEngine.build(original + copy)
    pasted = next(u.text for u in original if u.kind == "task")
    assert {h.source for h in engine.search(pasted, k=10).hits} == {original[0].source, copy[0].source}
    filtered = engine.search(pasted, k=10, filters={"source": copy[0].source}).hits
    assert filtered and {h.source for h in filtered} == {copy[0].source}


def test_engine_filters_and_facets(lexical_engine):
    everything = lexical_engine.search("chuyển giao công nghệ", k=10)
    assert {"Quảng Ngãi", "Đồng Tháp"} <= set(everything.facets["province"])
    assert sum(everything.facets["kind"].values()) == everything.total
    in_dong_thap = lexical_engine.search("chuyển giao công nghệ", k=10, filters={"province": "Dong Thap"})
    assert in_dong_thap.hits and all(h.source.startswith(("002", "003")) for h in in_dong_thap.hits)
    assert in_dong_thap.total == everything.facets["province"]["Đồng Tháp"]
    tasks = lexical_engine.search("chuyển giao công nghệ", k=10, filters={"kind": ["task", "target"]})
    assert {h.kind for h in tasks.hits} <= {"task", "target"}


def test_engine_filter_on_an_agency_in_any_role(lexical_engine):
    key = next(k for u in lexical_engine.units for k in u.cooperating if "thanh tra" in k)
    result = lexical_engine.search("kiểm tra", k=20, filters={"agency": key})
    units = {u.id: u for u in lexical_engine.units}
    assert result.hits
    assert all(key in units[h.id].lead + units[h.id].cooperating + units[h.id].directed_by for h in result.hits)


def test_engine_unknown_filter_names_the_available_ones(lexical_engine):
    with pytest.raises(ValueError, match="available filters are province"):
        lexical_engine.search("kiểm tra", filters={"tỉnh": "Quảng Ngãi"})


def test_engine_pages_through_one_ranking(lexical_engine):
    first_ten = lexical_engine.search("đào tạo tập huấn", k=10)
    second_page = lexical_engine.search("đào tạo tập huấn", k=5, offset=5)
    assert [h.id for h in second_page.hits] == [h.id for h in first_ten.hits[5:10]]
    assert second_page.total == first_ten.total >= 10
    assert lexical_engine.search("đào tạo tập huấn", k=5, offset=10 ** 6).hits == []


def test_engine_highlights_matched_words_on_the_original_text(lexical_engine):
    hit = lexical_engine.search("kiem tra tien do", k=1).hits[0]
    marked = [hit.text[s:e] for s, e in hit.highlights]
    assert any(fold(m) == "kiem tra tien do" for m in marked), marked


def test_engine_explains_which_field_matched(lexical_engine):
    unmarked = lexical_engine.search("kiem tra tien do", k=1).hits[0]
    marked = lexical_engine.search("kiểm tra tiến độ", k=1).hits[0]
    assert unmarked.explanation["lexical"]["field"] == "folded"
    assert marked.explanation["lexical"]["field"] == "exact+folded"
    assert marked.explanation["lexical"]["rank"] == 1


def test_engine_reads_the_query_once_and_says_how(lexical_engine):
    reading = lexical_engine.search("Phòng TĐC chủ trì những nhiệm vụ gì", k=1).query
    assert reading["agencies"][0]["role"] == "lead"
    assert "gì" not in reading["text"].split()


@pytest.mark.parametrize("typed, expected", [("so khoa hoc", "Sở Khoa học và Công nghệ"),
                                             ("Phòng TĐC", "Tiêu chuẩn Đo lường Chất lượng"),
                                             ("57-NQ", "57-NQ/TW")])
def test_engine_suggests_entity_names_without_diacritics(lexical_engine, typed, expected):
    names = [s.name for s in lexical_engine.suggest(typed, limit=5)]
    assert any(fold(expected) in fold(name) for name in names), names


def test_engine_answers_the_same_after_save_and_load(lexical_engine, tmp_path):
    lexical_engine.save(tmp_path / "search")
    loaded = SearchEngine.load(tmp_path / "search")
    for query in ("NQ 57", "Phòng TĐC chủ trì", "hoi thi sang tao ky thuat"):
        assert [h.id for h in loaded.search(query).hits] == [h.id for h in lexical_engine.search(query).hits]


class _ThreadRecordingEmbedder:
    """Vectors from the text's hash; remembers the thread each query was embedded on, fails on "hỏng"."""
    name, dim = "test/hash-vectors", 8

    def __init__(self):
        self.query_threads: list[str] = []

    def embed_passages(self, texts):
        return np.vstack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        self.query_threads.append(threading.current_thread().name)
        if "hỏng" in text:
            raise RuntimeError("the model failed")
        return self._vector(text)

    def _vector(self, text):
        return np.random.default_rng(zlib.crc32(text.encode("utf-8"))).normal(size=self.dim).astype(np.float32)


def test_engine_embeds_the_query_beside_the_lexical_work_and_passes_its_failure_on(corpus):
    embedder = _ThreadRecordingEmbedder()
    engine = SearchEngine.build(corpus.units[:60], embedder=embedder)
    assert engine.search("kiểm tra tiến độ").hits
    assert embedder.query_threads and threading.current_thread().name not in embedder.query_threads
    with pytest.raises(RuntimeError, match="the model failed"):
        engine.search("mô hình hỏng")
