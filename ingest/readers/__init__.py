"""Readers: a file (.txt, .md, .html/.htm, .docx, .pdf) -> `SourceDocument`; nothing after them knows the format.

    doc = read("plan.docx")          # raises ReadError(path, reason) with a one-line reason
    doc = read("plan.pdf", limits=ReadLimits(max_seconds=10))   # tighter limits (see readers.limits)

Each format has its own module producing paragraphs and tables (`items`); one classifier turns those into
blocks (`classify`) and one layout step writes the text and the spans (`draft.assemble`), so the same document
gives the same blocks whatever it was saved as.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ingest.document import SourceDocument
from ingest.errors import ReadError
from ingest.readers.limits import DEFAULT_LIMITS, Budget, ReadLimits

DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_bytes
log = logging.getLogger("plangraph.ingest")

_MEDIA_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_MEDIA_TYPES)

__all__ = ["DEFAULT_LIMITS", "DEFAULT_MAX_BYTES", "ReadError", "ReadLimits", "SUPPORTED_SUFFIXES", "read"]


def read(path: str | Path, *, max_bytes: int | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> SourceDocument:
    """Read one file into a SourceDocument.

    Parameters
    ----------
    path : the file; its suffix picks the reader (see SUPPORTED_SUFFIXES).
    max_bytes : files larger than this are refused before they are opened (overrides `limits.max_bytes`).
    limits : what reading the file may cost (size, unpacked size, characters, table cells, seconds).

    Raises
    ------
    ReadError : unsupported type, missing, too large, empty, binary, undecodable or corrupt file, or a file
        over one of the limits. Nothing else: a parser failing in a way not foreseen is reported as a ReadError
        too (and logged with its traceback), so one bad file never stops a batch.
    """
    if max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _MEDIA_TYPES:
        raise ReadError(path, f"unsupported file type {suffix or '(none)'!r}; "
                              f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError(path, "file not found") from None
    except OSError as error:
        raise ReadError(path, f"cannot open file ({error.strerror or error})") from None
    if path.is_dir():
        raise ReadError(path, "is a directory, not a file")
    if size > limits.max_bytes:
        raise ReadError(path, f"file is {size / 1e6:.1f} MB, over the {limits.max_bytes / 1e6:.1f} MB limit")
    if size == 0:
        raise ReadError(path, "empty file")
    document = _read_within(path, suffix, Budget(path, limits))
    if not document.blocks:
        raise ReadError(path, "no text found in the file")
    return document


def _read_within(path: Path, suffix: str, budget: Budget) -> SourceDocument:
    reader = _reader(suffix)
    try:
        with budget.time_limit():
            document = reader(path, _MEDIA_TYPES[suffix], budget)
    except ReadError:
        raise
    except Exception as error:   # a parser failing on input no one foresaw: still this file's error alone
        # the traceback goes to whoever configures logging; the user gets the one-line reason
        log.info("unexpected error reading %s", path, exc_info=True)
        raise ReadError(path, f"unexpected error while reading the file ({type(error).__name__}: {error})") \
            from None
    budget.check_characters(len(document.text))
    return document


def _reader(suffix: str) -> Callable[[Path, str, Budget], SourceDocument]:
    # Imported on use: pdfplumber and python-docx cost time to import and most runs read only text files.
    if suffix in (".txt", ".md"):
        from ingest.readers.text_file import read_text_file
        return read_text_file
    if suffix in (".html", ".htm"):
        from ingest.readers.html import read_html_file
        return read_html_file
    if suffix == ".docx":
        from ingest.readers.word import read_docx_file
        return read_docx_file
    from ingest.readers.pdf import read_pdf_file
    return read_pdf_file
