"""The HTTP service over the five real sample documents (../shared/corpus), ingested once per session.

`client` is FastAPI's TestClient over an app whose settings the test session chooses (`create_app(settings)`);
`live_url` is the same store served by uvicorn on a free loopback port, for the browser
and for schemathesis. Entity ids used by several tests are read from the store, not written down.
"""
from __future__ import annotations

import dataclasses
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app
from api.commands.serve import server_config
from api.settings import Settings
from graph.store import Store
from ingest.pipeline import extract
from ingest.readers import read

from tests.api.checks import TOKEN


def ingest_into(directory: Path, paths: list[Path]) -> Store:
    store = Store(directory, validate=False)
    for path in paths:
        doc = read(path)
        store.ingest(path, extract(doc), doc)
    return store


@pytest.fixture(scope="session")
def corpus_paths(shared_dir) -> list[Path]:
    paths = sorted((shared_dir / "corpus").glob("*.txt"))
    assert len(paths) == 5
    return paths


@pytest.fixture(scope="session")
def api_store(corpus_paths, tmp_path_factory) -> Store:
    return ingest_into(tmp_path_factory.mktemp("api-store"), corpus_paths)


@pytest.fixture(scope="session")
def api_settings(api_store) -> Settings:
    # small limits, so that the tests reach them with small inputs
    return Settings(store=api_store.path, validate=False, admin_token=TOKEN, embed_duplicates=False,
                    sparql_timeout_s=2.0, sparql_max_results=50, max_upload_bytes=200_000)


@pytest.fixture(scope="session")
def client(api_settings):
    with TestClient(create_app(api_settings)) as test_client:
        yield test_client


@pytest.fixture
def settings_override(client, api_settings):
    """Change a setting for one test (CORS origins, frame ancestors); the app reads it per request."""
    app = client.app

    def override(**changes):
        app.state.settings = dataclasses.replace(api_settings, **changes)

    yield override
    app.state.settings = api_settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_url(api_settings):
    """The app served over real HTTP on loopback, for as long as the session runs."""
    port = _free_port()
    server = uvicorn.Server(server_config(create_app(api_settings), "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the live server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
