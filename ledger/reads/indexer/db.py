"""The index database: an engine from a URL (SQLite file by default, PostgreSQL), schema, dumps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ledger.domain.errors import ConfigurationError
from ledger.infra.config import LedgerSettings, get_settings
from ledger.reads.indexer.models import BOOKKEEPING_TABLES, Base

INDEX_FILE = "index.sqlite"


def default_db_url(settings: LedgerSettings | None = None) -> str:
    """`sqlite:///<data dir>/index.sqlite`."""
    settings = settings or get_settings()
    return f"sqlite:///{settings.data_dir / INDEX_FILE}"


def normalize_url(url: str) -> str:
    """Pick the installed PostgreSQL driver (psycopg 3) when the URL names none."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def create_index_engine(
    url: str | None = None, *, settings: LedgerSettings | None = None
) -> Engine:
    """An engine for the index at `url` (default: the SQLite file in the data directory)."""
    url = normalize_url(url or default_db_url(settings))
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise ConfigurationError(f"the index database URL {url!r} is not a valid URL") from err
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError, SQLAlchemyError) as err:
        raise ConfigurationError(
            f"cannot use the index database {parsed.render_as_string(hide_password=True)}: {err}"
        ) from err


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    # NOTE: WAL lets the API read while the indexer writes; NORMAL is durable at each
    # checkpoint, and a lost tail is re-indexed from the chain anyway.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_schema(engine: Engine) -> None:
    """Create every index table that does not exist yet."""
    Base.metadata.create_all(engine)


def drop_schema(engine: Engine) -> None:
    """Drop every index table."""
    Base.metadata.drop_all(engine)


def dump_tables(
    engine: Engine, *, exclude: frozenset[str] = BOOKKEEPING_TABLES
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every index table, ordered by primary key (for equality checks)."""
    existing = set(inspect(engine).get_table_names())
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in exclude or table.name not in existing:
                continue
            statement = select(table).order_by(*table.primary_key.columns)
            dump[table.name] = [tuple(row) for row in connection.execute(statement)]
    return dump


__all__ = [
    "create_index_engine",
    "create_schema",
    "default_db_url",
    "drop_schema",
    "dump_tables",
    "normalize_url",
]
