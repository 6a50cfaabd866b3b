"""Evidence documents: metadata for their readers and auditors, upload of client-sealed ones.

The server never sees a plaintext or a key: a client seals the document locally
(`ledger.evidence.seal`), uploads the envelope and the ciphertext, and puts the commitment on
chain itself. Only a party of the agreement the document belongs to may upload, and only for
that agreement's parties; a document the caller may not see answers 404, as an unknown one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api.deps import PrincipalDep, QueriesDep, RuntimeDep, ViewerDep
from api.etag import etag_response
from api.models.evidence import EvidenceCreate, EvidenceList, EvidenceRead
from api.problems import problem_responses
from api.routes.params import HASH_PATTERN
from ledger.app.auth import AuthenticationError
from ledger.domain.errors import NotAPartyError, NotFoundError
from ledger.evidence import EvidenceStore, store_sealed

router = APIRouter(prefix="/evidence", tags=["evidence"])

DocumentIdPath = Annotated[str, Path(pattern=HASH_PATTERN, description="document id")]


def _may_see(item: EvidenceRead, address: str, auditor: bool) -> bool:
    return auditor or address == item.uploader or address in item.parties or address in item.readers


def _store(runtime: RuntimeDep) -> EvidenceStore:
    return _store_at(runtime.data_dir / "evidence")


@lru_cache(maxsize=8)
def _store_at(root: FilePath) -> EvidenceStore:
    # NOTE: one store a process: the limits are read from the settings once, not per request.
    return EvidenceStore.default(root=root)


@router.get(
    "",
    summary="List the evidence documents the caller may see",
    response_model=EvidenceList,
    responses=problem_responses(401, 429),
)
def list_evidence(request: Request, runtime: RuntimeDep, viewer: ViewerDep) -> Response:
    """Documents the caller uploaded, was sealed for or may read; every one for auditors."""
    if viewer.address is None:
        raise AuthenticationError("sign in first: evidence metadata is private to its parties")
    store = _store(runtime)
    items = [EvidenceRead.of(store.load_envelope(doc)) for doc in store.document_ids()]
    visible = [i for i in items if _may_see(i, viewer.address, viewer.auditor)]
    return etag_response(request, EvidenceList, {"items": visible})


@router.get(
    "/{document_id}",
    summary="Get one evidence document's metadata",
    response_model=EvidenceRead,
    responses=problem_responses(401, 404, 422, 429),
)
def get_evidence(
    request: Request, runtime: RuntimeDep, viewer: ViewerDep, document_id: DocumentIdPath
) -> Response:
    """The envelope's metadata, for its parties, current readers and auditors; 404 for anyone
    else, as for an unknown id (the answer never tells whether the document exists)."""
    if viewer.address is None:
        raise AuthenticationError("sign in first: evidence metadata is private to its parties")
    unknown = NotFoundError(f"no evidence document {document_id}")
    try:
        item = EvidenceRead.of(_store(runtime).load_envelope(bytes.fromhex(document_id[2:])))
    except NotFoundError:
        raise unknown from None
    if not _may_see(item, viewer.address, viewer.auditor):
        raise unknown
    return etag_response(request, EvidenceRead, item)


@router.post(
    "",
    status_code=201,
    summary="Upload a document the client sealed",
    response_model=EvidenceRead,
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 429),
)
def create_evidence(
    body: EvidenceCreate,
    runtime: RuntimeDep,
    queries: QueriesDep,
    principal: PrincipalDep,
    response: Response,
) -> EvidenceRead:
    """Stores the envelope and ciphertext if the caller is a party of `agreement_id`, the
    envelope is sealed for parties of it only, its upload entries are signed by the caller and
    the ciphertext matches its digest. 403 for a caller who is not a party, 404 for an unknown
    agreement, 409 if the document exists, 413 past the reader or log-entry limits."""
    ciphertext = body.ciphertext_bytes()
    # NOTE: the party check is an indexed query; it comes before any signature is recovered.
    detail = queries.agreement(body.agreement_id)
    parties = {row["party"] for row in detail["parties"] if row["is_current"]}
    if principal.address not in parties:
        raise NotAPartyError(f"{principal.address} is not a party of {body.agreement_id}")
    stored = store_sealed(
        store=_store(runtime),
        envelope_json=body.envelope,
        ciphertext=ciphertext,
        uploader=principal.address,
        parties=parties,
    )
    response.headers["Location"] = f"/evidence/0x{stored.document_id.hex()}"
    return EvidenceRead.of(stored)
