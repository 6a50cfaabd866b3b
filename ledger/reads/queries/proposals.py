"""Governance proposals and their votes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain.errors import NotFoundError
from ledger.reads.indexer.models import Proposal, Vote
from ledger.reads.queries.paging import (
    IndexReader,
    Page,
    Row,
    Sorts,
    all_rows,
    equals,
    hash_key,
    row_dict,
)

SORTS: dict[str, Sorts] = {
    "proposals": {
        "created": (Proposal.created_block, Proposal.agreement_id, Proposal.proposal_id),
        "vote_end": (Proposal.vote_end, Proposal.agreement_id, Proposal.proposal_id),
    },
}


class ProposalQueries(IndexReader):
    """Proposals by agreement, status and kind; one with its votes."""

    def proposals(
        self,
        *,
        agreement_id: str | None = None,
        status: str | None = None,
        kind: str | None = None,
        sort: str = "created",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Governance proposals filtered by agreement, status and kind."""
        statement = select(Proposal).where(
            *equals(
                Proposal.agreement_id, None if agreement_id is None else hash_key(agreement_id)
            ),
            *equals(Proposal.status, status),
            *equals(Proposal.kind, kind),
        )
        return self._page(statement, SORTS["proposals"], sort, cursor, limit)

    def proposal_ids(self, agreement_id: str) -> list[int]:
        """Ids of every proposal on the agreement."""
        statement = select(Proposal.proposal_id).where(
            Proposal.agreement_id == hash_key(agreement_id)
        )
        with Session(self.engine) as session:
            return list(session.scalars(statement))

    def proposal(self, proposal_id: int) -> Row:
        """One proposal (ids are unique per Governance contract) with its votes."""
        with Session(self.engine) as session:
            row = session.scalars(
                select(Proposal).where(Proposal.proposal_id == proposal_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no proposal {proposal_id}")
            detail = row_dict(row)
            detail["votes"] = all_rows(
                session,
                select(Vote)
                .where(Vote.proposal_id == proposal_id)
                .order_by(Vote.block_number, Vote.voter),
            )
        return detail


__all__ = ["SORTS", "ProposalQueries"]
