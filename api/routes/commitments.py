"""Responsibility commitments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from api.deps import ListingDep, QueriesDep, TimeRangeDep
from api.models.index import CommitmentPage
from api.problems import problem_responses
from api.routes.params import AddressFilter, AgreementFilter, NameFilter, sort_query

router = APIRouter(prefix="/commitments", tags=["commitments"])


@router.get(
    "",
    summary="List commitments",
    response_model=CommitmentPage,
    responses=problem_responses(422, 429),
)
async def list_commitments(
    *,
    listing: ListingDep,
    queries: QueriesDep,
    deadline: TimeRangeDep,
    agreement_id: AgreementFilter = None,
    committer: AddressFilter = None,
    status: NameFilter = None,
    sort: Annotated[str, sort_query("deadline", "made")] = "deadline",
) -> Response:
    """Commitments filterable by agreement, committer, status and deadline (`since`/`until`)."""
    return listing.page(
        CommitmentPage,
        queries.commitments,
        agreement_id=agreement_id,
        committer=committer,
        status=status,
        deadline=deadline,
        sort=sort,
    )
