"""Amounts with units, read and printed exactly, for ETH and for tokens with their decimals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.amounts import ETH, Currency, format_amount, parse_amount
from ledger.domain.errors import ValidationError

USDC = Currency(symbol="USDC", decimals=6, token="0x" + "11" * 20)
WHOLE = Currency(symbol="PTS", decimals=0, token="0x" + "22" * 20)


@pytest.mark.parametrize(
    ("text", "currency", "base_units"),
    [
        ("2ether", ETH, 2 * 10**18),
        ("2.5 ETH", ETH, 25 * 10**17),
        ("20gwei", ETH, 20 * 10**9),
        ("1000wei", ETH, 1000),
        ("1_000.5 eth", ETH, 10005 * 10**17),
        ("0", ETH, 0),
        ("2.5 USDC", USDC, 2_500_000),
        ("1,000.25usdc", USDC, 1_000_250_000),
        ("2.5tokens", USDC, 2_500_000),
        ("1000base", USDC, 1000),
        ("7 PTS", WHOLE, 7),
    ],
)
def test_an_amount_with_its_unit_becomes_exact_base_units(
    text: str, currency: Currency, base_units: int
) -> None:
    assert parse_amount(text, currency) == base_units


@pytest.mark.parametrize(
    ("text", "currency", "sentence"),
    [
        ("2", ETH, "has no unit: write e.g. 2 ETH"),
        ("2.5ether", USDC, "this agreement is paid in USDC (6 decimals)"),
        ("2.5 USDC", ETH, "this agreement is paid in ETH"),
        ("0.0000001 USDC", USDC, "finer than the smallest unit of USDC (6 decimals)"),
        ("0.5 PTS", WHOLE, "finer than the smallest unit of PTS (0 decimals)"),
        ("-1eth", ETH, "is negative"),
        ("1e99999ether", ETH, "more than a uint256 can hold"),
        ("lots", ETH, "expected e.g. 2ether, 2.5 ETH, 20gwei or 1000wei"),
    ],
)
def test_an_amount_a_person_got_wrong_is_refused_in_one_sentence(
    text: str, currency: Currency, sentence: str
) -> None:
    with pytest.raises(ValidationError, match=sentence.replace("(", r"\(").replace(")", r"\)")):
        parse_amount(text, currency)


def test_amounts_print_with_every_significant_decimal_and_thousands_grouped() -> None:
    assert format_amount(1234 * 10**18 + 5, ETH) == "1,234.000000000000000005 ETH"
    assert format_amount(2_500_000, USDC) == "2.5 USDC"
    assert format_amount(7, WHOLE) == "7 PTS"


@given(st.integers(min_value=0, max_value=2**256 - 1), st.sampled_from([ETH, USDC, WHOLE]))
def test_a_printed_amount_reads_back_to_the_same_base_units(units: int, currency: Currency) -> None:
    assert parse_amount(format_amount(units, currency), currency) == units
