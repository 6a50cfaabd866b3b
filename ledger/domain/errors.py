"""The exception tree of the Python core: every failure a caller can act on is a LedgerError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class LedgerError(Exception):
    """Root of every error the ledger core raises on purpose.

    `status_code` lets the API map a domain error to HTTP in one place; `type` is a
    stable, URL-safe slug for RFC 9457 problem details.
    """

    status_code: int = 500
    type: str = "ledger-error"


class ConfigurationError(LedgerError):
    """The local setup is incomplete or wrong (missing tool, bad setting, corrupt file)."""

    status_code = 500
    type = "configuration-error"


class ToolchainError(ConfigurationError):
    """A required external tool (Node, solc-js, anvil) is missing or broken."""

    type = "toolchain-error"


class CompileError(LedgerError):
    """Solidity compilation failed; the message lists every error as `path:line:col: message`."""

    type = "compile-error"

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        separator = "\n" if len(errors) > 1 else " "
        super().__init__("compilation failed:" + separator + "\n".join(errors))


class ChainUnavailableError(LedgerError):
    """The chain node cannot be reached or did not answer in time."""

    status_code = 503
    type = "chain-unavailable"


class ChainMismatchError(LedgerError):
    """The node is not the chain the caller expected (chain id or deployed code differs)."""

    status_code = 409
    type = "chain-mismatch"


class DeploymentError(LedgerError):
    """A deployment could not be completed or verified."""

    type = "deployment-error"


class NotFoundError(LedgerError):
    """A requested object does not exist."""

    status_code = 404
    type = "not-found"


class ValidationError(LedgerError):
    """Input failed validation before anything was sent or stored."""

    status_code = 422
    type = "validation-error"


class RevertError(LedgerError):
    """A contract call reverted; carries the decoded custom error's name and arguments."""

    status_code = 409
    type = "revert"

    def __init__(
        self,
        name: str,
        args: Mapping[str, Any] | None = None,
        *,
        data: bytes = b"",
        message: str | None = None,
    ) -> None:
        self.name = name
        self.arguments: dict[str, Any] = dict(args or {})
        self.data = data
        rendered = ", ".join(f"{k}={_render(v)}" for k, v in self.arguments.items())
        super().__init__(message or f"{name}({rendered})")


def _render(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    return str(value)


class EvidenceError(LedgerError):
    """An evidence-vault operation cannot be carried out (e.g. a grant that breaks the rules)."""

    status_code = 409
    type = "evidence-error"


class EvidenceTamperedError(EvidenceError):
    """Stored evidence (ciphertext, wrapped key or envelope metadata) failed authentication."""

    status_code = 422
    type = "evidence-tampered"


class EvidenceLimitError(EvidenceError):
    """An evidence envelope holds more readers or access-log entries than the vault allows."""

    status_code = 413
    type = "evidence-too-large"


class NotAuthorisedReaderError(EvidenceError):
    """The key offered is not an authorised reader (or granter) of the evidence document."""

    status_code = 403
    type = "evidence-not-authorised"


class IdempotencyConflictError(LedgerError):
    """An idempotency key was reused with different request content."""

    status_code = 409
    type = "idempotency-conflict"


class OutboxEntryNotFoundError(NotFoundError):
    """No relayer outbox entry has the requested id."""

    type = "outbox-entry-not-found"


class RelayerTimeoutError(LedgerError):
    """An outbox entry did not reach the awaited status in time (it may still get there)."""

    status_code = 504
    type = "relayer-timeout"


class RelayerBusyError(LedgerError):
    """Another relayer process is already sending from this outbox."""

    status_code = 409
    type = "relayer-busy"


class EventDecodeError(LedgerError):
    """A log could not be decoded with the ABI of the event its topic 0 names."""

    status_code = 502
    type = "event-decode-error"


class StateUnavailableError(ChainUnavailableError):
    """The node holds no state for the block a read named (restarted from a state file, pruned)."""

    type = "state-unavailable"


class LogRangeError(ChainUnavailableError):
    """The node refused the logs of a block range even at the smallest range."""

    type = "log-range-refused"


class IndexerError(LedgerError):
    """The event index cannot be built or updated as asked."""

    status_code = 500
    type = "indexer-error"


class IndexMismatchError(IndexerError):
    """The index database belongs to another chain or deployment than the one given."""

    status_code = 409
    type = "index-mismatch"


class AuditError(LedgerError):
    """The audit cannot run as asked (unreadable chain or manifest, nothing to attest)."""

    status_code = 422
    type = "audit-error"


class SignatureError(LedgerError):
    """A signed intent's signature is malformed, non-canonical or not the named signer's."""

    status_code = 400
    type = "invalid-signature"


class SignatureExpiredError(SignatureError):
    """A signed intent's deadline has passed (the contract would refuse it)."""

    type = "signature-expired"


class NotAPartyError(LedgerError):
    """The signer has no right to this action (not a party, not an eligible voter)."""

    status_code = 403
    type = "not-a-party"


class NonceMismatchError(LedgerError):
    """A signed intent carries a nonce other than the signer's current one (replayed or stale)."""

    status_code = 409
    type = "nonce-mismatch"


class IntentConflictError(LedgerError):
    """The intent cannot apply in the current state (already consented or voted, wrong status)."""

    status_code = 409
    type = "intent-conflict"


class ForbiddenError(LedgerError):
    """The caller is signed in but may not see or do this (another party's private data)."""

    status_code = 403
    type = "forbidden"
