"""Contribution records, their confirmations and disputes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import ListingDep, QueriesDep, ServicesDep, TimeRangeDep
from api.etag import etag_response
from api.models.index import ContributionDetailRead, ContributionPage
from api.models.writes import (
    ContributionCreate,
    OutboxEntryRead,
    PreparedCallRead,
    RecordsTypedDataCreate,
    TypedDataRead,
)
from api.problems import problem_responses
from api.routes.params import (
    HASH_PATTERN,
    AddressFilter,
    AgreementFilter,
    HashPath,
    NameFilter,
    sort_query,
)
from api.writes import WRITE_ERRORS, IdempotencyKey, accepted, prepared
from ledger.client import SignedRecords
from ledger.writes.submissions import request_hash

router = APIRouter(prefix="/contributions", tags=["contributions"])


@router.get(
    "",
    summary="List contribution records",
    response_model=ContributionPage,
    responses=problem_responses(422, 429),
)
async def list_contributions(
    *,
    listing: ListingDep,
    queries: QueriesDep,
    recorded: TimeRangeDep,
    agreement_id: AgreementFilter = None,
    status: NameFilter = None,
    kind: NameFilter = None,
    contributor: AddressFilter = None,
    sort: Annotated[str, sort_query("recorded", "weight")] = "recorded",
) -> Response:
    """Records filterable by agreement, status, kind, contributor and recording time."""
    return listing.page(
        ContributionPage,
        queries.contributions,
        agreement_id=agreement_id,
        status=status,
        kind=kind,
        contributor=contributor,
        recorded=recorded,
        sort=sort,
    )


@router.get(
    "/{record_id}",
    summary="Get one contribution record with its confirmations and dispute",
    response_model=ContributionDetailRead,
    responses=problem_responses(404, 422, 429),
)
async def get_contribution(request: Request, queries: QueriesDep, record_id: HashPath) -> Response:
    """One record by id (its Merkle leaf)."""
    return etag_response(request, ContributionDetailRead, queries.contribution(record_id))


@router.post(
    "/typed-data",
    summary="The RecordContributions typed data a contributor signs",
    response_model=TypedDataRead,
    responses=problem_responses(400, 413, 422, 429, 503),
)
def records_typed_data(body: RecordsTypedDataCreate, services: ServicesDep) -> Any:
    """A POST only because the records are a body: nothing is stored. The nonce is read from
    the chain."""
    return services.submissions.record_typed_data(
        agreement_id=body.agreement_id,
        contributor=body.contributor,
        records=[r.contribution() for r in body.records],
        deadline=body.deadline,
    )


@router.post(
    "",
    status_code=202,
    summary="Relay a contributor's signed batch of records (one or many)",
    response_model=OutboxEntryRead,
    responses=problem_responses(*WRITE_ERRORS),
)
def create_contributions(
    *,
    body: ContributionCreate,
    response: Response,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> OutboxEntryRead:
    """Verifies the signature, the contributor's party status and every record rule, journals
    `recordBySignature` and answers 202 with the outbox entry's URL."""
    signed = SignedRecords(
        agreement_id=bytes.fromhex(body.agreement_id[2:]),
        contributor=body.contributor,  # type: ignore[arg-type]  # checksummed by the check
        records=tuple(r.contribution() for r in body.records),
        nonce=body.nonce,
        deadline=body.deadline,
        signature=body.signature_bytes,
    )
    entry = services.submissions.submit_records(
        signed=signed,
        client_key=idempotency_key,
        content_hash=request_hash("records", body.model_dump()),
    )
    return accepted(entry, response)


@router.get(
    "/{record_id}/calls/confirm",
    summary="The confirm transaction a co-party sends itself",
    response_model=PreparedCallRead,
    responses=problem_responses(404, 422, 429),
)
def confirm_call(queries: QueriesDep, services: ServicesDep, record_id: HashPath) -> Any:
    """`Contributions.confirm` with the record's Merkle proof rebuilt from the index; sign and
    send it from the confirming party's wallet (the contract takes no signed form)."""
    agreement_id, proof = queries.record_proof(record_id)
    return prepared(services.submissions.confirm_call(agreement_id=agreement_id, proof=proof))


@router.get(
    "/{record_id}/calls/mature",
    summary="The mature transaction anyone may send after the challenge window",
    response_model=PreparedCallRead,
    responses=problem_responses(404, 422, 429),
)
def mature_call(queries: QueriesDep, services: ServicesDep, record_id: HashPath) -> Any:
    """`Contributions.mature` for one Confirmed record whose challenge window ended: from then
    on its weight counts (and, in weighted agreements, shares revenue)."""
    agreement_id, proof = queries.record_proof(record_id)
    return prepared(services.submissions.mature_call(agreement_id=agreement_id, proof=proof))


@router.get(
    "/{record_id}/calls/dispute",
    summary="The dispute transaction a co-party sends itself",
    response_model=PreparedCallRead,
    responses=problem_responses(404, 422, 429),
)
def dispute_call(
    queries: QueriesDep,
    services: ServicesDep,
    record_id: HashPath,
    reason_hash: Annotated[str, Query(pattern=HASH_PATTERN, description="hash of the reason")],
) -> Any:
    """`Contributions.dispute` with the record's Merkle proof rebuilt from the index."""
    agreement_id, proof = queries.record_proof(record_id)
    call = services.submissions.dispute_call(
        agreement_id=agreement_id, proof=proof, reason_hash=reason_hash
    )
    return prepared(call)
