"""Parse values once, at the boundary: checksum addresses, 32-byte hashes, bounded integers."""

from __future__ import annotations

import re
from enum import IntEnum
from typing import TypeVar

from eth_typing import ChecksumAddress
from eth_utils import is_checksum_address, to_checksum_address

from ledger.domain.errors import ValidationError

E = TypeVar("E", bound=IntEnum)

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
UINT256_MAX = 2**256 - 1


def address(value: object, *, field: str = "address") -> ChecksumAddress:
    """A checksum address; mixed-case input must carry a valid checksum."""
    text = value if isinstance(value, str) else getattr(value, "address", None)
    if not isinstance(text, str) or not _ADDRESS.match(text):
        raise ValidationError(f"{field}: {value!r} is not a 20-byte hex address")
    body = text[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(text):
        raise ValidationError(f"{field}: {text} has a wrong EIP-55 checksum")
    return to_checksum_address(text)


def bytes32(value: object, *, field: str = "hash") -> bytes:
    """32 bytes, from bytes or a 0x-prefixed 64-digit hex string."""
    if isinstance(value, (bytes, bytearray)) and len(value) == 32:
        return bytes(value)
    if isinstance(value, str) and _HASH.match(value):
        return bytes.fromhex(value[2:])
    raise ValidationError(f"{field}: expected 32 bytes (0x + 64 hex digits), got {value!r}")


def integer(value: object, *, field: str, low: int = 0, high: int = UINT256_MAX) -> int:
    """An integer within [low, high] (booleans are not integers here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field}: expected an integer, got {value!r}")
    if not low <= value <= high:
        raise ValidationError(f"{field}: {value} is outside {low}..{high}")
    return value


def member(enum: type[E], value: object, *, field: str) -> E:
    """An enum member by value or (case-insensitive) name."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        key = value.strip().upper().replace("-", "_").replace(" ", "_")
        if key in enum.__members__:
            return enum.__members__[key]
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return enum(value)
        except ValueError:
            pass
    names = ", ".join(m.name.lower() for m in enum)
    raise ValidationError(f"{field}: {value!r} is not one of {names}")
