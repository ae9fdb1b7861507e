"""graph.questions on the real sample corpus, ingested once per session: the answers against the gold, the
surface forms people type, and the SPARQL files of ontology/queries answering the same as the Python."""
from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from graph import questions as q
from graph.sentences import sentence_around
from graph.store import Store
from ingest.pipeline import extract
from ingest.readers import read
from tests.conftest import SHARED

DATA = Path(__file__).resolve().parents[1] / "data"

ROLE_IRIS = {"lead": "https://plangraph.vn/ontology#Lead", "cooperating": "https://plangraph.vn/ontology#Cooperating",
             "recipient": "https://plangraph.vn/ontology#Recipient",
             "directed_by": "https://plangraph.vn/ontology#DirectedBy"}


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("questions") / "store", validate=False)
    # the sample corpus, plus a small plan of another province written for the tests: the same numbers
    # ("2141/QĐ-UBND", "169/KH-UBND") issued in two provinces are two documents
    for path in [*sorted((SHARED / "corpus").glob("*.txt")), *sorted(DATA.glob("*.txt"))]:
        doc = read(path)
        store.ingest(path, extract(doc), doc)
    return store


@pytest.fixture(scope="session")
def scorer():
    """../shared/eval/score.py, imported as it is (its task matching decides which of our tasks is which)."""
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def gold() -> dict[str, dict]:
    return {g["source"]: g for g in (json.loads(p.read_text(encoding="utf-8"))
                                     for p in sorted((SHARED / "eval" / "gold").glob("*.gold.json")))}


@pytest.fixture(scope="session")
def to_gold(store, gold, scorer) -> dict[tuple[str, str], str]:
    """(source, our task id) -> gold task id, matched by text as the scorer matches them."""
    out = {}
    for entry in store.documents():
        if entry.source not in gold:
            continue
        tasks = store.extraction(entry.doc_id).tasks
        matched = scorer.match_items([{"text": t.text} for t in tasks], gold[entry.source]["tasks"])
        out.update({(entry.source, tasks[i].id): gold[entry.source]["tasks"][j]["id"] for i, j in matched.items()})
    return out


def _reference(citation: dict) -> str:
    year = (citation.get("date") or "")[:4]
    return f"{citation['doc_type']} {citation['symbol']}" + (f" năm {year}" if year else "")


def _answer(store: Store, reference: str) -> q.CitesAnswer:
    answer = q.cites(store, reference)
    assert isinstance(answer, q.CitesAnswer), f"{reference!r} is ambiguous: {answer.to_dict()}"
    return answer


def _answer_in(store: Store, reference: str, province: str) -> q.CitesAnswer:
    """A local number cited in two provinces asks which; the citing document's province answers."""
    answer = q.cites(store, reference)
    if isinstance(answer, q.Ambiguous):
        answer = q.cites(store, next(c.key for c in answer.candidates if c.details.get("province") == province))
    assert isinstance(answer, q.CitesAnswer)
    return answer


# ------------------------------------------------------------------------------------------------ cites
def test_cites_finds_every_direct_gold_citation(store, gold, to_gold):
    missed = []
    for source, g in gold.items():
        for citation in g["citations"]:
            answer = _answer_in(store, _reference(citation), g["province"])
            if citation["relation"] == "task":
                found = {to_gold.get((h.source, h.task_id)) for h in answer.citing if h.kind == "task" and h.direct}
                wanted = citation["task_ref"]
            else:
                found = {(h.source, h.relation) for h in answer.citing if h.kind == "document" and h.direct}
                wanted = (source, citation["relation"])
            if wanted not in found:
                missed.append((source, citation["symbol"], citation["relation"], citation.get("task_ref")))
    assert not missed


def test_cites_follows_the_gold_implements_chains(store, gold):
    """A document citing KH 359-KH/TU, which implements NQ 57-NQ/TW, cites NQ 57 through it."""
    chains = [(source, c, implemented) for source, g in gold.items() for c in g["citations"]
              for implemented in c.get("implements") or []]
    assert chains
    for source, citation, implemented in chains:
        answer = _answer(store, implemented)
        hit = next(h for h in answer.citing if h.source == source and h.kind == "document")
        assert any(citation["symbol"] in chain and chain.startswith(answer.document.label) for chain in hit.chains)
        assert any(t.text.endswith(citation["symbol"]) for t in answer.through)


