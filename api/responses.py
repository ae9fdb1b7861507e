"""JSON bodies written by orjson: an entity page at 100k units runs to hundreds of kilobytes, and the standard
library's encoder took half of such a request's time (bench/README.md). Like Starlette's JSONResponse it writes
UTF-8 without escapes; NaN and infinities, which JSON has no word for, become null."""
from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


def json_bytes(content: Any) -> bytes:
    return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)


class FastJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json_bytes(content)
