"""Hex codecs with length checks for the evidence vault (`0x`-prefixed, lower case)."""

from __future__ import annotations

from eth_utils import to_checksum_address

from ledger.domain.errors import LedgerError, ValidationError


def to_hex(data: bytes) -> str:
    """`0x`-prefixed lower-case hex of `data`."""
    return "0x" + data.hex()


def from_hex(
    value: object, *, size: int | None, what: str, error: type[LedgerError] = ValidationError
) -> bytes:
    """Decode `0x`-hex into bytes of exactly `size` (any size if None), raising `error`."""
    if not isinstance(value, str) or not value.startswith("0x"):
        raise error(f"{what} must be a 0x-prefixed hex string")
    try:
        data = bytes.fromhex(value[2:])
    except ValueError as err:
        raise error(f"{what} is not valid hex") from err
    if size is not None and len(data) != size:
        raise error(f"{what} must be {size} bytes, got {len(data)}")
    return data


def parse_bytes32(value: bytes | str, *, what: str) -> bytes:
    """Accept 32 raw bytes or their 0x-hex at an API boundary."""
    if isinstance(value, bytes):
        if len(value) != 32:
            raise ValidationError(f"{what} must be 32 bytes, got {len(value)}")
        return bytes(value)
    return from_hex(value, size=32, what=what)


def parse_address(
    value: object, *, what: str, error: type[LedgerError] = ValidationError, strict: bool = False
) -> str:
    """Parse a 0x address into checksum form; `strict` also demands it was given that way."""
    address = to_checksum_address(from_hex(value, size=20, what=what, error=error))
    if strict and value != address:
        raise error(f"{what} {value} is not in checksum form")
    return address


def require_fields(data: object, fields: set[str], *, what: str, error: type[LedgerError]) -> None:
    """Raise `error` unless `data` is a JSON object with exactly `fields`."""
    if not isinstance(data, dict) or set(data) != fields:
        raise error(f"the {what} has missing or unknown fields")
