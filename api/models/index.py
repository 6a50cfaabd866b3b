"""Read models of the index: what the list and detail routes serve, field by field.

Field order follows the index tables (`ledger/reads/indexer/models.py`), so a body is
byte-identical to the row it comes from and so is its ETag. Token amounts and other uint256
values (`Amount`) are decimal strings, because JSON numbers above 2^53 lose precision in most
clients. Enum fields carry the contracts' member names (`api.models.enums`).
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, Field

from api.models.enums import SolidityName
from api.models.writes import OutboxEntryRead
from ledger.domain.structs import (
    AgreementStatus,
    AiProvenance,
    CommitmentKind,
    CommitmentStatus,
    ContributionKind,
    ContributionStatus,
    ParticipantKind,
    ParticipantStatus,
    ProposalKind,
    ProposalStatus,
    ResolutionOutcome,
    RevenueMode,
    VoteSupport,
    VotingMode,
)

Amount = Annotated[
    str,
    BeforeValidator(str),
    Field(pattern=r"^[0-9]+$", description="A token amount or uint256, as a decimal string"),
]


def exact(value: Any) -> Any:
    """Integers of decoded arguments as decimal strings, like every uint256 the API returns."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return [exact(item) for item in value]
    if isinstance(value, dict):
        return {key: exact(item) for key, item in value.items()}
    return value


Item = TypeVar("Item", bound=BaseModel)


class Page(BaseModel, Generic[Item]):
    """`{items: [item], next_cursor}`: one page of a list."""

    items: list[Item]
    next_cursor: str | None = Field(default=None, examples=["WzQyLCAiMHgxMiJd"])


# -- participants ----------------------------------------------------------------------------


class ParticipantRead(BaseModel):
    """A registered participant."""

    account: str
    kind: Annotated[str, SolidityName(ParticipantKind, unknown_as_number=True)]
    status: Annotated[str, SolidityName(ParticipantStatus, unknown_as_number=True)]
    profile_hash: str
    registrar: str
    breach_count: int
    suspension_reason: str | None = None
    registered_block: int
    registered_at: int | None = None
    updated_block: int
    updated_at: int | None = None


class ParticipantPage(Page[ParticipantRead]):
    """One page of ParticipantRead; pass `next_cursor` as `cursor` for the next."""


# -- agreements ------------------------------------------------------------------------------


class AgreementRead(BaseModel):
    """An agreement's current state."""

    agreement_id: str
    proposer: str
    status: Annotated[str, SolidityName(AgreementStatus, unknown_as_number=True)]
    version: int
    token: str
    revenue_mode: Annotated[str, SolidityName(RevenueMode, unknown_as_number=True)]
    voting_mode: Annotated[str, SolidityName(VotingMode, unknown_as_number=True)]
    fund_share_bps: int
    confirmations_required: int
    consent_threshold_bps: int
    voting_period: int
    quorum_bps: int
    consent_deadline: int
    challenge_window: int
    max_record_weight: int
    max_period_weight: int
    cap_period: int
    terms_hash: str
    params_hash: str
    party_count: int
    consent_count: int
    proposed_block: int
    proposed_at: int | None = None
    activated_at: int | None = None
    closed_at: int | None = None
    updated_block: int
    updated_at: int | None = None


class AgreementPage(Page[AgreementRead]):
    """One page of AgreementRead; pass `next_cursor` as `cursor` for the next."""


class AgreementPartyRead(BaseModel):
    """A party."""

    agreement_id: str
    party: str
    party_index: int
    share_bps: int
    is_current: bool
    consent_version: int
    joined_version: int
    left_version: int | None = None


class ConsentRead(BaseModel):
    """One party's consent to one version."""

    agreement_id: str
    party: str
    version: int
    nonce: Amount
    deadline: Amount
    signature: str
    block_number: int
    tx_hash: str
    time: int | None = None


class HeadRead(BaseModel):
    """The hash-chain head recomputed from the events and its last on-chain check."""

    agreement_id: str
    head: str
    event_count: int
    head_block: int
    onchain_head: str | None = None
    head_ok: bool | None = None
    refresh_needed: bool


class AgreementRevenueRead(BaseModel):
    """An agreement's revenue totals."""

    agreement_id: str
    token: str
    deposited: Amount
    allocated: Amount
    claimed: Amount
    fund_claimed: Amount
    fund_claimable: Amount
    acc_per_unit: Amount
    carry_scaled: Amount
    deposit_count: int
    bonds_locked: Amount
    bonds_forfeited: Amount


class AgreementDetailRead(AgreementRead):
    """An agreement with its parties, consents, hash-chain head and revenue totals."""

    parties: list[AgreementPartyRead]
    consents: list[ConsentRead]
    head: HeadRead | None = None
    revenue: AgreementRevenueRead | None = None
    pending_intents: list[OutboxEntryRead] | None = Field(
        default=None,
        description="private: relayed intents not yet confirmed; only for the agreement's "
        "parties (current or former) and auditors, null for everyone else",
    )


# -- contributions ---------------------------------------------------------------------------


class ContributionRead(BaseModel):
    """A contribution record."""

    record_id: str
    agreement_id: str
    batch_root: str
    pre_head: str
    batch_index: int
    contributor: str
    kind: Annotated[str, SolidityName(ContributionKind, unknown_as_number=True)]
    weight: int
    evidence_hash: str
    provenance: Annotated[str, SolidityName(AiProvenance, unknown_as_number=True)]
    accountable: str | None = None
    status: Annotated[str, SolidityName(ContributionStatus, unknown_as_number=True)]
    confirmations: int
    confirm_version: int
    counted_weight: int
    challenge_ends_at: int | None = None
    relay_nonce: Amount | None = None
    recorded_block: int
    recorded_log_index: int
    recorded_at: int | None = None
    tx_hash: str
    updated_block: int
    updated_at: int | None = None


