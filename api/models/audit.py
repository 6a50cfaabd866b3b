"""Audits from the chain alone: what to audit, and the report."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.routes.params import EXAMPLE_AGREEMENT, HASH_PATTERN


class AuditCreate(BaseModel):
    """What to audit: one agreement, or (without `agreement_id`) every agreement."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"agreement_id": EXAMPLE_AGREEMENT}]}
    )
    agreement_id: str | None = Field(default=None, pattern=HASH_PATTERN)


class AuditRead(BaseModel):
    """The audit report (docs/audit.md): every check, its findings, and the report hash."""

    model_config = ConfigDict(extra="allow")
    result: str = Field(examples=["pass"])
    reportHash: str = Field(examples=["0x" + "ab" * 32])  # noqa: N815 - the report's field
    checks: list[dict[str, Any]]
