"""Agreements: state, versions, parties, consents, hash-chain head and revenue totals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.deps import PageDep, QueriesDep, TimeRangeDep
from api.etag import etag_response
from api.problems import problem_responses
from api.routes.params import AddressFilter, AgreementIdPath, NameFilter, sort_query
from api.schemas import AgreementDetailRead, AgreementPage

router = APIRouter(prefix="/agreements", tags=["agreements"])


@router.get(
    "",
    summary="List agreements",
    response_model=AgreementPage,
    responses=problem_responses(422, 429),
)
def list_agreements(
    *,
    request: Request,
    queries: QueriesDep,
    page: PageDep,
    proposed: TimeRangeDep,
    party: AddressFilter = None,
    status: NameFilter = None,
    sort: Annotated[str, sort_query("proposed", "updated")] = "proposed",
) -> Response:
    """Agreements, filterable by party (current or former), status and proposal time."""
    result = queries.agreements(
        party=party,
        status=status,
        proposed=proposed,
        sort=sort,
        cursor=page.cursor,
        limit=page.limit,
    )
    return etag_response(request, AgreementPage, result)


@router.get(
    "/{agreement_id}",
    summary="Get one agreement with its parties, consents, head and revenue",
    response_model=AgreementDetailRead,
    responses=problem_responses(404, 422, 429),
)
def get_agreement(request: Request, queries: QueriesDep, agreement_id: AgreementIdPath) -> Response:
    """The agreement's current version, every party and consent, and its verified head."""
    return etag_response(request, AgreementDetailRead, queries.agreement(agreement_id))
