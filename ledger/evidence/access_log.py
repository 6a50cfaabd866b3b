"""The access log of an evidence document: who gave whom a key, and who took it back.

Every entry is an EIP-712 signature by its actor over

    EvidenceAccess(string action,bytes32 documentId,bytes32 contentSha256,uint64 contentSize,
                   bytes12 contentNonce,address actor,address reader,bytes32 wrapHash,
                   uint64 timestamp)

in the domain {name: "Park Ledger Evidence", version: "2"} (off chain: no chainId, no
verifying contract). Replaying the log yields the readers the envelope must hold; since every
entry signs the content's hash, size and nonce, a swapped document fails the replay.

Rules (checked when an entry is made and again whenever an envelope is loaded):
- `upload` entries open the log, all by one actor (the uploader); each adds a *party*
  reader — the agreement's parties who read by default;
- `grant`: a current party reader adds a reader that has no key (e.g. an auditor);
- `revoke`: a current party reader removes a granted (non-party) reader's key;
- timestamps never go backwards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_utils import keccak, to_canonical_address

from ledger.domain.errors import (
    EvidenceError,
    EvidenceTamperedError,
    NotAuthorisedReaderError,
    ValidationError,
)
from ledger.evidence.codec import from_hex, parse_address, require_fields, to_hex
from ledger.evidence.keys import ParticipantKey, address_of, recover_public_key

Action = Literal["upload", "grant", "revoke"]
ACTIONS: tuple[Action, ...] = ("upload", "grant", "revoke")

EIP712_DOMAIN = {"name": "Park Ledger Evidence", "version": "2"}
EIP712_TYPES = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
    ],
    "EvidenceAccess": [
        {"name": "action", "type": "string"},
        {"name": "documentId", "type": "bytes32"},
        {"name": "contentSha256", "type": "bytes32"},
        {"name": "contentSize", "type": "uint64"},
        {"name": "contentNonce", "type": "bytes12"},
        {"name": "actor", "type": "address"},
        {"name": "reader", "type": "address"},
        {"name": "wrapHash", "type": "bytes32"},
        {"name": "timestamp", "type": "uint64"},
    ],
}


# NOTE: recovery is pure-Python secp256k1 (~8 ms an entry), so each entry is recovered once per
# process. The key is the EIP-712 digest (it covers every signed field) and the signature, so a
# changed entry is a miss; the bound keeps memory flat (~200 bytes an entry).
VERIFIED_CACHE_SIZE = 65_536


@dataclass(frozen=True)
class Content:
    """What every log entry signs about the ciphertext: its sha256, length and GCM nonce."""

    sha256: bytes
    size: int
    nonce: bytes


@dataclass(frozen=True)
class AccessEntry:
    """One signed log entry: `actor` did `action` for `reader` at `timestamp` (unix seconds)."""

    action: Action
    document_id: bytes
    content: Content
    actor: str
    reader: str
    wrap_hash: bytes
    timestamp: int
    signature: bytes

    def typed_data(self) -> dict[str, Any]:
        """The EIP-712 typed data this entry's signature covers."""
        return typed_data(
            action=self.action,
            document_id=self.document_id,
            content=self.content,
            actor=self.actor,
            reader=self.reader,
            wrap_hash=self.wrap_hash,
            timestamp=self.timestamp,
        )

    def digest(self) -> bytes:
        """The EIP-712 digest the signature covers: keccak256(0x1901 ‖ domain ‖ structHash)."""
        # NOTE: encoded by hand (every field is static): eth-account's generic encoder costs
        # ~1.6 ms an entry, which made every load of an 80-reader envelope cost 130 ms.
        struct_hash = keccak(
            _TYPE_HASH
            + keccak(self.action.encode())
            + self.document_id
            + self.content.sha256
            + self.content.size.to_bytes(32, "big")
            + self.content.nonce.ljust(32, b"\x00")
            + to_canonical_address(self.actor).rjust(32, b"\x00")
            + to_canonical_address(self.reader).rjust(32, b"\x00")
            + self.wrap_hash
            + self.timestamp.to_bytes(32, "big")
        )
        return keccak(b"\x19\x01" + _DOMAIN_SEPARATOR + struct_hash)

    def signer(self) -> str:
        """The address that produced the signature (EvidenceTamperedError if none can)."""
        return recover_signer(self.digest(), self.signature)

    def to_json(self) -> dict[str, Any]:
        """The entry as stored in the envelope's `log`."""
        return {
            "action": self.action,
            "actor": self.actor,
            "reader": self.reader,
            "wrapHash": to_hex(self.wrap_hash),
            "timestamp": self.timestamp,
            "signature": to_hex(self.signature),
        }

    @classmethod
    def from_json(cls, data: Any, *, document_id: bytes, content: Content) -> AccessEntry:
        """Parse a stored entry; malformed data raises EvidenceTamperedError."""
        bad = EvidenceTamperedError
        require_fields(data, _ENTRY_FIELDS, what="access-log entry", error=bad)
        action, timestamp = data["action"], data["timestamp"]
        if action not in ACTIONS:
            raise bad(f"unknown access-log action {action!r}")
        if not isinstance(timestamp, int) or isinstance(timestamp, bool) or timestamp < 0:
            raise bad("an access-log timestamp is not a non-negative integer")
        return cls(
            action=action,
            document_id=document_id,
            content=content,
            actor=_address(data["actor"]),
            reader=_address(data["reader"]),
            wrap_hash=from_hex(data["wrapHash"], size=32, what="wrapHash", error=bad),
            timestamp=timestamp,
            signature=from_hex(data["signature"], size=65, what="signature", error=bad),
        )

    def _signable(self) -> SignableMessage:
        return encode_typed_data(full_message=self.typed_data())


