"""Settings every test shares: nothing downloads a model, and the read-only shared material is at hand."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"   # a test must never fetch model weights

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the repository: the real sample documents, legal corpus and gold."""
    assert SHARED.is_dir(), f"tests read the real documents from {SHARED.resolve()}; lay shared/ beside the repo"
    return SHARED
