"""Every reader, fed broken and hostile files (see `malformed`): a document or one clear ReadError, in bounded
time, never a crash. The runs here are short and the same on every run; `bench/robustness_bench.py` runs the
same strategies far longer, with fresh random seeds and atheris' coverage-guided mutation."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.robustness.malformed import check_read, docx_files, html_files, pdf_files, text_files

CI_RUN = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.large_base_example])


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory(prefix="plangraph-fuzz-") as folder:
        yield Path(folder)


def _check(scratch: Path, drawn: tuple[str, bytes]) -> None:
    suffix, data = drawn
    path = scratch / f"fuzzed{suffix}"
    path.write_bytes(data)
    check_read(path)


@CI_RUN
@given(drawn=text_files())
def test_fuzz_text_and_markdown_read_or_refuse_cleanly(scratch, drawn):
    _check(scratch, drawn)


@CI_RUN
@given(drawn=html_files())
def test_fuzz_html_reads_or_refuses_cleanly(scratch, drawn):
    _check(scratch, drawn)


@CI_RUN
@given(drawn=docx_files())
def test_fuzz_docx_reads_or_refuses_cleanly(scratch, drawn):
    _check(scratch, drawn)


@CI_RUN
@given(drawn=pdf_files())
def test_fuzz_pdf_reads_or_refuses_cleanly(scratch, drawn):
    _check(scratch, drawn)
