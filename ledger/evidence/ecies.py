"""ECIES on secp256k1: the document's data key wrapped for one reader.

    E        = fresh ephemeral secp256k1 key pair (public part: 65-byte uncompressed)
    shared   = x-coordinate of e·R (32 bytes, big-endian), R = the reader's public key
    KEK      = HKDF-SHA256(IKM=shared, salt=HKDF_SALT, info=WRAP_LABEL ‖ E ‖ R, L=32)
    wrapped  = AES-256-GCM(KEK, nonce, data_key, AAD=WRAP_LABEL ‖ documentId ‖ readerAddress)

`documentId` is 32 bytes and `readerAddress` the 20 raw bytes of the reader's address;
`wrapped` is the 32-byte encrypted key followed by the 16-byte tag. See docs/evidence.md.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from eth_utils import keccak, to_canonical_address

from ledger.domain.errors import EvidenceTamperedError
from ledger.evidence.keys import CURVE, ParticipantKey, ec_public_key, load_public_key

HKDF_SALT = b"park-ledger/evidence/v1/ecies"
WRAP_LABEL = b"park-ledger/evidence/v1/wrap"
KEY_SIZE = 32
NONCE_SIZE = 12
WRAPPED_SIZE = KEY_SIZE + 16


@dataclass(frozen=True)
class WrappedKey:
    """The data key encrypted for one reader (all fields are stored in the envelope)."""

    ephemeral_public_key: bytes
    nonce: bytes
    ciphertext: bytes

    def digest(self) -> bytes:
        """keccak256(ephemeralPublicKey ‖ nonce ‖ wrappedKey): what the access log signs."""
        return keccak(self.ephemeral_public_key + self.nonce + self.ciphertext)


def wrap_key(*, data_key: bytes, document_id: bytes, reader_public_key: bytes) -> WrappedKey:
    """Encrypt `data_key` so that only the holder of the reader's private key can recover it."""
    reader = load_public_key(reader_public_key)
    ephemeral = ec.generate_private_key(CURVE)
    ephemeral_public = ephemeral.public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint
    )
    shared = ephemeral.exchange(ec.ECDH(), ec_public_key(reader))
    nonce = secrets.token_bytes(NONCE_SIZE)
    ciphertext = AESGCM(_kek(shared, ephemeral_public, reader)).encrypt(
        nonce, data_key, wrap_aad(document_id, _address_bytes(reader))
    )
    return WrappedKey(ephemeral_public_key=ephemeral_public, nonce=nonce, ciphertext=ciphertext)


def unwrap_key(*, wrapped: WrappedKey, document_id: bytes, reader: ParticipantKey) -> bytes:
    """Recover the data key with the reader's private key; a forged or altered wrap raises."""
    try:
        shared = reader.ec_key().exchange(ec.ECDH(), ec_public_key(wrapped.ephemeral_public_key))
        return AESGCM(_kek(shared, wrapped.ephemeral_public_key, reader.public_key)).decrypt(
            wrapped.nonce,
            wrapped.ciphertext,
            wrap_aad(document_id, to_canonical_address(reader.address)),
        )
    except (InvalidTag, ValueError) as err:
        raise EvidenceTamperedError(
            f"the wrapped key for {reader.address} failed authentication"
        ) from err


def wrap_aad(document_id: bytes, reader_address: bytes) -> bytes:
    """Associated data of a key wrap: WRAP_LABEL ‖ documentId (32) ‖ reader address (20)."""
    return WRAP_LABEL + document_id + reader_address


def _kek(shared: bytes, ephemeral_public: bytes, reader_public: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_SIZE,
        salt=HKDF_SALT,
        info=WRAP_LABEL + ephemeral_public + reader_public,
    )
    return hkdf.derive(shared)


def _address_bytes(public_key: bytes) -> bytes:
    return keccak(public_key[1:])[12:]
