"""`plangraph cites | basis | agency | person | duplicates | lint` over a store of the real sample corpus."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from graph import questions as q
from graph.store import Store
from ingest.pipeline import extract
from ingest.readers import read
from tests.conftest import SHARED

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> str:
    directory = tmp_path_factory.mktemp("cli") / "store"
    store = Store(directory, validate=False)
    # the sample corpus, plus a small plan of another province written for the tests: the same numbers
    # ("2141/QĐ-UBND", "169/KH-UBND") issued in two provinces are two documents
    for path in [*sorted((SHARED / "corpus").glob("*.txt")), *sorted(DATA.glob("*.txt"))]:
        doc = read(path)
        store.ingest(path, extract(doc), doc)
    return str(directory)


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_cli_cites_prints_chains_and_sentences(store_dir, capsys):
    code, out = _run(capsys, "cites", "Nghị quyết 57", "--store", store_dir)
    assert code == 0
    assert "Nghị quyết 57-NQ/TW ← Kế hoạch 359-KH/TU" in out
    assert "“Căn cứ Kế hoạch hành động số 359-KH/TU" in out
    code, out = _run(capsys, "cites", "NQ 57", "--store", store_dir, "--json")
    answer = json.loads(out)
    assert answer["document"]["key"] == "Nghị quyết|57-NQ/TW|national|2024"
    assert set(answer["groups"]) == {"Quảng Ngãi"}


def test_cli_cites_lists_a_page_of_citers_and_counts_them_all(store_dir, capsys):
    code, out = _run(capsys, "cites", "NQ 57", "--store", store_dir, "--json")
    whole = json.loads(out)
    code, out = _run(capsys, "cites", "NQ 57", "--store", store_dir, "--limit", "2", "--offset", "1")
    assert code == 0 and f"listing 2–3 of {whole['total']} citers (--offset 3 for the next)" in out
    code, out = _run(capsys, "cites", "NQ 57", "--store", store_dir, "--limit", "2", "--json")
    page = json.loads(out)
    assert page["total"] == whole["total"] and page["counts"] == whole["counts"]
    assert sum(len(hits) for docs in page["groups"].values() for hits in docs.values()) == 2


def test_cli_agency_lists_a_page_of_each_role_and_counts_them_all(store_dir, capsys):
    code, out = _run(capsys, "agency", "Sở KH&CN Quảng Ngãi", "--store", store_dir, "--json", "--limit", "0")
    whole = json.loads(out)
    leads = whole["counts"]["lead"]
    assert code == 0 and len(whole["roles"]["lead"]) == leads > 3
    code, out = _run(capsys, "agency", "Sở KH&CN Quảng Ngãi", "--store", store_dir, "--limit", "2", "--offset", "1")
    assert code == 0 and f"(2–3 of {leads}, --offset 3 for the next)" in out
    code, out = _run(capsys, "agency", "Sở KH&CN Quảng Ngãi", "--store", store_dir, "--limit", "2", "--json")
    page = json.loads(out)
    assert page["counts"] == whole["counts"] and page["roles"]["lead"] == whole["roles"]["lead"][:2]


def test_cli_asks_which_and_exits_2(store_dir, capsys):
    code, out = _run(capsys, "cites", "Quyết định 2141", "--store", store_dir, "--json")
    assert code == 2 and json.loads(out)["ambiguous"] is True
    code, out = _run(capsys, "agency", "Phòng QLKH", "--store", store_dir)
    assert code == 2 and "Đồng Tháp" in out and "Quảng Ngãi" in out


def test_cli_agency_person_basis(store_dir, capsys):
    code, out = _run(capsys, "agency", "Phòng QLKH Quảng Ngãi", "--store", store_dir)
    assert code == 0 and "leads (chủ trì)" in out and "works with" in out and "2024-Q1" in out
    code, out = _run(capsys, "person", "Trần Công Hòa", "--store", store_dir, "--json")
    assert code == 0 and json.loads(out)["directs"]
    code, out = _run(capsys, "basis", "001_c9fe7b2844345c15.txt#001-III.1.18", "--store", store_dir)
    assert code == 0 and "Quyết định 1879/QĐ-UBND [task]" in out


def test_cli_duplicates_and_lint(store_dir, capsys):
    code, out = _run(capsys, "duplicates", "--task", "001_c9fe7b2844345c15.txt#001-III.1.5", "--no-embed",
                     "--store", store_dir)
    assert code == 0 and "recurring" in out and "wording only" in out
    code, out = _run(capsys, "lint", "--store", store_dir, "--json")
    kinds = {a["kind"] for a in json.loads(out)["anomalies"]}
    assert "citation_date_conflict" in kinds
    code, out = _run(capsys, "lint", str(SHARED / "corpus" / "000_1cc758f53e979a0a.txt"))
    assert code == 0 and "line " in out


def test_cli_duplicates_of_a_task_read_the_index_of_a_large_store_alike(store_dir, capsys, monkeypatch):
    argv = ("duplicates", "--task", "001_c9fe7b2844345c15.txt#001-III.1.5", "--no-embed", "--store", store_dir, "--json")
    code, from_memory = _run(capsys, *argv)
    monkeypatch.setattr(q, "INDEXED_DUPLICATES", 1)   # as a store of a thousand documents would
    code, from_index = _run(capsys, *argv)
    assert code == 0 and json.loads(from_index) == json.loads(from_memory) and json.loads(from_index)["groups"]
    code, _out = _run(capsys, "duplicates", "--task", "001-III.1.5", "--no-embed", "--store", store_dir)
    assert code == 0
    assert _run(capsys, "duplicates", "--task", "nothing.txt#9", "--no-embed", "--store", store_dir)[0] == 1


def test_cli_unknown_name_is_an_error(store_dir, capsys):
    assert main(["person", "Không Có Ai", "--store", store_dir]) == 1
    assert "no person" in capsys.readouterr().err
