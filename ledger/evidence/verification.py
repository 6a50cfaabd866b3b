"""Proving that evidence matches its on-chain commitment, one document or a whole audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ledger.domain.errors import EvidenceTamperedError, NotAuthorisedReaderError, NotFoundError
from ledger.evidence.codec import parse_bytes32, to_hex
from ledger.evidence.commitment import matches_commitment
from ledger.evidence.keys import PrivateKeyLike, load_private_key
from ledger.evidence.store import EvidenceStore
from ledger.evidence.vault import DocumentIdLike, read

Outcome = Literal["pass", "commitment-mismatch", "not-found", "not-authorised", "tampered"]


@dataclass(frozen=True)
class EvidenceCheck:
    """The outcome of checking one document against its on-chain commitment."""

    document_id: bytes
    commitment: bytes
    outcome: Outcome
    detail: str = ""

    @property
    def passed(self) -> bool:
        """True only when the document decrypted and matched the commitment."""
        return self.outcome == "pass"

    def to_json(self) -> dict[str, Any]:
        """The check as a JSON object for the audit report."""
        return {
            "documentId": to_hex(self.document_id),
            "commitment": to_hex(self.commitment),
            "passed": self.passed,
            "outcome": self.outcome,
            "detail": self.detail,
        }


def verify(
    *,
    store: EvidenceStore,
    document_id: DocumentIdLike,
    commitment: bytes | str,
    reader_private_key: PrivateKeyLike,
    document: bytes | None = None,
) -> bool:
    """True when the stored document (or the `document` given) matches `commitment`.

    The salt comes from the envelope, so the caller must be an authorised reader;
    with the salt in hand, `commitment.matches_commitment` needs no key at all.
    """
    opened = read(store=store, document_id=document_id, reader_private_key=reader_private_key)
    return matches_commitment(
        document=opened.document if document is None else document,
        salt=opened.salt,
        commitment=parse_bytes32(commitment, what="commitment"),
    )


def audit_evidence(
    *,
    store: EvidenceStore,
    auditor_private_key: PrivateKeyLike,
    documents: Iterable[tuple[DocumentIdLike, bytes | str]],
) -> list[EvidenceCheck]:
    """Check (document id, on-chain commitment) pairs with the auditor's key, one result each."""
    auditor = load_private_key(auditor_private_key)
    checks = []
    for raw_id, raw_commitment in documents:
        document_id = parse_bytes32(raw_id, what="document id")
        commitment = parse_bytes32(raw_commitment, what="commitment")
        outcome: Outcome
        detail = ""
        try:
            matched = verify(
                store=store,
                document_id=document_id,
                commitment=commitment,
                reader_private_key=auditor,
            )
            outcome = "pass" if matched else "commitment-mismatch"
        except NotFoundError as err:
            outcome, detail = "not-found", str(err)
        except NotAuthorisedReaderError as err:
            outcome, detail = "not-authorised", str(err)
        except EvidenceTamperedError as err:
            outcome, detail = "tampered", str(err)
        checks.append(EvidenceCheck(document_id, commitment, outcome, detail))
    return checks
