"""ingest.distributed on a local Dask cluster of two worker processes: the shared corpus gives the same graph as
a single process, in input order, and a bad file in the batch gives one error while the rest succeed."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graph.build import Provenance, build_graph
from graph.serialize import serialize
from ingest.distributed import cluster_client, extract_on_cluster
from ingest.pipeline import extract
from ingest.readers import read
from tests.conftest import SHARED

FIXED_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)   # the graphs record when they were built


@pytest.fixture(scope="module")
def client():
    with cluster_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        yield client


def _sorted_nquads(extraction, document) -> list[str]:
    provenance = Provenance(extraction.source, document.id, generated_at=FIXED_TIME)
    return sorted(serialize(build_graph(extraction, document, provenance=provenance), "nquads").splitlines())


def test_two_workers_give_the_graph_of_one_process(client):
    paths = sorted((SHARED / "corpus").glob("*.txt"))
    outcomes = list(extract_on_cluster(paths, client, max_in_flight=3))
    assert [o.path for o in outcomes] == paths
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    for outcome in outcomes:
        document = read(outcome.path)
        alone = extract(document)
        stored_document, extraction = outcome.value
        assert stored_document == document
        assert extraction == alone
        assert _sorted_nquads(extraction, stored_document) == _sorted_nquads(alone, document)


def test_a_bad_file_gives_one_error_and_the_rest_succeed(client, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = sorted((SHARED / "corpus").glob("*.txt"))[:2]
    outcomes = list(extract_on_cluster([good[0], empty, good[1]], client))
    assert [o.path for o in outcomes] == [good[0], empty, good[1]]
    failed = [o for o in outcomes if not o.ok]
    assert len(failed) == 1 and failed[0].path == empty
    assert "empty.txt" in failed[0].error and "empty" in failed[0].error.split(":", 1)[1]
    assert all(o.value[1].tasks for o in outcomes if o.ok)


def test_ingest_command_on_two_workers_stores_what_one_process_stores(tmp_path, capsys):
    from api import cli
    from graph.store import Store
    sources = tmp_path / "sources"
    sources.mkdir()
    for path in sorted((SHARED / "corpus").glob("*.txt"))[:2]:
        (sources / path.name).write_bytes(path.read_bytes())
    (sources / "empty.txt").write_bytes(b"")
    code = cli.main(["ingest", str(sources), "--store", str(tmp_path / "store"), "--workers", "2",
                     "--no-index", "--no-validate"])
    err = capsys.readouterr().err
    assert code == 1 and "empty.txt" in err and err.strip().splitlines()[-1] == "2 added, 1 failed"
    stored = {entry.source for entry in Store(tmp_path / "store", validate=False).documents()}
    assert stored == {p.name for p in sources.iterdir() if p.name != "empty.txt"}
