"""Upload, read, grant and revoke through the store-backed service functions."""

from __future__ import annotations

import pytest

from ledger.domain.errors import (
    EvidenceError,
    NotAuthorisedReaderError,
    NotFoundError,
    ValidationError,
)
from ledger.evidence import (
    EvidenceStore,
    ParticipantKey,
    SealedDocument,
    envelope,
    grant,
    read,
    revoke,
    upload,
)
from tests.evidence.conftest import DOCUMENT, UPLOADED_AT, grant_key


def test_read_returns_document_when_each_party_decrypts(
    store: EvidenceStore,
    sealed: SealedDocument,
    party_a: ParticipantKey,
    party_b: ParticipantKey,
    party_c: ParticipantKey,
) -> None:
    for party in (party_a, party_b, party_c):
        opened = read(store=store, document_id=sealed.document_id, reader_private_key=party)
        assert opened.document == DOCUMENT
        assert opened.salt == sealed.salt
        assert opened.commitment == sealed.commitment


def test_read_accepts_hex_ids_and_keys_when_given_as_strings(
    store: EvidenceStore, sealed: SealedDocument, party_b: ParticipantKey
) -> None:
    opened = read(
        store=store,
        document_id="0x" + sealed.document_id.hex(),
        reader_private_key="0x" + party_b.secret.hex(),
    )
    assert opened.document == DOCUMENT


def test_upload_stores_only_ciphertext_when_sealing(
    store: EvidenceStore, sealed: SealedDocument
) -> None:
    blob = (store.objects / sealed.envelope.content_sha256.hex()).read_bytes()
    assert blob == sealed.ciphertext
    assert DOCUMENT not in blob
    envelope_text = (store.envelopes / f"0x{sealed.document_id.hex()}.json").read_bytes()
    assert DOCUMENT not in envelope_text
    assert sealed.salt.hex() not in envelope_text.decode()


def test_upload_uses_given_id_and_rejects_it_when_it_exists(
    store: EvidenceStore, party_a: ParticipantKey
) -> None:
    doc_id = bytes(range(32))
    sealed = upload(
        store=store,
        document=b"one",
        reader_public_keys=[party_a.public_key],
        uploader_private_key=party_a,
        document_id="0x" + doc_id.hex(),
    )
    assert sealed.document_id == doc_id
    with pytest.raises(EvidenceError, match="exists"):
        upload(
            store=store,
            document=b"two",
            reader_public_keys=[party_a.public_key],
            uploader_private_key=party_a,
            document_id=doc_id,
        )
    assert read(store=store, document_id=doc_id, reader_private_key=party_a).document == b"one"


def test_upload_fails_when_no_reader_or_a_reader_twice(
    store: EvidenceStore, party_a: ParticipantKey
) -> None:
    with pytest.raises(ValidationError):
        upload(store=store, document=b"x", reader_public_keys=[], uploader_private_key=party_a)
    with pytest.raises(EvidenceError, match="twice"):
        upload(
            store=store,
            document=b"x",
            reader_public_keys=[party_a.public_key, party_a.public_key],
            uploader_private_key=party_a,
        )
    assert store.document_ids() == []


def test_read_fails_not_authorised_when_key_is_not_a_reader(
    store: EvidenceStore, sealed: SealedDocument, outsider: ParticipantKey
) -> None:
    with pytest.raises(NotAuthorisedReaderError):
        read(store=store, document_id=sealed.document_id, reader_private_key=outsider)


def test_read_fails_not_found_when_document_unknown(
    store: EvidenceStore, party_a: ParticipantKey
) -> None:
    with pytest.raises(NotFoundError):
        read(store=store, document_id=b"\x07" * 32, reader_private_key=party_a)


def test_read_fails_validation_when_id_is_malformed(
    store: EvidenceStore, party_a: ParticipantKey
) -> None:
    with pytest.raises(ValidationError):
        read(store=store, document_id="0x1234", reader_private_key=party_a)


