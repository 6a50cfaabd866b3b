"""The on-chain evidence commitment: a salted hash of the plaintext document.

    commitment = keccak256(abi.encode(bytes32 salt, bytes32 keccak256(document)))
               = keccak256(salt ‖ keccak256(document))

The 32-byte random salt travels only inside the encrypted envelope, so nobody can confirm
a guess of the document from the chain; hashing the document first lets a contract or an
auditor check the commitment from the document's hash alone.
"""

from __future__ import annotations

import hmac
import secrets

from eth_utils import keccak

from ledger.domain.errors import ValidationError

SALT_SIZE = 32


def new_salt() -> bytes:
    """A fresh random 32-byte salt."""
    return secrets.token_bytes(SALT_SIZE)


def commitment_of(plaintext: bytes, salt: bytes) -> bytes:
    """The bytes32 commitment keccak256(salt ‖ keccak256(plaintext))."""
    if len(salt) != SALT_SIZE:
        raise ValidationError(f"salt must be {SALT_SIZE} bytes, got {len(salt)}")
    return keccak(salt + keccak(plaintext))


def matches_commitment(*, document: bytes, salt: bytes, commitment: bytes) -> bool:
    """True when `document` with `salt` hashes to `commitment` (constant-time compare)."""
    return hmac.compare_digest(commitment_of(document, salt), commitment)
