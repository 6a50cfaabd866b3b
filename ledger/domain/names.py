"""The contracts' spelling of enum members (`ContentIP`, `OnePartyOneVote`), from the Python
IntEnums of `ledger.domain.structs`: the index, the API and the docs use it, and
tests/test_vocabulary.py checks it against the compiled contracts."""

from __future__ import annotations

from enum import IntEnum
from typing import TypeVar

# NOTE: words the Solidity declarations keep in capitals (`ContentIP`).
ACRONYMS = frozenset({"IP"})

E = TypeVar("E", bound=IntEnum)


def solidity_name(member: IntEnum) -> str:
    """The member's name as the Solidity enum declares it: `CONTENT_IP` → `ContentIP`."""
    return "".join(
        word if word in ACRONYMS else word.capitalize() for word in member.name.split("_")
    )


def solidity_names(enum: type[IntEnum]) -> tuple[str, ...]:
    """Every member's Solidity name, in declaration (value) order."""
    return tuple(solidity_name(member) for member in enum)


def member_named(enum: type[E], name: str) -> E:
    """The member whose Solidity name is `name` (a name the caller already validated)."""
    return next(member for member in enum if solidity_name(member) == name)