def test_cites_reads_the_forms_people_type(store):
    keys = {form: _answer(store, form).document.key for form in ("Nghị quyết 57", "NQ 57", "57-NQ/TW",
                                                                 "nghi quyet so 57")}
    assert set(keys.values()) == {"Nghị quyết|57-NQ/TW|national|2024"}
    assert _answer(store, "Quyết định 749/QĐ-TTg").document.issuers == ["Thủ tướng Chính phủ"]


def test_cites_asks_which_when_a_number_names_two_documents(store):
    answer = q.cites(store, "Quyết định 2141")
    assert isinstance(answer, q.Ambiguous)
    assert sorted((c.details["province"], c.details["year"]) for c in answer.candidates) == \
        [("Quảng Ngãi", "2021"), ("Đồng Tháp", "2023")]
    picked = _answer(store, answer.candidates[0].key)
    assert picked.document.key == answer.candidates[0].key
    assert _answer(store, "QĐ 2141 năm 2023").document.year == "2023"


def test_cites_quotes_the_citing_sentence_and_lists_the_plans_tasks(store):
    answer = _answer(store, "Kế hoạch 359-KH/TU")
    hit = next(h for h in answer.citing if h.source.startswith("000"))
    assert hit.relation == "basis" and "359-KH/TU" in hit.sentence and hit.sentence.startswith("Căn cứ")
    assert len(answer.plan_tasks[hit.doc_id]) == len(store.extraction(hit.doc_id).tasks)


def test_cites_pages_list_the_whole_answer_and_count_it(store):
    """A national resolution has tens of thousands of citers: pages of them, in the answer's order, and counts
    by province that hold whatever page is listed."""
    whole = _answer(store, "Nghị quyết 57-NQ/TW")
    assert len(whole.citing) == whole.total >= 4
    pages = [q.cites(store, "Nghị quyết 57-NQ/TW", offset=at, limit=3) for at in range(0, whole.total, 3)]
    assert [h.node for page in pages for h in page.citing] == [h.node for h in whole.citing]
    assert all(page.total == whole.total and page.counts == whole.counts for page in pages)
    tasks = [h for h in whole.citing if h.kind == "task"]
    assert sum(c["tasks"] for c in whole.counts.values()) == len(tasks)
    assert sum(c["documents"] for c in whole.counts.values()) == len({h.doc_id for h in whole.citing})
    assert sum(c["direct"] for c in whole.counts.values()) == sum(h.direct for h in whole.citing)
    assert len(pages[0].through) == min(3, whole.through_total) and whole.through_total == len(whole.through)


def test_cites_unknown_reference_says_so(store):
    with pytest.raises(q.QuestionError, match="no legal document"):
        q.cites(store, "Nghị quyết 999999")


def _cited_keys(store: Store) -> list[str]:
    qg = q.question_graph(store)
    return sorted({d.key for n in qg.legal for d in q._merge_yearless(qg, [n])})


def test_cites_sparql_answers_as_python_does(store):
    for key in _cited_keys(store):
        answer = q.cites(store, key)
        if isinstance(answer, q.Ambiguous):
            continue
        python = {h.node for h in answer.citing}
        sparql = {r["citer"] for r in q.run_query(store, "cites-transitive", target=answer.document.iris)}
        assert sparql == python, key
        direct = {h.node for h in answer.citing if h.direct}
        assert {r["citer"] for r in q.run_query(store, "cites-direct", target=answer.document.iris)} == direct, key


def test_basis_sparql_answers_as_python_does(store):
    qg = q.question_graph(store)
    subjects = list(qg.documents) + [t for t in qg.tasks if qg.kind(t) == "task"][::7]
    for subject in subjects:
        name = qg.documents[subject]["source"] if subject in qg.documents else \
            f"{qg.documents[qg.tasks[subject]['doc']]['source']}#{qg.tasks[subject]['id']}"
        answer = q.basis(store, name)
        python = {d.node for d, _rel, _path in answer.basis}
        assert {r["legal"] for r in q.run_query(store, "basis", subject=subject)} == python, name


