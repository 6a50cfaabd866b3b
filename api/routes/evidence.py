"""Evidence documents: metadata for their readers and auditors, upload of client-sealed ones.

The server never sees a plaintext or a key: a client seals the document locally
(`ledger.evidence.seal`), uploads the envelope and the ciphertext, and puts the commitment on
chain itself. Only a party of the agreement the document belongs to may upload, and only for
that agreement's parties; a document the caller may not see answers 404, as an unknown one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import EvidenceReaderDep, EvidenceStoreDep, PartyUploadDep, VisibleEvidenceDep
from api.etag import etag_response
from api.models.evidence import EvidenceList, EvidenceRead
from api.problems import problem_responses
from ledger.evidence import store_sealed

router = APIRouter(prefix="/evidence", tags=["evidence"])


@router.get(
    "",
    summary="List the evidence documents the caller may see",
    response_model=EvidenceList,
    responses=problem_responses(401, 429),
)
def list_evidence(request: Request, reader: EvidenceReaderDep, store: EvidenceStoreDep) -> Response:
    """Documents the caller uploaded, was sealed for or may read; every one for auditors."""
    items = [EvidenceRead.of(store.load_envelope(doc)) for doc in store.document_ids()]
    visible = [item for item in items if reader.may_see(item)]
    return etag_response(request, EvidenceList, {"items": visible})


@router.get(
    "/{document_id}",
    summary="Get one evidence document's metadata",
    response_model=EvidenceRead,
    responses=problem_responses(401, 404, 422, 429),
)
def get_evidence(request: Request, item: VisibleEvidenceDep) -> Response:
    """The envelope's metadata, for its parties, current readers and auditors; 404 for anyone
    else, as for an unknown id (the answer never tells whether the document exists)."""
    return etag_response(request, EvidenceRead, item)


@router.post(
    "",
    status_code=201,
    summary="Upload a document the client sealed",
    response_model=EvidenceRead,
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422, 429),
)
def create_evidence(
    upload: PartyUploadDep, store: EvidenceStoreDep, response: Response
) -> EvidenceRead:
    """Stores the envelope and ciphertext if the caller is a party of `agreement_id`, the
    envelope is sealed for parties of it only, its upload entries are signed by the caller and
    the ciphertext matches its digest. 403 for a caller who is not a party, 404 for an unknown
    agreement, 409 if the document exists, 413 past the reader or log-entry limits."""
    stored = store_sealed(
        store=store,
        envelope_json=upload.envelope,
        ciphertext=upload.ciphertext,
        uploader=upload.uploader,
        parties=upload.parties,
    )
    response.headers["Location"] = f"/evidence/0x{stored.document_id.hex()}"
    return EvidenceRead.of(stored)
