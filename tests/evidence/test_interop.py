"""An independent reader written from docs/evidence.md alone, with primitives only.

It reads the stored JSON and ciphertext from disk and uses `cryptography` (ECDH, HKDF,
AES-GCM), pycryptodome's keccak and eth-keys' raw ECDSA recovery — none of
`ledger.evidence` — so that a divergence between the code and the document fails here.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from Crypto.Hash import keccak
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from eth_keys.datatypes import Signature

from ledger.evidence import EvidenceStore, ParticipantKey, SealedDocument
from tests.evidence.conftest import DOCUMENT, grant_key


def _keccak(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def _hex(value: str) -> bytes:
    assert value.startswith("0x")
    return bytes.fromhex(value[2:])


def _independent_open(envelope: dict[str, Any], ciphertext: bytes, secret: bytes) -> bytes:
    """Decrypt per the spec: ECIES unwrap of the data key, then the content."""
    curve = ec.SECP256K1()
    private = ec.derive_private_key(int.from_bytes(secret, "big"), curve)
    reader_public = private.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    address = _keccak(reader_public[1:])[12:]
    checksum_key = next(a for a in envelope["readers"] if _hex(a) == address)
    wrap = envelope["readers"][checksum_key]
    document_id = _hex(envelope["documentId"])

    ephemeral = _hex(wrap["ephemeralPublicKey"])
    shared = private.exchange(
        ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(curve, ephemeral)
    )
    kek = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"park-ledger/evidence/v1/ecies",
        info=b"park-ledger/evidence/v1/wrap" + ephemeral + reader_public,
    ).derive(shared)
    data_key = AESGCM(kek).decrypt(
        _hex(wrap["nonce"]),
        _hex(wrap["wrappedKey"]),
        b"park-ledger/evidence/v1/wrap" + document_id + address,
    )

    assert hashlib.sha256(ciphertext).digest() == _hex(envelope["content"]["sha256"])
    assert len(ciphertext) == envelope["content"]["size"]
    return AESGCM(data_key).decrypt(
        _hex(envelope["content"]["nonce"]),
        ciphertext,
        b"park-ledger/evidence/v1/content" + document_id,
    )


def _independent_signer(envelope: dict[str, Any], entry: dict[str, Any]) -> bytes:
    """Recover the address that signed an access-log entry, per the EIP-712 definition."""
    type_hash = _keccak(
        b"EvidenceAccess(string action,bytes32 documentId,bytes32 contentSha256,"
        b"uint64 contentSize,bytes12 contentNonce,address actor,address reader,"
        b"bytes32 wrapHash,uint64 timestamp)"
    )
    content = envelope["content"]
    struct_hash = _keccak(
        type_hash
        + _keccak(entry["action"].encode())
        + _hex(envelope["documentId"])
        + _hex(content["sha256"])
        + content["size"].to_bytes(32, "big")
        + _hex(content["nonce"]).ljust(32, b"\x00")
        + _hex(entry["actor"]).rjust(32, b"\x00")
        + _hex(entry["reader"]).rjust(32, b"\x00")
        + _hex(entry["wrapHash"])
        + entry["timestamp"].to_bytes(32, "big")
    )
    domain = _keccak(
        _keccak(b"EIP712Domain(string name,string version)")
        + _keccak(b"Park Ledger Evidence")
        + _keccak(b"2")
    )
    digest = _keccak(b"\x19\x01" + domain + struct_hash)
    signature = _hex(entry["signature"])
    public = Signature(
        signature[:64] + bytes([signature[64] - 27])
    ).recover_public_key_from_msg_hash(digest)
    return _keccak(public.to_bytes())[12:]


@pytest.fixture
def stored(
    store: EvidenceStore, sealed: SealedDocument, party_b: ParticipantKey, auditor: ParticipantKey
) -> dict[str, Any]:
    """The envelope JSON as read from disk, after party B granted the auditor a key."""
    grant_key(store, sealed.document_id, party_b, auditor)
    path = store.envelopes / f"0x{sealed.document_id.hex()}.json"
    return dict(json.loads(path.read_text()))


def test_independent_reader_decrypts_when_following_the_spec(
    store: EvidenceStore,
    sealed: SealedDocument,
    stored: dict[str, Any],
    party_b: ParticipantKey,
    auditor: ParticipantKey,
) -> None:
    ciphertext = (store.objects / stored["content"]["sha256"][2:]).read_bytes()
    for key in (party_b, auditor):
        payload = _independent_open(stored, ciphertext, key.secret)
        salt, document = payload[:32], payload[32:]
        assert document == DOCUMENT
        assert _keccak(salt + _keccak(document)) == sealed.commitment


def test_independent_check_recovers_every_log_signer_when_following_the_spec(
    stored: dict[str, Any], party_a: ParticipantKey, party_b: ParticipantKey
) -> None:
    signers = [_independent_signer(stored, e) for e in stored["log"]]
    assert signers == [_hex(e["actor"]) for e in stored["log"]]
    assert signers[0] == _hex(party_a.address)
    assert signers[-1] == _hex(party_b.address)
    for entry in stored["log"]:
        wrap = stored["readers"][entry["reader"]]
        wrap_bytes = (
            _hex(wrap["ephemeralPublicKey"]) + _hex(wrap["nonce"]) + _hex(wrap["wrappedKey"])
        )
        assert _keccak(wrap_bytes) == _hex(entry["wrapHash"])
