"""Models of the signed-write path: the intent bodies a party signs, and what the API answers
(the typed data to sign, a prepared call, the outbox entry a relayed intent became)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from api.models.enums import SolidityName
from api.routes.params import (
    ADDRESS_PATTERN,
    ADDRESS_SCHEMA,
    EXAMPLE_ADDRESS,
    EXAMPLE_AGREEMENT,
    HASH_PATTERN,
    MAX_SAFE_INTEGER,
    JsonInt,
)
from ledger.domain.names import member_named
from ledger.domain.structs import (
    MAX_BATCH,
    MAX_WEIGHT,
    ZERO_ADDRESS,
    AiProvenance,
    Contribution,
    ContributionKind,
    VoteSupport,
)
from ledger.writes.relayer import EntryStatus

SIGNATURE_PATTERN = r"^0x([0-9a-fA-F]{2}){64,2048}$"
EXAMPLE_SIGNATURE = "0x" + "1b" * 65

SupportName = Annotated[str, SolidityName(VoteSupport)]

# -- answers ---------------------------------------------------------------------------------


class FailureRead(BaseModel):
    """Why an entry failed: the decoded contract error, or a node refusal."""

    name: str = Field(examples=["AgreementBadNonce"])
    arguments: dict[str, Any]
    message: str


class OutboxEntryRead(BaseModel):
    """A journaled intent and what became of it (queued → sent → mined → confirmed, or failed)."""

    id: int = Field(examples=[7])
    status: EntryStatus = Field(examples=["queued"])
    kind: str = Field(examples=["agreements.consent"])
    target: str
    submitter: str | None = Field(description="the intent's signer")
    attempts: int
    created_at: float
    updated_at: float
    tx_hash: str | None = None
    sender: str | None = Field(default=None, description="the relayer account that sent it")
    nonce: int | None = None
    block_number: int | None = None
    failure: FailureRead | None = None


class TypedDataRead(BaseModel):
    """EIP-712 typed data exactly as `eth_signTypedData_v4` takes it."""

    types: dict[str, list[dict[str, str]]]
    primaryType: str = Field(examples=["Consent"])  # noqa: N815 - the EIP-712 JSON field name
    domain: dict[str, Any]
    message: dict[str, Any]


class PreparedCallRead(BaseModel):
    """A transaction for the acting party to sign and send from its own wallet."""

    to: str = Field(examples=["0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"])
    data: str = Field(description="calldata, 0x hex", examples=["0x5c1f3c…"])
    value: str = Field(description="wei to send, decimal", examples=["0"])


# -- signed intents --------------------------------------------------------------------------


class SignedBody(BaseModel):
    """Fields every signed intent carries."""

    model_config = ConfigDict(extra="forbid")

    nonce: JsonInt = Field(
        ge=0, le=MAX_SAFE_INTEGER, description="the signer's nonce in the agreement"
    )
    deadline: JsonInt = Field(
        ge=0, le=MAX_SAFE_INTEGER, description="unix time the signature expires"
    )
    signature: str = Field(
        pattern=SIGNATURE_PATTERN,
        description="eth_signTypedData_v4 signature (65 bytes; ERC-1271 wallets may differ)",
        examples=[EXAMPLE_SIGNATURE],
    )

    @property
    def signature_bytes(self) -> bytes:
        """The signature as bytes."""
        return bytes.fromhex(self.signature[2:])


class ConsentCreate(SignedBody):
    """A party's EIP-712 `Consent` to the agreement's current version, signed with its own key."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "signer": EXAMPLE_ADDRESS,
                    "nonce": 0,
                    "deadline": 1795622292,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        },
    )
    signer: str = Field(
        pattern=ADDRESS_PATTERN, examples=[EXAMPLE_ADDRESS], json_schema_extra=ADDRESS_SCHEMA
    )


EXAMPLE_RECORD: dict[str, JsonValue] = {
    "kind": "Design",
    "weight": 30,
    "evidence_hash": "0x" + "5e" * 32,
    "provenance": "None",
    "accountable": ZERO_ADDRESS,
}

EXAMPLE_DRAFT: dict[str, JsonValue] = {
    "agreement_id": EXAMPLE_AGREEMENT,
    "contributor": EXAMPLE_ADDRESS,
    "records": [EXAMPLE_RECORD],
    "deadline": 1795622292,
}


class RecordItem(BaseModel):
    """One contribution as its contributor records it (kind and provenance named as in reads)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_RECORD]})
    kind: Annotated[str, SolidityName(ContributionKind)]
    weight: JsonInt = Field(ge=1, le=MAX_WEIGHT)
    evidence_hash: str = Field(
        pattern=HASH_PATTERN, description="salted commitment of the evidence document"
    )
    provenance: Annotated[str, SolidityName(AiProvenance)] = "None"
    accountable: str = Field(
        default=ZERO_ADDRESS,
        pattern=ADDRESS_PATTERN,
        description="the party answerable for AI output (required exactly when AI took part)",
        json_schema_extra=ADDRESS_SCHEMA,
    )

    def contribution(self) -> Contribution:
        """The typed struct."""
        return Contribution(
            kind=member_named(ContributionKind, self.kind),
            weight=self.weight,
            evidence_hash=self.evidence_hash,
            provenance=member_named(AiProvenance, self.provenance),
            accountable=self.accountable,
        )


class RecordsTypedDataCreate(BaseModel):
    """The batch a contributor is about to sign."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_DRAFT]})
    agreement_id: str = Field(pattern=HASH_PATTERN)
    contributor: str = Field(pattern=ADDRESS_PATTERN, json_schema_extra=ADDRESS_SCHEMA)
    records: list[RecordItem] = Field(min_length=1, max_length=MAX_BATCH)
    deadline: JsonInt = Field(ge=0, le=MAX_SAFE_INTEGER)


class ContributionCreate(SignedBody, RecordsTypedDataCreate):
    """A batch of one or more records signed by its contributor (EIP-712 `RecordContributions`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE_DRAFT,
                    "nonce": 1,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        },
    )


class VoteCreate(SignedBody):
    """A party's EIP-712 `Vote` on the proposal, signed with its own key."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "voter": EXAMPLE_ADDRESS,
                    "support": "For",
                    "nonce": 1,
                    "deadline": 1795622292,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        },
    )
    voter: str = Field(
        pattern=ADDRESS_PATTERN, examples=[EXAMPLE_ADDRESS], json_schema_extra=ADDRESS_SCHEMA
    )
    support: SupportName = Field(examples=["For"])
