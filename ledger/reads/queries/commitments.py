"""Commitments, by agreement, committer, status and deadline."""

from __future__ import annotations

from sqlalchemy import select

from ledger.domain.validation import address as parse_address
from ledger.reads.indexer.models import Commitment
from ledger.reads.queries.paging import (
    IndexReader,
    Page,
    Sorts,
    TimeRange,
    equals,
    hash_key,
    within,
)

SORTS: dict[str, Sorts] = {
    "commitments": {
        "deadline": (Commitment.deadline, Commitment.agreement_id, Commitment.commitment_id),
        "made": (Commitment.made_block, Commitment.agreement_id, Commitment.commitment_id),
    },
}


class CommitmentQueries(IndexReader):
    """Commitments by agreement, committer, status and deadline."""

    def commitments(
        self,
        *,
        agreement_id: str | None = None,
        committer: str | None = None,
        status: str | None = None,
        deadline: TimeRange = TimeRange(),
        sort: str = "deadline",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Commitments filtered by agreement, committer, status and deadline."""
        statement = select(Commitment).where(
            *equals(
                Commitment.agreement_id, None if agreement_id is None else hash_key(agreement_id)
            ),
            *equals(
                Commitment.committer,
                None if committer is None else parse_address(committer, field="committer"),
            ),
            *equals(Commitment.status, status),
            *within(Commitment.deadline, deadline),
        )
        return self._page(statement, SORTS["commitments"], sort, cursor, limit)


__all__ = ["SORTS", "CommitmentQueries"]