def test_grant_lets_auditor_decrypt_when_a_party_grants(
    store: EvidenceStore, sealed: SealedDocument, party_b: ParticipantKey, auditor: ParticipantKey
) -> None:
    with pytest.raises(NotAuthorisedReaderError):
        read(store=store, document_id=sealed.document_id, reader_private_key=auditor)

    entry = grant(
        store=store,
        document_id=sealed.document_id,
        granter_private_key=party_b,
        reader_public_key=auditor.public_key,
        timestamp=UPLOADED_AT + 60,
    )

    assert (entry.action, entry.actor, entry.reader) == ("grant", party_b.address, auditor.address)
    assert entry.signer() == party_b.address
    assert envelope(store=store, document_id=sealed.document_id).log[-1] == entry
    opened = read(store=store, document_id=sealed.document_id, reader_private_key=auditor)
    assert opened.document == DOCUMENT


def test_grant_fails_not_authorised_when_granter_is_not_a_party(
    store: EvidenceStore,
    sealed: SealedDocument,
    party_a: ParticipantKey,
    auditor: ParticipantKey,
    outsider: ParticipantKey,
) -> None:
    with pytest.raises(NotAuthorisedReaderError):
        grant_key(store, sealed.document_id, outsider, outsider)
    grant_key(store, sealed.document_id, party_a, auditor)
    with pytest.raises(NotAuthorisedReaderError):  # a granted reader cannot re-delegate
        grant_key(store, sealed.document_id, auditor, outsider)


def test_grant_fails_when_reader_already_has_a_key(
    store: EvidenceStore, sealed: SealedDocument, party_a: ParticipantKey, party_b: ParticipantKey
) -> None:
    with pytest.raises(EvidenceError, match="already a reader"):
        grant_key(store, sealed.document_id, party_a, party_b)


def test_revoke_stops_future_reads_when_a_party_revokes(
    store: EvidenceStore,
    sealed: SealedDocument,
    party_a: ParticipantKey,
    party_c: ParticipantKey,
    auditor: ParticipantKey,
) -> None:
    doc_id = sealed.document_id
    grant_key(store, doc_id, party_a, auditor)
    entry = revoke(
        store=store,
        document_id=doc_id,
        revoker_private_key=party_c,
        reader=auditor.address.lower(),
    )

    assert (entry.action, entry.actor, entry.reader) == ("revoke", party_c.address, auditor.address)
    stored = envelope(store=store, document_id=doc_id)
    assert auditor.address not in stored.readers
    assert [e.action for e in stored.log] == ["upload"] * 3 + ["grant", "revoke"]
    with pytest.raises(NotAuthorisedReaderError):
        read(store=store, document_id=doc_id, reader_private_key=auditor)
    with pytest.raises(NotAuthorisedReaderError):  # nor can it grant itself back
        grant_key(store, doc_id, auditor, auditor)
    grant(  # a party may grant again later
        store=store,
        document_id=doc_id,
        granter_private_key=party_a,
        reader_public_key=auditor.public_key,
    )
    assert read(store=store, document_id=doc_id, reader_private_key=auditor).document == DOCUMENT


def test_revoke_fails_when_target_is_a_party_or_no_reader(
    store: EvidenceStore,
    sealed: SealedDocument,
    party_a: ParticipantKey,
    party_b: ParticipantKey,
    outsider: ParticipantKey,
) -> None:
    with pytest.raises(EvidenceError, match="party reader"):
        revoke(
            store=store,
            document_id=sealed.document_id,
            revoker_private_key=party_a,
            reader=party_b.address,
        )
    with pytest.raises(EvidenceError, match="not a reader"):
        revoke(
            store=store,
            document_id=sealed.document_id,
            revoker_private_key=party_a,
            reader=outsider.address,
        )
    with pytest.raises(NotAuthorisedReaderError):
        revoke(
            store=store,
            document_id=sealed.document_id,
            revoker_private_key=outsider,
            reader=outsider.address,
        )


def test_uploader_cannot_read_when_not_among_readers(
    store: EvidenceStore, party_a: ParticipantKey, party_b: ParticipantKey
) -> None:
    sealed = upload(
        store=store,
        document=DOCUMENT,
        reader_public_keys=[party_b.public_key],
        uploader_private_key=party_a,
    )
    with pytest.raises(NotAuthorisedReaderError):
        read(store=store, document_id=sealed.document_id, reader_private_key=party_a)
    assert read(store=store, document_id=sealed.document_id, reader_private_key=party_b).document
