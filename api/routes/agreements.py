"""Agreements: state, versions, parties, consents, hash-chain head and revenue totals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import (
    SIGN_IN_OPTIONAL,
    AuditorOrPartyDep,
    ListingDep,
    QueriesDep,
    ServicesDep,
    TimeRangeDep,
)
from api.etag import etag_response
from api.models.index import AgreementDetailRead, AgreementPage
from api.models.writes import ConsentCreate, OutboxEntryRead, PreparedCallRead, TypedDataRead
from api.problems import problem_responses
from api.routes.params import (
    ADDRESS_PATTERN,
    ADDRESS_SCHEMA,
    MAX_SAFE_INTEGER,
    AddressFilter,
    AgreementIdPath,
    NameFilter,
    sort_query,
)
from api.writes import WRITE_ERRORS, IdempotencyKey, accepted, entry_read, prepared
from ledger.domain.structs import ConsentSignature
from ledger.writes.submissions import request_hash

router = APIRouter(prefix="/agreements", tags=["agreements"])


@router.get(
    "",
    summary="List agreements",
    response_model=AgreementPage,
    responses=problem_responses(422, 429),
)
async def list_agreements(
    *,
    listing: ListingDep,
    queries: QueriesDep,
    proposed: TimeRangeDep,
    party: AddressFilter = None,
    status: NameFilter = None,
    sort: Annotated[str, sort_query("proposed", "updated")] = "proposed",
) -> Response:
    """Agreements, filterable by party (current or former), status and proposal time."""
    return listing.page(
        AgreementPage,
        queries.agreements,
        party=party,
        status=status,
        proposed=proposed,
        sort=sort,
    )


@router.get(
    "/{agreement_id}",
    summary="Get one agreement with its parties, consents, head and revenue",
    response_model=AgreementDetailRead,
    responses=problem_responses(401, 404, 422, 429),
    openapi_extra=SIGN_IN_OPTIONAL,
)
def get_agreement(
    *,
    request: Request,
    queries: QueriesDep,
    services: ServicesDep,
    access: AuditorOrPartyDep,
) -> Response:
    """The agreement's current version, every party and consent, and its verified head; its
    parties and auditors also see the relayed intents still on their way (`pending_intents`)."""
    agreement_id = access.agreement_id
    detail = queries.agreement(agreement_id)
    if access.insider:
        pending = services.submissions.pending(
            agreement_id=agreement_id, proposal_ids=queries.proposal_ids(agreement_id)
        )
        detail["pending_intents"] = [entry_read(entry) for entry in pending]
    return etag_response(request, AgreementDetailRead, detail)


@router.get(
    "/{agreement_id}/consents/typed-data",
    summary="The Consent typed data a party signs for this agreement",
    response_model=TypedDataRead,
    responses=problem_responses(404, 422, 429, 503),
)
def consent_typed_data(
    services: ServicesDep,
    agreement_id: AgreementIdPath,
    signer: Annotated[str, Query(pattern=ADDRESS_PATTERN, json_schema_extra=ADDRESS_SCHEMA)],
    deadline: Annotated[int, Query(ge=0, le=MAX_SAFE_INTEGER, description="unix time")],
) -> Any:
    """Current version, parameters hash and the signer's nonce, read from the chain."""
    return services.submissions.consent_typed_data(
        agreement_id=agreement_id, signer=signer, deadline=deadline
    )


@router.post(
    "/{agreement_id}/consents",
    status_code=202,
    summary="Relay a party's signed consent",
    response_model=OutboxEntryRead,
    responses=problem_responses(*WRITE_ERRORS),
)
def create_consent(
    *,
    agreement_id: AgreementIdPath,
    body: ConsentCreate,
    response: Response,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> OutboxEntryRead:
    """Verifies the signature and the signer's right to consent, journals
    `consentBySignatures` in the outbox and answers 202 with the entry's URL."""
    entry = services.submissions.submit_consent(
        agreement_id=agreement_id,
        consent=ConsentSignature(
            signer=body.signer,
            nonce=body.nonce,
            deadline=body.deadline,
            signature=body.signature_bytes,
        ),
        client_key=idempotency_key,
        content_hash=request_hash(f"consent:{agreement_id}", body.model_dump()),
    )
    return accepted(entry, response)


@router.get(
    "/{agreement_id}/calls/claim",
    summary="The claim transaction a party sends itself",
    response_model=PreparedCallRead,
    responses=problem_responses(422, 429),
)
def claim_call(services: ServicesDep, agreement_id: AgreementIdPath) -> Any:
    """`Revenue.claim`: the share is paid to `msg.sender` (or its payout address), so the
    party sends it from its own wallet."""
    return prepared(services.submissions.claim_call(agreement_id=agreement_id))
