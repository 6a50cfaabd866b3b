"""The relayer against a real anvil process: crashes, a node restored from an older state
file, a refused transaction, a node that is down."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from web3.contract import Contract

from ledger.domain.errors import ChainUnavailableError
from ledger.infra.chain import AnvilChain, RpcChain
from ledger.infra.compiler import CompileResult
from ledger.infra.revert import ErrorDecoder
from ledger.writes.relayer import EntryStatus, Intent, TxPurpose, TxStatus
from tests.relayer.conftest import (
    RECORD,
    RELAYER_ACCOUNT,
    MakeRelayer,
    crash_after_signing,
    deploy_journal,
    journal_batcher,
    record_id,
    record_intent,
)

pytestmark = pytest.mark.anvil

CHILD = Path(__file__).with_name("crash_child.py")


@pytest.fixture
def node(tmp_path: Path) -> Iterator[AnvilChain]:
    """A managed anvil with its state file in tmp_path (stopped at the end)."""
    with AnvilChain(state_file=tmp_path / "anvil" / "state.json") as chain:
        yield chain


def state_block(path: Path) -> int:
    """The latest block number recorded in an anvil state file (-1 if unreadable)."""
    try:
        return int(json.loads(path.read_text())["block"]["number"], 0)
    except (OSError, ValueError, KeyError, TypeError):
        return -1


def nonce_of(node: RpcChain) -> int:
    return int(node.w3.eth.get_transaction_count(node.accounts[RELAYER_ACCOUNT].address))


def assert_gapless(txs: list[tuple[int, TxStatus]], chain_nonce: int) -> None:
    """Every nonce below the chain's is held by exactly one mined or confirmed transaction."""
    spent = sorted(n for n, s in txs if s in (TxStatus.CONFIRMED, TxStatus.MINED))
    assert spent == list(range(chain_nonce))


