"""Read queries over the index (docs/indexer.md): filters, sorts and opaque keyset cursors.

Every list is one indexed SQL query per page (never a chain call per row). `IndexQueries` is the
API's read side, one part per resource:

- ``bookkeeping``    the last indexed block; auditor and party checks
- ``participants``   registered participants
- ``agreements``     agreements with parties, consents, head and revenue totals
- ``contributions``  records, confirmations, disputes, Merkle proofs
- ``revenue``        deposits, claims, balances
- ``commitments``    commitments by deadline
- ``proposals``      governance proposals and votes
- ``events``         the decoded event log
- ``paging``         pages, time ranges, keyset cursors, filter clauses
"""

from __future__ import annotations

from collections.abc import Mapping

from ledger.reads.queries import (
    agreements,
    commitments,
    contributions,
    events,
    participants,
    proposals,
    revenue,
)
from ledger.reads.queries.agreements import AgreementQueries
from ledger.reads.queries.bookkeeping import AUDITOR_ROLE, BookkeepingQueries
from ledger.reads.queries.commitments import CommitmentQueries
from ledger.reads.queries.contributions import ContributionQueries, contribution_of
from ledger.reads.queries.events import EventQueries
from ledger.reads.queries.paging import (
    MAX_LIMIT,
    Page,
    Sorts,
    TimeRange,
    decode_cursor,
    encode_cursor,
    row_dict,
)
from ledger.reads.queries.participants import ParticipantQueries
from ledger.reads.queries.proposals import ProposalQueries
from ledger.reads.queries.revenue import RevenueQueries


class IndexQueries(
    BookkeepingQueries,
    ParticipantQueries,
    AgreementQueries,
    ContributionQueries,
    RevenueQueries,
    CommitmentQueries,
    ProposalQueries,
    EventQueries,
):
    """The API's read side: typed filters in, pages of rows out."""

    # NOTE: each sort ends with the primary key, so keyset pagination is total and stable.
    SORTS: Mapping[str, Sorts] = {
        **participants.SORTS,
        **agreements.SORTS,
        **contributions.SORTS,
        **revenue.SORTS,
        **commitments.SORTS,
        **proposals.SORTS,
        **events.SORTS,
    }


__all__ = [
    "AUDITOR_ROLE",
    "MAX_LIMIT",
    "IndexQueries",
    "Page",
    "TimeRange",
    "contribution_of",
    "decode_cursor",
    "encode_cursor",
    "row_dict",
]
