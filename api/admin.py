"""Adding and removing documents over HTTP, one change at a time, losing nothing when a change fails.

An upload is written under a fresh staging folder with a file name made safe (no directory part, no leading dot,
only letters, digits, '.', '-' and '_'), read and extracted there, and only then moved among the kept originals
(`Settings.uploads_dir`) and ingested. If the ingest fails, a previous original of the same name is put back: the
store and the originals stay as they were.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator

from api.errors import Conflict, NotFound, TooLarge, Unprocessable, UnsupportedType
from api.library import Library
from api.links import DOC_ID
from api.settings import Settings
from ingest.errors import ReadError
from ingest.pipeline import extract
from ingest.readers import read
from ingest.text import normalise

log = logging.getLogger("plangraph.api")
_UNSAFE = re.compile(r"[^\w.-]+")
_MAX_STEM = 100


def safe_filename(name: str, suffixes: tuple[str, ...]) -> str:
    """The upload's own name reduced to one harmless path segment, or UnsupportedType for a suffix not allowed."""
    base = PurePosixPath(normalise(name or "").replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in suffixes:
        raise UnsupportedType(f"files of type {suffix or '(none)'!r} cannot be ingested; "
                              f"allowed: {', '.join(suffixes)}")
    stem = _UNSAFE.sub("-", stem).strip(".-_")[:_MAX_STEM] or "upload"
    return stem + suffix


class Admin:
    def __init__(self, library: Library, settings: Settings):
        self.library = library
        self.settings = settings
        self._one_at_a_time = threading.Lock()

    def ingest(self, filename: str, data: bytes) -> dict:
        name = safe_filename(filename, self.settings.upload_suffixes)
        if len(data) > self.settings.max_upload_bytes:
            raise TooLarge(f"the file is {len(data)} bytes, over the upload limit of "
                           f"{self.settings.max_upload_bytes} bytes")
        if not data:
            raise Unprocessable("the uploaded file is empty")
        with self._exclusive():
            result = self._ingest(name, data)
            self.library.refresh()
        return {"status": result.status, "doc_id": result.doc_id, "source": name,
                "replaced": result.replaced, "duplicate_of": Path(result.duplicate_of).name
                if result.duplicate_of else None, "href": f"/documents/{result.doc_id}"}

    def remove(self, doc_id: str) -> dict:
        if not DOC_ID.fullmatch(doc_id):
            raise NotFound(f"no document {doc_id[:80]!r}: a document id is 16 hexadecimal digits")
        with self._exclusive():
            if doc_id not in {entry.doc_id for entry in self.library.store.documents()}:
                raise NotFound(f"no document {doc_id} in the store")
            self.library.store.remove(doc_id)
            self.library.refresh()
        return {"status": "removed", "doc_id": doc_id}

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Changes one at a time: a second one while the first runs is refused, not queued behind it."""
        if not self._one_at_a_time.acquire(blocking=False):
            raise Conflict("another change to the store is being made; try again when it has finished")
        try:
            yield
        finally:
            self._one_at_a_time.release()

    def _ingest(self, name: str, data: bytes):
        uploads = self.settings.uploads_dir
        staging = uploads / f".incoming-{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        try:
            staged = staging / name
            staged.write_bytes(data)
            doc = _read(staged, self.settings.max_upload_bytes)
            extraction = _extract(doc, name)
            return self._keep_and_store(staged, uploads / name, staging, doc, extraction)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _keep_and_store(self, staged: Path, final: Path, staging: Path, doc, extraction):
        previous = staging / f"{final.name}.previous"
        if final.exists():
            os.replace(final, previous)
        os.replace(staged, final)
        doc.path = str(final)   # it was read from the staging folder, which is gone after this call
        try:
            return self.library.store.ingest(final, extraction, doc)
        except BaseException:
            if previous.exists():
                os.replace(previous, final)
            else:
                final.unlink(missing_ok=True)
            raise


def _read(path: Path, max_bytes: int):
    try:
        return read(path, max_bytes=max_bytes)
    except ReadError as error:
        raise Unprocessable(f"{path.name} cannot be read: {error.reason}") from None
    except ModuleNotFoundError:   # the reader of this format is not part of this installation
        raise UnsupportedType(f"this installation has no reader for {path.suffix} files") from None


def _extract(doc, name: str):
    try:
        return extract(doc)
    except Exception as error:   # one bad document is refused with its reason; the service goes on
        log.exception("extraction failed for an upload %s", name)
        raise Unprocessable(f"{name} was read but its contents could not be extracted "
                            f"({type(error).__name__}); nothing was stored") from None
