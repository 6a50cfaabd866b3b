"""Sealing and opening envelopes in memory: encryption, key wrapping and the access log.

The content is AES-256-GCM under a fresh 32-byte data key:

    payload    = salt (32) ‖ document
    ciphertext = AES-256-GCM(dataKey, nonce, payload, AAD=CONTENT_LABEL ‖ documentId)

Nothing here touches the disk; `ledger.evidence.vault` stores what these functions make.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger.domain.errors import EvidenceTamperedError, NotAuthorisedReaderError, ValidationError
from ledger.evidence.access_log import (
    AccessEntry,
    AccessState,
    Action,
    apply_entry,
    check_entry,
    sign_entry,
)
from ledger.evidence.commitment import SALT_SIZE, commitment_of, new_salt
from ledger.evidence.ecies import KEY_SIZE, NONCE_SIZE, unwrap_key, wrap_key
from ledger.evidence.envelope import Envelope
from ledger.evidence.keys import (
    ParticipantKey,
    PrivateKeyLike,
    PublicKeyLike,
    address_of,
    load_private_key,
    load_public_key,
)

CONTENT_LABEL = b"park-ledger/evidence/v1/content"


@dataclass(frozen=True)
class SealedDocument:
    """A freshly sealed document: what to store, and the commitment to put on chain."""

    envelope: Envelope
    ciphertext: bytes
    salt: bytes
    commitment: bytes

    @property
    def document_id(self) -> bytes:
        """The envelope's document id."""
        return self.envelope.document_id


@dataclass(frozen=True)
class OpenedDocument:
    """A decrypted document with the salt and commitment it was sealed with."""

    document_id: bytes
    document: bytes
    salt: bytes
    commitment: bytes


def seal(
    *,
    document: bytes,
    reader_public_keys: Iterable[PublicKeyLike],
    uploader_private_key: PrivateKeyLike,
    document_id: bytes | None = None,
    timestamp: int | None = None,
) -> SealedDocument:
    """Encrypt `document` for its initial (party) readers; the uploader signs each upload entry.

    The uploader keeps no key of its own unless its public key is among the readers.
    """
    uploader = load_private_key(uploader_private_key)
    readers = [load_public_key(k) for k in reader_public_keys]
    if not readers:
        raise ValidationError("an evidence document needs at least one reader")
    document_id = document_id or secrets.token_bytes(32)
    if len(document_id) != 32:
        raise ValidationError("a document id is 32 bytes")
    data_key, nonce, salt = (
        secrets.token_bytes(KEY_SIZE),
        secrets.token_bytes(NONCE_SIZE),
        new_salt(),
    )
    ciphertext = AESGCM(data_key).encrypt(nonce, salt + document, content_aad(document_id))
    envelope = Envelope(
        document_id=document_id,
        content_sha256=hashlib.sha256(ciphertext).digest(),
        content_size=len(ciphertext),
        content_nonce=nonce,
        readers={},
        log=(),
    )
    state, when = AccessState(), _now(timestamp)
    for public_key in readers:
        envelope, entry = _add_reader(
            envelope,
            state,
            uploader,
            "upload",
            data_key=data_key,
            reader_public_key=public_key,
            timestamp=when,
        )
        state = apply_entry(state, entry)
    return SealedDocument(
        envelope=envelope,
        ciphertext=ciphertext,
        salt=salt,
        commitment=commitment_of(document, salt),
    )


