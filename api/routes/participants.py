"""Park participants (public registry data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from api.deps import ListingDep, QueriesDep
from api.etag import etag_response
from api.models.index import ParticipantPage, ParticipantRead
from api.problems import problem_responses
from api.routes.params import AddressPath, NameFilter, sort_query

router = APIRouter(prefix="/participants", tags=["participants"])


@router.get(
    "",
    summary="List participants",
    response_model=ParticipantPage,
    responses=problem_responses(422, 429),
)
async def list_participants(
    *,
    listing: ListingDep,
    queries: QueriesDep,
    kind: NameFilter = None,
    status: NameFilter = None,
    sort: Annotated[str, sort_query("registered", "account")] = "registered",
) -> Response:
    """Registered participants, filterable by kind and status."""
    return listing.page(ParticipantPage, queries.participants, kind=kind, status=status, sort=sort)


@router.get(
    "/{account}",
    summary="Get one participant",
    response_model=ParticipantRead,
    responses=problem_responses(404, 422, 429),
)
async def get_participant(request: Request, queries: QueriesDep, account: AddressPath) -> Response:
    """One participant by account address."""
    return etag_response(request, ParticipantRead, queries.participant(account))
