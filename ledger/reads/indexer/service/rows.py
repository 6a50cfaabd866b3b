"""What one chunk writes: the events table, the hash-chain heads and read models derived from
each event, and the block hashes kept for reorg detection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from ledger.infra.events import ZERO_HEAD, BlockHeader, DecodedEvent, LogChunk, advance
from ledger.reads.indexer.models import AgreementHead, Event, IndexedBlock, hex_of, unhex
from ledger.reads.indexer.projection import Projection, ProjectorSet, partition_of


def write_events(
    session: Session, events: Sequence[DecodedEvent], *, chain_id: int, projectors: ProjectorSet
) -> None:
    """Insert `events` into the events table and apply each to the heads and read models."""
    if not events:
        return
    session.execute(
        insert(Event),
        [
            {
                "chain_id": chain_id,
                "block_number": e.block_number,
                "log_index": e.log_index,
                "block_hash": hex_of(e.block_hash),
                "block_time": e.block_timestamp,
                "tx_hash": hex_of(e.tx_hash),
                "tx_index": e.tx_index,
                "contract": e.contract,
                "address": e.address,
                "name": e.name,
                "topic0": hex_of(e.topic0),
                "agreement_id": e.agreement_id,
                "partition": partition_of(e),
                "action_hash": hex_of(e.action_hash) if e.action_hash is not None else None,
                "args": e.args,
            }
            for e in events
        ],
    )
    projection = Projection(session)
    for event in events:
        apply_event(projection, event, projectors)


def apply_event(projection: Projection, event: DecodedEvent, projectors: ProjectorSet) -> None:
    """Advance the event's agreement head (flagging it for a refresh) and run its projector."""
    if event.agreement_id is not None:
        head = projection.get(AgreementHead, event.agreement_id)
        if head is None:
            head = projection.add(
                AgreementHead(
                    agreement_id=event.agreement_id,
                    head=hex_of(ZERO_HEAD),
                    event_count=0,
                    head_block=event.block_number,
                    refresh_needed=True,
                ),
                event.agreement_id,
            )
        if event.action_hash is not None:
            head.head = hex_of(advance(unhex(head.head), event.topic0, event.action_hash))
            head.event_count += 1
            head.head_block = event.block_number
        head.refresh_needed = True
    projectors.apply(projection, event)


def write_blocks(
    session: Session,
    chunk: LogChunk,
    headers: Mapping[int, BlockHeader],
    *,
    reorg_window: int,
) -> None:
    """Store the chunk's block hashes and drop the empty blocks older than the reorg window."""
    with_events = chunk.block_hashes
    blocks: dict[int, dict[str, Any]] = {
        n: {
            "number": n,
            "hash": hex_of(h.hash),
            "parent_hash": hex_of(h.parent_hash),
            "timestamp": h.timestamp,
            "has_events": n in with_events,
        }
        for n, h in headers.items()
        if chunk.from_block <= n <= chunk.to_block
    }
    timestamps = {e.block_number: e.block_timestamp for e in chunk.events}
    for number, block_hash in with_events.items():
        if number not in blocks:
            blocks[number] = {
                "number": number,
                "hash": hex_of(block_hash),
                "parent_hash": None,
                "timestamp": timestamps.get(number),
                "has_events": True,
            }
    if blocks:
        session.execute(insert(IndexedBlock), [blocks[n] for n in sorted(blocks)])
    # NOTE: keep the recent window and every block with events; older empty blocks go.
    horizon = chunk.to_block - reorg_window
    if horizon > 0:
        session.execute(
            delete(IndexedBlock)
            .where(IndexedBlock.number < horizon)
            .where(IndexedBlock.has_events.is_(False))
        )


def event_from_row(row: Event) -> DecodedEvent:
    """The decoded event a stored events row holds."""
    return DecodedEvent(
        contract=row.contract,
        address=row.address,
        name=row.name,
        topic0=unhex(row.topic0),
        block_number=row.block_number,
        block_hash=unhex(row.block_hash),
        tx_hash=unhex(row.tx_hash),
        tx_index=row.tx_index,
        log_index=row.log_index,
        args=row.args,
        agreement_id=row.agreement_id,
        action_hash=unhex(row.action_hash) if row.action_hash is not None else None,
        block_timestamp=row.block_time,
    )


__all__ = ["apply_event", "event_from_row", "write_blocks", "write_events"]
