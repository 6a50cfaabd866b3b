"""Participants' secp256k1 keys: parsing, public keys and Ethereum addresses.

A participant's Ethereum key is also its evidence decryption key, so everything here
follows Ethereum's conventions: 32-byte private scalars, uncompressed SEC1 public keys,
and the address as the last 20 bytes of keccak256 of the 64-byte public key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from eth_keys.datatypes import Signature
from eth_utils import keccak, to_checksum_address

from ledger.domain.errors import ValidationError

CURVE = ec.SECP256K1()
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
UNCOMPRESSED_SIZE = 65


@dataclass(frozen=True)
class ParticipantKey:
    """A participant's private key with its uncompressed public key and checksum address."""

    secret: bytes = field(repr=False)
    public_key: bytes
    address: str

    def ec_key(self) -> ec.EllipticCurvePrivateKey:
        """The key as a `cryptography` object (for ECDH)."""
        return ec.derive_private_key(int.from_bytes(self.secret, "big"), CURVE)


PrivateKeyLike = ParticipantKey | bytes | str
PublicKeyLike = bytes | str


def load_private_key(value: PrivateKeyLike) -> ParticipantKey:
    """Parse 32 raw bytes or their 0x-hex (an eth-account `LocalAccount.key` works too)."""
    if isinstance(value, ParticipantKey):
        return value
    raw = _raw_bytes(value, what="private key")
    scalar = int.from_bytes(raw, "big")
    if len(raw) != 32 or not 0 < scalar < SECP256K1_ORDER:
        raise ValidationError("private key must be a 32-byte secp256k1 scalar")
    point = ec.derive_private_key(scalar, CURVE).public_key()
    public = point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return ParticipantKey(secret=bytes(raw), public_key=public, address=address_of(public))


def load_public_key(value: PublicKeyLike) -> bytes:
    """Parse a public key (64 raw, 65 uncompressed or 33 compressed bytes, or their 0x-hex).

    Returns the 65-byte uncompressed SEC1 encoding (`0x04 ‖ X ‖ Y`) after checking that
    the point is on secp256k1.
    """
    raw = _raw_bytes(value, what="public key")
    if len(raw) == 64:
        raw = b"\x04" + raw
    try:
        point = ec.EllipticCurvePublicKey.from_encoded_point(CURVE, raw)
    except ValueError as err:
        raise ValidationError("public key is not a valid secp256k1 point") from err
    return point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def ec_public_key(value: PublicKeyLike) -> ec.EllipticCurvePublicKey:
    """The public key as a `cryptography` object (for ECDH)."""
    return ec.EllipticCurvePublicKey.from_encoded_point(CURVE, load_public_key(value))


def address_of(public_key: PublicKeyLike) -> str:
    """The checksum Ethereum address of a public key: keccak256(X ‖ Y)[12:]."""
    return to_checksum_address(keccak(load_public_key(public_key)[1:])[12:])


def public_key_from_signed_message(*, message: bytes, signature: bytes | str) -> bytes:
    """Recover the uncompressed public key that signed `message` with EIP-191 `personal_sign`.

    Lets a service learn a participant's encryption key from any message it signed
    (for example its sign-in message), without asking for the key separately.
    """
    digest = keccak(b"\x19Ethereum Signed Message:\n" + str(len(message)).encode() + message)
    return recover_public_key(digest=digest, signature=_raw_bytes(signature, what="signature"))


def recover_public_key(*, digest: bytes, signature: bytes) -> bytes:
    """The uncompressed public key whose `r ‖ s ‖ v` signature is over the 32-byte `digest`."""
    if len(signature) != 65:
        raise ValidationError("signature must be 65 bytes (r ‖ s ‖ v)")
    v = signature[64] - 27 if signature[64] >= 27 else signature[64]
    try:
        recovered = Signature(signature[:64] + bytes([v])).recover_public_key_from_msg_hash(digest)
    except Exception as err:  # eth-keys raises several unrelated types for bad signatures
        raise ValidationError("signature does not recover to a public key") from err
    return b"\x04" + recovered.to_bytes()


def _raw_bytes(value: bytes | str, *, what: str) -> bytes:
    if isinstance(value, bytes):
        return bytes(value)
    text = value[2:] if value.startswith(("0x", "0X")) else value
    try:
        return bytes.fromhex(text)
    except ValueError as err:
        raise ValidationError(f"{what} is not valid hex") from err
