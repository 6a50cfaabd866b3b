"""The suite's enums and input structs in Python, mirroring contracts/interfaces/*.sol.

Values are parsed on construction (checksum addresses, 32-byte hashes, bounded integers,
enum members), so a struct that exists is well-formed; `as_abi()` gives the tuple web3 and
eth-abi take. Business rules (shares summing to 10,000, parties being participants…) stay
with the contracts, which report them as decoded custom errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from eth_abi import encode
from eth_typing import ChecksumAddress
from eth_utils import keccak

from ledger.domain import validation as v
from ledger.domain.encoding import prefixed_hex
from ledger.domain.errors import ValidationError

BPS = 10_000
MIN_PARTIES = 2
MAX_PARTIES = 64
MAX_WEIGHT = 10**9
MAX_BATCH = 256
ZERO_ADDRESS: ChecksumAddress = v.address("0x" + "00" * 20)
ZERO_HASH = b"\x00" * 32
UINT8, UINT16, UINT32, UINT40, UINT64 = 2**8 - 1, 2**16 - 1, 2**32 - 1, 2**40 - 1, 2**64 - 1
# NOTE: direct (unsigned) recordings carry this nonce in `ContributionsRecorded`.
DIRECT_NONCE = 2**256 - 1
DEFAULT_CHALLENGE_WINDOW = 3 * 86_400
MIN_CHALLENGE_WINDOW = 3_600

AGREEMENT_PARAMS_ABI = (
    "(address[],uint16[],uint8,uint16,bytes32,address,uint16,uint8,uint8,uint32,uint16,uint40,"
    "uint32,uint64,uint64,uint32)"
)
CONTRIBUTION_ABI = "(uint8,uint64,bytes32,uint8,address)"
CONSENT_SIGNATURE_ABI = "(address,uint256,uint256,bytes)"
VOTE_SIGNATURE_ABI = "(address,uint8,uint256,uint256,bytes)"
RECORD_PROOF_ABI = f"(bytes32,bytes32,uint32,address,{CONTRIBUTION_ABI},bytes32[])"


class AgreementStatus(IntEnum):
    """`ITypes.AgreementStatus`."""

    NONE = 0
    PROPOSED = 1
    ACTIVE = 2
    CLOSED = 3
    EXPIRED = 4


class RevenueMode(IntEnum):
    """`ITypes.RevenueMode`."""

    FIXED_SHARES = 0
    CONTRIBUTION_WEIGHTED = 1


class VotingMode(IntEnum):
    """`ITypes.VotingMode`."""

    ONE_PARTY_ONE_VOTE = 0
    SHARE_WEIGHTED = 1


class ParticipantKind(IntEnum):
    """`ITypes.ParticipantKind`."""

    FIRM = 0
    DESIGN_STUDIO = 1
    UNIVERSITY = 2
    RESEARCH_INSTITUTE = 3
    GOVERNMENT_OFFICE = 4
    INTERMEDIARY = 5
    INDIVIDUAL_CREATOR = 6


class ParticipantStatus(IntEnum):
    """`ITypes.ParticipantStatus`."""

    NONE = 0
    ACTIVE = 1
    SUSPENDED = 2


class ProposalKind(IntEnum):
    """`ITypes.ProposalKind`."""

    AMEND = 0
    ADD_PARTY = 1
    REMOVE_PARTY = 2
    RESOLVE_DISPUTE = 3
    EXTEND_COMMITMENT = 4
    TERMINATE = 5


class ProposalStatus(IntEnum):
    """`ITypes.ProposalStatus`."""

    NONE = 0
    VOTING = 1
    PASSED = 2
    REJECTED = 3
    EXECUTED = 4
    STALE = 5


class VoteSupport(IntEnum):
    """`ITypes.VoteSupport`."""

    AGAINST = 0
    FOR = 1
    ABSTAIN = 2


class ContributionKind(IntEnum):
    """`IContributions.ContributionKind`."""

    DESIGN = 0
    CONTENT_IP = 1
    TECHNOLOGY = 2
    CAPITAL = 3
    LABOUR = 4
    SPACE_EQUIPMENT = 5
    DATA = 6
    MARKETING_CHANNEL = 7
    OTHER = 8


class AiProvenance(IntEnum):
    """`IContributions.AiProvenance`."""

    NONE = 0
    ASSISTED = 1
    GENERATED = 2


class ContributionStatus(IntEnum):
    """`IContributions.ContributionStatus`."""

    PENDING = 0
    CONFIRMED = 1
    DISPUTED = 2
    REJECTED = 3


class ResolutionOutcome(IntEnum):
    """`IContributions.ResolutionOutcome`."""

    ACCEPT = 0
    REJECT = 1
    ACCEPT_WITH_WEIGHT = 2


class CommitmentKind(IntEnum):
    """`ICommitments.CommitmentKind`."""

    DELIVERABLE = 0
    QUALITY_STANDARD = 1
    DATA_PROTECTION = 2
    CULTURAL_HERITAGE_CARE = 3
    OTHER = 4


class CommitmentStatus(IntEnum):
    """`ICommitments.CommitmentStatus`."""

    NONE = 0
    OPEN = 1
    SUBMITTED = 2
    FULFILLED = 3
    BREACHED = 4
    REJECTED = 5


def _set(obj: object, name: str, value: object) -> None:
    """Store a parsed value on a frozen dataclass during `__post_init__`."""
    object.__setattr__(obj, name, value)


def agreement_id_of(*, proposer: str, salt: bytes | str) -> bytes:
    """`keccak256(abi.encode(proposer, salt))`: the id `propose` gives, known before mining."""
    who = v.address(proposer, field="proposer")
    return bytes(keccak(encode(["address", "bytes32"], [who, v.bytes32(salt, field="salt")])))


@dataclass(frozen=True)
class AgreementParams:
    """`ITypes.AgreementParams`: everything a proposer fixes; every party consents to its hash."""

    parties: Sequence[str]
    shares_bps: Sequence[int]
    terms_hash: bytes | str
    consent_deadline: int
    revenue_mode: RevenueMode = RevenueMode.FIXED_SHARES
    fund_share_bps: int = 0
    token: str = ZERO_ADDRESS
    consent_threshold_bps: int = BPS
    confirmations_required: int = 1
    voting_mode: VotingMode = VotingMode.ONE_PARTY_ONE_VOTE
    voting_period: int = 86_400
    quorum_bps: int = 5_000
    # NOTE: three days gives every co-party a weekend's slack to dispute a confirmed record
    # before its weight counts; the caps are off by default because weight units (hours,
    # valuation points…) are whatever the terms document says (docs/contributions.md).
    challenge_window: int = DEFAULT_CHALLENGE_WINDOW
    max_record_weight: int = 0
    max_period_weight: int = 0
    cap_period: int = 0

    def __post_init__(self) -> None:
        if not MIN_PARTIES <= len(self.parties) <= MAX_PARTIES:
            raise ValidationError(f"parties: {MIN_PARTIES} to {MAX_PARTIES} parties required")
        if len(self.shares_bps) != len(self.parties):
            raise ValidationError("shares_bps: one share per party required")
        _set(self, "parties", tuple(v.address(p, field="parties") for p in self.parties))
        _set(
            self,
            "shares_bps",
            tuple(v.integer(s, field="shares_bps", high=BPS) for s in self.shares_bps),
        )
        _set(self, "terms_hash", v.bytes32(self.terms_hash, field="terms_hash"))
        _set(
            self,
            "consent_deadline",
            v.integer(self.consent_deadline, field="consent_deadline", high=UINT40),
        )
        _set(self, "revenue_mode", v.member(RevenueMode, self.revenue_mode, field="revenue_mode"))
        _set(
            self, "fund_share_bps", v.integer(self.fund_share_bps, field="fund_share_bps", high=BPS)
        )
        _set(self, "token", v.address(self.token, field="token"))
        _set(
            self,
            "consent_threshold_bps",
            v.integer(self.consent_threshold_bps, field="consent_threshold_bps", high=BPS),
        )
        _set(
            self,
            "confirmations_required",
            v.integer(self.confirmations_required, field="confirmations_required", high=UINT8),
        )
        _set(self, "voting_mode", v.member(VotingMode, self.voting_mode, field="voting_mode"))
        _set(
            self, "voting_period", v.integer(self.voting_period, field="voting_period", high=UINT32)
        )
        _set(self, "quorum_bps", v.integer(self.quorum_bps, field="quorum_bps", high=BPS))
        _set(
            self,
            "challenge_window",
            v.integer(self.challenge_window, field="challenge_window", high=UINT32),
        )
        for name in ("max_record_weight", "max_period_weight"):
            _set(self, name, v.integer(getattr(self, name), field=name, high=UINT64))
        _set(self, "cap_period", v.integer(self.cap_period, field="cap_period", high=UINT32))

    def as_abi(self) -> tuple[Any, ...]:
        """The struct as web3 and eth-abi take it."""
        return (
            list(self.parties),
            list(self.shares_bps),
            int(self.revenue_mode),
            self.fund_share_bps,
            self.terms_hash,
            self.token,
            self.consent_threshold_bps,
            self.confirmations_required,
            int(self.voting_mode),
            self.voting_period,
            self.quorum_bps,
            self.consent_deadline,
            self.challenge_window,
            self.max_record_weight,
            self.max_period_weight,
            self.cap_period,
        )

    def params_hash(self) -> bytes:
        """`keccak256(abi.encode(params))`: what every party consents to."""
        return bytes(keccak(encode([AGREEMENT_PARAMS_ABI], [self.as_abi()])))


@dataclass(frozen=True)
class Contribution:
    """`IContributions.Contribution`: one contribution as its contributor records it."""

    kind: ContributionKind
    weight: int
    evidence_hash: bytes | str
    provenance: AiProvenance = AiProvenance.NONE
    accountable: str = ZERO_ADDRESS

    def __post_init__(self) -> None:
        _set(self, "kind", v.member(ContributionKind, self.kind, field="kind"))
        _set(self, "weight", v.integer(self.weight, field="weight", high=UINT64))
        _set(self, "evidence_hash", v.bytes32(self.evidence_hash, field="evidence_hash"))
        _set(self, "provenance", v.member(AiProvenance, self.provenance, field="provenance"))
        _set(self, "accountable", v.address(self.accountable, field="accountable"))

    def as_abi(self) -> tuple[Any, ...]:
        """The struct as web3 and eth-abi take it."""
        return (
            int(self.kind),
            self.weight,
            self.evidence_hash,
            int(self.provenance),
            self.accountable,
        )

    def as_eip712(self) -> dict[str, Any]:
        """The struct as an EIP-712 `Contribution` message value (JSON-safe)."""
        evidence = self.evidence_hash
        assert isinstance(evidence, bytes)
        return {
            "kind": int(self.kind),
            "weight": self.weight,
            "evidenceHash": prefixed_hex(evidence),
            "provenance": int(self.provenance),
            "accountable": self.accountable,
        }


@dataclass(frozen=True)
class RecordProof:
    """`IContributions.RecordProof`: a recorded contribution and its Merkle proof."""

    batch_root: bytes
    pre_head: bytes
    index: int
    contributor: ChecksumAddress
    record: Contribution
    proof: tuple[bytes, ...] = field(default_factory=tuple)

    def as_abi(self) -> tuple[Any, ...]:
        """The struct as web3 and eth-abi take it."""
        return (
            self.batch_root,
            self.pre_head,
            self.index,
            self.contributor,
            self.record.as_abi(),
            list(self.proof),
        )


@dataclass(frozen=True)
class ConsentSignature:
    """`ITypes.ConsentSignature`: one relayed EIP-712 consent."""

    signer: str
    nonce: int
    deadline: int
    signature: bytes

    def __post_init__(self) -> None:
        _set(self, "signer", v.address(self.signer, field="signer"))
        _set(self, "nonce", v.integer(self.nonce, field="nonce"))
        _set(self, "deadline", v.integer(self.deadline, field="deadline"))
        _set(self, "signature", _signature_bytes(self.signature))

    def as_abi(self) -> tuple[Any, ...]:
        """The struct as web3 and eth-abi take it."""
        return (self.signer, self.nonce, self.deadline, self.signature)


@dataclass(frozen=True)
class VoteSignature:
    """`ITypes.VoteSignature`: one relayed EIP-712 vote."""

    voter: str
    support: VoteSupport
    nonce: int
    deadline: int
    signature: bytes

    def __post_init__(self) -> None:
        _set(self, "voter", v.address(self.voter, field="voter"))
        _set(self, "support", v.member(VoteSupport, self.support, field="support"))
        _set(self, "nonce", v.integer(self.nonce, field="nonce"))
        _set(self, "deadline", v.integer(self.deadline, field="deadline"))
        _set(self, "signature", _signature_bytes(self.signature))

    def as_abi(self) -> tuple[Any, ...]:
        """The struct as web3 and eth-abi take it."""
        return (self.voter, int(self.support), self.nonce, self.deadline, self.signature)


def _signature_bytes(value: object) -> bytes:
    """Signature bytes from bytes or 0x-hex (any length: ERC-1271 wallets sign with more)."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str) and value.startswith("0x"):
        try:
            return bytes.fromhex(value[2:])
        except ValueError as err:
            raise ValidationError("signature: not valid hex") from err
    raise ValidationError("signature: expected bytes or 0x-prefixed hex")
