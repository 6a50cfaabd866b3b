"""The relayer against the in-process chain (eth-tester on py-evm): fast, real transactions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from web3.contract import Contract

from ledger.domain.errors import ChainMismatchError, RelayerBusyError, RelayerTimeoutError
from ledger.infra.chain import MemoryChain
from ledger.writes.relayer import EntryStatus, Outbox, RelayerConfig, TxStatus
from tests.relayer.conftest import (
    RECORD,
    RELAYER_ACCOUNT,
    MakeRelayer,
    crash_after_signing,
    journal_batcher,
    record_id,
    record_intent,
)


def relayer_nonce(chain: MemoryChain) -> int:
    return int(chain.w3.eth.get_transaction_count(chain.accounts[RELAYER_ACCOUNT].address))


def test_entry_is_confirmed_when_enough_blocks_are_mined_on_top(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    relayer = make_relayer(chain, config=RelayerConfig(confirmations=3))
    entry = relayer.submit(record_intent(journal, record_id(1)), idempotency_key="a")
    relayer.process_once()
    relayer.process_once()
    mined = relayer.get(entry.id)
    assert mined.status is EntryStatus.MINED
    assert mined.tx_hash is not None
    assert mined.block_number == chain.w3.eth.block_number
    chain.mine(1)
    relayer.process_once()
    assert relayer.get(entry.id).status is EntryStatus.MINED
    chain.mine(1)
    relayer.process_once()
    assert relayer.get(entry.id).status is EntryStatus.CONFIRMED
    assert journal.functions.timesRecorded(record_id(1)).call() == 1


def test_entry_fails_with_the_decoded_error_and_spends_no_nonce_when_it_would_revert(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    relayer = make_relayer(chain)
    before = relayer_nonce(chain)
    good = relayer.submit(record_intent(journal, record_id(1)))
    bad = relayer.submit(record_intent(journal, b"\0" * 32))
    late = relayer.submit(record_intent(journal, record_id(2)))
    relayer.process_once()
    relayer.process_once()
    failed = relayer.get(bad.id)
    assert failed.status is EntryStatus.FAILED
    assert failed.tx_hash is None
    assert failed.failure is not None
    assert failed.failure.name == "JournalZeroRecord"
    assert failed.failure.arguments == {
        "caller": chain.accounts[RELAYER_ACCOUNT].address,
        "index": 0,
    }
    assert [relayer.get(e.id).nonce for e in (good, late)] == [before, before + 1]
    assert relayer_nonce(chain) == before + 2  # no gap, nothing spent on the revert


def test_batch_goes_out_as_one_transaction_when_entries_share_a_batch_key(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    relayer = make_relayer(chain, config=RelayerConfig(confirmations=1, max_batch=3))
    relayer.register_batcher(RECORD, journal_batcher(journal))
    entries = [
        relayer.submit(record_intent(journal, record_id(i), batch_key="agreement-1"))
        for i in range(5)
    ]
    alone = relayer.submit(record_intent(journal, record_id("alone")))
    before = relayer_nonce(chain)
    relayer.process_once()
    relayer.process_once()
    done = [relayer.get(e.id) for e in entries]
    assert {e.status for e in done} == {EntryStatus.CONFIRMED}
    assert len({e.tx_hash for e in done[:3]}) == 1
    assert len({e.tx_hash for e in done[3:]}) == 1
    assert done[0].tx_hash != done[3].tx_hash
    assert relayer.get(alone.id).status is EntryStatus.CONFIRMED
    assert relayer_nonce(chain) == before + 3  # two batches and the single
    assert [journal.functions.timesRecorded(record_id(i)).call() for i in range(5)] == [1] * 5


def test_batch_falls_back_to_single_sends_when_one_of_its_entries_would_revert(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    relayer = make_relayer(chain)
    relayer.register_batcher(RECORD, journal_batcher(journal))
    good = [relayer.submit(record_intent(journal, record_id(i), batch_key="b")) for i in range(2)]
    bad = relayer.submit(record_intent(journal, b"\0" * 32, batch_key="b"))
    relayer.process_once()
    relayer.process_once()
    assert [relayer.get(e.id).status for e in good] == [EntryStatus.CONFIRMED] * 2
    failed = relayer.get(bad.id)
    assert failed.status is EntryStatus.FAILED
    assert failed.failure is not None
    assert failed.failure.name == "JournalZeroRecord"
    assert journal.functions.total().call() == 2


def test_same_signed_transaction_is_rebroadcast_when_the_relayer_crashed_before_sending(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    entry_id = crash_after_signing(make_relayer, chain, record_intent(journal, record_id(1)))
    restarted = make_relayer(chain)
    stored = restarted.get(entry_id)
    assert stored.status is EntryStatus.SENT
    assert journal.functions.total().call() == 0  # signed and stored, never broadcast
    restarted.process_once()
    done = restarted.get(entry_id)
    assert done.status is EntryStatus.CONFIRMED
    assert done.tx_hash == stored.tx_hash
    assert done.nonce == stored.nonce
    assert journal.functions.total().call() == 1


def test_entry_is_resent_once_when_a_reorg_drops_its_block(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    relayer = make_relayer(chain, config=RelayerConfig(confirmations=5))
    fork_point = chain.snapshot()
    entry = relayer.submit(record_intent(journal, record_id(1)))
    relayer.process_once()
    relayer.process_once()
    first = relayer.get(entry.id)
    assert first.status is EntryStatus.MINED
    chain.revert(fork_point)  # the block holding the transaction is gone ...
    chain.mine(3)  # ... and a longer chain without it takes its place
    report = relayer.process_once()
    assert report.reconciled.unmined == 1
    assert report.reconciled.rebroadcast == 1
    relayer.process_once()
    chain.mine(4)
    relayer.process_once()
    done = relayer.get(entry.id)
    assert done.status is EntryStatus.CONFIRMED
    assert done.tx_hash == first.tx_hash
    assert done.block_number != first.block_number
    assert journal.functions.timesRecorded(record_id(1)).call() == 1


def test_entry_gets_a_fresh_nonce_when_its_nonce_was_spent_by_another_transaction(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    entry_id = crash_after_signing(make_relayer, chain, record_intent(journal, record_id(1)))
    relayer = make_relayer(chain)
    stolen = relayer.get(entry_id)
    # Someone else signs with the relayer key and spends that nonce first.
    account = chain.accounts[RELAYER_ACCOUNT]
    other = account.sign_transaction(
        {
            "type": 2,
            "chainId": chain.chain_id,
            "nonce": stolen.nonce,
            "to": account.address,
            "value": 1,
            "gas": 21_000,
            "maxFeePerGas": 10**10,
            "maxPriorityFeePerGas": 10**9,
        }
    )
    chain.w3.eth.send_raw_transaction(other.raw_transaction)

    relayer.process_once()  # re-queued once the spent nonce is final, then re-signed
    done = relayer.get(entry_id)
    assert done.status is EntryStatus.CONFIRMED
    assert done.nonce == (stolen.nonce or 0) + 1
    assert done.attempts == 2
    statuses = [tx.status for tx in relayer.outbox.transactions()]
    assert statuses == [TxStatus.REPLACED, TxStatus.CONFIRMED]
    assert journal.functions.timesRecorded(record_id(1)).call() == 1


def test_duplicate_submissions_make_one_entry_and_one_transaction_when_threads_race(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    relayer = make_relayer(chain)
    relayer.start()
    barrier = threading.Barrier(16)
    ids: list[int] = []

    def submit() -> None:
        barrier.wait()
        ids.append(relayer.submit(record_intent(journal, record_id(7)), idempotency_key="k").id)

    threads = [threading.Thread(target=submit) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 1
    assert relayer.wait(ids[0], timeout=20).status is EntryStatus.CONFIRMED
    relayer.stop()
    assert not relayer.running
    assert len(relayer.outbox.transactions()) == 1
    assert journal.functions.timesRecorded(record_id(7)).call() == 1


def test_wait_raises_timeout_when_no_worker_sends(
    chain: MemoryChain, journal: Contract, make_relayer: MakeRelayer
) -> None:
    relayer = make_relayer(chain)
    entry = relayer.submit(record_intent(journal, record_id(1)))
    with pytest.raises(RelayerTimeoutError, match="is queued, not mined"):
        relayer.wait(entry.id, status=EntryStatus.MINED, timeout=0.2)


def test_second_relayer_is_refused_when_one_already_sends_from_the_outbox(
    chain: MemoryChain, make_relayer: MakeRelayer
) -> None:
    make_relayer(chain).process_once()
    with pytest.raises(RelayerBusyError):
        make_relayer(chain).process_once()


def test_relayer_refuses_the_outbox_when_it_belongs_to_another_chain(
    chain: MemoryChain, make_relayer: MakeRelayer, tmp_path: Path
) -> None:
    Outbox(tmp_path / "outbox.sqlite3").bind_chain(1)
    with pytest.raises(ChainMismatchError, match="chain 1"):
        make_relayer(chain).process_once()
