"""The durable outbox: a SQLite journal of intents and of the transactions that carry them.

Every write is one `BEGIN IMMEDIATE` transaction committed with `synchronous=FULL` in WAL
mode, so once a method returns its effect survives a crash or a power cut.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.domain.errors import (
    ChainMismatchError,
    IdempotencyConflictError,
    IntentConflictError,
    OutboxEntryNotFoundError,
    ValidationError,
)
from ledger.writes.relayer.models import (
    MAX_KEY_LENGTH,
    EntryStatus,
    Failure,
    Intent,
    OutboxEntry,
    TxPurpose,
    TxStatus,
)

SCHEMA_VERSION = "1"
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    nonce INTEGER NOT NULL,
    tx_hash TEXT NOT NULL UNIQUE,
    raw BLOB NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL,
    gas INTEGER NOT NULL,
    max_fee TEXT NOT NULL,
    tip TEXT NOT NULL,
    block_number INTEGER,
    block_hash TEXT,
    broadcasts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
-- NOTE: the database itself refuses to give one nonce to two live transactions; only a
-- transaction that provably never reached the chain (replaced, rejected) frees its slot.
CREATE UNIQUE INDEX IF NOT EXISTS transactions_live_nonce
    ON transactions (sender, nonce) WHERE status NOT IN ('replaced', 'rejected');
CREATE INDEX IF NOT EXISTS transactions_status ON transactions (status, sender, nonce);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    data BLOB NOT NULL,
    value TEXT NOT NULL,
    batch_key TEXT,
    status TEXT NOT NULL,
    tx_id INTEGER REFERENCES transactions (id),
    attempts INTEGER NOT NULL DEFAULT 0,
    no_batch INTEGER NOT NULL DEFAULT 0,
    slot TEXT,
    error_name TEXT,
    error_args TEXT,
    error_message TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_status ON entries (status, id);
CREATE INDEX IF NOT EXISTS entries_tx ON entries (tx_id);
CREATE TABLE IF NOT EXISTS accounts (
    address TEXT PRIMARY KEY,
    next_nonce INTEGER NOT NULL
);
"""
# NOTE: one pending entry per slot (e.g. a signer's nonce): the database refuses a second,
# so concurrent submitters cannot both get one in. Outboxes older than the column gain it.
_SLOT_INDEX = """
CREATE UNIQUE INDEX IF NOT EXISTS entries_pending_slot ON entries (slot)
    WHERE slot IS NOT NULL AND status IN ('queued', 'sent', 'mined')
"""

_ENTRY_SELECT = """
SELECT e.*, t.tx_hash AS t_hash, t.sender AS t_sender, t.nonce AS t_nonce,
       t.block_number AS t_block
FROM entries e LEFT JOIN transactions t ON t.id = e.tx_id
"""


@dataclass(frozen=True)
class SignedTx:
    """A signed transaction about to be stored (and only then broadcast)."""

    sender: str
    nonce: int
    tx_hash: str
    raw: bytes
    purpose: TxPurpose
    gas: int
    max_fee: int
    tip: int

    def stored_as(self, tx_id: int) -> TxRecord:
        """This transaction as the row `tx_id` the outbox stored it in."""
        return TxRecord(
            id=tx_id,
            sender=self.sender,
            nonce=self.nonce,
            tx_hash=self.tx_hash,
            raw=self.raw,
            purpose=self.purpose,
            status=TxStatus.PENDING,
            block_number=None,
            block_hash=None,
            broadcasts=0,
        )


@dataclass(frozen=True)
class TxRecord:
    """A stored transaction as the reconciler sees it."""

    id: int
    sender: str
    nonce: int
    tx_hash: str
    raw: bytes
    purpose: TxPurpose
    status: TxStatus
    block_number: int | None
    block_hash: str | None
    broadcasts: int


