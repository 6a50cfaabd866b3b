"""Governance proposals and votes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import ListingDep, QueriesDep, ServicesDep
from api.etag import etag_response
from api.models.index import ProposalDetailRead, ProposalPage
from api.models.writes import OutboxEntryRead, SupportName, TypedDataRead, VoteCreate
from api.problems import problem_responses
from api.routes.params import (
    ADDRESS_PATTERN,
    ADDRESS_SCHEMA,
    MAX_SAFE_INTEGER,
    AgreementFilter,
    NameFilter,
    sort_query,
)
from api.writes import WRITE_ERRORS, IdempotencyKey, accepted
from ledger.domain.names import member_named
from ledger.domain.structs import VoteSignature, VoteSupport
from ledger.writes.submissions import request_hash

ProposalIdPath = Annotated[int, Path(ge=0, le=MAX_SAFE_INTEGER, description="proposal id")]

router = APIRouter(prefix="/proposals", tags=["proposals"])


@router.get(
    "",
    summary="List proposals",
    response_model=ProposalPage,
    responses=problem_responses(422, 429),
)
async def list_proposals(
    *,
    listing: ListingDep,
    queries: QueriesDep,
    agreement_id: AgreementFilter = None,
    status: NameFilter = None,
    kind: NameFilter = None,
    sort: Annotated[str, sort_query("created", "vote_end")] = "created",
) -> Response:
    """Proposals filterable by agreement, status and kind."""
    return listing.page(
        ProposalPage,
        queries.proposals,
        agreement_id=agreement_id,
        status=status,
        kind=kind,
        sort=sort,
    )


@router.get(
    "/{proposal_id}",
    summary="Get one proposal with its votes",
    response_model=ProposalDetailRead,
    responses=problem_responses(404, 422, 429),
)
async def get_proposal(
    request: Request, queries: QueriesDep, proposal_id: ProposalIdPath
) -> Response:
    """One proposal by id (sequential per Governance contract) and every vote cast."""
    return etag_response(request, ProposalDetailRead, queries.proposal(proposal_id))


@router.get(
    "/{proposal_id}/votes/typed-data",
    summary="The Vote typed data a party signs for this proposal",
    response_model=TypedDataRead,
    responses=problem_responses(404, 422, 429, 503),
)
def vote_typed_data(
    services: ServicesDep,
    proposal_id: ProposalIdPath,
    voter: Annotated[str, Query(pattern=ADDRESS_PATTERN, json_schema_extra=ADDRESS_SCHEMA)],
    support: Annotated[SupportName, Query()],
    deadline: Annotated[int, Query(ge=0, le=MAX_SAFE_INTEGER, description="unix time")],
) -> Any:
    """The proposal's agreement and the voter's current nonce, read from the chain."""
    return services.submissions.vote_typed_data(
        proposal_id=proposal_id,
        voter=voter,
        support=member_named(VoteSupport, support),
        deadline=deadline,
    )


@router.post(
    "/{proposal_id}/votes",
    status_code=202,
    summary="Relay a party's signed vote",
    response_model=OutboxEntryRead,
    responses=problem_responses(*WRITE_ERRORS),
)
def create_vote(
    *,
    proposal_id: ProposalIdPath,
    body: VoteCreate,
    response: Response,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
) -> OutboxEntryRead:
    """Verifies the signature and the voter's right to vote, journals `voteBySignatures`
    and answers 202 with the outbox entry's URL."""
    vote = VoteSignature(
        voter=body.voter,
        support=member_named(VoteSupport, body.support),
        nonce=body.nonce,
        deadline=body.deadline,
        signature=body.signature_bytes,
    )
    entry = services.submissions.submit_vote(
        proposal_id=proposal_id,
        vote=vote,
        client_key=idempotency_key,
        content_hash=request_hash(f"vote:{proposal_id}", body.model_dump()),
    )
    return accepted(entry, response)