def test_basis_climbs_to_the_top_of_the_chain(store):
    answer = q.basis(store, "000_1cc758f53e979a0a.txt")
    chains = {" → ".join(s.label for s in path[1:]) for _d, _rel, path in answer.basis}
    assert "Kế hoạch 359-KH/TU → Nghị quyết 57-NQ/TW" in chains or "Nghị quyết 57-NQ/TW" in chains
    task = q.basis(store, "001_c9fe7b2844345c15.txt#001-III.1.18")
    relations = {d.label: rel for d, rel, _path in task.basis}
    assert relations["Quyết định 1879/QĐ-UBND"] == "task" and relations["Quyết định 1367/QĐ-UBND"] == "basis"


# ------------------------------------------------------------------------------------------------ agency
def _role_scores(store, gold, to_gold, role: str, gold_field: str) -> tuple[float, float]:
    counts = Counter()
    for source, g in gold.items():
        for agency in g["agencies"]:
            wanted = {t["id"] for t in g["tasks"] if agency["name"] in t.get(gold_field, [])
                      and gold_field not in t.get("ambiguous", [])}
            skipped = {t["id"] for t in g["tasks"] if gold_field in t.get("ambiguous", [])}
            try:
                answer = q.agency(store, agency["name"])
            except q.QuestionError:
                answer = None
            found = set()
            if isinstance(answer, q.AgencyAnswer):
                found = {to_gold.get((i.source, i.task_id)) for i in answer.roles.get(role, [])
                         if i.source == source and i.kind == "task"} - {None} - skipped
            counts["tp"] += len(found & wanted)
            counts["fp"] += len(found - wanted)
            counts["fn"] += len(wanted - found)
    return counts["tp"] / (counts["tp"] + counts["fn"]), counts["tp"] / (counts["tp"] + counts["fp"])


def test_agency_returns_the_gold_lead_tasks(store, gold, to_gold):
    recall, precision = _role_scores(store, gold, to_gold, "lead", "lead")
    assert recall >= 0.95 and precision >= 0.9, (recall, precision)


def test_agency_returns_the_gold_cooperating_tasks(store, gold, to_gold):
    recall, precision = _role_scores(store, gold, to_gold, "cooperating", "cooperating")
    assert recall >= 0.9 and precision >= 0.85, (recall, precision)


def test_agency_reads_aliases_and_asks_across_provinces(store):
    both = q.agency(store, "Phòng QLKH")
    assert isinstance(both, q.Ambiguous)
    assert {c.details["province"] for c in both.candidates} == {"Quảng Ngãi", "Đồng Tháp"}
    one = q.agency(store, "Phòng QLKH Quảng Ngãi")
    assert isinstance(one, q.AgencyAnswer) and one.province == "Quảng Ngãi" and "Phòng QLKH" in one.aliases
    department = q.agency(store, "Sở KH&CN Quảng Ngãi")
    assert isinstance(department, q.AgencyAnswer)
    assert department.name == "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi" and one.name in department.units
    assert q.agency(store, both.candidates[0].key).agency == both.candidates[0].key


def test_agency_tells_who_directs_and_who_works_with_it(store):
    answer = q.agency(store, "Phòng Quản lý Khoa học (Sở Khoa học và Công nghệ tỉnh Quảng Ngãi)")
    row = next(i for i in answer.roles["lead"] if i.task_id == "001-III.1.5")
    assert row.period == "2024-Q1" and row.directed_by == ["Lãnh đạo Sở"]
    assert answer.collaborators[0][1] >= answer.collaborators[-1][1] > 0
    assert "2024-Q1" in answer.by_document("lead")["001_c9fe7b2844345c15.txt"]


def test_agency_pages_list_each_role_whole_and_count_it(store):
    """A provincial department leads thousands of tasks: each role is listed a page at a time, in the order of
    file, period and task, and counted whole on every page."""
    name = "Sở KH&CN Quảng Ngãi"
    whole = q.agency(store, name)
    assert whole.counts == {role: len(items) for role, items in whole.roles.items()} and whole.counts["lead"] > 6
    for role, items in whole.roles.items():
        assert [(i.source, i.period or "", i.task_id) for i in items] == sorted(
            (i.source, i.period or "", i.task_id) for i in items)
        pages = [q.agency(store, name, offset=at, limit=4) for at in range(0, len(items), 4)]
        assert [i for page in pages for i in page.roles[role]] == items
        assert all(page.counts == whole.counts and page.collaborators == whole.collaborators for page in pages)
    assert q.agency(store, name, offset=10_000, limit=4).roles == {role: [] for role in whole.roles}


