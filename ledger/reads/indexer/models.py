"""The index schema (SQLAlchemy 2.0 typed ORM): bookkeeping, the generic events log, read models.

Every read-model row belongs to one *partition* — an agreement (`agreement_id`), a participant
(`account`) or the park-wide settings — and is a pure function of that partition's events, so a
rollback deletes the partition's rows and replays its remaining events (docs/indexer.md).

Conventions: addresses are EIP-55 strings, hashes and byte strings ``0x`` lowercase hex, times
unix seconds (block timestamps), token amounts `Uint256` (exact in SQLite and PostgreSQL, and
sortable as text), enums by member name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

UINT256_DIGITS = 78


class Uint256(TypeDecorator[int]):
    """A uint256 stored as 78 zero-padded decimal digits: exact everywhere, sorts numerically."""

    impl = String(UINT256_DIGITS)
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> str | None:  # noqa: ARG002
        """Python int → padded digits."""
        if value is None:
            return None
        if value < 0:
            raise ValueError(f"Uint256 cannot store a negative value {value}")
        return f"{value:0{UINT256_DIGITS}d}"

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:  # noqa: ARG002
        """Padded digits → Python int."""
        return None if value is None else int(value)


JsonArgs = JSON().with_variant(JSONB(), "postgresql")

ADDRESS = String(42)
HASH = String(66)


def hex_of(value: bytes) -> str:
    """Bytes as the index stores them: ``0x`` lowercase hex."""
    return "0x" + value.hex()


def unhex(value: str) -> bytes:
    """The bytes of a ``0x`` hex string the index stored."""
    return bytes.fromhex(value[2:])


class Base(DeclarativeBase):
    """Declarative base of every index table."""


# ---------------------------------------------------------------------------------------
# Bookkeeping and the generic layer
# ---------------------------------------------------------------------------------------


class SyncState(Base):
    """Where the index stands: which chain and deployment, and the last indexed block."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    deployment_key: Mapped[str] = mapped_column(HASH)
    start_block: Mapped[int] = mapped_column(BigInteger)
    last_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_block_hash: Mapped[str | None] = mapped_column(HASH, nullable=True)


class IndexedBlock(Base):
    """A block the indexer saw (those with events, chunk ends, every block near the tip)."""

    __tablename__ = "indexed_blocks"

    number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[str] = mapped_column(HASH)
    parent_hash: Mapped[str | None] = mapped_column(HASH, nullable=True)
    timestamp: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    has_events: Mapped[bool] = mapped_column(Boolean, default=False)


class Event(Base):
    """Every decoded event of the suite, in chain order, with its arguments as JSON."""

    __tablename__ = "events"

    chain_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_hash: Mapped[str] = mapped_column(HASH)
    block_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tx_hash: Mapped[str] = mapped_column(HASH, index=True)
    tx_index: Mapped[int] = mapped_column(Integer)
    contract: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(ADDRESS)
    name: Mapped[str] = mapped_column(String(64), index=True)
    topic0: Mapped[str] = mapped_column(HASH)
    agreement_id: Mapped[str | None] = mapped_column(HASH, nullable=True)
    partition: Mapped[str] = mapped_column(String(80), index=True)
    action_hash: Mapped[str | None] = mapped_column(HASH, nullable=True)
    args: Mapped[dict[str, Any]] = mapped_column(JsonArgs)

    __table_args__ = (Index("ix_events_agreement", "agreement_id", "block_number", "log_index"),)


class AgreementHead(Base):
    """The per-agreement hash chain recomputed from the events, and the last on-chain check."""

    __tablename__ = "agreement_heads"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    head: Mapped[str] = mapped_column(HASH)
    event_count: Mapped[int] = mapped_column(Integer)
    head_block: Mapped[int] = mapped_column(BigInteger)
    onchain_head: Mapped[str | None] = mapped_column(HASH, nullable=True)
    head_ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True, index=True)
    refresh_needed: Mapped[bool] = mapped_column(Boolean, default=True)


# ---------------------------------------------------------------------------------------
# Read models of the park suite
# ---------------------------------------------------------------------------------------


