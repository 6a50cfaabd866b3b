"""Altered ciphertexts, wrapped keys and envelope metadata are rejected, never half-decrypted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ledger.domain.errors import EvidenceTamperedError, NotFoundError
from ledger.evidence import EvidenceStore, ParticipantKey, SealedDocument, read
from ledger.evidence.access_log import sign_entry
from ledger.evidence.ecies import unwrap_key, wrap_key
from tests.evidence.conftest import grant_key


def _envelope_path(store: EvidenceStore, sealed: SealedDocument) -> Path:
    return store.envelopes / f"0x{sealed.document_id.hex()}.json"


def _edit_envelope(
    store: EvidenceStore, sealed: SealedDocument, edit: Callable[[dict[str, Any]], None]
) -> None:
    path = _envelope_path(store, sealed)
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def _flip(hex_value: str, index: int = -1) -> str:
    raw = bytearray.fromhex(hex_value[2:])
    raw[index] ^= 0x01
    return "0x" + raw.hex()


def test_read_fails_tampered_when_ciphertext_file_altered(
    store: EvidenceStore, sealed: SealedDocument, party_a: ParticipantKey
) -> None:
    blob = store.objects / sealed.envelope.content_sha256.hex()
    altered = bytearray(blob.read_bytes())
    altered[0] ^= 0x01  # a flipped bit always alters it (writing 0x00 did not when it was 0x00)
    blob.write_bytes(bytes(altered))
    with pytest.raises(EvidenceTamperedError, match="altered"):
        read(store=store, document_id=sealed.document_id, reader_private_key=party_a)


def test_read_fails_tampered_when_ciphertext_and_its_address_both_replaced(
    store: EvidenceStore, sealed: SealedDocument, party_a: ParticipantKey
) -> None:
    forged = bytearray(sealed.ciphertext)
    forged[40] ^= 0xFF
    digest = store.put_ciphertext(bytes(forged))

    def point_at_forgery(data: dict[str, Any]) -> None:
        data["content"]["sha256"] = "0x" + digest.hex()

    _edit_envelope(store, sealed, point_at_forgery)
    with pytest.raises(EvidenceTamperedError, match="content or readers it signs were changed"):
        read(store=store, document_id=sealed.document_id, reader_private_key=party_a)


def test_read_fails_not_found_when_ciphertext_file_missing(
    store: EvidenceStore, sealed: SealedDocument, party_a: ParticipantKey
) -> None:
    (store.objects / sealed.envelope.content_sha256.hex()).unlink()
    with pytest.raises(NotFoundError):
        read(store=store, document_id=sealed.document_id, reader_private_key=party_a)


def test_read_fails_tampered_when_content_nonce_changed(
    store: EvidenceStore, sealed: SealedDocument, party_b: ParticipantKey
) -> None:
    def change_nonce(data: dict[str, Any]) -> None:
        data["content"]["nonce"] = _flip(data["content"]["nonce"])

    _edit_envelope(store, sealed, change_nonce)
    with pytest.raises(EvidenceTamperedError, match="content or readers it signs were changed"):
        read(store=store, document_id=sealed.document_id, reader_private_key=party_b)


def test_read_fails_tampered_when_wrapped_key_altered(
    store: EvidenceStore, sealed: SealedDocument, party_b: ParticipantKey
) -> None:
    def alter_wrap(data: dict[str, Any]) -> None:
        wrap = data["readers"][party_b.address]
        wrap["wrappedKey"] = _flip(wrap["wrappedKey"], 3)

    _edit_envelope(store, sealed, alter_wrap)
    with pytest.raises(EvidenceTamperedError, match="not the one its grant signed"):
        read(store=store, document_id=sealed.document_id, reader_private_key=party_b)


@pytest.mark.parametrize("field", ["ciphertext", "nonce", "ephemeral_public_key"])
def test_unwrap_fails_tampered_when_any_wrap_field_altered(
    field: str, party_b: ParticipantKey
) -> None:
    doc_id, data_key = b"\x11" * 32, b"\x22" * 32
    wrapped = wrap_key(data_key=data_key, document_id=doc_id, reader_public_key=party_b.public_key)
    assert unwrap_key(wrapped=wrapped, document_id=doc_id, reader=party_b) == data_key
    other = wrap_key(data_key=data_key, document_id=doc_id, reader_public_key=party_b.public_key)
    altered = type(wrapped)(**{**wrapped.__dict__, field: getattr(other, field)})
    with pytest.raises(EvidenceTamperedError):
        unwrap_key(wrapped=altered, document_id=doc_id, reader=party_b)


def test_unwrap_fails_tampered_when_wrap_moved_to_another_document_or_reader(
    party_b: ParticipantKey, party_c: ParticipantKey
) -> None:
    doc_id = b"\x11" * 32
    wrapped = wrap_key(data_key=b"k" * 32, document_id=doc_id, reader_public_key=party_b.public_key)
    with pytest.raises(EvidenceTamperedError):
        unwrap_key(wrapped=wrapped, document_id=b"\x12" * 32, reader=party_b)
    with pytest.raises(EvidenceTamperedError):  # the wrong key for this wrap
        unwrap_key(wrapped=wrapped, document_id=doc_id, reader=party_c)


Edit = Callable[[dict[str, Any], ParticipantKey, ParticipantKey], None]


def _setter(path: tuple[str | int, ...], value: Any) -> Edit:
    """Set `path` to `value`; the strings "{a}", "{b}", "{a_lower}" stand for party addresses."""

    def edit(data: dict[str, Any], a: ParticipantKey, b: ParticipantKey) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        names = {"a": a.address, "b": b.address, "a_lower": a.address.lower()}
        target[path[-1]] = value.format(**names) if isinstance(value, str) else value

    return edit


def _drop_reader_b(data: dict[str, Any], a: ParticipantKey, b: ParticipantKey) -> None:
    del data["readers"][b.address]


def _swap_wraps(data: dict[str, Any], a: ParticipantKey, b: ParticipantKey) -> None:
    readers = data["readers"]
    readers[a.address], readers[b.address] = readers[b.address], readers[a.address]


METADATA_EDITS: dict[str, Edit] = {
    "version": _setter(("version",), 1),
    "algorithm": _setter(("algorithms", "content"), "AES-128-GCM"),
    "unknown field": _setter(("note",), "hello"),
    "document id": _setter(("documentId",), "0x" + "ab" * 32),
    "reader dropped": _drop_reader_b,
    "wraps swapped": _swap_wraps,
    "log signature": _setter(("log", 1, "signature"), "0x" + "00" * 65),
    "log actor": _setter(("log", 1, "actor"), "{b}"),
    "log timestamp": _setter(("log", 2, "timestamp"), 1),
    "log reader": _setter(("log", 0, "reader"), "0x" + "00" * 20),
    "lower-case address": _setter(("log", 0, "actor"), "{a_lower}"),
    "log emptied": _setter(("log",), []),
    "content size": _setter(("content", "size"), "big"),
}


@pytest.mark.parametrize("edit_name", sorted(METADATA_EDITS))
def test_read_fails_tampered_when_envelope_metadata_altered(
    edit_name: str,
    store: EvidenceStore,
    sealed: SealedDocument,
    party_a: ParticipantKey,
    party_b: ParticipantKey,
) -> None:
    _edit_envelope(store, sealed, lambda data: METADATA_EDITS[edit_name](data, party_a, party_b))
    with pytest.raises(EvidenceTamperedError):
        read(store=store, document_id=sealed.document_id, reader_private_key=party_a)


def test_read_fails_tampered_when_envelope_is_not_json(
    store: EvidenceStore, sealed: SealedDocument, party_a: ParticipantKey
) -> None:
    _envelope_path(store, sealed).write_bytes(b"\xff{not json")
    with pytest.raises(EvidenceTamperedError, match="not JSON"):
        read(store=store, document_id=sealed.document_id, reader_private_key=party_a)


def test_read_fails_tampered_when_a_grant_entry_is_deleted(
    store: EvidenceStore, sealed: SealedDocument, party_a: ParticipantKey, auditor: ParticipantKey
) -> None:
    grant_key(store, sealed.document_id, party_a, auditor)

    def hide_grant(data: dict[str, Any]) -> None:
        data["log"].pop()

    _edit_envelope(store, sealed, hide_grant)
    with pytest.raises(EvidenceTamperedError, match="readers differ"):
        read(store=store, document_id=sealed.document_id, reader_private_key=auditor)


def test_read_fails_tampered_when_outsider_forges_a_grant_to_itself(
    store: EvidenceStore, sealed: SealedDocument, party_a: ParticipantKey, outsider: ParticipantKey
) -> None:
    # The outsider cannot learn the data key, so it wraps a key of its own choosing and signs
    # the grant itself: the log rules refuse it before any decryption is attempted.
    wrapped = wrap_key(
        data_key=b"\x00" * 32, document_id=sealed.document_id, reader_public_key=outsider.public_key
    )
    entry = sign_entry(
        key=outsider,
        action="grant",
        document_id=sealed.document_id,
        content=sealed.envelope.content,
        reader=outsider.address,
        wrap_hash=wrapped.digest(),
        timestamp=2_000_000_000,
    )

    def forge(data: dict[str, Any]) -> None:
        data["readers"][outsider.address] = {
            "ephemeralPublicKey": "0x" + wrapped.ephemeral_public_key.hex(),
            "nonce": "0x" + wrapped.nonce.hex(),
            "wrappedKey": "0x" + wrapped.ciphertext.hex(),
        }
        data["log"].append(entry.to_json())

    _edit_envelope(store, sealed, forge)
    with pytest.raises(EvidenceTamperedError, match="breaks the rules"):
        read(store=store, document_id=sealed.document_id, reader_private_key=outsider)
