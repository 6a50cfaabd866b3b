"""What every write shares: the `Idempotency-Key` header, the 202 answer, prepared calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from api.models.writes import FailureRead, OutboxEntryRead, PreparedCallRead
from ledger.writes.relayer import Call, OutboxEntry
from ledger.writes.submissions import owner_of

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

WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429)


def entry_read(entry: OutboxEntry) -> OutboxEntryRead:
    """The public view of an outbox entry."""
    failure = entry.failure
    return OutboxEntryRead(
        id=entry.id,
        status=entry.status,
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


def prepared(call: Call) -> PreparedCallRead:
    """The HTTP view of a prepared call."""
    return PreparedCallRead(to=call.target, data="0x" + call.data.hex(), value=str(call.value))