class Participant(Base):
    """A registered park participant (partition: its account)."""

    __tablename__ = "participants"

    account: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    profile_hash: Mapped[str] = mapped_column(HASH)
    registrar: Mapped[str] = mapped_column(ADDRESS)
    breach_count: Mapped[int] = mapped_column(Integer, default=0)
    suspension_reason: Mapped[str | None] = mapped_column(HASH, nullable=True)
    registered_block: Mapped[int] = mapped_column(BigInteger)
    registered_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    updated_block: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ParkSetting(Base):
    """A park-wide setting from the registry, e.g. the culture fund (partition: the park)."""

    __tablename__ = "park_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(80))
    block_number: Mapped[int] = mapped_column(BigInteger)


class Agreement(Base):
    """An agreement's current state (partition: the agreement)."""

    __tablename__ = "agreements"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    proposer: Mapped[str] = mapped_column(ADDRESS, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(ADDRESS, index=True)
    revenue_mode: Mapped[str] = mapped_column(String(32))
    voting_mode: Mapped[str] = mapped_column(String(32))
    fund_share_bps: Mapped[int] = mapped_column(Integer)
    confirmations_required: Mapped[int] = mapped_column(Integer)
    consent_threshold_bps: Mapped[int] = mapped_column(Integer)
    voting_period: Mapped[int] = mapped_column(BigInteger)
    quorum_bps: Mapped[int] = mapped_column(Integer)
    consent_deadline: Mapped[int] = mapped_column(BigInteger)
    challenge_window: Mapped[int] = mapped_column(BigInteger)
    max_record_weight: Mapped[int] = mapped_column(BigInteger)
    max_period_weight: Mapped[int] = mapped_column(BigInteger)
    cap_period: Mapped[int] = mapped_column(BigInteger)
    terms_hash: Mapped[str] = mapped_column(HASH)
    params_hash: Mapped[str] = mapped_column(HASH)
    party_count: Mapped[int] = mapped_column(Integer)
    consent_count: Mapped[int] = mapped_column(Integer)
    proposed_block: Mapped[int] = mapped_column(BigInteger)
    proposed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    activated_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    closed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_block: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)


class AgreementParty(Base):
    """A party of an agreement, current or former (the by-party → agreements index)."""

    __tablename__ = "agreement_parties"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    party: Mapped[str] = mapped_column(ADDRESS, primary_key=True, index=True)
    party_index: Mapped[int] = mapped_column(Integer)
    share_bps: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean)
    consent_version: Mapped[int] = mapped_column(Integer, default=0)
    joined_version: Mapped[int] = mapped_column(Integer)
    left_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Consent(Base):
    """One party's consent to one version (direct call, or a relayed EIP-712 signature)."""

    __tablename__ = "consents"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    party: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce: Mapped[int] = mapped_column(Uint256)
    deadline: Mapped[int] = mapped_column(Uint256)
    signature: Mapped[str] = mapped_column(Text)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)
    time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


# The default order of contribution lists (`IndexQueries.SORTS["contributions"]["recorded"]`).
RECORDED_ORDER = ("recorded_block", "recorded_log_index", "batch_index", "record_id")


