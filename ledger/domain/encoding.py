"""How the ledger spells bytes as text: the one `0x`-hex form of hashes, ids and calldata in
JSON, SQL rows and typed data."""

from __future__ import annotations


def prefixed_hex(value: bytes) -> str:
    """`0x` and the lower-case hex digits of `value` (bytes-like: bytes, HexBytes, bytearray)."""
    return "0x" + bytes(value).hex()
