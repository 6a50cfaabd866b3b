"""What the park's projectors share: the enum names the index stores and the revenue rows.

Arguments arrive JSON-native (see `ledger.infra.events.catalog`): addresses checksummed, bytes as
``0x`` hex, enums as ints.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.domain import structs
from ledger.domain.names import solidity_names
from ledger.domain.structs import ZERO_ADDRESS
from ledger.reads.indexer.models import Agreement, AgreementRevenue, Balance
from ledger.reads.indexer.projection import Projection

# NOTE: enum member names in declaration order, as the contracts spell them; an unknown value
# is stored as its number, so a new member never breaks indexing.
PARTICIPANT_KIND = solidity_names(structs.ParticipantKind)
REVENUE_MODE = solidity_names(structs.RevenueMode)
VOTING_MODE = solidity_names(structs.VotingMode)
PROPOSAL_KIND = solidity_names(structs.ProposalKind)
VOTE_SUPPORT = solidity_names(structs.VoteSupport)
CONTRIBUTION_KIND = solidity_names(structs.ContributionKind)
AI_PROVENANCE = solidity_names(structs.AiProvenance)
CONTRIBUTION_STATUS = solidity_names(structs.ContributionStatus)
RESOLUTION_OUTCOME = solidity_names(structs.ResolutionOutcome)
COMMITMENT_KIND = solidity_names(structs.CommitmentKind)
COMMITMENT_STATUS = solidity_names(structs.CommitmentStatus)


def enum_name(names: Sequence[str], value: int) -> str:
    """The member name of an enum value, or the number as text when out of range."""
    return names[value] if 0 <= value < len(names) else str(value)


def balance_of(p: Projection, agreement_id: str, account: str, token: str) -> Balance:
    """The (agreement, account) balance row, created empty on first use."""
    row = p.get(Balance, (agreement_id, account))
    if row is None:
        row = p.add(
            Balance(
                agreement_id=agreement_id,
                account=account,
                token=token,
                claimed=0,
                claimable=0,
                payout=None,
            ),
            (agreement_id, account),
        )
    return row


def revenue_of(p: Projection, agreement_id: str, token: str | None = None) -> AgreementRevenue:
    """The agreement's revenue totals, created empty on first use; marks it for a refresh."""
    row = p.get(AgreementRevenue, agreement_id)
    if row is None:
        if token is None:
            agreement = p.get(Agreement, agreement_id)
            token = agreement.token if agreement is not None else ZERO_ADDRESS
        row = p.add(
            AgreementRevenue(
                agreement_id=agreement_id,
                token=token,
                deposited=0,
                allocated=0,
                claimed=0,
                fund_claimed=0,
                fund_claimable=0,
                acc_per_unit=0,
                carry_scaled=0,
                deposit_count=0,
                bonds_locked=0,
                bonds_forfeited=0,
            ),
            agreement_id,
        )
    p.touched_agreements.add(agreement_id)
    return row


__all__ = [
    "AI_PROVENANCE",
    "COMMITMENT_KIND",
    "COMMITMENT_STATUS",
    "CONTRIBUTION_KIND",
    "CONTRIBUTION_STATUS",
    "PARTICIPANT_KIND",
    "PROPOSAL_KIND",
    "RESOLUTION_OUTCOME",
    "REVENUE_MODE",
    "VOTE_SUPPORT",
    "VOTING_MODE",
    "balance_of",
    "enum_name",
    "revenue_of",
]
