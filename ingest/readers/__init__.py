"""Readers: a file (.txt, .md, .html/.htm, .docx, .pdf) -> `SourceDocument`; nothing after them knows the format.

    doc = read("plan.docx")          # raises ReadError(path, reason) with a one-line reason

Each format has its own module producing paragraphs and tables (`items`); one classifier turns those into
blocks (`classify`) and one layout step writes the text and the spans (`draft.assemble`), so the same document
gives the same blocks whatever it was saved as.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.document import SourceDocument
from ingest.errors import ReadError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_MEDIA_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_MEDIA_TYPES)

__all__ = ["DEFAULT_MAX_BYTES", "ReadError", "SUPPORTED_SUFFIXES", "read"]


def read(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Read one file into a SourceDocument.

    Parameters
    ----------
    path : the file; its suffix picks the reader (see SUPPORTED_SUFFIXES).
    max_bytes : files larger than this are refused before they are opened.

    Raises
    ------
    ReadError : unsupported type, missing, too large, empty, binary, undecodable or corrupt file.
    """
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
    if size > max_bytes:
        raise ReadError(path, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit")
    if size == 0:
        raise ReadError(path, "empty file")
    document = _reader(suffix)(path, _MEDIA_TYPES[suffix])
    if not document.blocks:
        raise ReadError(path, "no text found in the file")
    return document


def _reader(suffix: str) -> Callable[[Path, str], SourceDocument]:
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
