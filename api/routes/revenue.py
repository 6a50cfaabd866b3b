"""Revenue: deposits, claims and balances."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import ListingDep, QueriesDep
from api.etag import etag_response
from api.models.index import BalanceList, ClaimPage, DepositPage
from api.problems import problem_responses
from api.routes.params import AddressFilter, AgreementFilter

router = APIRouter(prefix="/revenue", tags=["revenue"])


@router.get(
    "/deposits",
    summary="List an agreement's deposits",
    response_model=DepositPage,
    responses=problem_responses(422, 429),
)
async def list_deposits(
    *, listing: ListingDep, queries: QueriesDep, agreement_id: AgreementFilter
) -> Response:
    """Deposits and allocation points of one agreement, oldest first."""
    if agreement_id is None:
        return listing.empty(DepositPage)
    return listing.page(DepositPage, queries.deposits, agreement_id=agreement_id)


@router.get(
    "/claims",
    summary="List claims",
    response_model=ClaimPage,
    responses=problem_responses(422, 429),
)
async def list_claims(
    *,
    listing: ListingDep,
    queries: QueriesDep,
    agreement_id: AgreementFilter = None,
    account: AddressFilter = None,
) -> Response:
    """Claims of an agreement and/or an account, oldest first."""
    return listing.page(ClaimPage, queries.claims, agreement_id=agreement_id, account=account)


@router.get(
    "/balances",
    summary="Claimed and claimable amounts",
    response_model=BalanceList,
    responses=problem_responses(422, 429),
)
async def list_balances(
    *,
    request: Request,
    queries: QueriesDep,
    agreement_id: AgreementFilter = None,
    account: AddressFilter = None,
) -> Response:
    """Per (agreement, account): claimed so far and claimable now; give at least one filter."""
    items = queries.balances(agreement_id=agreement_id, account=account)
    return etag_response(request, BalanceList, {"items": items})
