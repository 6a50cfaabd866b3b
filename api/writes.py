"""What every write shares: the `Idempotency-Key` header, signature bodies, the 202 answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Response
from pydantic import BaseModel, ConfigDict, Field

from api.routes.params import MAX_SAFE_INTEGER, JsonInt
from ledger.writes.relayer import Call, OutboxEntry
from ledger.writes.submissions import owner_of

SIGNATURE_PATTERN = r"^0x([0-9a-fA-F]{2}){64,2048}$"
EXAMPLE_SIGNATURE = "0x" + "1b" * 65

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9._~-]+$",
        description="Same key and body → the same outbox entry; same key, other body → 409",
    ),
]


class FailureRead(BaseModel):
    """Why an entry failed: the decoded contract error, or a node refusal."""

    name: str = Field(examples=["AgreementBadNonce"])
    arguments: dict[str, Any]
    message: str


class OutboxEntryRead(BaseModel):
    """A journaled intent and what became of it (queued → sent → mined → confirmed, or failed)."""

    id: int = Field(examples=[7])
    status: str = Field(examples=["queued"])
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


def entry_read(entry: OutboxEntry) -> OutboxEntryRead:
    """The public view of an outbox entry."""
    failure = entry.failure
    return OutboxEntryRead(
        id=entry.id,
        status=entry.status.value,
        kind=entry.kind,
        target=entry.intent.target,
        submitter=owner_of(entry),
        attempts=entry.attempts,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        tx_hash=entry.tx_hash,
        sender=entry.sender,
        nonce=entry.nonce,
        block_number=entry.block_number,
        failure=None
        if failure is None
        else FailureRead(
            name=failure.name, arguments=dict(failure.arguments), message=failure.message
        ),
    )


def accepted(entry: OutboxEntry, response: Response) -> OutboxEntryRead:
    """202 Accepted with `Location: /outbox/{id}` of the journaled entry."""
    response.status_code = 202
    response.headers["Location"] = f"/outbox/{entry.id}"
    return entry_read(entry)


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


WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429)


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


def prepared(call: Call) -> PreparedCallRead:
    """The HTTP view of a prepared call."""
    return PreparedCallRead(to=call.target, data="0x" + call.data.hex(), value=str(call.value))
