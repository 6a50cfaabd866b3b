"""Contribution records, their confirmations and disputes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.deps import PageDep, QueriesDep, TimeRangeDep
from api.etag import etag_response
from api.problems import problem_responses
from api.routes.params import AddressFilter, AgreementFilter, HashPath, NameFilter, sort_query
from api.schemas import ContributionDetailRead, ContributionPage

router = APIRouter(prefix="/contributions", tags=["contributions"])


@router.get(
    "",
    summary="List contribution records",
    response_model=ContributionPage,
    responses=problem_responses(422, 429),
)
def list_contributions(
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
def get_contribution(request: Request, queries: QueriesDep, record_id: HashPath) -> Response:
    """One record by id (its Merkle leaf)."""
    return etag_response(request, ContributionDetailRead, queries.contribution(record_id))
