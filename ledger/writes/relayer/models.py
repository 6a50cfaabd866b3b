"""The relayer's vocabulary: intents, outbox entries, their statuses, batchers and settings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ledger.domain.errors import ValidationError
from ledger.domain.validation import address, integer

GWEI = 10**9
MAX_KIND_LENGTH = 64
MAX_KEY_LENGTH = 255


class EntryStatus(StrEnum):
    """Where an outbox entry is: queued → sent → mined → confirmed, or failed."""

    QUEUED = "queued"
    SENT = "sent"
    MINED = "mined"
    CONFIRMED = "confirmed"
    FAILED = "failed"

    @property
    def rank(self) -> int:
        """Progress order used by `wait`; failed is terminal and ranks above everything."""
        return _RANKS[self]

    @property
    def is_final(self) -> bool:
        """Whether the relayer will leave the entry alone (barring a node that loses blocks)."""
        return self in (EntryStatus.CONFIRMED, EntryStatus.FAILED)


_RANKS = {
    EntryStatus.QUEUED: 0,
    EntryStatus.SENT: 1,
    EntryStatus.MINED: 2,
    EntryStatus.CONFIRMED: 3,
    EntryStatus.FAILED: 4,
}


class TxStatus(StrEnum):
    """Lifecycle of one signed transaction in the outbox."""

    PENDING = "pending"  # signed and stored; broadcast at least attempted
    MINED = "mined"
    CONFIRMED = "confirmed"
    REVERTED = "reverted"  # mined with status 0: its nonce is spent, its entries are not
    REPLACED = "replaced"  # its nonce was consumed by another transaction; never mined
    REJECTED = "rejected"  # the node refused it for good; a filler took its nonce


class TxPurpose(StrEnum):
    """Why a transaction exists."""

    SINGLE = "single"
    BATCH = "batch"
    FILLER = "filler"  # 0-value self-transfer that keeps the nonce sequence gapless


@dataclass(frozen=True)
class Call:
    """One contract call: the target, its calldata and the wei it carries."""

    target: str
    data: bytes
    value: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "target", str(address(self.target, field="target")))
        object.__setattr__(self, "data", _bytes(self.data, "data"))
        integer(self.value, field="value")


@dataclass(frozen=True)
class Intent:
    """What a caller asks the relayer to do: call `target` with `data` and `value`.

    `kind` labels the operation (e.g. `contributions.record`) and selects the batcher;
    entries with the same `kind` and `batch_key` may be combined into one transaction.
    """

    kind: str
    target: str
    data: bytes
    value: int = 0
    batch_key: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not 0 < len(self.kind) <= MAX_KIND_LENGTH:
            raise ValidationError(f"kind must be 1 to {MAX_KIND_LENGTH} characters")
        if self.batch_key is not None and not 0 < len(self.batch_key) <= MAX_KEY_LENGTH:
            raise ValidationError(f"batch_key must be 1 to {MAX_KEY_LENGTH} characters")
        call = Call(self.target, self.data, self.value)
        object.__setattr__(self, "target", call.target)
        object.__setattr__(self, "data", call.data)

    @property
    def call(self) -> Call:
        """The contract call this intent makes when sent on its own."""
        return Call(self.target, self.data, self.value)

    def content_hash(self) -> str:
        """SHA-256 of the intent's canonical JSON: what an idempotency key is bound to."""
        canonical = {
            "kind": self.kind,
            "target": self.target,
            "data": "0x" + self.data.hex(),
            "value": str(self.value),
            "batch_key": self.batch_key,
        }
        encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class Failure:
    """Why an entry failed: a decoded custom error (name and arguments) or a node refusal."""

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""


@dataclass(frozen=True)
class OutboxEntry:
    """One journaled intent and what became of it."""

    id: int
    idempotency_key: str
    content_hash: str
    intent: Intent
    status: EntryStatus
    attempts: int
    created_at: float
    updated_at: float
    tx_hash: str | None = None
    sender: str | None = None
    nonce: int | None = None
    block_number: int | None = None
    failure: Failure | None = None
    batchable: bool = True  # false once a batch carrying it reverted: it goes out alone

    @property
    def kind(self) -> str:
        """The intent's kind label."""
        return self.intent.kind

    @property
    def batch_key(self) -> str | None:
        """The intent's batch key."""
        return self.intent.batch_key


# NOTE: a batcher is plain code supplied by whoever knows the contract: given N queued
# entries of one kind and batch key (N >= 2, in journal order), it returns the single
# call that performs all of them (e.g. `recordBatch(ids)`). It must be pure; the relayer
# falls back to sending the entries one by one if the combined call would revert.
Batcher = Callable[[Sequence[OutboxEntry]], Call]

# NOTE: an applied check is plain code too, from whoever knows the contract: given an entry
# whose call would revert (or did), it returns the block in which the chain already holds the
# entry's effect — someone else sent the same signed intent first — or None. Such an entry is
# confirmed, not failed: the contributor must not re-sign and duplicate it.
AppliedCheck = Callable[[Any, OutboxEntry], int | None]


def applied_at(checks: Mapping[str, AppliedCheck], w3: Any, entry: OutboxEntry) -> int | None:
    """The block in which `entry`'s effect is already on chain, by its kind's applied check."""
    check = checks.get(entry.kind)
    return None if check is None else check(w3, entry)


class RelayerConfig(BaseSettings):
    """Relayer tuning, from the environment with prefix `PARK_LEDGER_RELAYER_`."""

    model_config = SettingsConfigDict(env_prefix="PARK_LEDGER_RELAYER_", frozen=True)

    confirmations: int = Field(default=1, ge=1, description="blocks, the mining one included")
    max_batch: int = Field(default=50, ge=2, description="entries per batch transaction")
    gas_margin_percent: int = Field(default=25, ge=0, description="added to the gas estimate")
    priority_fee: int = Field(default=1 * GWEI, ge=0, description="EIP-1559 tip, wei")
    max_fee_cap: int = Field(default=200 * GWEI, gt=0, description="max fee per gas cap, wei")
    base_fee_multiplier: int = Field(default=2, ge=1)
    max_attempts: int = Field(default=3, ge=1, description="signings before an entry fails")
    max_per_step: int = Field(default=500, ge=1, description="queued entries read per step")
    poll_interval: float = Field(default=0.5, gt=0, description="worker sleep between steps, s")


def _bytes(value: object, name: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str) and value.startswith("0x"):
        try:
            return bytes.fromhex(value[2:])
        except ValueError as err:
            raise ValidationError(f"{name} is not valid hex") from err
    raise ValidationError(f"{name} must be bytes or a 0x-prefixed hex string")