class Contribution(Base):
    """A contribution record (one leaf of a recorded batch) and its current state."""

    __tablename__ = "contributions"

    record_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(HASH)
    batch_root: Mapped[str] = mapped_column(HASH, index=True)
    pre_head: Mapped[str] = mapped_column(HASH)
    batch_index: Mapped[int] = mapped_column(Integer)
    contributor: Mapped[str] = mapped_column(ADDRESS)
    kind: Mapped[str] = mapped_column(String(32))
    weight: Mapped[int] = mapped_column(BigInteger)
    evidence_hash: Mapped[str] = mapped_column(HASH)
    provenance: Mapped[str] = mapped_column(String(16))
    accountable: Mapped[str | None] = mapped_column(ADDRESS, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    confirmations: Mapped[int] = mapped_column(Integer, default=0)
    confirm_version: Mapped[int] = mapped_column(Integer, default=0)
    counted_weight: Mapped[int] = mapped_column(BigInteger, default=0)
    # While Confirmed and still disputable: the end of its challenge window; None otherwise.
    challenge_ends_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    relay_nonce: Mapped[int | None] = mapped_column(Uint256, nullable=True)
    recorded_block: Mapped[int] = mapped_column(BigInteger)
    recorded_log_index: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    tx_hash: Mapped[str] = mapped_column(HASH)
    updated_block: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    # NOTE: each list filter's index ends with the whole sort key of `IndexQueries.SORTS`
    # (primary key last), so a page is an index range read of `limit` rows; an index that
    # stops short makes SQLite sort every matching row (25-30 ms a page over 100k rows).
    __table_args__ = (
        Index("ix_contributions_order", *RECORDED_ORDER),
        Index("ix_contributions_agreement_order", "agreement_id", *RECORDED_ORDER),
        Index("ix_contributions_agreement_status", "agreement_id", "status", *RECORDED_ORDER),
        Index("ix_contributions_agreement_kind", "agreement_id", "kind", *RECORDED_ORDER),
        Index("ix_contributions_contributor", "contributor", *RECORDED_ORDER),
        Index("ix_contributions_weight", "weight", "record_id"),
        Index("ix_contributions_agreement_weight", "agreement_id", "weight", "record_id"),
    )


class Confirmation(Base):
    """One co-party's confirmation of a record under one agreement version."""

    __tablename__ = "confirmations"

    record_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    confirmer: Mapped[str] = mapped_column(ADDRESS, primary_key=True, index=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(HASH, index=True)
    confirmations: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)
    time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Dispute(Base):
    """A dispute of a record and, once Governance acted, its resolution."""

    __tablename__ = "disputes"

    record_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(HASH, index=True)
    disputer: Mapped[str] = mapped_column(ADDRESS, index=True)
    contributor: Mapped[str] = mapped_column(ADDRESS)
    weight: Mapped[int] = mapped_column(BigInteger)
    reason_hash: Mapped[str] = mapped_column(HASH)
    disputed_block: Mapped[int] = mapped_column(BigInteger)
    disputed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(32), nullable=True)
    resolved_weight: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    resolved_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    resolved_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Deposit(Base):
    """A revenue deposit, or an allocation point of held revenue (`kind` = allocation)."""

    __tablename__ = "deposits"

    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(HASH)
    kind: Mapped[str] = mapped_column(String(16))
    depositor: Mapped[str] = mapped_column(ADDRESS, index=True)
    token: Mapped[str] = mapped_column(ADDRESS)
    amount: Mapped[int] = mapped_column(Uint256)
    allocated: Mapped[int] = mapped_column(Uint256)
    acc_per_unit: Mapped[int] = mapped_column(Uint256)
    carry_scaled: Mapped[int] = mapped_column(Uint256)
    tx_hash: Mapped[str] = mapped_column(HASH)
    time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_deposits_agreement", "agreement_id", "block_number", "log_index"),)


class Claim(Base):
    """A claim paid to a party (or to the park culture fund, `is_fund`)."""

    __tablename__ = "claims"

    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[str] = mapped_column(HASH)
    account: Mapped[str] = mapped_column(ADDRESS, index=True)
    paid_to: Mapped[str] = mapped_column(ADDRESS)
    is_fund: Mapped[bool] = mapped_column(Boolean)
    amount: Mapped[int] = mapped_column(Uint256)
    tx_hash: Mapped[str] = mapped_column(HASH)
    time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_claims_agreement", "agreement_id", "block_number", "log_index"),)


class Balance(Base):
    """A party's money in one agreement: claimed (from events), claimable (from the contract).

    `claimable` is `Revenue.claimableOf` as of the last indexed block (refreshed whenever the
    agreement has new events, so it is never older than the agreement's last event).
    """

    __tablename__ = "balances"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    account: Mapped[str] = mapped_column(ADDRESS, primary_key=True, index=True)
    token: Mapped[str] = mapped_column(ADDRESS)
    claimed: Mapped[int] = mapped_column(Uint256, default=0)
    claimable: Mapped[int] = mapped_column(Uint256, default=0)
    payout: Mapped[str | None] = mapped_column(ADDRESS, nullable=True)


class AgreementRevenue(Base):
    """An agreement's revenue totals (events) and its culture-fund balance (contract)."""

    __tablename__ = "agreement_revenue"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    token: Mapped[str] = mapped_column(ADDRESS)
    deposited: Mapped[int] = mapped_column(Uint256, default=0)
    allocated: Mapped[int] = mapped_column(Uint256, default=0)
    claimed: Mapped[int] = mapped_column(Uint256, default=0)
    fund_claimed: Mapped[int] = mapped_column(Uint256, default=0)
    fund_claimable: Mapped[int] = mapped_column(Uint256, default=0)
    acc_per_unit: Mapped[int] = mapped_column(Uint256, default=0)
    carry_scaled: Mapped[int] = mapped_column(Uint256, default=0)
    deposit_count: Mapped[int] = mapped_column(Integer, default=0)
    bonds_locked: Mapped[int] = mapped_column(Uint256, default=0)
    bonds_forfeited: Mapped[int] = mapped_column(Uint256, default=0)


