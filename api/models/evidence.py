"""Evidence documents: their metadata, and the upload of a document the client sealed."""

from __future__ import annotations

import base64
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.routes.params import HASH_PATTERN
from ledger.domain.errors import ValidationError
from ledger.evidence import Envelope


class EvidenceRead(BaseModel):
    """An evidence document's metadata (no secret: every key in the envelope is wrapped)."""

    document_id: str = Field(examples=["0x" + "d0" * 32])
    content_sha256: str
    content_size: int
    uploader: str | None
    parties: list[str] = Field(description="the readers the document was sealed for")
    readers: list[str] = Field(description="who can decrypt it now (after grants/revokes)")
    log_entries: int

    @classmethod
    def of(cls, envelope: Envelope) -> EvidenceRead:
        """The metadata of a stored envelope."""
        state = envelope.access()
        return cls(
            document_id="0x" + envelope.document_id.hex(),
            content_sha256="0x" + envelope.content_sha256.hex(),
            content_size=envelope.content_size,
            uploader=state.uploader,
            parties=sorted(state.parties),
            readers=sorted(state.readers),
            log_entries=len(envelope.log),
        )


class EvidenceList(BaseModel):
    """The documents the caller may see."""

    items: list[EvidenceRead]


class EvidenceCreate(BaseModel):
    """A document sealed by the client: its envelope JSON and the ciphertext (base64)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "agreement_id": "0x" + "a1" * 32,
                    "envelope": {"version": 2, "documentId": "0x…", "log": ["…"]},
                    "ciphertext": "q83vASNFZ4k=",
                }
            ]
        },
    )
    agreement_id: str = Field(
        pattern=HASH_PATTERN,
        description="the agreement the document belongs to: the caller and every reader it is "
        "sealed for must be its parties",
    )
    envelope: dict[str, Any] = Field(description="`SealedDocument.envelope.to_json()`")
    ciphertext: str = Field(description="base64 of `SealedDocument.ciphertext`")

    def ciphertext_bytes(self) -> bytes:
        """The decoded ciphertext; ValidationError (400) when it is not base64."""
        try:
            return base64.b64decode(self.ciphertext, validate=True)
        except ValueError as err:  # binascii.Error, or a non-ASCII character
            raise ValidationError("ciphertext: not base64") from err
