"""Governance proposals and votes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import ConfigDict, Field

from api.deps import PageDep, QueriesDep, ServicesDep
from api.etag import etag_response
from api.problems import problem_responses
from api.routes.params import (
    ADDRESS_PATTERN,
    ADDRESS_SCHEMA,
    EXAMPLE_ADDRESS,
    MAX_SAFE_INTEGER,
    AgreementFilter,
    NameFilter,
    sort_query,
)
from api.schemas import ProposalDetailRead, ProposalPage
from api.writes import (
    EXAMPLE_SIGNATURE,
    WRITE_ERRORS,
    IdempotencyKey,
    OutboxEntryRead,
    SignedBody,
    TypedDataRead,
    accepted,
)
from ledger.domain.structs import VoteSignature, VoteSupport
from ledger.writes.submissions import request_hash

ProposalIdPath = Annotated[int, Path(ge=0, le=MAX_SAFE_INTEGER, description="proposal id")]
SUPPORT_PATTERN = r"^(Against|For|Abstain)$"

router = APIRouter(prefix="/proposals", tags=["proposals"])


@router.get(
    "",
    summary="List proposals",
    response_model=ProposalPage,
    responses=problem_responses(422, 429),
)
async def list_proposals(
    *,
    request: Request,
    queries: QueriesDep,
    page: PageDep,
    agreement_id: AgreementFilter = None,
    status: NameFilter = None,
    kind: NameFilter = None,
    sort: Annotated[str, sort_query("created", "vote_end")] = "created",
) -> Response:
    """Proposals filterable by agreement, status and kind."""
    result = queries.proposals(
        agreement_id=agreement_id,
        status=status,
        kind=kind,
        sort=sort,
        cursor=page.cursor,
        limit=page.limit,
    )
    return etag_response(request, ProposalPage, result)


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


class VoteCreate(SignedBody):
    """A party's EIP-712 `Vote` on the proposal, signed with its own key."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "voter": EXAMPLE_ADDRESS,
                    "support": "For",
                    "nonce": 1,
                    "deadline": 1795622292,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        },
    )
    voter: str = Field(
        pattern=ADDRESS_PATTERN, examples=[EXAMPLE_ADDRESS], json_schema_extra=ADDRESS_SCHEMA
    )
    support: str = Field(pattern=SUPPORT_PATTERN, examples=["For"])


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
    support: Annotated[str, Query(pattern=SUPPORT_PATTERN)],
    deadline: Annotated[int, Query(ge=0, le=MAX_SAFE_INTEGER, description="unix time")],
) -> Any:
    """The proposal's agreement and the voter's current nonce, read from the chain."""
    return services.submissions.vote_typed_data(
        proposal_id=proposal_id, voter=voter, support=_support(support), deadline=deadline
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
        support=_support(body.support),
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


def _support(name: str) -> VoteSupport:
    return VoteSupport[name.upper()]