class ContributionPage(Page[ContributionRead]):
    """One page of ContributionRead; pass `next_cursor` as `cursor` for the next."""


class ConfirmationRead(BaseModel):
    """One confirmation."""

    record_id: str
    confirmer: str
    version: int
    agreement_id: str
    confirmations: int
    status: Annotated[str, SolidityName(ContributionStatus, unknown_as_number=True)]
    block_number: int
    tx_hash: str
    time: int | None = None


class DisputeRead(BaseModel):
    """A dispute and its resolution."""

    record_id: str
    agreement_id: str
    disputer: str
    contributor: str
    weight: int
    reason_hash: str
    disputed_block: int
    disputed_at: int | None = None
    outcome: Annotated[str, SolidityName(ResolutionOutcome, unknown_as_number=True)] | None = None
    resolved_weight: int | None = None
    resolved_block: int | None = None
    resolved_at: int | None = None


class ContributionDetailRead(ContributionRead):
    """A contribution record with its confirmations and dispute."""

    confirmation_log: list[ConfirmationRead]
    dispute: DisputeRead | None = None


# -- revenue ---------------------------------------------------------------------------------


class DepositRead(BaseModel):
    """A deposit or an allocation point."""

    block_number: int
    log_index: int
    agreement_id: str
    kind: str
    depositor: str
    token: str
    amount: Amount
    allocated: Amount
    acc_per_unit: Amount
    carry_scaled: Amount
    tx_hash: str
    time: int | None = None


class DepositPage(Page[DepositRead]):
    """One page of DepositRead; pass `next_cursor` as `cursor` for the next."""


class ClaimRead(BaseModel):
    """A claim paid out."""

    block_number: int
    log_index: int
    agreement_id: str
    account: str
    paid_to: str
    is_fund: bool
    amount: Amount
    tx_hash: str
    time: int | None = None


class ClaimPage(Page[ClaimRead]):
    """One page of ClaimRead; pass `next_cursor` as `cursor` for the next."""


class BalanceRead(BaseModel):
    """Claimed and claimable amounts of one account in one agreement."""

    agreement_id: str
    account: str
    token: str
    claimed: Amount
    claimable: Amount
    payout: str | None = None


class BalanceList(BaseModel):
    """Balances matching the filters."""

    items: list[BalanceRead] = Field(description="one row per (agreement, account)")


# -- commitments -----------------------------------------------------------------------------


class CommitmentRead(BaseModel):
    """A responsibility commitment."""

    agreement_id: str
    commitment_id: Amount
    committer: str
    kind: Annotated[str, SolidityName(CommitmentKind, unknown_as_number=True)]
    description_hash: str
    deadline: int
    bond: Amount
    status: Annotated[str, SolidityName(CommitmentStatus, unknown_as_number=True)]
    deliverable_hash: str | None = None
    review_end: int | None = None
    acceptances: int
    version: int
    rejected_by: str | None = None
    rejection_hash: str | None = None
    arbiter: str | None = None
    ruling_hash: str | None = None
    breached_by: str | None = None
    bond_forfeited: Amount | None = None
    extensions: int
    made_block: int
    made_at: int | None = None
    updated_block: int
    updated_at: int | None = None


class CommitmentPage(Page[CommitmentRead]):
    """One page of CommitmentRead; pass `next_cursor` as `cursor` for the next."""


# -- proposals -------------------------------------------------------------------------------


class ProposalRead(BaseModel):
    """A governance proposal and its tally."""

    agreement_id: str
    proposal_id: Amount
    proposer: str
    kind: Annotated[str, SolidityName(ProposalKind, unknown_as_number=True)]
    base_version: int
    vote_end: int
    payload: str
    weight_for: int
    weight_against: int
    weight_abstain: int
    vote_count: int
    excluded_mask: int
    status: Annotated[str, SolidityName(ProposalStatus, unknown_as_number=True)]
    executor: str | None = None
    executed_block: int | None = None
    executed_at: int | None = None
    created_block: int
    created_at: int | None = None


class ProposalPage(Page[ProposalRead]):
    """One page of ProposalRead; pass `next_cursor` as `cursor` for the next."""


class VoteRead(BaseModel):
    """One vote."""

    agreement_id: str
    proposal_id: Amount
    voter: str
    support: Annotated[str, SolidityName(VoteSupport, unknown_as_number=True)]
    weight: int
    nonce: Amount
    signature: str
    block_number: int
    tx_hash: str
    time: int | None = None


class ProposalDetailRead(ProposalRead):
    """A proposal with its votes."""

    votes: list[VoteRead]


# -- events ----------------------------------------------------------------------------------


class EventRead(BaseModel):
    """One decoded event of the suite, with its arguments."""

    chain_id: int
    block_number: int
    log_index: int
    block_hash: str
    block_time: int | None = None
    tx_hash: str
    tx_index: int
    contract: str
    address: str
    name: str
    topic0: str
    agreement_id: str | None = None
    partition: str
    action_hash: str | None = None
    args: Annotated[Any, BeforeValidator(exact)]


class EventPage(Page[EventRead]):
    """One page of EventRead; pass `next_cursor` as `cursor` for the next."""
