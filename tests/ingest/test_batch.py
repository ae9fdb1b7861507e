"""Parallel extraction of many files: the same extractions as one process, in input order, with unreadable
files reported by name and the rest carried on."""
from __future__ import annotations

from pathlib import Path

from ingest.batch import run_batch
from ingest.pipeline import extract
from ingest.readers import read


def test_a_pool_gives_the_single_process_extractions_in_order_and_names_bad_files(shared_dir: Path, tmp_path):
    samples = sorted((shared_dir / "corpus").glob("*.txt"))[:3]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    paths = [samples[0], empty, *samples[1:]]

    outcomes = list(run_batch(iter(paths), workers=2, in_flight=2))

    assert [o.path for o in outcomes] == paths
    assert outcomes[1].value is None and outcomes[1].error.startswith(f"{empty}: ")
    for outcome, path in zip([outcomes[0], *outcomes[2:]], samples):
        expected = extract(read(path))
        assert outcome.error is None
        assert outcome.value.to_dict() == expected.to_dict()
