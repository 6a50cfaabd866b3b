"""Revenue: deposits and allocation points, claims, and balances per agreement and account."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain.errors import ValidationError
from ledger.domain.validation import address as parse_address
from ledger.reads.indexer.models import Balance, Claim, Deposit
from ledger.reads.queries.paging import (
    MAX_LIMIT,
    IndexReader,
    Page,
    Row,
    Sorts,
    all_rows,
    equals,
    hash_key,
)

SORTS: dict[str, Sorts] = {
    "deposits": {"time": (Deposit.block_number, Deposit.log_index)},
    "claims": {"time": (Claim.block_number, Claim.log_index)},
}


class RevenueQueries(IndexReader):
    """Deposits of an agreement, claims, and balances."""

    def deposits(self, *, agreement_id: str, cursor: str | None = None, limit: int = 50) -> Page:
        """Deposits and allocation points of one agreement, oldest first."""
        statement = select(Deposit).where(Deposit.agreement_id == hash_key(agreement_id))
        return self._page(statement, SORTS["deposits"], "time", cursor, limit)

    def claims(
        self,
        *,
        agreement_id: str | None = None,
        account: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Claims of one agreement and/or one account, oldest first."""
        statement = select(Claim).where(
            *equals(Claim.agreement_id, None if agreement_id is None else hash_key(agreement_id)),
            *equals(
                Claim.account, None if account is None else parse_address(account, field="account")
            ),
        )
        return self._page(statement, SORTS["claims"], "time", cursor, limit)

    def balances(self, *, agreement_id: str | None = None, account: str | None = None) -> list[Row]:
        """Claimed and claimable amounts per (agreement, account); at least one filter."""
        if agreement_id is None and account is None:
            raise ValidationError("give agreement_id or account")
        statement = (
            select(Balance)
            .where(
                *equals(
                    Balance.agreement_id, None if agreement_id is None else hash_key(agreement_id)
                ),
                *equals(
                    Balance.account,
                    None if account is None else parse_address(account, field="account"),
                ),
            )
            .order_by(Balance.agreement_id, Balance.account)
            .limit(MAX_LIMIT * 5)
        )
        with Session(self.engine) as session:
            return all_rows(session, statement)


__all__ = ["SORTS", "RevenueQueries"]