class Commitment(Base):
    """A responsibility commitment and its lifecycle."""

    __tablename__ = "commitments"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    committer: Mapped[str] = mapped_column(ADDRESS, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    description_hash: Mapped[str] = mapped_column(HASH)
    deadline: Mapped[int] = mapped_column(BigInteger, index=True)
    bond: Mapped[int] = mapped_column(Uint256)
    status: Mapped[str] = mapped_column(String(16), index=True)
    deliverable_hash: Mapped[str | None] = mapped_column(HASH, nullable=True)
    review_end: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    acceptances: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=0)
    rejected_by: Mapped[str | None] = mapped_column(ADDRESS, nullable=True)
    rejection_hash: Mapped[str | None] = mapped_column(HASH, nullable=True)
    arbiter: Mapped[str | None] = mapped_column(ADDRESS, nullable=True)
    ruling_hash: Mapped[str | None] = mapped_column(HASH, nullable=True)
    breached_by: Mapped[str | None] = mapped_column(ADDRESS, nullable=True)
    bond_forfeited: Mapped[int | None] = mapped_column(Uint256, nullable=True)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    made_block: Mapped[int] = mapped_column(BigInteger)
    made_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_block: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Proposal(Base):
    """A governance proposal and its running tally."""

    __tablename__ = "proposals"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    proposer: Mapped[str] = mapped_column(ADDRESS, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    base_version: Mapped[int] = mapped_column(Integer)
    vote_end: Mapped[int] = mapped_column(BigInteger, index=True)
    payload: Mapped[str] = mapped_column(Text)
    weight_for: Mapped[int] = mapped_column(BigInteger, default=0)
    weight_against: Mapped[int] = mapped_column(BigInteger, default=0)
    weight_abstain: Mapped[int] = mapped_column(BigInteger, default=0)
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    # Party-index bits of the accused parties, who do not vote (ProposalAccusedExcluded).
    excluded_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), index=True)
    executor: Mapped[str | None] = mapped_column(ADDRESS, nullable=True)
    executed_block: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    executed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_block: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Vote(Base):
    """One party's vote on a proposal."""

    __tablename__ = "votes"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(Uint256, primary_key=True)
    voter: Mapped[str] = mapped_column(ADDRESS, primary_key=True, index=True)
    support: Mapped[str] = mapped_column(String(16))
    weight: Mapped[int] = mapped_column(BigInteger)
    nonce: Mapped[int] = mapped_column(Uint256)
    signature: Mapped[str] = mapped_column(Text)
    block_number: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)
    time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class AuditAttestation(Base):
    """An on-chain audit attestation of an agreement's head."""

    __tablename__ = "audit_attestations"

    agreement_id: Mapped[str] = mapped_column(HASH, primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    auditor: Mapped[str] = mapped_column(ADDRESS, index=True)
    audited_head: Mapped[str] = mapped_column(HASH)
    audited_block: Mapped[int] = mapped_column(BigInteger)
    report_hash: Mapped[str] = mapped_column(HASH)
    tx_hash: Mapped[str] = mapped_column(HASH)
    time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


# NOTE: tables whose rows belong to an agreement partition (deleted and replayed on rollback).
AGREEMENT_TABLES: tuple[type[Base], ...] = (
    Agreement,
    AgreementParty,
    Consent,
    Contribution,
    Confirmation,
    Dispute,
    Deposit,
    Claim,
    Balance,
    AgreementRevenue,
    Commitment,
    Proposal,
    Vote,
    AuditAttestation,
)

# NOTE: bookkeeping whose content depends on when the indexer ran; excluded from dumps.
BOOKKEEPING_TABLES: frozenset[str] = frozenset({IndexedBlock.__tablename__})

__all__ = [
    "AGREEMENT_TABLES",
    "BOOKKEEPING_TABLES",
    "Agreement",
    "AgreementHead",
    "AgreementParty",
    "AgreementRevenue",
    "AuditAttestation",
    "Balance",
    "Base",
    "Claim",
    "Commitment",
    "Confirmation",
    "Consent",
    "Contribution",
    "Deposit",
    "Dispute",
    "Event",
    "IndexedBlock",
    "ParkSetting",
    "Participant",
    "Proposal",
    "SyncState",
    "Uint256",
    "Vote",
    "hex_of",
    "unhex",
]
