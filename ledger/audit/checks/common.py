"""What every check shares: hex conversions and findings located at an event."""

from __future__ import annotations

from typing import Any

from ledger.audit.report import Finding
from ledger.infra.events import DecodedEvent


def unhex(value: str) -> bytes:
    """The bytes of a 0x-hex value as decoded events carry them."""
    return bytes.fromhex(value[2:])


def to_hex(value: bytes) -> str:
    """0x-hex of `value`, as the report writes hashes."""
    return "0x" + bytes(value).hex()


def at(event: DecodedEvent, message: str, **values: Any) -> Finding:
    """A finding located at an event (block, transaction, log index)."""
    return Finding(
        message=message,
        block=event.block_number,
        tx=to_hex(event.tx_hash),
        log_index=event.log_index,
        expected=None if values.get("expected") is None else str(values["expected"]),
        found=None if values.get("found") is None else str(values["found"]),
    )


__all__ = ["at", "to_hex", "unhex"]