class Outbox:
    """The relayer's SQLite journal; safe to share between threads (a connection each)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        # NOTE: executescript commits on its own, so the schema is applied outside _write.
        conn = self._conn()
        conn.executescript(_SCHEMA)
        columns = {row["name"] for row in conn.execute("PRAGMA table_info(entries)")}
        if "slot" not in columns:
            conn.execute("ALTER TABLE entries ADD COLUMN slot TEXT")
        conn.execute(_SLOT_INDEX)
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
            (SCHEMA_VERSION,),
        )

    # -- connections ---------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
                check_same_thread=False,  # only so that close() can close every connection
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            # NOTE: FULL makes every COMMIT fsync the WAL: an acknowledged intent is on disk.
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        # NOTE: IMMEDIATE takes the write lock up front, so two writers never both read
        # "key absent" and then race to insert; the UNIQUE constraint is the backstop.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Checkpoint the WAL and close every connection this outbox opened."""
        with self._lock:
            connections, self._connections = self._connections, []
        for index, conn in enumerate(connections):
            try:
                if index == 0:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            conn.close()
        self._local = threading.local()

    # -- journal -------------------------------------------------------------------------

    def submit(
        self,
        intent: Intent,
        *,
        idempotency_key: str | None = None,
        content_hash: str | None = None,
        slot: str | None = None,
    ) -> OutboxEntry:
        """Journal `intent` durably and return its entry; a repeated key returns the first one.

        Raises IdempotencyConflictError when the key was used for different content, and
        IntentConflictError when another entry holding `slot` is still pending (queued, sent
        or mined). `content_hash` overrides the intent's own hash (e.g. of the HTTP request).
        """
        key = idempotency_key if idempotency_key is not None else f"auto:{uuid.uuid4()}"
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            raise ValidationError(f"idempotency key must be 1 to {MAX_KEY_LENGTH} characters")
        digest = content_hash or intent.content_hash()
        now = time.time()
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, content_hash FROM entries WHERE idempotency_key = ?", (key,)
            ).fetchone()
            if row is not None:
                if row["content_hash"] != digest:
                    raise IdempotencyConflictError(
                        f"idempotency key {key!r} was already used for a different request "
                        f"(entry {row['id']}); use a new key for a new request."
                    )
                entry_id = int(row["id"])
            else:
                _check_slot_free(conn, slot)
                cursor = conn.execute(
                    "INSERT INTO entries (idempotency_key, content_hash, kind, target, data, "
                    "value, batch_key, status, slot, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        key,
                        digest,
                        intent.kind,
                        intent.target,
                        intent.data,
                        str(intent.value),
                        intent.batch_key,
                        EntryStatus.QUEUED.value,
                        slot,
                        now,
                        now,
                    ),
                )
                entry_id = int(cursor.lastrowid or 0)
        return self.get(entry_id)

    def get(self, entry_id: int) -> OutboxEntry:
        """The entry with this id; raises OutboxEntryNotFoundError."""
        row = self._conn().execute(_ENTRY_SELECT + " WHERE e.id = ?", (entry_id,)).fetchone()
        if row is None:
            raise OutboxEntryNotFoundError(f"no outbox entry with id {entry_id}")
        return _entry(row)

    def find(self, idempotency_key: str) -> OutboxEntry | None:
        """The entry journaled under `idempotency_key`, if any."""
        row = (
            self._conn()
            .execute(_ENTRY_SELECT + " WHERE e.idempotency_key = ?", (idempotency_key,))
            .fetchone()
        )
        return None if row is None else _entry(row)

    def entries(
        self, *, status: EntryStatus | None = None, after_id: int = 0, limit: int = 100
    ) -> list[OutboxEntry]:
        """Entries in journal order after `after_id` (a cursor), optionally of one status."""
        sql = _ENTRY_SELECT + " WHERE e.id > ?"
        params: list[Any] = [after_id]
        if status is not None:
            sql += " AND e.status = ?"
            params.append(status.value)
        rows = self._conn().execute(sql + " ORDER BY e.id LIMIT ?", (*params, limit)).fetchall()
        return [_entry(row) for row in rows]

    def queued(self, *, limit: int) -> list[OutboxEntry]:
        """Queued entries in journal order."""
        return self.entries(status=EntryStatus.QUEUED, limit=limit)

    def counts(self) -> dict[EntryStatus, int]:
        """How many entries are in each status."""
        rows = self._conn().execute("SELECT status, COUNT(*) AS n FROM entries GROUP BY status")
        return {EntryStatus(row["status"]): int(row["n"]) for row in rows}

    # -- chain binding and nonces --------------------------------------------------------

    def bind_chain(self, chain_id: int) -> None:
        """Remember the chain this outbox signs for; refuse to be used with another one."""
        with self._write() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'chain_id'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta (key, value) VALUES ('chain_id', ?)", (chain_id,))
            elif int(row["value"]) != chain_id:
                raise ChainMismatchError(
                    f"the outbox {self.path} holds transactions for chain {row['value']}, but "
                    f"the node is chain {chain_id}: use another outbox file for this chain."
                )

    def next_nonce(self, sender: str) -> int | None:
        """The next nonce this outbox would give `sender`, or None if it never signed for it."""
        row = (
            self._conn()
            .execute("SELECT next_nonce FROM accounts WHERE address = ?", (sender,))
            .fetchone()
        )
        return None if row is None else int(row["next_nonce"])

    def advance_nonce(self, sender: str, nonce: int) -> None:
        """Move `sender`'s next nonce forward to `nonce` (never backwards)."""
        with self._write() as conn:
            _advance(conn, sender, nonce)

    # -- transactions --------------------------------------------------------------------

    def record_signed(self, tx: SignedTx, *, entry_ids: Sequence[int]) -> int:
        """Store a signed transaction and mark its entries sent, atomically, before broadcast."""
        now = time.time()
        with self._write() as conn:
            tx_id = _insert_tx(conn, tx, now)
            for entry_id in entry_ids:
                conn.execute(
                    "UPDATE entries SET status = ?, tx_id = ?, attempts = attempts + 1, "
                    "updated_at = ? WHERE id = ? AND status = ?",
                    (EntryStatus.SENT.value, tx_id, now, entry_id, EntryStatus.QUEUED.value),
                )
            _advance(conn, tx.sender, tx.nonce + 1)
        return tx_id

    def note_broadcast(self, tx_id: int, *, error: str | None) -> None:
        """Count a broadcast attempt and remember the node's last complaint."""
        self._conn().execute(
            "UPDATE transactions SET broadcasts = broadcasts + 1, last_error = ?, updated_at = ? "
            "WHERE id = ?",
            (error, time.time(), tx_id),
        )

    def live_transactions(self) -> list[TxRecord]:
        """Transactions not yet final (pending or mined), by sender and nonce."""
        rows = self._conn().execute(
            "SELECT * FROM transactions WHERE status IN (?, ?) ORDER BY sender, nonce",
            (TxStatus.PENDING.value, TxStatus.MINED.value),
        )
        return [_tx(row) for row in rows]

    def confirmed_transactions(self, *, below_block: int | None, limit: int) -> list[TxRecord]:
        """Confirmed transactions mined below `below_block`, newest first (one page)."""
        rows = self._conn().execute(
            "SELECT * FROM transactions WHERE status = ? AND block_number < ? "
            "ORDER BY block_number DESC, id DESC LIMIT ?",
            (TxStatus.CONFIRMED.value, 2**62 if below_block is None else below_block, limit),
        )
        return [_tx(row) for row in rows]

    def pending_count(self, sender: str | None = None) -> int:
        """How many stored transactions still wait to be mined."""
        sql = "SELECT COUNT(*) FROM transactions WHERE status = ?"
        params: list[Any] = [TxStatus.PENDING.value]
        if sender is not None:
            sql += " AND sender = ?"
            params.append(sender)
        return int(self._conn().execute(sql, params).fetchone()[0])

    def transaction_entries(self, tx_id: int) -> list[OutboxEntry]:
        """The entries a transaction carries (not those already failed or moved on)."""
        rows = self._conn().execute(
            _ENTRY_SELECT + " WHERE e.tx_id = ? AND e.status != ? ORDER BY e.id",
            (tx_id, EntryStatus.FAILED.value),
        )
        return [_entry(row) for row in rows]

    def transactions(self) -> list[TxRecord]:
        """Every stored transaction, in signing order (for audits and tests)."""
        rows = self._conn().execute("SELECT * FROM transactions ORDER BY id")
        return [_tx(row) for row in rows]

    def settle(
        self,
        tx_id: int,
        *,
        tx_status: TxStatus,
        entry_status: EntryStatus,
        block_number: int | None = None,
        block_hash: str | None = None,
    ) -> None:
        """Move a transaction and the entries it carries to a new status together."""
        now = time.time()
        with self._write() as conn:
            conn.execute(
                "UPDATE transactions SET status = ?, block_number = ?, block_hash = ?, "
                "updated_at = ? WHERE id = ?",
                (tx_status.value, block_number, block_hash, now, tx_id),
            )
            conn.execute(
                "UPDATE entries SET status = ?, updated_at = ? WHERE tx_id = ? AND status != ?",
                (entry_status.value, now, tx_id, EntryStatus.FAILED.value),
            )

    def retire(
        self,
        tx_id: int,
        *,
        tx_status: TxStatus,
        requeue: Sequence[int] = (),
        no_batch: bool = False,
        fail: Mapping[int, Failure] | None = None,
        filler: SignedTx | None = None,
        block_number: int | None = None,
        block_hash: str | None = None,
        error: str | None = None,
    ) -> int | None:
        """Close a transaction that will not carry its entries to completion, atomically.

        Its entries are re-queued (to be signed afresh) or failed; a filler transaction,
        if given, takes the freed nonce in the same commit so no gap can open. Returns the
        filler's id.
        """
        now = time.time()
        filler_id: int | None = None
        with self._write() as conn:
            conn.execute(
                "UPDATE transactions SET status = ?, block_number = ?, block_hash = ?, "
                "last_error = COALESCE(?, last_error), updated_at = ? WHERE id = ?",
                (tx_status.value, block_number, block_hash, error, now, tx_id),
            )
            for entry_id in requeue:
                conn.execute(
                    "UPDATE entries SET status = ?, tx_id = NULL, no_batch = no_batch OR ?, "
                    "updated_at = ? WHERE id = ?",
                    (EntryStatus.QUEUED.value, int(no_batch), now, entry_id),
                )
            for entry_id, failure in (fail or {}).items():
                _fail(conn, entry_id, failure, now)
            if filler is not None:
                filler_id = _insert_tx(conn, filler, now)
                _advance(conn, filler.sender, filler.nonce + 1)
        return filler_id

    def land(self, entry_id: int) -> None:
        """Confirm an entry whose effect another party's transaction put on chain (the same
        signed intent, sent first): it carries no transaction of ours."""
        self._conn().execute(
            "UPDATE entries SET status = ?, tx_id = NULL, updated_at = ? WHERE id = ?",
            (EntryStatus.CONFIRMED.value, time.time(), entry_id),
        )

    def fail(self, entry_ids: Sequence[int], failure: Failure) -> None:
        """Mark queued entries failed (e.g. gas estimation showed they would revert)."""
        now = time.time()
        with self._write() as conn:
            for entry_id in entry_ids:
                _fail(conn, entry_id, failure, now)


