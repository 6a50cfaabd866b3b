"""Governance proposals and votes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api.deps import PageDep, QueriesDep
from api.etag import etag_response
from api.problems import problem_responses
from api.routes.params import AgreementFilter, NameFilter, sort_query
from api.schemas import ProposalDetailRead, ProposalPage

router = APIRouter(prefix="/proposals", tags=["proposals"])


@router.get(
    "",
    summary="List proposals",
    response_model=ProposalPage,
    responses=problem_responses(422, 429),
)
def list_proposals(
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
def get_proposal(
    request: Request, queries: QueriesDep, proposal_id: Annotated[int, Path(ge=0, lt=2**63)]
) -> Response:
    """One proposal by id (sequential per Governance contract) and every vote cast."""
    return etag_response(request, ProposalDetailRead, queries.proposal(proposal_id))