_ENTRY_FIELDS = {"action", "actor", "reader", "wrapHash", "timestamp", "signature"}
_TYPE_HASH = keccak(
    (
        "EvidenceAccess("
        + ",".join(f"{f['type']} {f['name']}" for f in EIP712_TYPES["EvidenceAccess"])
        + ")"
    ).encode()
)
_DOMAIN_SEPARATOR = keccak(
    keccak(b"EIP712Domain(string name,string version)")
    + keccak(EIP712_DOMAIN["name"].encode())
    + keccak(EIP712_DOMAIN["version"].encode())
)


@dataclass(frozen=True)
class AccessState:
    """Who may read after replaying a log: reader address → hash of its wrapped key."""

    uploader: str | None = None
    parties: frozenset[str] = frozenset()
    readers: Mapping[str, bytes] = field(default_factory=dict)
    last_timestamp: int = 0
    uploaded: bool = False  # NOTE: set by the first grant or revoke; no upload entry after it


@lru_cache(maxsize=VERIFIED_CACHE_SIZE)
def recover_signer(digest: bytes, signature: bytes) -> str:
    """The address whose key signed `digest` (cached: an entry is verified once per process)."""
    try:
        return address_of(recover_public_key(digest=digest, signature=signature))
    except ValidationError as err:
        raise EvidenceTamperedError("an access-log signature is invalid") from err


def typed_data(
    *,
    action: Action,
    document_id: bytes,
    content: Content,
    actor: str,
    reader: str,
    wrap_hash: bytes,
    timestamp: int,
) -> dict[str, Any]:
    """EIP-712 typed data of an access-log entry (what a wallet would be asked to sign)."""
    return {
        "types": EIP712_TYPES,
        "primaryType": "EvidenceAccess",
        "domain": EIP712_DOMAIN,
        "message": {
            "action": action,
            "documentId": document_id,
            "contentSha256": content.sha256,
            "contentSize": content.size,
            "contentNonce": content.nonce,
            "actor": actor,
            "reader": reader,
            "wrapHash": wrap_hash,
            "timestamp": timestamp,
        },
    }


def sign_entry(
    *,
    key: ParticipantKey,
    action: Action,
    document_id: bytes,
    content: Content,
    reader: str,
    wrap_hash: bytes,
    timestamp: int,
) -> AccessEntry:
    """Make an entry whose actor is the key's address, signed by that key."""
    unsigned = AccessEntry(
        action=action,
        document_id=document_id,
        content=content,
        actor=key.address,
        reader=reader,
        wrap_hash=wrap_hash,
        timestamp=timestamp,
        signature=b"",
    )
    signed = Account.sign_message(unsigned._signable(), private_key=key.secret)
    return AccessEntry(**{**unsigned.__dict__, "signature": bytes(signed.signature)})


def check_entry(state: AccessState, *, action: Action, actor: str, reader: str) -> None:
    """Raise NotAuthorisedReaderError or EvidenceError when the rules forbid this entry."""
    if action == "upload":
        if state.uploaded or state.uploader not in (None, actor):
            raise EvidenceError("upload entries must open the log and share one uploader")
        if reader in state.readers:
            raise EvidenceError(f"{reader} is listed twice among the initial readers")
        return
    if actor not in state.parties or actor not in state.readers:
        raise NotAuthorisedReaderError(f"{actor} is not a party reader of this document")
    if action == "grant" and reader in state.readers:
        raise EvidenceError(f"{reader} is already a reader of this document")
    if action == "revoke":
        if reader in state.parties:
            raise EvidenceError(f"{reader} is a party reader and cannot be revoked")
        if reader not in state.readers:
            raise EvidenceError(f"{reader} is not a reader of this document")


def apply_entry(state: AccessState, entry: AccessEntry) -> AccessState:
    """The state after a (checked) entry."""
    readers = dict(state.readers)
    if entry.action == "revoke":
        del readers[entry.reader]
    else:
        readers[entry.reader] = entry.wrap_hash
    parties = state.parties | {entry.reader} if entry.action == "upload" else state.parties
    return AccessState(
        uploader=state.uploader or entry.actor,
        parties=parties,
        readers=readers,
        last_timestamp=entry.timestamp,
        uploaded=state.uploaded or entry.action != "upload",
    )


def replay(entries: Sequence[AccessEntry]) -> AccessState:
    """Check every signature and rule in order; any violation raises EvidenceTamperedError."""
    state = AccessState()
    if not entries or entries[0].action != "upload":
        raise EvidenceTamperedError("the access log does not start with the upload")
    for index, entry in enumerate(entries):
        if entry.signer() != entry.actor:
            raise EvidenceTamperedError(
                f"access-log entry {index} is not signed by its actor "
                "(or the content or readers it signs were changed)"
            )
        if entry.timestamp < state.last_timestamp:
            raise EvidenceTamperedError(f"access-log entry {index} goes back in time")
        try:
            check_entry(state, action=entry.action, actor=entry.actor, reader=entry.reader)
        except EvidenceError as err:
            raise EvidenceTamperedError(
                f"access-log entry {index} breaks the rules: {err}"
            ) from err
        state = apply_entry(state, entry)
    return state


def _address(value: Any) -> str:
    return parse_address(value, what="address", error=EvidenceTamperedError, strict=True)
