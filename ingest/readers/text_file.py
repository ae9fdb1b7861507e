"""A .txt or .md file -> SourceDocument: decode, normalise once, parse, classify, lay out."""
from __future__ import annotations

from pathlib import Path

from ingest.document import SourceDocument
from ingest.errors import ReadError
from ingest.readers.build import document
from ingest.readers.decoding import Decoded, DecodeError, decode
from ingest.readers.limits import Budget
from ingest.readers.plain import read_plain
from ingest.text import normalise


def read_text_file(path: Path, media_type: str, budget: Budget) -> SourceDocument:
    decoded = decode_file(path, budget)
    # Normalised before parsing, so every offset computed afterwards points into normalised text.
    return document(read_plain(normalise(decoded.text), budget), path, media_type, decoded.warnings)


def decode_file(path: Path, budget: Budget) -> Decoded:
    """The file's text, or ReadError with the reason it is not usable text (or too long to read)."""
    try:
        decoded = decode(path.read_bytes())
    except DecodeError as error:
        raise ReadError(path, str(error)) from None
    except OSError as error:
        raise ReadError(path, f"cannot read file ({error.strerror or error})") from None
    budget.check_characters(len(decoded.text))
    return decoded
