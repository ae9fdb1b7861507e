"""Settings from PLANGRAPH_* variables: typed, checked, and the admin token never printed."""
from __future__ import annotations

from pathlib import Path

import pytest

from api import library
from api.search_adapter import index_dir
from api.settings import Settings
from tests.api.conftest import ingest_into
from tests.search.test_segments import WordHashEmbedder


def test_settings_read_typed_values_from_the_environment():
    settings = Settings.from_env({"PLANGRAPH_STORE": "/srv/plangraph", "PLANGRAPH_CORS_ORIGINS": "https://a.vn, https://b.vn",
                                  "PLANGRAPH_SPARQL_TIMEOUT_S": "2.5", "PLANGRAPH_VALIDATE": "false",
                                  "PLANGRAPH_ADMIN_TOKEN": "s3cret-token-value"})
    assert settings.store == Path("/srv/plangraph") and settings.uploads_dir == Path("/srv/plangraph/uploads")
    assert settings.cors_origins == ("https://a.vn", "https://b.vn") and settings.sparql_timeout_s == 2.5
    assert settings.validate is False and settings.admin_enabled
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize("environment, named", [
    ({"PLANGRAPH_MAX_PAGE_SIZE": "lots"}, "PLANGRAPH_MAX_PAGE_SIZE"),
    ({"PLANGRAPH_VALIDATE": "maybe"}, "PLANGRAPH_VALIDATE"),
    ({"PLANGRAPH_FRAME_ANCESTORS": "'self'; script-src *"}, "PLANGRAPH_FRAME_ANCESTORS"),
])
def test_a_bad_setting_names_its_variable(environment, named):
    with pytest.raises(ValueError, match=named):
        Settings.from_env(environment)


def test_the_search_embedder_setting_makes_the_service_search_by_meaning(corpus_paths, tmp_path, monkeypatch):
    assert Settings().search_embedder == ""    # lexical unless configured
    spec = Settings.from_env({"PLANGRAPH_SEARCH_EMBEDDER": "static"}).search_embedder
    asked = []
    monkeypatch.setattr(library, "embedder_from_spec",
                        lambda name, directory, corpus: asked.append((name, directory)) or WordHashEmbedder())
    store = ingest_into(tmp_path, corpus_paths[:1])
    served = library.Library(store, spec)
    assert asked == [("static", tmp_path / "vectors")]
    engine = served.snapshot().engine
    assert engine.embedder is served.embedder and index_dir(tmp_path, served.embedder).is_dir()
    assert engine.search("khoa học công nghệ", k=3).hits
    assert library.Library(store).snapshot().engine.embedder is None
