"""The projection machinery: partitions, a per-transaction row cache, and projector registries.

A projector is a small function `(Projection, DecodedEvent) -> None` registered for one event
name; it reads and writes read-model rows through the `Projection`, which caches rows by primary
key for the duration of one database transaction (so an agreement touched by a thousand events
of a chunk is loaded once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ledger.infra.events import DecodedEvent
from ledger.reads.indexer.models import Base

T = TypeVar("T", bound=Base)

PARTITION_PARK = "g"
ACCOUNT_ARGS = ("account", "participant")


def partition_of(event: DecodedEvent) -> str:
    """The partition an event's read-model rows belong to: its agreement, account, or the park."""
    if event.agreement_id is not None:
        return "a:" + event.agreement_id
    for name in ACCOUNT_ARGS:
        value = event.args.get(name)
        if isinstance(value, str):
            return "p:" + value
    return PARTITION_PARK


class Projection:
    """One transaction's view of the read models: cached row lookups, inserts, touched sets."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[tuple[type[Base], Any], Base | None] = {}
        self.touched_agreements: set[str] = set()

    def get(self, model: type[T], key: Any) -> T | None:
        """The row of `model` with primary key `key` (a value or a tuple), or None."""
        cache_key = (model, key)
        if cache_key in self._cache:
            return self._cache[cache_key]  # type: ignore[return-value]
        row = self.session.get(model, key)
        self._cache[cache_key] = row
        return row

    def add(self, row: T, key: Any) -> T:
        """Insert `row` (primary key `key`) and cache it."""
        self.session.add(row)
        self._cache[(type(row), key)] = row
        return row


Projector = Callable[[Projection, DecodedEvent], None]
Refresher = Callable[[Session, Iterable[str], int], None]


@dataclass
class ProjectorSet:
    """Projectors by event name plus how to clear a partition's rows and refresh chain values."""

    projectors: dict[str, Projector] = field(default_factory=dict)
    agreement_tables: tuple[type[Base], ...] = ()
    account_tables: tuple[tuple[type[Base], str], ...] = ()
    park_tables: tuple[type[Base], ...] = ()
    refreshers: list[Refresher] = field(default_factory=list)

    def register(self, *names: str) -> Callable[[Projector], Projector]:
        """Decorator: register a projector for the events `names`."""

        def decorate(fn: Projector) -> Projector:
            for name in names:
                self.projectors[name] = fn
            return fn

        return decorate

    def apply(self, projection: Projection, event: DecodedEvent) -> None:
        """Run the projector of `event`, if any."""
        projector = self.projectors.get(event.name)
        if projector is not None:
            projector(projection, event)

    def clear(self, session: Session, partitions: Iterable[str]) -> None:
        """Delete every read-model row of `partitions`."""
        agreements = sorted(p[2:] for p in partitions if p.startswith("a:"))
        accounts = sorted(p[2:] for p in partitions if p.startswith("p:"))
        park = PARTITION_PARK in set(partitions)
        for chunk in _chunks(agreements):
            for model in self.agreement_tables:
                session.execute(delete(model).where(model.agreement_id.in_(chunk)))  # type: ignore[attr-defined]
        for chunk in _chunks(accounts):
            for model, column in self.account_tables:
                session.execute(delete(model).where(getattr(model, column).in_(chunk)))
        if park:
            for model in self.park_tables:
                session.execute(delete(model))

    def refresh(self, session: Session, agreement_ids: Iterable[str], block: int) -> None:
        """Update the values read from contract state for these agreements, as of `block`."""
        ids = list(agreement_ids)
        for refresher in self.refreshers:
            refresher(session, ids, block)


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = ["PARTITION_PARK", "Projection", "Projector", "ProjectorSet", "partition_of"]
