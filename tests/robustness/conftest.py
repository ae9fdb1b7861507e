"""The robustness tests' shared material: a plan of real sample documents in two versions (see `crashes`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.crashes import Version, prepare_plan

PLAN_SOURCES = 3   # the smallest sample documents: each change of the store is then quick, and kills land often


@pytest.fixture(scope="session")
def plan(shared_dir, tmp_path_factory) -> tuple[Path, list[Version]]:
    sources = sorted((shared_dir / "corpus").glob("*.txt"), key=lambda path: path.stat().st_size)[:PLAN_SOURCES]
    folder = tmp_path_factory.mktemp("plan")
    return folder, prepare_plan(sources, folder)
