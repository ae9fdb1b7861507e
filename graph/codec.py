"""JSON round-trip for the ingestion dataclasses (SourceDocument, Extraction and their parts).

Encoding is `dataclasses.asdict`; decoding walks the dataclass's type hints (nested dataclasses, `list[...]`,
`X | None`, literals and plain values), so a field added to `ingest.document` or `ingest.model` with a default
needs no change here, and an old file without that field still loads.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_json(obj: Any) -> str:
    """A dataclass instance as JSON text (UTF-8 characters kept as they are)."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"to_json takes a dataclass instance, not {type(obj).__name__}")
    return json.dumps(dataclasses.asdict(obj), ensure_ascii=False)


def from_json(cls: type[T], text: str) -> T:
    """The `cls` instance that `to_json` wrote as `text`."""
    return _decode(cls, json.loads(text))


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    if dataclasses.is_dataclass(hint):
        names = {f.name for f in dataclasses.fields(hint) if f.init}
        hints = _hints(hint)   # a key this version has no field for (a newer writer's) is left out
        return hint(**{name: _decode(hints[name], item) for name, item in value.items() if name in names})
    origin = typing.get_origin(hint)
    if origin is list:
        (item_hint,) = typing.get_args(hint) or (Any,)
        return [_decode(item_hint, item) for item in value]
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    return value
