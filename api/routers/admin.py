"""POST /admin/ingest and DELETE /admin/documents/{id}, behind the admin token.

The upload's body is read only after the token is checked (FastAPI would parse a declared form before any
dependency runs), with at most one file and a bounded size.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.errors import ERROR_RESPONSES, Unprocessable
from api.security import AdminDep
from api.services import ServicesDep

router = APIRouter(prefix="/admin", tags=["admin"],
                   responses={**ERROR_RESPONSES, **{code: ERROR_RESPONSES[400] for code in (401, 403, 409, 415)}})
_UPLOAD = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": ".txt, .md, .html, .docx or .pdf"}}}}}}}


@router.post("/ingest", openapi_extra=_UPLOAD, summary="Add a document to the store (or replace it by file name)")
async def ingest(services: ServicesDep, _admin: AdminDep, request: Request) -> dict:
    upload = await _the_file(request)
    data = await upload.read(services.settings.max_upload_bytes + 1)
    return await run_in_threadpool(services.admin.ingest, upload.filename or "", data)


@router.delete("/documents/{doc_id}", summary="Remove a document and every fact drawn from it")
def remove(services: ServicesDep, _admin: AdminDep, doc_id: str) -> dict:
    return services.admin.remove(doc_id)


async def _the_file(request: Request) -> UploadFile:
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise Unprocessable("send the document as multipart/form-data with one field 'file'")
    form = await request.form(max_files=1, max_fields=1)   # a malformed body: Starlette's 400, as JSON
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise Unprocessable("the form has no file in the field 'file'")
    return upload
