import pytest

from ingest.readers import read
from ingest.text import fold, normalise
from search.units_builder import build_units

WORK_PROGRAMME = "001_c9fe7b2844345c15.txt"
COOPERATION = "000_1cc758f53e979a0a.txt"


def _units(corpus, source, kind=None):
    return [u for u in corpus.units if u.source == source and (kind is None or u.kind == kind)]


def test_units_of_every_kind_come_from_an_extracted_document(corpus):
    kinds = {u.kind for u in _units(corpus, WORK_PROGRAMME)}
    assert kinds == {"document", "section", "passage", "task", "target"}
    assert len(_units(corpus, WORK_PROGRAMME, "document")) == 1


def test_units_spans_point_at_their_own_words(corpus):
    for unit in corpus.units:
        doc = corpus.docs[unit.source]
        assert 0 <= unit.start < unit.end <= len(doc.text)
        if unit.kind in ("passage", "task"):
            first_words = " ".join(fold(unit.content or unit.text).split(" | ")[0].split()[:4])
            assert first_words in fold(doc.text[unit.start:unit.end]), unit.id


def test_units_task_text_says_its_roles_and_links_them(corpus):
    task = next(u for u in _units(corpus, WORK_PROGRAMME, "task")
                if u.content and u.content.startswith("Tổ chức kiểm tra tiến độ các nhiệm vụ KHCN"))
    assert "chủ trì: Phòng Quản lý Khoa học" in task.text
    assert any("quan ly khoa hoc" in key for key in task.lead)
    assert task.cooperating and task.directed_by
    assert task.province == "Quảng Ngãi" and task.year == "2023"      # the year the programme was issued


def test_units_a_row_read_as_a_task_is_not_indexed_twice(corpus):
    row_text = "Tổ chức kiểm tra tiến độ các nhiệm vụ KHCN"
    holders = [u for u in _units(corpus, WORK_PROGRAMME) if u.kind in ("passage", "task") and row_text in u.text]
    assert {u.kind for u in holders} == {"task"}


def test_units_carry_the_legal_documents_they_cite_and_the_chains(corpus):
    basis = next(u for u in _units(corpus, COOPERATION, "passage") if "749/QĐ-TTg" in u.text)
    assert any("749/QĐ-TTg" in key for key in basis.cites)
    plan = next(u for u in _units(corpus, COOPERATION, "passage") if "359-KH/TU" in u.text)
    assert any("57-NQ/TW" in key for key in plan.cites + plan.cites_via)
    document = _units(corpus, COOPERATION, "document")[0]
    assert any("2141/QĐ-UBND" in key for key in document.cites)


def test_units_without_an_extraction_are_document_sections_and_passages(shared_dir):
    units = build_units(read(shared_dir / "corpus" / WORK_PROGRAMME))
    assert {u.kind for u in units} == {"document", "section", "passage"}
    assert not any(u.cites or u.lead for u in units)


def test_units_join_a_list_item_with_its_short_sub_items(shared_dir):
    units = build_units(read(shared_dir / "corpus" / "002_f5cb55f6df984cd8.txt"))
    joined = [u for u in units if u.kind == "passage" and u.text.startswith("2. Các Sở, ngành Tỉnh")]
    assert joined and " - Phối hợp thực hiện các nội dung theo kế hoạch này" in joined[0].text


def test_units_table_rows_drop_the_row_number(corpus):
    rows = [u for u in corpus.units if u.kind == "passage" and " | " in u.text]
    assert rows and not any(u.text.split(" | ")[0].isdigit() for u in rows)


@pytest.mark.slow
def test_units_keep_hard_wrapped_sentences_whole(shared_dir):
    """A sentence wrapped over lines in a markdown rendering is one passage, never its 80-character lines."""
    joined = wrapped = 0
    for path in sorted((shared_dir / "corpus-legal").glob("*.md"))[:40]:
        passages = [fold(u.text) for u in build_units(read(path)) if u.kind == "passage"]
        lines = [line.strip() for line in normalise(path.read_text(encoding="utf-8")).splitlines()]
        for line, following in zip(lines, lines[1:]):
            if (len(line) > 40 and following[:1].islower() and not line.endswith((".", ";", ":"))
                    and "|" not in line + following and "*" not in line + following):
                wrapped += 1
                seam = fold(" ".join(line.split()[-3:] + following.split()[:3]))
                joined += any(seam in p for p in passages)
    assert wrapped > 1000 and joined / wrapped >= 0.95
