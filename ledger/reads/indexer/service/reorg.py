"""Reorgs: the highest stored block still on the chain, and forgetting what came after it.

Every read-model row is a pure function of its partition's events, so forgetting blocks deletes
the touched partitions' rows and replays the events that remain (docs/indexer.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from ledger.infra.events import LogSource
from ledger.reads.indexer.models import AgreementHead, Event, IndexedBlock, hex_of
from ledger.reads.indexer.projection import Projection, ProjectorSet
from ledger.reads.indexer.service.rows import apply_event, event_from_row

REPLAY_BATCH = 2_000


def common_ancestor(session: Session, source: LogSource) -> int | None:
    """The highest stored block still on the chain (None: none is)."""
    below: int | None = None
    while True:
        query = select(IndexedBlock).order_by(IndexedBlock.number.desc()).limit(64)
        if below is not None:
            query = query.where(IndexedBlock.number < below)
        stored = list(session.scalars(query))
        if not stored:
            return None
        headers = source.headers(b.number for b in stored)
        for block in stored:
            header = headers.get(block.number)
            if header is not None and hex_of(header.hash) == block.hash:
                return block.number
        below = stored[-1].number


def forget_after(session: Session, cutoff: int, projectors: ProjectorSet) -> int:
    """Delete the events and block hashes above `cutoff` and re-derive the partitions they
    touched from the events left; returns the number of events removed."""
    partitions = sorted(
        session.scalars(select(Event.partition).where(Event.block_number > cutoff).distinct())
    )
    removed = session.scalar(
        select(func.count()).select_from(Event).where(Event.block_number > cutoff)
    )
    session.execute(delete(Event).where(Event.block_number > cutoff))
    session.execute(delete(IndexedBlock).where(IndexedBlock.number > cutoff))
    projectors.clear(session, partitions)
    agreements = [p[2:] for p in partitions if p.startswith("a:")]
    for start in range(0, len(agreements), 500):
        batch = agreements[start : start + 500]
        session.execute(delete(AgreementHead).where(AgreementHead.agreement_id.in_(batch)))
    session.expunge_all()
    replay(session, partitions, projectors)
    return int(removed or 0)


def replay(session: Session, partitions: Sequence[str], projectors: ProjectorSet) -> None:
    """Re-derive the read models of `partitions` from the events table, in chain order."""
    if not partitions:
        return
    projection = Projection(session)
    for start in range(0, len(partitions), 500):
        batch = list(partitions[start : start + 500])
        after = (-1, -1)
        while True:
            # NOTE: keyset pages rather than a server-side cursor, so that the projectors
            # can query the same connection while the replay goes on.
            rows = list(
                session.scalars(
                    select(Event)
                    .where(Event.partition.in_(batch))
                    .where(tuple_(Event.block_number, Event.log_index) > tuple_(*after))
                    .order_by(Event.block_number, Event.log_index)
                    .limit(REPLAY_BATCH)
                )
            )
            if not rows:
                break
            for row in rows:
                apply_event(projection, event_from_row(row), projectors)
            after = (rows[-1].block_number, rows[-1].log_index)


__all__ = ["common_ancestor", "forget_after", "replay"]
