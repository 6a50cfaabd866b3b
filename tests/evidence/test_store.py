"""The on-disk store: content addressing, atomic files and listing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ledger.domain.errors import EvidenceTamperedError, NotFoundError
from ledger.evidence import EvidenceStore, SealedDocument
from ledger.infra.config import LedgerSettings


def test_put_ciphertext_addresses_by_sha256_when_stored_twice(store: EvidenceStore) -> None:
    digest = store.put_ciphertext(b"ciphertext")
    assert digest == hashlib.sha256(b"ciphertext").digest()
    assert store.put_ciphertext(b"ciphertext") == digest
    assert store.get_ciphertext(digest) == b"ciphertext"
    assert [p.name for p in store.objects.iterdir()] == [digest.hex()]


def test_get_ciphertext_fails_when_missing_or_altered(store: EvidenceStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_ciphertext(b"\x00" * 32)
    digest = store.put_ciphertext(b"ciphertext")
    (store.objects / digest.hex()).write_bytes(b"Ciphertext")
    with pytest.raises(EvidenceTamperedError):
        store.get_ciphertext(digest)


def test_store_leaves_no_temporary_files_when_writes_complete(
    store: EvidenceStore, sealed: SealedDocument
) -> None:
    files = sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*"))
    doc = "0x" + sealed.document_id.hex()
    assert files == [
        "envelopes",
        f"envelopes/{doc}.json",
        "locks",
        f"locks/{doc}.lock",
        "objects",
        f"objects/{sealed.envelope.content_sha256.hex()}",
    ]
    assert store.document_ids() == [sealed.document_id]
    assert store.load_envelope(sealed.document_id) == sealed.envelope


def test_default_store_lives_in_data_dir_when_settings_given(tmp_path: Path) -> None:
    settings = LedgerSettings(data_dir=tmp_path)
    assert EvidenceStore.default(settings).root == tmp_path / "evidence"