def test_agency_sparql_answers_as_python_does(store):
    qg = q.question_graph(store)
    for node in qg.agencies:
        answer = q.agency(store, node)
        python = {(i.node, ROLE_IRIS[role]) for role, items in answer.roles.items() for i in items}
        sparql = {(r["item"], r["role"]) for r in q.run_query(store, "agency-roles", agency=node)}
        assert sparql == python, node
        shared = {(q._agency_name(qg, r["other"]), int(r["shared"]))
                  for r in q.run_query(store, "agency-collaborators", agency=node)}
        assert shared == set(answer.collaborators), node


# ------------------------------------------------------------------------------------------------ person
def test_person_lists_what_a_leader_directs(store, gold, to_gold):
    answer = q.person(store, "Trần Công Hòa")
    assert isinstance(answer, q.PersonAnswer)
    source = "001_c9fe7b2844345c15.txt"
    wanted = {t["id"] for t in gold[source]["tasks"] if any("Trần Công Hòa" in d for d in t["directed_by"])}
    found = {to_gold.get((i.source, i.task_id)) for i in answer.directs}
    assert len(found & wanted) >= 0.95 * len(wanted) and len(found - wanted) <= 0.05 * len(found)
    for node in q.question_graph(store).people:
        python = {i.node for i in q.person(store, node).directs}
        assert {r["task"] for r in q.run_query(store, "person-directs", person=node)} == python


def test_person_pages_list_what_they_direct_and_count_it(store):
    whole = q.person(store, "Trần Công Hòa")
    assert whole.total == len(whole.directs) > 4
    pages = [q.person(store, "Trần Công Hòa", offset=at, limit=3) for at in range(0, whole.total, 3)]
    assert [i for page in pages for i in page.directs] == whole.directs
    assert all(page.total == whole.total for page in pages)


# ------------------------------------------------------------------------------------------------ duplicates
def test_duplicates_by_task_match_the_full_answer(store):
    everything = q.duplicates(store, embed=False).groups
    for source, task_id in {t for g in everything for t in g.tasks}:
        one = q.duplicates(store, task=f"{source}#{task_id}", embed=False).groups
        assert sorted(map(str, one)) == sorted(map(str, [g for g in everything if (source, task_id) in g.tasks]))


def test_duplicates_name_the_quarterly_inspection_as_recurring(store):
    answer = q.duplicates(store, task="001_c9fe7b2844345c15.txt#001-III.1.5", embed=False)
    recurring = next(g for g in answer.groups if g.kind == "recurring")
    assert len(recurring.tasks) == 4 and "2024-Q1, 2024-Q2, 2024-Q3, 2024-Q4" in recurring.why
    by_doc = q.duplicates(store, doc="000_1cc758f53e979a0a.txt", embed=False)
    assert by_doc.groups and all(any(s.startswith("000") for s, _t in g.tasks) for g in by_doc.groups)
    assert not by_doc.embedded


# ------------------------------------------------------------------------------------------------ lint
def test_lint_presents_the_extractors_anomalies_with_their_spans(store):
    report = q.lint(store)
    expected = [(e.source, a.kind, a.detail) for e in store.documents()
                for a in store.extraction(e.doc_id).anomalies]
    assert [(i.source, i.kind, i.detail) for i in report.items] == expected
    conflict = next(i for i in report.items if i.kind == "citation_date_conflict" and "2141" in i.detail)
    assert all("2141" in span.quote and span.line > 0 for span in conflict.spans)
    sparql = Counter(r["kind"] for r in q.run_query(store, "lint"))
    assert sparql == Counter(i.kind for i in report.items)


def test_lint_reads_a_file_as_the_store_holds_it(store):
    path = SHARED / "corpus" / "001_c9fe7b2844345c15.txt"
    from_file = [(i.kind, i.detail) for i in q.lint(path).items]
    assert from_file == [(i.kind, i.detail) for i in q.lint(store).items if i.source == path.name]


def test_sentence_around_keeps_to_the_sentence(store):
    entry = next(e for e in store.documents() if e.source.startswith("000"))
    doc = store.document(entry.doc_id)
    at = doc.text.index("359-KH/TU")
    sentence = sentence_around(doc, at, at + 9)
    assert sentence.startswith("Căn cứ") and sentence.endswith(";") and "\n" not in sentence
    assert re.search(r"57-NQ/TW", sentence)
