"""Boundary parsing: every bad value is a ValidationError naming the field."""

from __future__ import annotations

from enum import IntEnum

import pytest

from ledger.domain import validation
from ledger.domain.errors import ValidationError

CHECKSUMMED = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


class Colour(IntEnum):
    RED = 0
    DARK_BLUE = 1


def test_address_checksums_lower_case_input() -> None:
    assert validation.address(CHECKSUMMED.lower()) == CHECKSUMMED


def test_address_rejects_a_wrong_checksum_and_names_the_field() -> None:
    wrong = CHECKSUMMED.replace("f39F", "F39f")
    with pytest.raises(ValidationError, match=r"party: .* wrong EIP-55 checksum"):
        validation.address(wrong, field="party")
    with pytest.raises(ValidationError, match=r"party: .* not a 20-byte hex address"):
        validation.address("0x1234", field="party")


def test_bytes32_accepts_bytes_and_hex_only_of_the_right_length() -> None:
    assert validation.bytes32("0x" + "ab" * 32) == bytes([0xAB]) * 32
    assert validation.bytes32(b"\x01" * 32) == b"\x01" * 32
    with pytest.raises(ValidationError, match="termsHash: expected 32 bytes"):
        validation.bytes32("0xabcd", field="termsHash")


def test_integer_is_bounded_and_not_a_bool() -> None:
    assert validation.integer(5, field="weight", low=1, high=10) == 5
    with pytest.raises(ValidationError, match=r"weight: 0 is outside 1\.\.10"):
        validation.integer(0, field="weight", low=1, high=10)
    with pytest.raises(ValidationError, match="expected an integer"):
        validation.integer(True, field="weight")


def test_member_accepts_values_and_names() -> None:
    assert validation.member(Colour, "dark-blue", field="c") is Colour.DARK_BLUE
    assert validation.member(Colour, 0, field="c") is Colour.RED
    with pytest.raises(ValidationError, match="c: 'green' is not one of red, dark_blue"):
        validation.member(Colour, "green", field="c")
