"""What the park's projectors share: the enum names the index stores and the revenue rows.

Arguments arrive JSON-native (see `ledger.infra.events.catalog`): addresses checksummed, bytes as
``0x`` hex, enums as ints.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.domain.structs import ZERO_ADDRESS
from ledger.reads.indexer.models import Agreement, AgreementRevenue, Balance
from ledger.reads.indexer.projection import Projection

# NOTE: enum member names in declaration order (contracts/interfaces/*.sol); an unknown value
# is stored as its number, so a new member never breaks indexing.
PARTICIPANT_KIND = (
    "Firm",
    "DesignStudio",
    "University",
    "ResearchInstitute",
    "GovernmentOffice",
    "Intermediary",
    "IndividualCreator",
)
REVENUE_MODE = ("FixedShares", "ContributionWeighted")
VOTING_MODE = ("OnePartyOneVote", "ShareWeighted")
PROPOSAL_KIND = (
    "Amend",
    "AddParty",
    "RemoveParty",
    "ResolveDispute",
    "ExtendCommitment",
    "Terminate",
)
VOTE_SUPPORT = ("Against", "For", "Abstain")
CONTRIBUTION_KIND = (
    "Design",
    "ContentIP",
    "Technology",
    "Capital",
    "Labour",
    "SpaceEquipment",
    "Data",
    "MarketingChannel",
    "Other",
)
AI_PROVENANCE = ("None", "Assisted", "Generated")
CONTRIBUTION_STATUS = ("Pending", "Confirmed", "Disputed", "Rejected")
RESOLUTION_OUTCOME = ("Accept", "Reject", "AcceptWithWeight")
COMMITMENT_KIND = (
    "Deliverable",
    "QualityStandard",
    "DataProtection",
    "CulturalHeritageCare",
    "Other",
)
COMMITMENT_STATUS = ("None", "Open", "Submitted", "Fulfilled", "Breached", "Rejected")


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
