"""Participant keys: Ethereum addresses, public-key encodings and recovery from a signature."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from ledger.domain.errors import ValidationError
from ledger.evidence import (
    ParticipantKey,
    address_of,
    load_private_key,
    load_public_key,
    public_key_from_signed_message,
)


def test_address_matches_eth_account_when_derived_from_public_key(
    party_a: ParticipantKey,
) -> None:
    account = Account.from_key(party_a.secret)
    assert party_a.address == account.address
    assert address_of(party_a.public_key) == account.address


def test_public_key_parses_to_same_point_when_encoded_differently(
    party_a: ParticipantKey,
) -> None:
    uncompressed = party_a.public_key
    x, y = uncompressed[1:33], uncompressed[33:]
    compressed = bytes([2 + (y[-1] & 1)]) + x
    for form in (uncompressed, uncompressed[1:], compressed, "0x" + compressed.hex()):
        assert load_public_key(form) == uncompressed


@pytest.mark.parametrize(
    "value",
    [b"\x04" + b"\x01" * 64, b"\x00" * 33, b"\x01" * 10, "0xzz"],
)
def test_public_key_fails_validation_when_not_a_curve_point(value: bytes | str) -> None:
    with pytest.raises(ValidationError):
        load_public_key(value)


@pytest.mark.parametrize("value", [b"\x00" * 32, b"\xff" * 32, b"\x01" * 31, "0xnothex"])
def test_private_key_fails_validation_when_out_of_range(value: bytes | str) -> None:
    with pytest.raises(ValidationError):
        load_private_key(value)


def test_private_key_accepts_eth_account_key_when_given_local_account_key() -> None:
    account = Account.from_key(b"\x42" * 32)
    assert load_private_key(account.key).address == account.address
    assert account.key.hex()[2:] not in repr(load_private_key(account.key))


def test_public_key_recovered_when_participant_signs_a_message(party_b: ParticipantKey) -> None:
    message = b"Sign in to Park Ledger\nnonce: 17"
    signed = Account.sign_message(encode_defunct(message), private_key=party_b.secret)
    recovered = public_key_from_signed_message(message=message, signature=signed.signature)
    assert recovered == party_b.public_key


def test_public_key_recovery_fails_validation_when_signature_malformed() -> None:
    with pytest.raises(ValidationError):
        public_key_from_signed_message(message=b"x", signature=b"\x00" * 64)
    with pytest.raises(ValidationError):
        public_key_from_signed_message(message=b"x", signature=b"\x00" * 64 + b"\x1b")
