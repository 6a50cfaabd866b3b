"""Agreements, with their parties, consents, hash-chain head and revenue totals."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain.errors import NotFoundError
from ledger.domain.validation import address as parse_address
from ledger.reads.indexer.models import (
    Agreement,
    AgreementHead,
    AgreementParty,
    AgreementRevenue,
    Consent,
)
from ledger.reads.queries.paging import (
    IndexReader,
    Page,
    Row,
    Sorts,
    TimeRange,
    all_rows,
    equals,
    hash_key,
    row_dict,
    within,
)

SORTS: dict[str, Sorts] = {
    "agreements": {
        "proposed": (Agreement.proposed_block, Agreement.agreement_id),
        "updated": (Agreement.updated_block, Agreement.agreement_id),
    },
}


class AgreementQueries(IndexReader):
    """Agreements by party, status and time, and one in detail."""

    def agreements(
        self,
        *,
        party: str | None = None,
        status: str | None = None,
        proposed: TimeRange = TimeRange(),
        sort: str = "proposed",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Agreements, optionally those of one party, of one status, proposed in a time range."""
        statement = select(Agreement).where(
            *equals(Agreement.status, status), *within(Agreement.proposed_at, proposed)
        )
        if party is not None:
            statement = statement.join(
                AgreementParty, AgreementParty.agreement_id == Agreement.agreement_id
            ).where(AgreementParty.party == parse_address(party, field="party"))
        return self._page(statement, SORTS["agreements"], sort, cursor, limit)

    def agreement(self, agreement_id: str) -> Row:
        """One agreement with its parties, consents, hash-chain head and revenue totals."""
        key = hash_key(agreement_id)
        with Session(self.engine) as session:
            row = session.get(Agreement, key)
            if row is None:
                raise NotFoundError(f"no agreement {key}")
            detail = row_dict(row)
            detail["parties"] = all_rows(
                session,
                select(AgreementParty)
                .where(AgreementParty.agreement_id == key)
                .order_by(AgreementParty.party_index, AgreementParty.party),
            )
            detail["consents"] = all_rows(
                session,
                select(Consent)
                .where(Consent.agreement_id == key)
                .order_by(Consent.version, Consent.block_number, Consent.party),
            )
            head = session.get(AgreementHead, key)
            detail["head"] = None if head is None else row_dict(head)
            revenue = session.get(AgreementRevenue, key)
            detail["revenue"] = None if revenue is None else row_dict(revenue)
        return detail


__all__ = ["SORTS", "AgreementQueries"]
