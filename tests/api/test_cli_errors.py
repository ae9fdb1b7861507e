"""What a person sees when a `plangraph` command cannot do what was asked: one line naming the file or the store
and the reason, a non-zero exit status, never a traceback; a batch goes on past a bad file."""
from __future__ import annotations

import json
import shutil
import socket

import pytest

from api import cli
from api.commands import search as search_command
from tests.api.conftest import ingest_into

QUESTIONS = [["cites", "NQ 57"], ["basis", "x.txt"], ["agency", "Phòng QLKH"], ["person", "Trần Công Hòa"],
             ["duplicates", "--no-embed"], ["lint"], ["search", "nghi quyet 57", "--embedder", "none"]]


def one_error(capsys, code: int, *fragments: str) -> str:
    """The command's stderr is exactly one line, "error: ...", holding every fragment."""
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and all(fragment in lines[0] for fragment in fragments), err
    assert code == 1
    return lines[0]


@pytest.fixture(scope="module")
def one_document_store(corpus_paths, tmp_path_factory):
    return ingest_into(tmp_path_factory.mktemp("cli-store"), [corpus_paths[3]]).path


@pytest.mark.parametrize("command", QUESTIONS, ids=lambda c: c[0])
def test_cli_errors_a_missing_store_is_named_and_not_created(command, tmp_path, capsys):
    missing = tmp_path / "no-store"
    one_error(capsys, cli.main([*command, "--store", str(missing)]), str(missing), "no store")
    assert not missing.exists()


@pytest.mark.parametrize("command", QUESTIONS, ids=lambda c: c[0])
def test_cli_errors_a_file_given_as_the_store_is_refused(command, tmp_path, capsys):
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("a file", encoding="utf-8")
    one_error(capsys, cli.main([*command, "--store", str(not_a_store)]), str(not_a_store), "not a store")


@pytest.mark.parametrize("command", [*QUESTIONS, ["serve", "--port", "0"]], ids=lambda c: c[0])
def test_cli_errors_a_damaged_manifest_is_reported(command, one_document_store, tmp_path, capsys):
    damaged = tmp_path / "damaged"
    shutil.copytree(one_document_store, damaged)
    for name in ("manifest.sqlite-wal", "manifest.sqlite-shm"):
        (damaged / name).unlink(missing_ok=True)
    (damaged / "manifest.sqlite").write_bytes(b"not a database, but the start of a damaged file" * 100)
    one_error(capsys, cli.main([*command, "--store", str(damaged)]), str(damaged), "manifest.sqlite is damaged")


def test_cli_errors_an_empty_store_holds_no_documents(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    one_error(capsys, cli.main(["cites", "NQ 57", "--store", str(tmp_path / "empty")]), "holds no documents")


@pytest.mark.parametrize("content, reason", [
    (None, "No such file"),
    (b"\xff\xfe not utf-8", "cannot be read"),
    (b'{"queries": []}', 'not a list of {"id": ..., "query": ...}'),
    (b'[{"id": "q1"}]', 'not a list of {"id": ..., "query": ...}'),
])
def test_cli_errors_a_bad_query_file_is_named_before_the_store_is_read(content, reason, tmp_path, capsys,
                                                                       monkeypatch):
    queries = tmp_path / "queries.json"
    if content is not None:
        queries.write_bytes(content)
    monkeypatch.setattr(search_command, "_engine", lambda *_: pytest.fail("the store was read first"))
    one_error(capsys, cli.main(["search", "--queries", str(queries), "--store", str(tmp_path)]), str(queries),
              reason)


@pytest.mark.parametrize("argv, complaint", [
    (["search", "x", "-k", "0"], "0 is not a whole number of at least 1"),
    (["search", "x", "-k", "ten"], "'ten' is not a whole number"),
    (["serve", "--port", "70000"], "70000 is not a port"),
    (["serve", "--workers", "0"], "'0' is not a number of workers from 1 to 64"),
    (["demo", "--port", "-1"], "-1 is not a port"),
    (["extract", "--format", "xml", "x.txt"], "invalid choice: 'xml'"),
])
def test_cli_errors_bad_arguments_are_refused_with_the_usage(argv, complaint, capsys):
    with pytest.raises(SystemExit) as exit_status:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exit_status.value.code == 2 and complaint in err and "Traceback" not in err


def test_cli_errors_extract_names_each_bad_file_and_prints_the_rest(corpus_paths, tmp_path, capsys):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02 not text")
    code = cli.main(["extract", str(binary), str(tmp_path / "gone.md"), str(corpus_paths[3])])
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert code == 1 and "Traceback" not in captured.err
    assert errors == ["error: scan.txt: binary content (NUL bytes), not text", "error: gone.md: file not found"]
    assert [d["source"] for d in json.loads(captured.out)["documents"]] == [corpus_paths[3].name]


@pytest.mark.parametrize("command", [["extract"], ["lint"]])
def test_cli_errors_a_folder_with_nothing_readable_is_said(command, tmp_path, capsys):
    (tmp_path / "notes.odt").write_bytes(b"PK")
    code = cli.main([*command, str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 1 and f"error: nothing to read in {tmp_path}" in captured.err and "Traceback" not in captured.err


def test_cli_errors_lint_of_an_unreadable_file_fails(tmp_path, capsys):
    (tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4 cut short")
    assert cli.main(["lint", str(tmp_path / "plan.pdf")]) == 1
    assert capsys.readouterr().err.startswith("error: plan.pdf: ")


def test_cli_errors_an_unknown_task_is_named(one_document_store, capsys):
    code = cli.main(["duplicates", "--task", "nothing.txt#9.9", "--no-embed", "--store", str(one_document_store)])
    one_error(capsys, code, "nothing.txt", "9.9")


def test_cli_errors_serve_on_a_port_in_use_says_so_before_loading_the_store(one_document_store, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["serve", "--store", str(one_document_store), "--port", str(port)])
    one_error(capsys, code, f"cannot listen on 127.0.0.1:{port}", "in use")


def test_cli_errors_an_unexpected_failure_is_one_line_naming_the_store(one_document_store, monkeypatch, capsys):
    def broken(*_args):
        raise RuntimeError("the index is inconsistent")

    monkeypatch.setattr(search_command, "_engine", broken)
    code = cli.main(["search", "x", "--store", str(one_document_store)])
    one_error(capsys, code, "plangraph search failed unexpectedly", "the index is inconsistent",
              str(one_document_store))
