"""Contribution records, their confirmations and disputes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.deps import PageDep, QueriesDep, ServicesDep, TimeRangeDep
from api.etag import etag_response
from api.problems import problem_responses
from api.routes.params import (
    ADDRESS_PATTERN,
    ADDRESS_SCHEMA,
    EXAMPLE_ADDRESS,
    EXAMPLE_AGREEMENT,
    HASH_PATTERN,
    MAX_SAFE_INTEGER,
    AddressFilter,
    AgreementFilter,
    HashPath,
    JsonInt,
    NameFilter,
    sort_query,
)
from api.schemas import ContributionDetailRead, ContributionPage
from api.writes import (
    EXAMPLE_SIGNATURE,
    WRITE_ERRORS,
    IdempotencyKey,
    OutboxEntryRead,
    PreparedCallRead,
    SignedBody,
    TypedDataRead,
    accepted,
    prepared,
)
from ledger.client import SignedRecords
from ledger.domain.structs import MAX_BATCH, MAX_WEIGHT, ZERO_ADDRESS, Contribution
from ledger.reads.queries import contribution_of
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
    request: Request,
    queries: QueriesDep,
    page: PageDep,
    recorded: TimeRangeDep,
    agreement_id: AgreementFilter = None,
    status: NameFilter = None,
    kind: NameFilter = None,
    contributor: AddressFilter = None,
    sort: Annotated[str, sort_query("recorded", "weight")] = "recorded",
) -> Response:
    """Records filterable by agreement, status, kind, contributor and recording time."""
    result = queries.contributions(
        agreement_id=agreement_id,
        status=status,
        kind=kind,
        contributor=contributor,
        recorded=recorded,
        sort=sort,
        cursor=page.cursor,
        limit=page.limit,
    )
    return etag_response(request, ContributionPage, result)


@router.get(
    "/{record_id}",
    summary="Get one contribution record with its confirmations and dispute",
    response_model=ContributionDetailRead,
    responses=problem_responses(404, 422, 429),
)
async def get_contribution(request: Request, queries: QueriesDep, record_id: HashPath) -> Response:
    """One record by id (its Merkle leaf)."""
    return etag_response(request, ContributionDetailRead, queries.contribution(record_id))


KindName = Literal[
    "Design",
    "ContentIP",
    "Technology",
    "Capital",
    "Labour",
    "SpaceEquipment",
    "Data",
    "MarketingChannel",
    "Other",
]
EXAMPLE_RECORD: dict[str, JsonValue] = {
    "kind": "Design",
    "weight": 30,
    "evidence_hash": "0x" + "5e" * 32,
    "provenance": "None",
    "accountable": ZERO_ADDRESS,
}

EXAMPLE_DRAFT: dict[str, JsonValue] = {
    "agreement_id": EXAMPLE_AGREEMENT,
    "contributor": EXAMPLE_ADDRESS,
    "records": [EXAMPLE_RECORD],
    "deadline": 1795622292,
}


class RecordItem(BaseModel):
    """One contribution as its contributor records it (kind and provenance named as in reads)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_RECORD]})
    kind: KindName
    weight: JsonInt = Field(ge=1, le=MAX_WEIGHT)
    evidence_hash: str = Field(
        pattern=HASH_PATTERN, description="salted commitment of the evidence document"
    )
    provenance: Literal["None", "Assisted", "Generated"] = "None"
    accountable: str = Field(
        default=ZERO_ADDRESS,
        pattern=ADDRESS_PATTERN,
        description="the party answerable for AI output (required exactly when AI took part)",
        json_schema_extra=ADDRESS_SCHEMA,
    )

    def contribution(self) -> Contribution:
        """The typed struct."""
        return contribution_of(
            kind=self.kind,
            weight=self.weight,
            evidence_hash=self.evidence_hash,
            provenance=self.provenance,
            accountable=self.accountable,
        )


class RecordsTypedDataCreate(BaseModel):
    """The batch a contributor is about to sign."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_DRAFT]})
    agreement_id: str = Field(pattern=HASH_PATTERN)
    contributor: str = Field(pattern=ADDRESS_PATTERN, json_schema_extra=ADDRESS_SCHEMA)
    records: list[RecordItem] = Field(min_length=1, max_length=MAX_BATCH)
    deadline: JsonInt = Field(ge=0, le=MAX_SAFE_INTEGER)


class ContributionCreate(SignedBody, RecordsTypedDataCreate):
    """A batch of one or more records signed by its contributor (EIP-712 `RecordContributions`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE_DRAFT,
                    "nonce": 1,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        },
    )


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