def _check_slot_free(conn: sqlite3.Connection, slot: str | None) -> None:
    if slot is None:
        return
    pending = conn.execute(
        "SELECT 1 FROM entries WHERE slot = ? AND status IN (?, ?, ?)",
        (slot, EntryStatus.QUEUED.value, EntryStatus.SENT.value, EntryStatus.MINED.value),
    ).fetchone()
    if pending is not None:
        # NOTE: no entry id: the pending entry is its submitter's business.
        raise IntentConflictError(
            f"an intent for {slot} is already pending; wait for it to be confirmed or to fail"
        )


def _insert_tx(conn: sqlite3.Connection, tx: SignedTx, now: float) -> int:
    cursor = conn.execute(
        "INSERT INTO transactions (sender, nonce, tx_hash, raw, purpose, status, gas, max_fee, "
        "tip, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            tx.sender,
            tx.nonce,
            tx.tx_hash,
            tx.raw,
            tx.purpose.value,
            TxStatus.PENDING.value,
            tx.gas,
            str(tx.max_fee),
            str(tx.tip),
            now,
            now,
        ),
    )
    return int(cursor.lastrowid or 0)


def _advance(conn: sqlite3.Connection, sender: str, nonce: int) -> None:
    conn.execute(
        "INSERT INTO accounts (address, next_nonce) VALUES (?, ?) ON CONFLICT (address) "
        "DO UPDATE SET next_nonce = MAX(next_nonce, excluded.next_nonce)",
        (sender, nonce),
    )


