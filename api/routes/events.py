"""The decoded event log: what happened in the park, newest first on request."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import ListingDep, QueriesDep
from api.models.index import EventPage
from api.problems import problem_responses
from api.routes.params import AgreementFilter, NameFilter, sort_query

router = APIRouter(prefix="/events", tags=["events"])

ContractFilter = Annotated[
    str | None,
    Query(
        max_length=64,
        pattern=r"^[A-Za-z]+$",
        description="only this contract's events",
        examples=["Contributions"],
    ),
]


@router.get(
    "",
    summary="List indexed events (the park's activity)",
    response_model=EventPage,
    responses=problem_responses(422, 429),
)
async def list_events(
    *,
    listing: ListingDep,
    queries: QueriesDep,
    agreement_id: AgreementFilter = None,
    contract: ContractFilter = None,
    name: NameFilter = None,
    sort: Annotated[str, sort_query("block")] = "block",
) -> Response:
    """Every event the indexer decoded, in chain order (`sort=-block` for the newest first),
    filterable by agreement, contract and event name; public, as on chain. Integer arguments
    are decimal strings."""
    return listing.page(
        EventPage,
        queries.events,
        agreement_id=agreement_id,
        contract=contract,
        name=name,
        sort=sort,
    )
