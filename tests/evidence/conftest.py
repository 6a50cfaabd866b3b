"""Fixtures of the evidence-vault tests: fixed participant keys and a store in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.evidence import (
    AccessEntry,
    EvidenceStore,
    ParticipantKey,
    SealedDocument,
    grant,
    load_private_key,
    upload,
)

DOCUMENT = b"Design brief v3: the Nanshan lantern series, sketches and licence terms."
UPLOADED_AT = 1_700_000_000


def _key(n: int) -> ParticipantKey:
    return load_private_key(bytes([n]) * 32)


@pytest.fixture
def party_a() -> ParticipantKey:
    """First party of the agreement (the uploader)."""
    return _key(1)


@pytest.fixture
def party_b() -> ParticipantKey:
    """Second party."""
    return _key(2)


@pytest.fixture
def party_c() -> ParticipantKey:
    """Third party."""
    return _key(3)


@pytest.fixture
def auditor() -> ParticipantKey:
    """An auditor: no key until a party grants one."""
    return _key(4)


@pytest.fixture
def outsider() -> ParticipantKey:
    """Someone with no business reading the evidence."""
    return _key(5)


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    """An empty store in a fresh folder."""
    return EvidenceStore(tmp_path / "evidence")


@pytest.fixture
def sealed(
    store: EvidenceStore, party_a: ParticipantKey, party_b: ParticipantKey, party_c: ParticipantKey
) -> SealedDocument:
    """DOCUMENT uploaded by party A for parties A, B and C."""
    return upload(
        store=store,
        document=DOCUMENT,
        reader_public_keys=[party_a.public_key, party_b.public_key, party_c.public_key],
        uploader_private_key=party_a,
        timestamp=UPLOADED_AT,
    )


def grant_key(
    store: EvidenceStore, document_id: bytes, granter: ParticipantKey, reader: ParticipantKey
) -> AccessEntry:
    """Shorthand: `granter` grants `reader` a key to the document."""
    return grant(
        store=store,
        document_id=document_id,
        granter_private_key=granter,
        reader_public_key=reader.public_key,
    )
