"""Path and query parameter types shared by the routers (validated before any handler runs)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, Field

ADDRESS_PATTERN = r"^0x[0-9a-fA-F]{40}$"
# NOTE: a pattern cannot check an EIP-55 checksum: the `eth-address` format tells clients (and
# fuzzers) that a mixed-case address must carry its checksum; a wrong one is a 422.
ADDRESS_SCHEMA: dict[str, Any] = {"format": "eth-address"}
HASH_PATTERN = r"^0x[0-9a-fA-F]{64}$"
EXAMPLE_AGREEMENT = "0x6f1c1bd7e3b5f2a1f5a0e3c7d9b1a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3"
EXAMPLE_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
# NOTE: the largest integer a JSON number carries exactly in most clients (2^53 - 1); larger
# nonces, deadlines and ids are refused rather than silently rounded.
MAX_SAFE_INTEGER = 2**53 - 1


def _not_a_boolean(value: Any) -> Any:
    """Refuse JSON `true`/`false` where a number belongs (pydantic would read them as 1/0)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return value


# An integer as JSON Schema counts them (3 or 3.0), never a boolean.
JsonInt = Annotated[int, BeforeValidator(_not_a_boolean)]


AgreementIdPath = Annotated[
    str, Path(pattern=HASH_PATTERN, description="agreement id", examples=[EXAMPLE_AGREEMENT])
]
AddressPath = Annotated[
    str, Path(pattern=ADDRESS_PATTERN, examples=[EXAMPLE_ADDRESS], json_schema_extra=ADDRESS_SCHEMA)
]
HashPath = Annotated[str, Path(pattern=HASH_PATTERN)]
AgreementFilter = Annotated[
    str | None, Query(pattern=HASH_PATTERN, description="only this agreement's rows")
]
# NOTE: the format goes on the string itself: on the parameter it would sit beside the
# `anyOf` of an optional filter, where no generator or validator reads it.
AddressFilter = Annotated[
    Annotated[str, Field(json_schema_extra=ADDRESS_SCHEMA)] | None, Query(pattern=ADDRESS_PATTERN)
]
NameFilter = Annotated[str | None, Query(max_length=32, pattern=r"^[A-Za-z]+$")]


def sort_query(*options: str) -> object:
    """A `sort` query parameter accepting `options`, each optionally prefixed with `-`."""
    alternatives = "|".join(options)
    return Query(
        pattern=rf"^-?({alternatives})$",
        description=f"one of {', '.join(options)}; prefix `-` for descending",
    )
