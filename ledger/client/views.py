"""Typed, frozen values the client returns (no raw tuples): transaction results and the views
of every contract, with enums from `ledger.domain.structs`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import IntEnum
from typing import Any, TypeVar, get_type_hints

from eth_typing import ChecksumAddress

from ledger.domain.amounts import Uint256
from ledger.domain.errors import NotFoundError
from ledger.domain.structs import (
    AgreementStatus,
    CommitmentKind,
    CommitmentStatus,
    Contribution,
    ContributionStatus,
    ParticipantKind,
    ParticipantStatus,
    ProposalKind,
    ProposalStatus,
    RevenueMode,
    VotingMode,
)
from ledger.infra.events import DecodedEvent

V = TypeVar("V")


@dataclass(frozen=True)
class TxResult:
    """A mined, successful transaction and the suite's events it emitted, decoded."""

    tx_hash: str
    block_number: int
    gas_used: int
    events: tuple[DecodedEvent, ...]

    def events_named(self, name: str) -> list[DecodedEvent]:
        """Every decoded event called `name`, in log order."""
        return [e for e in self.events if e.name == name]

    def event(self, name: str) -> DecodedEvent:
        """The first event called `name`; NotFoundError when the transaction emitted none."""
        found = self.events_named(name)
        if not found:
            raise NotFoundError(f"transaction {self.tx_hash} emitted no {name}")
        return found[0]


@dataclass(frozen=True)
class Participant:
    """`ITypes.Participant`: a registry entry (status NONE when never registered)."""

    account: ChecksumAddress
    kind: ParticipantKind
    status: ParticipantStatus
    registered_at: int
    updated_at: int
    breach_count: int
    profile_hash: bytes


@dataclass(frozen=True)
class Attestation:
    """`ITypes.AuditAttestation`: the latest audit attestation of an agreement."""

    auditor: ChecksumAddress
    block_number: int
    attested_at: int
    audited_head: bytes
    report_hash: bytes


@dataclass(frozen=True)
class AgreementTerms:
    """`ITypes.AgreementTerms`: the current version's terms and state."""

    token: ChecksumAddress
    revenue_mode: RevenueMode
    fund_share_bps: int
    confirmations_required: int
    consent_threshold_bps: int
    party_count: int
    version: int
    terms_hash: bytes
    voting_mode: VotingMode
    voting_period: int
    quorum_bps: int
    status: AgreementStatus
    consent_deadline: int
    consent_count: int
    params_hash: bytes


@dataclass(frozen=True)
class Party:
    """A current party of an agreement: address, index and share."""

    account: ChecksumAddress
    index: int
    share_bps: int


@dataclass(frozen=True)
class Agreement:
    """An agreement as read from the chain: id, terms, parties and hash-chain head."""

    agreement_id: bytes
    terms: AgreementTerms
    parties: tuple[Party, ...]
    head: bytes

    @property
    def status(self) -> AgreementStatus:
        """The agreement's status (Expired derived from the consent deadline)."""
        return self.terms.status


@dataclass(frozen=True)
class RecordState:
    """`IContributions.RecordState`: the stored state of a record."""

    confirmers: int
    confirmations: int
    status: ContributionStatus
    version: int
    weight: int
    # While Confirmed: the end of the challenge window; 0 once the weight counts.
    challenge_ends_at: int
    contributor: ChecksumAddress


@dataclass(frozen=True)
class SignedRecords:
    """A contribution batch signed by its contributor, ready for `recordBySignature`."""

    agreement_id: bytes
    contributor: ChecksumAddress
    records: tuple[Contribution, ...]
    nonce: Uint256
    deadline: Uint256
    signature: bytes

    def call_args(self) -> list[Any]:
        """The arguments of `recordBySignature(agreementId, contributor, records, nonce,
        deadline, signature)`."""
        return [
            self.agreement_id,
            self.contributor,
            [r.as_abi() for r in self.records],
            self.nonce,
            self.deadline,
            self.signature,
        ]


@dataclass(frozen=True)
class RevenueAccount:
    """`IRevenue.AgreementAccount`: an agreement's books in Revenue."""

    token: ChecksumAddress
    mode: RevenueMode
    fund_share_bps: int
    initialized: bool
    deposited: Uint256
    bonds_held: Uint256
    bonds_locked: Uint256
    held: Uint256
    carry_scaled: Uint256
    acc_per_unit: Uint256
    total_weight: int
    epoch: int


@dataclass(frozen=True)
class Balance:
    """What one account is owed in one agreement, and where its claims are paid."""

    account: ChecksumAddress
    claimable: Uint256
    allocated: Uint256
    claimed: Uint256
    payout: ChecksumAddress
    weight: int


@dataclass(frozen=True)
class FundBalance:
    """What the culture fund is owed in one agreement (its claims are booked under address 0)."""

    claimable: Uint256
    allocated: Uint256
    claimed: Uint256


@dataclass(frozen=True)
class Conservation:
    """The two sides of an agreement's conservation equation (docs/revenue.md), to the unit.

    `inflow = deposited + bondsLocked`; `outflow = Σ allocated + fund allocated + bondsHeld +
    held + carried`; `owed = inflow - Σ claimed - fund claimed` (still in Revenue).
    """

    inflow: Uint256
    outflow: Uint256
    owed: Uint256
    accounts: tuple[ChecksumAddress, ...]

    @property
    def balanced(self) -> bool:
        """Whether every unit that came in is accounted for."""
        return self.inflow == self.outflow


@dataclass(frozen=True)
class Commitment:
    """`ICommitments.Commitment`: a responsibility commitment (status NONE when unknown)."""

    agreement_id: bytes
    commitment_id: Uint256
    committer: ChecksumAddress
    deadline: int
    kind: CommitmentKind
    status: CommitmentStatus
    acceptances: int
    bond: Uint256
    accepted_by: int
    version: int
    review_end: int
    deliverable_hash: bytes


@dataclass(frozen=True)
class Proposal:
    """`IGovernance.ProposalView`: a proposal with its tallies and derived status."""

    proposal_id: Uint256
    agreement_id: bytes
    kind: ProposalKind
    status: ProposalStatus
    base_version: int
    vote_end: int
    voting_mode: VotingMode
    party_count: int
    voted_mask: int
    for_weight: int
    against_weight: int
    abstain_weight: int
    quorum_weight: int
    consent_weight: int
    target: ChecksumAddress
    joiner_answer: int
    payload_hash: bytes


def build(cls: type[V], values: Sequence[Any], *prefix: Any) -> V:
    """A view from a contract tuple (after `prefix` values): enum fields become their IntEnum,
    web3's HexBytes plain bytes."""
    kwargs: dict[str, Any] = {}
    kind: type[Any] = cls
    enums = _enum_fields(kind)
    for name, value in zip(_field_names(kind), [*prefix, *values], strict=True):
        if name in enums:
            kwargs[name] = enums[name](value)
        elif isinstance(value, (bytes, bytearray)):
            kwargs[name] = bytes(value)
        else:
            kwargs[name] = value
    return cls(**kwargs)


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


_ENUM_FIELDS: dict[type[Any], dict[str, type[IntEnum]]] = {}


def _enum_fields(cls: type[Any]) -> dict[str, type[IntEnum]]:
    """Fields annotated with an IntEnum (resolved once per view class)."""
    if cls not in _ENUM_FIELDS:
        _ENUM_FIELDS[cls] = {
            name: hint
            for name, hint in get_type_hints(cls).items()
            if isinstance(hint, type) and issubclass(hint, IntEnum)
        }
    return _ENUM_FIELDS[cls]
