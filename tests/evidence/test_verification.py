"""Commitments: the formula, single-document verification and the auditor's batch check."""

from __future__ import annotations

from functools import partial

import pytest
from Crypto.Hash import keccak
from eth_abi import encode

from ledger.domain.errors import NotAuthorisedReaderError, ValidationError
from ledger.evidence import (
    EvidenceStore,
    ParticipantKey,
    SealedDocument,
    audit_evidence,
    commitment_of,
    matches_commitment,
    upload,
    verify,
)
from tests.evidence.conftest import DOCUMENT, grant_key


def _keccak(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def test_commitment_equals_abi_encoded_formula_when_computed_independently() -> None:
    salt = bytes(range(32))
    expected = _keccak(encode(["bytes32", "bytes32"], [salt, _keccak(DOCUMENT)]))
    assert commitment_of(DOCUMENT, salt) == expected
    assert commitment_of(b"", b"\x00" * 32) == _keccak(b"\x00" * 32 + _keccak(b""))


def test_commitment_differs_when_salt_or_document_differs() -> None:
    salt = b"\x01" * 32
    assert commitment_of(DOCUMENT, salt) != commitment_of(DOCUMENT, b"\x02" * 32)
    assert commitment_of(DOCUMENT, salt) != commitment_of(DOCUMENT + b".", salt)


def test_commitment_fails_validation_when_salt_is_not_32_bytes() -> None:
    with pytest.raises(ValidationError):
        commitment_of(DOCUMENT, b"short")


def test_matches_commitment_passes_only_when_salt_and_document_match(
    sealed: SealedDocument,
) -> None:
    assert matches_commitment(document=DOCUMENT, salt=sealed.salt, commitment=sealed.commitment)
    assert not matches_commitment(
        document=DOCUMENT + b"!", salt=sealed.salt, commitment=sealed.commitment
    )
    assert not matches_commitment(
        document=DOCUMENT, salt=b"\x00" * 32, commitment=sealed.commitment
    )


def test_verify_passes_when_document_matches_onchain_commitment(
    store: EvidenceStore, sealed: SealedDocument, party_c: ParticipantKey
) -> None:
    check = partial(verify, store=store, document_id=sealed.document_id, reader_private_key=party_c)
    assert check(commitment=sealed.commitment)
    assert check(commitment="0x" + sealed.commitment.hex(), document=DOCUMENT)


def test_verify_fails_when_document_or_commitment_differs(
    store: EvidenceStore, sealed: SealedDocument, party_c: ParticipantKey
) -> None:
    check = partial(verify, store=store, document_id=sealed.document_id, reader_private_key=party_c)
    assert not check(commitment=sealed.commitment, document=b"another document")
    assert not check(commitment=b"\x00" * 32)


def test_verify_fails_not_authorised_when_key_cannot_read(
    store: EvidenceStore, sealed: SealedDocument, auditor: ParticipantKey
) -> None:
    with pytest.raises(NotAuthorisedReaderError):
        verify(
            store=store,
            document_id=sealed.document_id,
            commitment=sealed.commitment,
            reader_private_key=auditor,
        )


def test_audit_evidence_reports_each_outcome_when_documents_differ(
    store: EvidenceStore,
    sealed: SealedDocument,
    party_a: ParticipantKey,
    auditor: ParticipantKey,
) -> None:
    granted = upload(
        store=store,
        document=b"granted evidence",
        reader_public_keys=[party_a.public_key],
        uploader_private_key=party_a,
    )
    other = upload(
        store=store,
        document=b"second granted evidence",
        reader_public_keys=[party_a.public_key],
        uploader_private_key=party_a,
    )
    for doc in (granted, other):
        grant_key(store, doc.document_id, party_a, auditor)
    blob = store.objects / other.envelope.content_sha256.hex()
    blob.write_bytes(blob.read_bytes()[::-1])

    checks = audit_evidence(
        store=store,
        auditor_private_key=auditor,
        documents=[
            (granted.document_id, granted.commitment),
            ("0x" + granted.document_id.hex(), "0x" + sealed.commitment.hex()),
            (sealed.document_id, sealed.commitment),
            (b"\x09" * 32, sealed.commitment),
            (other.document_id, other.commitment),
        ],
    )

    assert [c.outcome for c in checks] == [
        "pass",
        "commitment-mismatch",
        "not-authorised",
        "not-found",
        "tampered",
    ]
    assert [c.passed for c in checks] == [True, False, False, False, False]
    report = checks[0].to_json()
    assert report["documentId"] == "0x" + granted.document_id.hex()
    assert report["passed"] is True
    assert checks[3].detail.startswith("no evidence document")
