"""Revenue's events (deposits, allocations, claims, payout addresses) and the balances read back
from its state."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3.contract import Contract

from ledger.domain.structs import ZERO_ADDRESS
from ledger.infra.chain.state import call_at
from ledger.infra.events import DecodedEvent
from ledger.reads.indexer.models import AgreementRevenue, Balance, Claim, Deposit, hex_of
from ledger.reads.indexer.projection import Projection, ProjectorSet
from ledger.reads.indexer.projectors.common import balance_of, revenue_of

projectors = ProjectorSet()


@projectors.register("RevenueDeposited", "RevenueAllocated")
def _revenue_allocated(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    deposit = e.name == "RevenueDeposited"
    revenue = revenue_of(p, a["agreementId"], a["token"] if deposit else None)
    amount = a["amount"] if deposit else 0
    p.add(
        Deposit(
            block_number=e.block_number,
            log_index=e.log_index,
            agreement_id=a["agreementId"],
            kind="deposit" if deposit else "allocation",
            depositor=a["depositor"] if deposit else a["caller"],
            token=revenue.token,
            amount=amount,
            allocated=a["allocated"],
            acc_per_unit=a["accPerUnit"],
            carry_scaled=a["carryScaled"],
            tx_hash=hex_of(e.tx_hash),
            time=e.block_timestamp,
        ),
        (e.block_number, e.log_index),
    )
    revenue.deposited += amount
    revenue.allocated += a["allocated"]
    revenue.acc_per_unit = a["accPerUnit"]
    revenue.carry_scaled = a["carryScaled"]
    if deposit:
        revenue.deposit_count += 1


@projectors.register("RevenueClaimed", "RevenueFundClaimed")
def _revenue_claimed(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    fund = e.name == "RevenueFundClaimed"
    revenue = revenue_of(p, a["agreementId"])
    account = a["fund"] if fund else a["account"]
    p.add(
        Claim(
            block_number=e.block_number,
            log_index=e.log_index,
            agreement_id=a["agreementId"],
            account=account,
            paid_to=a["fund"] if fund else a["to"],
            is_fund=fund,
            amount=a["amount"],
            tx_hash=hex_of(e.tx_hash),
            time=e.block_timestamp,
        ),
        (e.block_number, e.log_index),
    )
    revenue.claimed += a["amount"]
    if fund:
        revenue.fund_claimed += a["amount"]
    else:
        balance_of(p, a["agreementId"], account, revenue.token).claimed += a["amount"]


@projectors.register("PayoutAddressSet")
def _payout_set(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    revenue = revenue_of(p, a["agreementId"])
    payout = a["payout"]
    row = balance_of(p, a["agreementId"], a["account"], revenue.token)
    row.payout = None if payout == ZERO_ADDRESS else payout


class RevenueRefresher:
    """Reads `claimableOf` / `fundClaimableOf` from Revenue for agreements with revenue rows."""

    def __init__(self, revenue: Contract) -> None:
        self.revenue = revenue

    def __call__(self, session: Session, agreement_ids: Iterable[str], block: int) -> None:
        """Refresh the balances of `agreement_ids` as of `block`.

        Raises StateUnavailableError when the node holds no state for `block`.
        """
        ids = list(agreement_ids)
        if not ids:
            return
        revenues = session.scalars(
            select(AgreementRevenue).where(AgreementRevenue.agreement_id.in_(ids))
        ).all()
        functions = self.revenue.functions
        for revenue in revenues:
            raw_id = bytes.fromhex(revenue.agreement_id[2:])
            revenue.fund_claimable = int(call_at(functions.fundClaimableOf(raw_id), block))
            balances = session.scalars(
                select(Balance).where(Balance.agreement_id == revenue.agreement_id)
            ).all()
            for balance in balances:
                balance.claimable = int(
                    call_at(functions.claimableOf(raw_id, balance.account), block)
                )


__all__ = ["RevenueRefresher", "projectors"]
