"""The per-agreement hash chain, recomputed off chain (docs/architecture.md, docs/hash-chain.md).

``head' = keccak256(abi.encode(head, actionType, actionDataHash))`` where `actionType` is the
event's topic 0 and `actionDataHash` is, as a rule, the keccak of the ABI encoding of the event's
fields other than `agreementId` in declaration order. The exceptions to that rule live in one
table here (`PARK_HASH_FIELDS`), so following a contract change is a one-line edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ledger.domain.hashing import keccak256

ZERO_HEAD = bytes(32)

# NOTE: the events whose data hash is not "every field but agreementId" (docs/hash-chain.md).
PARK_HASH_FIELDS: dict[str, tuple[str, ...]] = {
    "AgreementProposed": ("proposer", "paramsHash"),
    "AgreementAmended": ("version", "paramsHash"),
    "VoteCast": ("proposalId", "voter", "support", "nonce", "deadline", "signature"),
}

# NOTE: contracts whose agreement events do not go through `Agreements.journal` (the registry's
# audit attestations name an agreement but are not part of its history).
PARK_UNJOURNALED_CONTRACTS: frozenset[str] = frozenset({"ParkRegistry"})


@dataclass(frozen=True)
class HashChainRules:
    """Which events advance an agreement's hash chain, and which fields their data hash covers.

    An event advances the chain when it has an `agreementId` input, its contract is not in
    `unjournaled_contracts` and its name is not in `unjournaled_events`.
    """

    hash_fields_by_event: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(PARK_HASH_FIELDS)
    )
    unjournaled_contracts: frozenset[str] = PARK_UNJOURNALED_CONTRACTS
    unjournaled_events: frozenset[str] = frozenset()

    def is_journaled(self, contract: str, event: str) -> bool:
        """Whether `contract`'s event `event` (which names an agreement) advances its chain."""
        return contract not in self.unjournaled_contracts and event not in self.unjournaled_events

    def hash_fields(self, event: str) -> tuple[str, ...] | None:
        """The fields the data hash of `event` covers, or None for the default rule."""
        return self.hash_fields_by_event.get(event)


def advance(head: bytes, action_type: bytes, data_hash: bytes) -> bytes:
    """The head after appending one action: keccak256(abi.encode(head, type, dataHash))."""
    return keccak256(head + action_type + data_hash)


def fold(actions: Iterable[tuple[bytes, bytes]], head: bytes = ZERO_HEAD) -> bytes:
    """The head after appending `(actionType, dataHash)` actions in order."""
    for action_type, data_hash in actions:
        head = advance(head, action_type, data_hash)
    return head


__all__ = [
    "PARK_HASH_FIELDS",
    "PARK_UNJOURNALED_CONTRACTS",
    "ZERO_HEAD",
    "HashChainRules",
    "advance",
    "fold",
    "keccak256",
]
