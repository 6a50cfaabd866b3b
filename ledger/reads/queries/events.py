"""The decoded event log."""

from __future__ import annotations

from sqlalchemy import select

from ledger.reads.indexer.models import Event
from ledger.reads.queries.paging import IndexReader, Page, Sorts, equals, hash_key

SORTS: dict[str, Sorts] = {
    # NOTE: an index holds one chain (sync_state), so (block, log index) is the event's key.
    "events": {"block": (Event.block_number, Event.log_index)},
}


class EventQueries(IndexReader):
    """The event log by agreement, contract and event name."""

    def events(
        self,
        *,
        agreement_id: str | None = None,
        contract: str | None = None,
        name: str | None = None,
        sort: str = "block",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """The decoded event log, optionally one agreement's, one contract's or one event's."""
        statement = select(Event).where(
            *equals(Event.agreement_id, None if agreement_id is None else hash_key(agreement_id)),
            *equals(Event.contract, contract),
            *equals(Event.name, name),
        )
        return self._page(statement, SORTS["events"], sort, cursor, limit)


__all__ = ["SORTS", "EventQueries"]
