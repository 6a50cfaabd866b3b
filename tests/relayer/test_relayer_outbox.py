"""The outbox on its own: durable journaling, idempotency, nonce uniqueness, fee quotes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from ledger.domain.errors import IdempotencyConflictError, OutboxEntryNotFoundError, ValidationError
from ledger.writes.relayer import EntryStatus, Intent, Outbox, RelayerConfig, TxPurpose, quote_fees
from ledger.writes.relayer.broadcast import Outcome, classify
from ledger.writes.relayer.outbox import SignedTx

TARGET = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
GWEI = 10**9


def intent(data: str = "0x01", **kwargs: object) -> Intent:
    return Intent(kind="test.call", target=TARGET, data=data, **kwargs)  # type: ignore[arg-type]


def test_submit_returns_the_first_entry_when_the_key_repeats_with_same_content(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "o.db")
    first = outbox.submit(intent(), idempotency_key="k1")
    again = outbox.submit(intent(), idempotency_key="k1")
    assert again == first
    assert first.status is EntryStatus.QUEUED
    assert outbox.counts() == {EntryStatus.QUEUED: 1}


def test_submit_raises_conflict_when_the_key_repeats_with_different_content(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "o.db")
    first = outbox.submit(intent("0x01"), idempotency_key="k1")
    with pytest.raises(IdempotencyConflictError, match=f"entry {first.id}") as raised:
        outbox.submit(intent("0x02"), idempotency_key="k1")
    assert raised.value.status_code == 409
    assert outbox.get(first.id).intent.data == b"\x01"


def test_submit_journals_one_entry_when_many_threads_race_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "o.db"
    outboxes = [Outbox(path) for _ in range(4)]  # separate connections, as separate processes
    barrier = threading.Barrier(24)
    ids: list[int] = []

    def submit(index: int) -> None:
        barrier.wait()
        ids.append(outboxes[index % 4].submit(intent(), idempotency_key="same").id)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 24
    assert len(set(ids)) == 1
    assert outboxes[0].counts() == {EntryStatus.QUEUED: 1}


def test_entry_survives_when_the_outbox_is_reopened(tmp_path: Path) -> None:
    path = tmp_path / "o.db"
    entry = Outbox(path).submit(intent(value=7, batch_key="b"), idempotency_key="k")
    reopened = Outbox(path)
    assert reopened.get(entry.id) == entry
    assert reopened.find("k") == entry
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_get_raises_not_found_when_the_id_is_unknown(tmp_path: Path) -> None:
    with pytest.raises(OutboxEntryNotFoundError) as raised:
        Outbox(tmp_path / "o.db").get(42)
    assert raised.value.status_code == 404


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": "0x1234"}, "target: .* is not a 20-byte hex address"),
        ({"data": "0xzz"}, "data is not valid hex"),
        ({"value": -1}, "value: -1 is outside"),
        ({"kind": ""}, "kind must be"),
        ({"batch_key": ""}, "batch_key must be"),
    ],
)
def test_intent_is_refused_when_a_field_is_invalid(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"kind": "k", "target": TARGET, "data": "0x", **kwargs}
    with pytest.raises(ValidationError, match=message):
        Intent(**fields)  # type: ignore[arg-type]


def test_intent_checksums_the_target_when_given_lower_case() -> None:
    assert intent().target == Intent("k", TARGET.lower(), b"").target == TARGET


def test_database_refuses_a_second_live_transaction_when_it_reuses_a_nonce(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "o.db")

    def signed(tx_hash: str) -> SignedTx:
        return SignedTx(TARGET, 5, tx_hash, b"raw", TxPurpose.SINGLE, 21_000, 2, 1)

    outbox.record_signed(signed("0x01"), entry_ids=[])
    with pytest.raises(sqlite3.IntegrityError):
        outbox.record_signed(signed("0x02"), entry_ids=[])
    assert outbox.next_nonce(TARGET) == 6


def test_fees_are_twice_the_base_fee_plus_tip_when_under_the_cap() -> None:
    config = RelayerConfig(priority_fee=1 * GWEI, max_fee_cap=100 * GWEI)
    fees = quote_fees(base_fee=10 * GWEI, config=config)
    assert fees is not None
    assert (fees.max_fee, fees.tip) == (21 * GWEI, 1 * GWEI)


def test_fees_are_capped_when_the_base_fee_is_high() -> None:
    config = RelayerConfig(priority_fee=2 * GWEI, max_fee_cap=50 * GWEI)
    fees = quote_fees(base_fee=40 * GWEI, config=config)
    assert fees is not None
    assert fees.max_fee == 50 * GWEI


def test_fees_are_refused_when_the_cap_is_below_the_base_fee() -> None:
    assert quote_fees(base_fee=60 * GWEI, config=RelayerConfig(max_fee_cap=50 * GWEI)) is None


@pytest.mark.parametrize(
    ("message", "outcome"),
    [
        ("{'code': -32003, 'message': 'nonce too low'}", Outcome.NONCE_USED),
        ("Invalid transaction nonce: Expected 2, but got 1", Outcome.NONCE_USED),
        ("Invalid transaction nonce: Expected 2, but got 3", Outcome.RETRY),
        ("already known", Outcome.KNOWN),
        ("intrinsic gas too high -- tx.gas_limit > env.block.gas_limit", Outcome.REJECTED),
        ("insufficient funds for gas * price + value", Outcome.RETRY),
        ("something new", Outcome.RETRY),
    ],
)
def test_broadcast_refusal_is_classified_when_the_node_answers(
    message: str, outcome: Outcome
) -> None:
    assert classify(ValueError(message)) is outcome
