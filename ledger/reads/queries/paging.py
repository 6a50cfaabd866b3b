"""What every list shares: pages, time ranges, opaque keyset cursors and the filter clauses.

A page is ordered by a sort key that ends with the row's primary key, so the cursor — the last
row's key, encoded — resumes exactly after it even while the indexer appends rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, and_, inspect, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from ledger.domain.errors import NotFoundError, ValidationError
from ledger.domain.validation import bytes32
from ledger.reads.indexer.models import Base, Uint256

MAX_LIMIT = 200
Row = dict[str, Any]
Column = InstrumentedAttribute[Any]
# NOTE: each sort ends with the primary key, so keyset pagination is total and stable.
Sorts = Mapping[str, tuple[Column, ...]]


@dataclass(frozen=True)
class Page:
    """One page of rows and the cursor of the next page (None on the last page)."""

    items: list[Row]
    next_cursor: str | None


@dataclass(frozen=True)
class TimeRange:
    """Unix-seconds bounds, both inclusive; None leaves a side open."""

    since: int | None = None
    until: int | None = None


def row_dict(row: Base) -> Row:
    """An ORM row as a plain dict of its columns."""
    return {attr.key: getattr(row, attr.key) for attr in inspect(row).mapper.column_attrs}


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for the sort-key `values` of a page's last row."""
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> list[Any]:
    """The sort-key values inside `cursor`; ValidationError when it was not made by us."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as err:
        raise ValidationError("cursor is not a cursor this API issued") from err
    if not isinstance(values, list) or len(values) != size:
        raise ValidationError("cursor is not a cursor this API issued")
    return values


class IndexReader:
    """The engine every resource's queries read, one row by key and one page by sort key."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _one(self, model: type[Base], key: Any, what: str) -> Row:
        with Session(self.engine) as session:
            row = session.get(model, key)
            if row is None:
                raise NotFoundError(f"no {what} {key}")
            return row_dict(row)

    def _page(
        self, statement: Select[Any], sorts: Sorts, sort: str, cursor: str | None, limit: int
    ) -> Page:
        descending = sort.startswith("-")
        keys = sorts.get(sort.removeprefix("-"))
        if keys is None:
            options = ", ".join(sorted(sorts))
            raise ValidationError(f"sort must be one of {options} (prefix - for descending)")
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(f"limit must be 1 to {MAX_LIMIT}")
        if cursor is not None:
            values = decode_cursor(cursor, size=len(keys))
            # NOTE: a forged cursor with values of other types must be a 422, not a database
            # error: PostgreSQL refuses to compare a bigint column with a string.
            for key, value in zip(keys, values, strict=True):
                expected = int if isinstance(key.type, Uint256) else key.type.python_type
                if type(value) is not expected:
                    raise ValidationError("cursor is not a cursor this API issued")
            statement = statement.where(_after(keys, values, descending))
        order = [key.desc() if descending else key.asc() for key in keys]
        statement = statement.order_by(*order).limit(limit + 1)
        # NOTE: plain column rows, not ORM objects: building and tracking 51 instances and
        # reading them back into dicts was most of a page's cost (the columns are the same).
        with self.engine.connect() as connection:
            result = connection.execute(statement)
            names = tuple(result.keys())
            rows = [dict(zip(names, row, strict=True)) for row in result]
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1][key.key] for key in keys]) if more and rows else None
        return Page(items=rows, next_cursor=next_cursor)


def equals(column: Column, value: Any) -> list[Any]:
    """The clause `column == value`, or none when the filter is not given (None)."""
    return [] if value is None else [column == value]


def within(column: Column, bounds: TimeRange) -> list[Any]:
    """The clauses keeping `column` inside `bounds` (none for an open side)."""
    clauses: list[Any] = []
    if bounds.since is not None:
        clauses.append(column >= bounds.since)
    if bounds.until is not None:
        clauses.append(column <= bounds.until)
    return clauses


def _after(keys: Sequence[Column], values: Sequence[Any], descending: bool) -> Any:
    """Rows strictly after `values` in the sort order (an expanded row-value comparison, which
    every SQL backend plans with the sort index)."""
    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j] == values[j] for j in range(i)]
        beyond = key < values[i] if descending else key > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def hash_key(value: str, *, field: str = "agreement_id") -> str:
    """A 32-byte id as the index stores it (``0x`` lowercase hex); ValidationError otherwise."""
    return "0x" + bytes32(value, field=field).hex()


def all_rows(session: Session, statement: Select[Any]) -> list[Row]:
    """Every row `statement` selects, as dicts."""
    return [row_dict(row) for row in session.scalars(statement)]


__all__ = [
    "MAX_LIMIT",
    "Column",
    "IndexReader",
    "Page",
    "Row",
    "Sorts",
    "TimeRange",
    "all_rows",
    "decode_cursor",
    "encode_cursor",
    "equals",
    "hash_key",
    "row_dict",
    "within",
]
