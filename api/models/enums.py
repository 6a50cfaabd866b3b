"""Enum fields named as the contracts name their members (`ContentIP`, `OnePartyOneVote`).

The values come from the suite's IntEnums (`ledger.domain.structs`): an enum member added
there appears in the API, and in its OpenAPI document, without being restated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

from ledger.domain.names import solidity_names

# NOTE: the indexer stores an enum value it has no name for as its number, so a member added
# to a contract before the API knows it is still served
# (see `ledger.reads.indexer.projectors.common`).
UNKNOWN_MEMBER_PATTERN = r"^[0-9]+$"


@dataclass(frozen=True)
class SolidityName:
    """`Annotated[str, SolidityName(Enum)]`: one of the enum's Solidity member names.

    The names are one schema named after the enum (`ContributionKind`), shared by every field
    that holds it. `unknown_as_number` also admits the number the index stores for a member it
    cannot name; read models set it, request models do not.
    """

    enum: type[IntEnum]
    unknown_as_number: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """A literal over the member names, or that or a decimal number."""
        declared = (self.enum.__doc__ or self.enum.__name__).strip().rstrip(".")
        names = core_schema.literal_schema(
            list(solidity_names(self.enum)),
            ref=self.enum.__name__,
            metadata={"pydantic_js_updates": {"description": f"{declared}, by member name"}},
        )
        if not self.unknown_as_number:
            return names
        unknown = core_schema.str_schema(
            pattern=UNKNOWN_MEMBER_PATTERN,
            metadata={
                "pydantic_js_updates": {
                    "description": "the number of a member added to the contracts after this API"
                }
            },
        )
        return core_schema.union_schema([names, unknown])
