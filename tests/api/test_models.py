"""The API's enum names against the names the index stores."""

from __future__ import annotations

from enum import IntEnum

import pytest

from api.models.enums import solidity_names
from ledger.domain import structs
from ledger.reads.indexer import park

# The names the indexer stores for each enum: the strings the API has always served.
INDEXED_NAMES: tuple[tuple[type[IntEnum], tuple[str, ...]], ...] = (
    (structs.ParticipantKind, park.PARTICIPANT_KIND),
    (structs.RevenueMode, park.REVENUE_MODE),
    (structs.VotingMode, park.VOTING_MODE),
    (structs.ProposalKind, park.PROPOSAL_KIND),
    (structs.VoteSupport, park.VOTE_SUPPORT),
    (structs.ContributionKind, park.CONTRIBUTION_KIND),
    (structs.AiProvenance, park.AI_PROVENANCE),
    (structs.ContributionStatus, park.CONTRIBUTION_STATUS),
    (structs.ResolutionOutcome, park.RESOLUTION_OUTCOME),
    (structs.CommitmentKind, park.COMMITMENT_KIND),
    (structs.CommitmentStatus, park.COMMITMENT_STATUS),
)


@pytest.mark.parametrize(
    ("enum", "names"), INDEXED_NAMES, ids=[e.__name__ for e, _ in INDEXED_NAMES]
)
def test_enum_names_are_the_names_the_index_stores_when_derived_from_the_domain_enum(
    enum: type[IntEnum], names: tuple[str, ...]
) -> None:
    assert solidity_names(enum) == names
