"""The evidence vault's service functions: upload, read, grant and revoke against a store.

CLI- and API-ready: keyword-only arguments, ids as bytes or 0x-hex, typed errors
(`NotFoundError`, `NotAuthorisedReaderError`, `EvidenceTamperedError`, `EvidenceError`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Iterable
from typing import Any

from ledger.domain.errors import (
    EvidenceError,
    EvidenceTamperedError,
    NotAuthorisedReaderError,
    ValidationError,
)
from ledger.evidence.access_log import AccessEntry
from ledger.evidence.codec import parse_address, parse_bytes32, to_hex
from ledger.evidence.envelope import Envelope
from ledger.evidence.keys import PrivateKeyLike, PublicKeyLike
from ledger.evidence.sealing import (
    OpenedDocument,
    SealedDocument,
    add_reader,
    open_sealed,
    remove_reader,
    seal,
)
from ledger.evidence.store import EvidenceStore

DocumentIdLike = bytes | str


def upload(
    *,
    store: EvidenceStore,
    document: bytes,
    reader_public_keys: Iterable[PublicKeyLike],
    uploader_private_key: PrivateKeyLike,
    document_id: DocumentIdLike | None = None,
    timestamp: int | None = None,
) -> SealedDocument:
    """Seal a document for its parties and store it; put `.commitment` on chain."""
    sealed = seal(
        document=document,
        reader_public_keys=reader_public_keys,
        uploader_private_key=uploader_private_key,
        document_id=None if document_id is None else _document_id(document_id),
        timestamp=timestamp,
    )
    with store.locked(sealed.document_id):
        store.put_ciphertext(sealed.ciphertext)
        store.save_envelope(sealed.envelope, new=True)
    return sealed


def store_sealed(
    *,
    store: EvidenceStore,
    envelope_json: Any,
    ciphertext: bytes,
    uploader: str,
    parties: Collection[str] | None = None,
) -> Envelope:
    """Store a document its uploader sealed locally (the server never sees the plaintext).

    The envelope's access log must replay (every entry signed) with `uploader` as its uploader,
    its initial readers must be among `parties` (the agreement's, when given), and the
    ciphertext must hash to the envelope's content digest; otherwise nothing is stored.
    """
    # NOTE: every check that costs no signature recovery comes first (limits, an existing id,
    # who the upload entries name), so a refused upload costs microseconds, not seconds.
    sealed = Envelope.parse(envelope_json, limits=store.limits)
    uploader = parse_address(uploader, what="uploader")
    if store.has_envelope(sealed.document_id):
        raise EvidenceError(f"evidence document {to_hex(sealed.document_id)} exists")
    uploads = [entry for entry in sealed.log if entry.action == "upload"]
    if any(entry.actor != uploader for entry in uploads):
        raise NotAuthorisedReaderError(
            f"the envelope's upload entries are not signed by {uploader}"
        )
    outsiders = sorted({entry.reader for entry in uploads} - set(parties or ()))
    if parties is not None and outsiders:
        raise ValidationError(f"initial readers {outsiders} are not parties of the agreement")
    if not hmac.compare_digest(hashlib.sha256(ciphertext).digest(), sealed.content_sha256):
        raise EvidenceTamperedError("the ciphertext does not match the envelope's sha256")
    sealed.access()
    with store.locked(sealed.document_id):
        store.put_ciphertext(ciphertext)
        store.save_envelope(sealed, new=True)
    return sealed


def envelope(*, store: EvidenceStore, document_id: DocumentIdLike) -> Envelope:
    """The stored, checked envelope of a document (metadata only, no secret)."""
    return store.load_envelope(_document_id(document_id))


def read(
    *, store: EvidenceStore, document_id: DocumentIdLike, reader_private_key: PrivateKeyLike
) -> OpenedDocument:
    """Decrypt a stored document with a reader's key."""
    stored = envelope(store=store, document_id=document_id)
    return open_sealed(
        envelope=stored,
        ciphertext=store.get_ciphertext(stored.content_sha256),
        reader_private_key=reader_private_key,
    )


def grant(
    *,
    store: EvidenceStore,
    document_id: DocumentIdLike,
    granter_private_key: PrivateKeyLike,
    reader_public_key: PublicKeyLike,
    timestamp: int | None = None,
) -> AccessEntry:
    """Give a new reader (e.g. an auditor) a key; returns the signed, recorded grant."""
    doc_id = _document_id(document_id)
    with store.locked(doc_id):
        updated, entry = add_reader(
            envelope=store.load_envelope(doc_id),
            granter_private_key=granter_private_key,
            reader_public_key=reader_public_key,
            timestamp=timestamp,
        )
        store.save_envelope(updated)
    return entry


def revoke(
    *,
    store: EvidenceStore,
    document_id: DocumentIdLike,
    revoker_private_key: PrivateKeyLike,
    reader: str,
    timestamp: int | None = None,
) -> AccessEntry:
    """Remove a granted reader's key from the stored envelope; returns the signed revocation.

    A reader who already decrypted the document (or kept its data key) keeps what it read.
    """
    doc_id = _document_id(document_id)
    with store.locked(doc_id):
        updated, entry = remove_reader(
            envelope=store.load_envelope(doc_id),
            revoker_private_key=revoker_private_key,
            reader=parse_address(reader, what="reader"),
            timestamp=timestamp,
        )
        store.save_envelope(updated)
    return entry


def _document_id(value: DocumentIdLike) -> bytes:
    return parse_bytes32(value, what="document id")
