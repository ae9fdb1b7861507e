"""Settings from PLANGRAPH_* variables: typed, checked, and the admin token never printed."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings


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
