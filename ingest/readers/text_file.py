"""A .txt or .md file -> SourceDocument: decode, normalise once, parse, classify, lay out."""
from __future__ import annotations

from pathlib import Path

from ingest.document import SourceDocument
from ingest.errors import ReadError
from ingest.readers.classify import classify
from ingest.readers.decoding import DecodeError, decode
from ingest.readers.draft import assemble
from ingest.readers.plain import read_plain
from ingest.text import normalise


def read_text_file(path: Path, media_type: str) -> SourceDocument:
    try:
        decoded = decode(path.read_bytes())
    except DecodeError as error:
        raise ReadError(path, str(error)) from None
    except OSError as error:
        raise ReadError(path, f"cannot read file ({error.strerror or error})") from None
    # Normalised before parsing, so every offset computed afterwards points into normalised text.
    items = read_plain(normalise(decoded.text))
    return assemble(classify(items), source=path.name, path=str(path), media_type=media_type,
                    warnings=decoded.warnings)
