"""The indexer against a real anvil process: a multi-block reorg (`anvil_reorg`) rolled back and
re-indexed, and an indexer process SIGKILLed mid-sync then resumed — each ending equal to a clean
index built from genesis, on SQLite and PostgreSQL; and a rebuild in small chunks on anvil
restarted from its state file (no state for the blocks before the restart)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ledger.dev.sandbox import Sandbox
from ledger.infra.chain import AnvilChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import deploy_suite
from ledger.reads.indexer import create_index_engine, dump_tables
from ledger.reads.indexer.models import AgreementHead, AgreementRevenue, Balance
from tests.indexer.conftest import deploy_emitter, emit_history, emitter_config, make_indexer
from tests.indexer.park_workflow import park_indexer, park_workflow

pytestmark = pytest.mark.anvil

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def anvil(tmp_path: Path) -> Iterator[AnvilChain]:
    with AnvilChain(state_file=None, log_file=tmp_path / "anvil.log", accounts=4) as chain:
        yield chain


def test_deep_reorg_is_rolled_back_and_reindexed_when_anvil_reorgs(
    anvil: AnvilChain, emitter_artifacts: CompileResult, make_engine: Callable[[], Engine]
) -> None:
    emitter = deploy_emitter(anvil, emitter_artifacts)
    sender = anvil.accounts[0].address
    emit_history(emitter, sender, rounds=3, agreements=2)
    engine = make_engine()
    indexer = make_indexer(anvil.w3, engine, emitter_config(emitter))
    before = indexer.sync()

    # NOTE: the last 5 blocks (with their notes, tags and pings) are replaced by empty ones.
    anvil.rpc("anvil_reorg", [5, []])
    emit_history(emitter, anvil.accounts[1].address, rounds=1, agreements=2)
    after = indexer.sync()

    assert before.mismatches == after.mismatches == []
    assert after.reorgs == 1
    assert after.rolled_back > 0
    clean = make_engine()
    make_indexer(anvil.w3, clean, emitter_config(emitter)).sync()
    assert dump_tables(engine) == dump_tables(clean)


def test_index_equals_a_clean_run_when_the_indexer_is_killed_mid_sync(
    anvil: AnvilChain,
    emitter_artifacts: CompileResult,
    make_db_url: Callable[[str], str],
    make_engine: Callable[[], Engine],
    db_kind: str,
) -> None:
    emitter = deploy_emitter(anvil, emitter_artifacts)
    emit_history(emitter, anvil.accounts[0].address, rounds=4, agreements=3)
    db_url = make_db_url(db_kind)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.indexer.index_child", anvil.url, db_url, emitter.address],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    lines = [child.stdout.readline() for _ in range(8)]
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert all(line.startswith("chunk") for line in lines), lines

    engine = create_index_engine(db_url)
    try:
        resumed = make_indexer(anvil.w3, engine, emitter_config(emitter)).sync()
        clean = make_engine()
        make_indexer(anvil.w3, clean, emitter_config(emitter)).sync()
        assert resumed.last_block == anvil.w3.eth.block_number
        assert dump_tables(engine) == dump_tables(clean)
    finally:
        engine.dispose()


def test_rebuild_in_small_chunks_ends_verified_when_anvil_restarted_from_its_state_file(
    tmp_path: Path,
    artifacts: CompileResult,
    make_db_url: Callable[[str], str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    state_file = tmp_path / "state.json"
    before_restart = create_index_engine(make_db_url("sqlite"))
    engine = create_index_engine(make_db_url("sqlite"))
    try:
        with AnvilChain(state_file=state_file, log_file=tmp_path / "anvil.log") as node:
            deployment = deploy_suite(
                node.w3, artifacts, deployer=node.accounts[0].address, manifest_dir=tmp_path
            )
            suite = Sandbox.on(chain=node, artifacts=artifacts, deployment=deployment)
            park_workflow(suite)
            park_indexer(suite, before_restart).sync()
        # NOTE: close() stops anvil with SIGTERM, so it dumps the state file; started from it,
        # anvil serves state reads only from the restart block on (BlockOutOfRangeError before).
        with AnvilChain(state_file=state_file, log_file=tmp_path / "anvil.log") as node:
            suite = Sandbox.on(chain=node, artifacts=artifacts, deployment=deployment)
            indexer = park_indexer(suite, engine, max_chunk=3, initial_range=3)
            with caplog.at_level(logging.INFO, logger="ledger.reads.indexer.service"):
                result = indexer.rebuild()

            assert result.chunks > 1
            assert result.mismatches == []
            revenue = suite["Revenue"].functions
            with Session(engine) as session:
                heads = session.scalars(select(AgreementHead)).all()
                assert heads
                assert all(h.head_ok and not h.refresh_needed for h in heads)
                for totals in session.scalars(select(AgreementRevenue)):
                    raw = bytes.fromhex(totals.agreement_id[2:])
                    assert totals.fund_claimable == revenue.fundClaimableOf(raw).call()
                balances = session.scalars(select(Balance)).all()
                assert balances
                for balance in balances:
                    raw = bytes.fromhex(balance.agreement_id[2:])
                    assert balance.claimable == revenue.claimableOf(raw, balance.account).call()
        assert dump_tables(engine) == dump_tables(before_restart)
    finally:
        engine.dispose()
        before_restart.dispose()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "holds no state for block" in warnings[0].getMessage()
    assert warnings[0].exc_info is None