@pytest.mark.parametrize("point", ["journaled", "signed", "broadcast"])
def test_intents_are_sent_exactly_once_when_the_relayer_is_killed(
    point: str,
    node: AnvilChain,
    tmp_path: Path,
    fixture_artifacts: CompileResult,
    fixture_decoder: ErrorDecoder,
    make_relayer: MakeRelayer,
) -> None:
    journal = deploy_journal(node, fixture_artifacts, fixture_decoder)
    calls = [journal.encode_abi("record", [record_id(i)]) for i in range(3)]
    key = node.accounts[RELAYER_ACCOUNT].key.hex()
    outbox = tmp_path / "outbox.sqlite3"
    child = subprocess.run(
        [sys.executable, str(CHILD), str(outbox), node.url, key, journal.address, point, *calls],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == -9, child.stderr  # SIGKILL, at the chosen point

    relayer = make_relayer(node, outbox=outbox)
    relayer.process_once()
    entries = relayer.outbox.entries()
    assert len(entries) == 3
    assert {e.status for e in entries} == {EntryStatus.CONFIRMED}
    assert [journal.functions.timesRecorded(record_id(i)).call() for i in range(3)] == [1] * 3
    assert len(relayer.outbox.transactions()) == 3
    assert nonce_of(node) == 3


def test_lost_transactions_are_resent_once_when_anvil_restarts_from_an_older_state(
    tmp_path: Path,
    fixture_artifacts: CompileResult,
    fixture_decoder: ErrorDecoder,
    make_relayer: MakeRelayer,
) -> None:
    state = tmp_path / "anvil" / "state.json"
    node = AnvilChain(state_file=state)
    try:
        journal = deploy_journal(node, fixture_artifacts, fixture_decoder)
        relayer = make_relayer(node)
        relayer.register_batcher(RECORD, journal_batcher(journal))
        early = [relayer.submit(record_intent(journal, record_id(i))) for i in range(2)]
        relayer.process_once()
        saved_at = node.w3.eth.block_number
        deadline = time.monotonic() + 10
        while state_block(state) < saved_at and time.monotonic() < deadline:
            time.sleep(0.1)  # anvil dumps its state every second
        older = tmp_path / "older-state.json"
        shutil.copy(state, older)
        assert state_block(older) == saved_at

        late = [
            relayer.submit(record_intent(journal, record_id(i), batch_key="late"))
            for i in range(2, 6)
        ]
        late.append(relayer.submit(record_intent(journal, record_id(6))))
        relayer.process_once()
        assert {relayer.get(e.id).status for e in early + late} == {EntryStatus.CONFIRMED}
        port = node.port
        node.kill()  # SIGKILL: whatever it held in memory since `older` is gone
        shutil.copy(older, state)
        node = AnvilChain(state_file=state, port=port)
        assert node.w3.eth.block_number == saved_at
        assert journal.functions.total().call() == 2

        report = relayer.process_once()
        assert report.reconciled.unmined == 2  # the batch and the single were re-opened
        assert {relayer.get(e.id).status for e in early + late} == {EntryStatus.CONFIRMED}
        counts = [journal.functions.timesRecorded(record_id(i)).call() for i in range(7)]
        assert counts == [1] * 7
        assert len({relayer.get(e.id).tx_hash for e in late[:4]}) == 1  # still one batch
        txs = relayer.outbox.transactions()
        assert len(txs) == 4  # 2 early singles, the batch, the late single: none signed twice
        assert_gapless([(tx.nonce, tx.status) for tx in txs], nonce_of(node))
    finally:
        node.close()


def test_refused_transaction_gives_its_nonce_to_a_filler_when_the_node_rejects_it(
    node: AnvilChain,
    fixture_artifacts: CompileResult,
    fixture_decoder: ErrorDecoder,
    make_relayer: MakeRelayer,
) -> None:
    journal = deploy_journal(node, fixture_artifacts, fixture_decoder)
    entry_id = crash_after_signing(make_relayer, node, record_intent(journal, record_id(1)))
    # The block gas limit drops below what the stored transaction asks for: the node
    # will refuse those bytes for good, and their nonce must not become a gap.
    node.rpc("evm_setBlockGasLimit", [hex(30_000)])
    relayer = make_relayer(node)
    relayer.process_once()
    txs = relayer.outbox.transactions()
    assert [(tx.purpose, tx.status) for tx in txs] == [
        (TxPurpose.SINGLE, TxStatus.REJECTED),
        (TxPurpose.FILLER, TxStatus.CONFIRMED),
    ]
    assert txs[0].nonce == txs[1].nonce == 0
    assert relayer.get(entry_id).status is EntryStatus.QUEUED

    node.rpc("evm_setBlockGasLimit", [hex(60_000_000)])
    node.mine(1)  # the new limit applies from the next block
    relayer.process_once()
    done = relayer.get(entry_id)
    assert done.status is EntryStatus.CONFIRMED
    assert done.nonce == 1
    assert journal.functions.timesRecorded(record_id(1)).call() == 1
    assert nonce_of(node) == 2


def test_mined_reverts_fail_a_single_and_requeue_a_batch_when_front_run(
    node: AnvilChain,
    fixture_artifacts: CompileResult,
    fixture_decoder: ErrorDecoder,
    make_relayer: MakeRelayer,
) -> None:
    journal = deploy_journal(node, fixture_artifacts, fixture_decoder)
    relayer = make_relayer(node)
    relayer.register_batcher(RECORD, journal_batcher(journal))
    batched = [relayer.submit(record_intent(journal, record_id(i), batch_key="b")) for i in (1, 2)]
    single = relayer.submit(record_intent(journal, record_id(3)))
    node.rpc("evm_setAutomine", [False])
    relayer.process_once()  # estimated fine, signed, in the pool
    # Someone pauses the journal with a higher tip: mined first, our two transactions revert.
    journal.functions.setPaused(True).transact(
        {"from": node.accounts[0].address, "maxPriorityFeePerGas": 10**11, "maxFeePerGas": 10**12}
    )
    node.mine(1)
    node.rpc("evm_setAutomine", [True])
    journal.functions.setPaused(False).transact({"from": node.accounts[0].address})
    relayer.process_once()

    failed = relayer.get(single.id)
    assert failed.status is EntryStatus.FAILED
    assert failed.failure is not None
    assert failed.failure.name == "JournalPaused"
    retried = [relayer.get(e.id) for e in batched]
    assert {e.status for e in retried} == {EntryStatus.CONFIRMED}
    assert not any(e.batchable for e in retried)
    assert retried[0].tx_hash != retried[1].tx_hash  # re-sent one by one
    statuses = [tx.status for tx in relayer.outbox.transactions()]
    assert statuses.count(TxStatus.REVERTED) == 2
    assert [journal.functions.timesRecorded(record_id(i)).call() for i in (1, 2, 3)] == [1, 1, 0]


def test_dependent_intent_waits_for_its_resend_when_a_reorg_unmines_what_it_depends_on(
    node: AnvilChain,
    fixture_artifacts: CompileResult,
    fixture_decoder: ErrorDecoder,
    make_relayer: MakeRelayer,
) -> None:
    journal = deploy_journal(node, fixture_artifacts, fixture_decoder)
    journal.functions.setPaused(True).transact({"from": node.accounts[0].address})
    relayer = make_relayer(node)
    resume = Intent(
        kind="journal.resume",
        target=journal.address,
        data=bytes.fromhex(journal.encode_abi("setPaused", [False])[2:]),
    )
    resumed = relayer.submit(resume)
    relayer.process_once()
    assert relayer.get(resumed.id).status is EntryStatus.CONFIRMED
    # The block holding the resume is replaced right after a step's reconciliation, so the
    # record that needs it is estimated against a chain where the journal is paused again.
    node.rpc("anvil_reorg", [1, []])
    recorded = relayer.submit(record_intent(journal, record_id(1)))
    relayer.sender.run()
    relayer.process_once()

    assert relayer.get(recorded.id).status is EntryStatus.CONFIRMED
    assert relayer.get(resumed.id).status is EntryStatus.CONFIRMED
    assert journal.functions.timesRecorded(record_id(1)).call() == 1
    assert nonce_of(node) == 2


def test_step_raises_unavailable_and_loses_nothing_when_the_node_is_down(
    tmp_path: Path,
    fixture_artifacts: CompileResult,
    fixture_decoder: ErrorDecoder,
    make_relayer: MakeRelayer,
) -> None:
    node = AnvilChain(state_file=tmp_path / "anvil" / "state.json")
    try:
        journal: Contract = deploy_journal(node, fixture_artifacts, fixture_decoder)
        relayer = make_relayer(node)
        node.close()  # clean stop: state saved
        entry_id = relayer.submit(record_intent(journal, record_id(1))).id
        with pytest.raises(ChainUnavailableError, match="cannot reach the node"):
            relayer.process_once()
        assert relayer.get(entry_id).status is EntryStatus.QUEUED
        node = AnvilChain(state_file=tmp_path / "anvil" / "state.json", port=node.port)
        relayer.process_once()
        assert relayer.get(entry_id).status is EntryStatus.CONFIRMED
        assert journal.functions.timesRecorded(record_id(1)).call() == 1
    finally:
        node.close()
