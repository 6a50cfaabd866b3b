"""The dashboard's number formats (api/dashboard/static/format.js), written independently in
Python so the tests compare what the page shows with the API's JSON for the same objects."""

from __future__ import annotations

WEI_PER_ETH = 10**18


def eth(wei: int | str) -> str:
    """A wei amount as the page shows it: ETH with every significant decimal, grouped."""
    whole, fraction = divmod(int(wei), WEI_PER_ETH)
    decimals = f"{fraction:018d}".rstrip("0")
    return f"{whole:,}" + (f".{decimals}" if decimals else "") + " ETH"


def percent(bps: int) -> str:
    """Basis points as a percentage with two decimals."""
    return f"{bps / 100:.2f}%"


def count(value: int) -> str:
    """A count with thousands separators."""
    return f"{value:,}"