def open_sealed(
    *, envelope: Envelope, ciphertext: bytes, reader_private_key: PrivateKeyLike
) -> OpenedDocument:
    """Decrypt a document with a reader's key; all-or-nothing (never partial plaintext)."""
    reader = load_private_key(reader_private_key)
    data_key = unwrap_data_key(envelope=envelope, reader=reader)
    digest = hashlib.sha256(ciphertext).digest()
    if not hmac.compare_digest(digest, envelope.content_sha256):
        raise EvidenceTamperedError("the ciphertext does not match the envelope's sha256")
    try:
        payload = AESGCM(data_key).decrypt(
            envelope.content_nonce, ciphertext, content_aad(envelope.document_id)
        )
    except InvalidTag as err:
        raise EvidenceTamperedError("the ciphertext failed authentication") from err
    salt, document = payload[:SALT_SIZE], payload[SALT_SIZE:]
    return OpenedDocument(
        document_id=envelope.document_id,
        document=document,
        salt=salt,
        commitment=commitment_of(document, salt),
    )


def unwrap_data_key(*, envelope: Envelope, reader: ParticipantKey) -> bytes:
    """The document's data key, for a current reader of a consistent envelope."""
    envelope.access()
    return _unwrap(envelope, reader)


def _unwrap(envelope: Envelope, reader: ParticipantKey) -> bytes:
    wrapped = envelope.readers.get(reader.address)
    if wrapped is None:
        raise NotAuthorisedReaderError(f"{reader.address} is not a reader of this document")
    return unwrap_key(wrapped=wrapped, document_id=envelope.document_id, reader=reader)


def add_reader(
    *,
    envelope: Envelope,
    granter_private_key: PrivateKeyLike,
    reader_public_key: PublicKeyLike,
    timestamp: int | None = None,
) -> tuple[Envelope, AccessEntry]:
    """Re-wrap the data key for a new reader; the granter must be a current party reader."""
    granter = load_private_key(granter_private_key)
    state = envelope.access()
    reader = load_public_key(reader_public_key)
    check_entry(state, action="grant", actor=granter.address, reader=address_of(reader))
    data_key = _unwrap(envelope, granter)
    when = max(_now(timestamp), state.last_timestamp)
    return _add_reader(
        envelope,
        state,
        granter,
        "grant",
        data_key=data_key,
        reader_public_key=reader,
        timestamp=when,
    )


def remove_reader(
    *,
    envelope: Envelope,
    revoker_private_key: PrivateKeyLike,
    reader: str,
    timestamp: int | None = None,
) -> tuple[Envelope, AccessEntry]:
    """Drop a granted reader's wrapped key; the revoker must be a current party reader."""
    revoker = load_private_key(revoker_private_key)
    state = envelope.access()
    check_entry(state, action="revoke", actor=revoker.address, reader=reader)
    entry = sign_entry(
        key=revoker,
        action="revoke",
        document_id=envelope.document_id,
        content=envelope.content,
        reader=reader,
        wrap_hash=envelope.readers[reader].digest(),
        timestamp=max(_now(timestamp), state.last_timestamp),
    )
    readers = {a: w for a, w in envelope.readers.items() if a != reader}
    return replace(envelope, readers=readers, log=(*envelope.log, entry)), entry


def content_aad(document_id: bytes) -> bytes:
    """Associated data of the content: CONTENT_LABEL ‖ documentId (32)."""
    return CONTENT_LABEL + document_id


def _add_reader(
    envelope: Envelope,
    state: AccessState,
    actor: ParticipantKey,
    action: Action,
    *,
    data_key: bytes,
    reader_public_key: bytes,
    timestamp: int,
) -> tuple[Envelope, AccessEntry]:
    reader = address_of(reader_public_key)
    check_entry(state, action=action, actor=actor.address, reader=reader)
    wrapped = wrap_key(
        data_key=data_key, document_id=envelope.document_id, reader_public_key=reader_public_key
    )
    entry = sign_entry(
        key=actor,
        action=action,
        document_id=envelope.document_id,
        content=envelope.content,
        reader=reader,
        wrap_hash=wrapped.digest(),
        timestamp=timestamp,
    )
    return (
        replace(
            envelope, readers={**envelope.readers, reader: wrapped}, log=(*envelope.log, entry)
        ),
        entry,
    )


def _now(timestamp: int | None) -> int:
    return int(time.time()) if timestamp is None else timestamp