def _fail(conn: sqlite3.Connection, entry_id: int, failure: Failure, now: float) -> None:
    conn.execute(
        "UPDATE entries SET status = ?, error_name = ?, error_args = ?, error_message = ?, "
        "updated_at = ? WHERE id = ?",
        (
            EntryStatus.FAILED.value,
            failure.name,
            json.dumps(dict(failure.arguments), default=_json_default),
            failure.message,
            now,
            entry_id,
        ),
    )


def _json_default(value: object) -> object:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def _entry(row: sqlite3.Row) -> OutboxEntry:
    failure = None
    if row["error_name"] is not None:
        failure = Failure(
            name=row["error_name"],
            arguments=json.loads(row["error_args"] or "{}"),
            message=row["error_message"] or "",
        )
    return OutboxEntry(
        id=int(row["id"]),
        idempotency_key=row["idempotency_key"],
        content_hash=row["content_hash"],
        intent=Intent(
            kind=row["kind"],
            target=row["target"],
            data=bytes(row["data"]),
            value=int(row["value"]),
            batch_key=row["batch_key"],
        ),
        status=EntryStatus(row["status"]),
        attempts=int(row["attempts"]),
        created_at=float(row["created_at"]),
        updated_at=float(row["updated_at"]),
        tx_hash=row["t_hash"],
        sender=row["t_sender"],
        nonce=None if row["t_nonce"] is None else int(row["t_nonce"]),
        block_number=None if row["t_block"] is None else int(row["t_block"]),
        failure=failure,
        batchable=not row["no_batch"],
    )


def _tx(row: sqlite3.Row) -> TxRecord:
    return TxRecord(
        id=int(row["id"]),
        sender=row["sender"],
        nonce=int(row["nonce"]),
        tx_hash=row["tx_hash"],
        raw=bytes(row["raw"]),
        purpose=TxPurpose(row["purpose"]),
        status=TxStatus(row["status"]),
        block_number=None if row["block_number"] is None else int(row["block_number"]),
        block_hash=row["block_hash"],
        broadcasts=int(row["broadcasts"]),
    )
