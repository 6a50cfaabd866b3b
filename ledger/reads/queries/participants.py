"""Participants of the park registry."""

from __future__ import annotations

from sqlalchemy import select

from ledger.domain.validation import address as parse_address
from ledger.reads.indexer.models import Participant
from ledger.reads.queries.paging import IndexReader, Page, Row, Sorts, equals

SORTS: dict[str, Sorts] = {
    "participants": {
        "registered": (Participant.registered_block, Participant.account),
        "account": (Participant.account,),
    },
}


class ParticipantQueries(IndexReader):
    """Participants by kind and status, and one by account."""

    def participants(
        self,
        *,
        kind: str | None = None,
        status: str | None = None,
        sort: str = "registered",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Registered participants, optionally of one kind and status."""
        statement = select(Participant).where(
            *equals(Participant.kind, kind), *equals(Participant.status, status)
        )
        return self._page(statement, SORTS["participants"], sort, cursor, limit)

    def participant(self, account: str) -> Row:
        """One participant; NotFoundError when unknown."""
        return self._one(Participant, parse_address(account, field="account"), "participant")


__all__ = ["SORTS", "ParticipantQueries"]
