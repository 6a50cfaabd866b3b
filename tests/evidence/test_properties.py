"""Property: any document round-trips through seal/open for every reader."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.evidence import commitment_of, load_private_key, open_sealed, seal

KEYS = [load_private_key(bytes([n]) * 32) for n in (11, 12, 13)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.binary(max_size=4096), readers=st.integers(min_value=1, max_value=3))
def test_open_returns_document_when_sealed_for_random_bytes(document: bytes, readers: int) -> None:
    sealed = seal(
        document=document,
        reader_public_keys=[k.public_key for k in KEYS[:readers]],
        uploader_private_key=KEYS[0],
        timestamp=1,
    )
    assert len(sealed.ciphertext) == 32 + len(document) + 16
    for key in KEYS[:readers]:
        opened = open_sealed(
            envelope=sealed.envelope, ciphertext=sealed.ciphertext, reader_private_key=key
        )
        assert opened.document == document
        assert opened.commitment == sealed.commitment == commitment_of(document, sealed.salt)
