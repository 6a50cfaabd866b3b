"""The envelope: the JSON metadata stored beside an encrypted evidence document.

It names the algorithms, locates the ciphertext (its sha256), carries the content nonce,
one wrapped data key per reader and the signed access log. `Envelope.from_json` accepts
only a well-formed, self-consistent envelope within the `EvidenceLimits`: the readers must be
exactly those the log grants, each with the wrapped key the log signed, and every entry must
sign the envelope's content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ledger.domain.errors import EvidenceLimitError, EvidenceTamperedError
from ledger.evidence.access_log import AccessEntry, AccessState, Content, replay
from ledger.evidence.codec import from_hex, parse_address, require_fields, to_hex
from ledger.evidence.ecies import NONCE_SIZE, WRAPPED_SIZE, WrappedKey
from ledger.infra.config import EVIDENCE_MAX_LOG_ENTRIES, EVIDENCE_MAX_READERS, LedgerSettings

ENVELOPE_VERSION = 2
ALGORITHMS = {
    "content": "AES-256-GCM",
    "keyWrap": "ECIES-secp256k1-HKDF-SHA256-AES-256-GCM",
    "commitment": "keccak256(salt||keccak256(document))",
    "accessLog": "EIP-712 EvidenceAccess",
}
_FIELDS = {"version", "documentId", "algorithms", "content", "readers", "log"}
_CONTENT_FIELDS = {"sha256", "size", "nonce"}
_WRAP_FIELDS = {"ephemeralPublicKey", "nonce", "wrappedKey"}


@dataclass(frozen=True)
class EvidenceLimits:
    """Bounds on one envelope, checked before any signature is recovered (settings
    `PARK_LEDGER_EVIDENCE_MAX_READERS`, `PARK_LEDGER_EVIDENCE_MAX_LOG_ENTRIES`)."""

    max_readers: int = EVIDENCE_MAX_READERS
    max_log_entries: int = EVIDENCE_MAX_LOG_ENTRIES

    @classmethod
    def from_settings(cls, settings: LedgerSettings) -> EvidenceLimits:
        """The limits the settings configure."""
        return cls(settings.evidence_max_readers, settings.evidence_max_log_entries)

    def check(self, *, readers: int, log_entries: int) -> None:
        """Raise EvidenceLimitError when an envelope holds more than the bounds allow."""
        if readers > self.max_readers:
            raise EvidenceLimitError(
                f"an evidence envelope holds at most {self.max_readers} readers, got {readers}"
            )
        if log_entries > self.max_log_entries:
            raise EvidenceLimitError(
                f"an evidence access log holds at most {self.max_log_entries} entries, "
                f"got {log_entries}"
            )


DEFAULT_LIMITS = EvidenceLimits()


@dataclass(frozen=True)
class Envelope:
    """Metadata of one evidence document (no secret in it: every key is wrapped)."""

    document_id: bytes
    content_sha256: bytes
    content_size: int
    content_nonce: bytes
    readers: Mapping[str, WrappedKey]
    log: tuple[AccessEntry, ...]

    @property
    def content(self) -> Content:
        """The content fields every access-log entry signs."""
        return Content(self.content_sha256, self.content_size, self.content_nonce)

    def access(self) -> AccessState:
        """Replay the log and check it against the stored readers (raises when tampered)."""
        return self._access

    # NOTE: replaying recovers one signature per entry; cached per (immutable) envelope.
    @cached_property
    def _access(self) -> AccessState:
        state = replay(self.log)
        if set(state.readers) != set(self.readers):
            raise EvidenceTamperedError("the envelope's readers differ from its access log")
        for address, wrapped in self.readers.items():
            if wrapped.digest() != state.readers[address]:
                raise EvidenceTamperedError(
                    f"the wrapped key of {address} is not the one its grant signed"
                )
        return state

    def to_json(self) -> dict[str, Any]:
        """The JSON document stored in `envelopes/<documentId>.json`."""
        return {
            "version": ENVELOPE_VERSION,
            "documentId": to_hex(self.document_id),
            "algorithms": dict(ALGORITHMS),
            "content": {
                "sha256": to_hex(self.content_sha256),
                "size": self.content_size,
                "nonce": to_hex(self.content_nonce),
            },
            "readers": {
                address: {
                    "ephemeralPublicKey": to_hex(w.ephemeral_public_key),
                    "nonce": to_hex(w.nonce),
                    "wrappedKey": to_hex(w.ciphertext),
                }
                for address, w in sorted(self.readers.items())
            },
            "log": [entry.to_json() for entry in self.log],
        }

    @classmethod
    def from_json(cls, data: Any, *, limits: EvidenceLimits = DEFAULT_LIMITS) -> Envelope:
        """Parse and check a stored envelope; anything malformed raises EvidenceTamperedError."""
        envelope = cls.parse(data, limits=limits)
        envelope.access()
        return envelope

    @classmethod
    def parse(cls, data: Any, *, limits: EvidenceLimits = DEFAULT_LIMITS) -> Envelope:
        """Parse an envelope within `limits` without replaying its log (no signature checked)."""
        bad = EvidenceTamperedError
        require_fields(data, _FIELDS, what="envelope", error=bad)
        if data["version"] != ENVELOPE_VERSION or data["algorithms"] != ALGORITHMS:
            raise bad("unsupported envelope version or algorithms")
        readers_json = data["readers"]
        log_json = data["log"]
        if not isinstance(readers_json, dict) or not isinstance(log_json, list):
            raise bad("readers must be an object and log a list")
        limits.check(readers=len(readers_json), log_entries=len(log_json))
        document_id = from_hex(data["documentId"], size=32, what="documentId", error=bad)
        content_json = data["content"]
        require_fields(content_json, _CONTENT_FIELDS, what="content", error=bad)
        size = content_json["size"]
        if not isinstance(size, int) or isinstance(size, bool) or not 16 <= size < 2**64:
            raise bad("content size is not a valid ciphertext length")
        content = Content(
            sha256=from_hex(content_json["sha256"], size=32, what="sha256", error=bad),
            size=size,
            nonce=from_hex(content_json["nonce"], size=NONCE_SIZE, what="nonce", error=bad),
        )
        return cls(
            document_id=document_id,
            content_sha256=content.sha256,
            content_size=content.size,
            content_nonce=content.nonce,
            readers={_reader(a): _wrapped_key(w) for a, w in readers_json.items()},
            log=tuple(
                AccessEntry.from_json(e, document_id=document_id, content=content) for e in log_json
            ),
        )


def _wrapped_key(data: Any) -> WrappedKey:
    bad = EvidenceTamperedError
    require_fields(data, _WRAP_FIELDS, what="wrapped key", error=bad)
    return WrappedKey(
        ephemeral_public_key=from_hex(
            data["ephemeralPublicKey"], size=65, what="ephemeralPublicKey", error=bad
        ),
        nonce=from_hex(data["nonce"], size=NONCE_SIZE, what="nonce", error=bad),
        ciphertext=from_hex(data["wrappedKey"], size=WRAPPED_SIZE, what="wrappedKey", error=bad),
    )


def _reader(value: str) -> str:
    return parse_address(value, what="reader address", error=EvidenceTamperedError, strict=True)
