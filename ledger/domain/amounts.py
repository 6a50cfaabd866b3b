"""Amounts as people write and read them: `2.5 ETH`, `20gwei`, `1,000.5 MNT` for a token with
its own decimals, converted exactly to and from the base units the contracts count."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import cache
from typing import Annotated, Any, get_args, get_origin, get_type_hints

from ledger.domain.errors import ValidationError

ETHER = 10**18
UINT256 = "uint256"
# NOTE: a value the contracts hold as a wide integer (token amounts, accumulators, nonces,
# uint256 ids): JSON carries it as a decimal string, as the API does, because JSON numbers
# above 2^53 lose digits in JavaScript and most other clients.
Uint256 = Annotated[int, UINT256]


@cache
def uint256_fields(cls: type[Any]) -> frozenset[str]:
    """The fields of a dataclass annotated `Uint256`, `Uint256 | None`, or holding `Uint256`
    values (`dict[str, Uint256]`, `list[Uint256]`)."""
    wide = set()
    for name, hint in get_type_hints(cls, include_extras=True).items():
        options = get_args(hint) if get_origin(hint) is not Annotated else (hint,)
        if any(get_origin(o) is Annotated and UINT256 in get_args(o)[1:] for o in options):
            wide.add(name)
    return frozenset(wide)


@dataclass(frozen=True)
class Currency:
    """What an agreement is paid in: ETH, or an ERC-20 with its symbol and decimals."""

    symbol: str
    decimals: int
    token: str | None = None  # None: ETH

    @property
    def units(self) -> dict[str, int]:
        """The units an amount may carry, lower-case, each with its size in base units."""
        if self.token is None:
            return {"ether": ETHER, "eth": ETHER, "gwei": 10**9, "wei": 1}
        whole = 10**self.decimals
        return {self.symbol.lower(): whole, "tokens": whole, "token": whole, "base": 1}

    @property
    def examples(self) -> str:
        """How to write an amount in this currency, for error messages and help."""
        if self.token is None:
            return "2ether, 2.5 ETH, 20gwei or 1000wei"
        return f"2.5 {self.symbol}, 2.5tokens or 1000base"

    @property
    def described(self) -> str:
        """`ETH`, or a token's symbol with its decimals."""
        return self.symbol if self.token is None else f"{self.symbol} ({self.decimals} decimals)"


ETH = Currency(symbol="ETH", decimals=18)


def parse_amount(text: str, currency: Currency = ETH) -> int:
    """An amount with its unit in base units; a bare number other than 0 is refused, since
    `2` meant 2 wei where a person meant 2 ETH."""
    cleaned = text.strip().lower().replace("_", "").replace(",", "").replace(" ", "")
    units = currency.units
    # NOTE: the longest unit first, so that "gwei" is not read as "wei" after a "g".
    unit = next((u for u in sorted(units, key=len, reverse=True) if cleaned.endswith(u)), None)
    number = cleaned.removesuffix(unit) if unit else cleaned
    # NOTE: Decimal's default 28 digits would round a uint256 (78 digits) silently.
    with localcontext() as context:
        context.prec = 160
        try:
            amount = Decimal(number) * (units[unit] if unit else 1)
        except InvalidOperation as err:
            raise ValidationError(
                f"amount {text!r}: expected e.g. {currency.examples}; "
                f"this agreement is paid in {currency.described}"
            ) from err
    if unit is None and amount != 0:
        raise ValidationError(
            f"amount {text!r} has no unit: write e.g. {number} {currency.symbol} "
            f"({currency.examples})"
        )
    if amount < 0:
        raise ValidationError(f"amount {text!r} is negative")
    if amount >= 2**256:
        raise ValidationError(f"amount {text!r} is more than a uint256 can hold")
    if amount != amount.to_integral_value():
        raise ValidationError(
            f"amount {text!r} is finer than the smallest unit of {currency.described}"
        )
    return int(amount)


def format_amount(base_units: int, currency: Currency = ETH) -> str:
    """Base units as the dashboard shows them: every significant decimal, thousands grouped."""
    whole, fraction = divmod(int(base_units), 10**currency.decimals)
    decimals = str(fraction).rjust(currency.decimals, "0").rstrip("0") if currency.decimals else ""
    return f"{whole:,}" + (f".{decimals}" if decimals else "") + f" {currency.symbol}"
