"""The evidence vault: documents encrypted off chain, a salted commitment on chain.

A document is encrypted with AES-256-GCM under a fresh data key; the data key is wrapped
for each authorised reader with ECIES on the reader's secp256k1 (Ethereum) key; readers
are added and removed through an EIP-712-signed access log. The format is specified in
docs/evidence.md.
"""

from ledger.evidence.access_log import AccessEntry
from ledger.evidence.commitment import commitment_of, matches_commitment, new_salt
from ledger.evidence.envelope import Envelope, EvidenceLimits
from ledger.evidence.keys import (
    ParticipantKey,
    address_of,
    load_private_key,
    load_public_key,
    public_key_from_signed_message,
)
from ledger.evidence.sealing import OpenedDocument, SealedDocument, open_sealed, seal
from ledger.evidence.store import EvidenceStore
from ledger.evidence.vault import envelope, grant, read, revoke, store_sealed, upload
from ledger.evidence.verification import EvidenceCheck, audit_evidence, verify

__all__ = [
    "AccessEntry",
    "Envelope",
    "EvidenceCheck",
    "EvidenceLimits",
    "EvidenceStore",
    "OpenedDocument",
    "ParticipantKey",
    "SealedDocument",
    "address_of",
    "audit_evidence",
    "commitment_of",
    "envelope",
    "grant",
    "load_private_key",
    "load_public_key",
    "matches_commitment",
    "new_salt",
    "open_sealed",
    "public_key_from_signed_message",
    "read",
    "revoke",
    "seal",
    "store_sealed",
    "upload",
    "verify",
]
