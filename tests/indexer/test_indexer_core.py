"""The generic indexer on SQLite and PostgreSQL: completeness, resume, confirmation depth,
hash-chain checks, rebuild equality, reorgs and crashes — on the IndexerEmitter fixture."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from web3.contract import Contract

from ledger.domain.errors import IndexMismatchError
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.events import DecodedEvent
from ledger.reads.indexer import Indexer, Projection, ProjectorSet, dump_tables
from ledger.reads.indexer.models import AgreementHead, Event, SyncState
from tests.indexer.conftest import (
    agreement,
    deploy_emitter,
    emit_history,
    emitter_config,
    make_indexer,
)


@pytest.fixture(scope="module")
def history(memory_chain: MemoryChain, emitter_artifacts: CompileResult) -> Iterator[Contract]:
    """One emitter and its history for the whole module, removed from the chain afterwards."""
    before = memory_chain.snapshot()
    contract = deploy_emitter(memory_chain, emitter_artifacts)
    emit_history(contract, memory_chain.accounts[0].address)
    yield contract
    memory_chain.revert(before)


@pytest.fixture
def emitter(history: Contract, chain: MemoryChain) -> Contract:
    """The module's emitter; each test's own transactions are reverted after it."""
    return history


def _clean_dump(
    chain: MemoryChain, emitter: Contract, make_engine: Callable[[], Engine], **options: object
) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine()
    make_indexer(chain.w3, engine, emitter_config(emitter, **options)).sync()  # type: ignore[arg-type]
    return dump_tables(engine)


def test_index_holds_every_event_with_verified_heads_when_synced(
    chain: MemoryChain, emitter: Contract, engine: Engine
) -> None:
    indexer = make_indexer(chain.w3, engine, emitter_config(emitter))

    result = indexer.sync()

    head = chain.w3.eth.block_number
    assert result.last_block == head
    assert result.events == 3 * (1 + 3 * 2 + 5)
    assert result.mismatches == []
    with Session(engine) as session:
        heads = session.scalars(select(AgreementHead).order_by(AgreementHead.agreement_id)).all()
        assert len(heads) == 3
        assert all(h.head_ok and h.onchain_head == h.head and h.event_count == 6 for h in heads)
        noted = session.scalars(select(Event).where(Event.name == "Noted")).first()
        assert noted is not None
        assert noted.block_time is not None
        assert noted.args["items"][0]["who"] == chain.accounts[0].address


def test_sync_resumes_from_the_last_block_when_run_again(
    chain: MemoryChain, emitter: Contract, make_engine: Callable[[], Engine]
) -> None:
    engine = make_engine()
    config = emitter_config(emitter, max_chunk=4)
    middle = chain.w3.eth.block_number // 2

    first = make_indexer(chain.w3, engine, config).sync(to_block=middle)
    emit_history(emitter, chain.accounts[1].address, rounds=1)
    second = make_indexer(chain.w3, engine, config).sync()

    assert first.last_block == middle
    assert second.last_block == chain.w3.eth.block_number
    assert dump_tables(engine) == _clean_dump(chain, emitter, make_engine)


def test_recent_blocks_wait_when_a_confirmation_depth_is_set(
    chain: MemoryChain, emitter: Contract, engine: Engine
) -> None:
    indexer = make_indexer(chain.w3, engine, emitter_config(emitter, confirmations=3))

    result = indexer.sync()
    chain.mine(3)
    later = indexer.sync()

    assert result.last_block == chain.w3.eth.block_number - 6
    assert later.last_block == chain.w3.eth.block_number - 3
    assert later.events > 0


def test_head_mismatch_is_flagged_and_logged_when_the_contract_head_differs(
    chain: MemoryChain, emitter: Contract, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    forged = agreement(1)
    emitter.functions.forgeHead(forged, b"\x66" * 32).transact({"from": chain.accounts[0].address})

    with caplog.at_level(logging.ERROR, logger="ledger.reads.indexer.service"):
        result = make_indexer(chain.w3, engine, emitter_config(emitter)).sync()

    assert result.mismatches == ["0x" + forged.hex()]
    assert "hash-chain mismatch for agreement 0x" + forged.hex() in caplog.text
    with Session(engine) as session:
        head = session.get(AgreementHead, "0x" + forged.hex())
        assert head is not None
        assert head.head_ok is False
        assert head.onchain_head == "0x" + "66" * 32


def test_rebuild_gives_identical_tables_when_run_after_incremental_syncs(
    chain: MemoryChain, emitter: Contract, engine: Engine
) -> None:
    indexer = make_indexer(chain.w3, engine, emitter_config(emitter, max_chunk=3))
    for stop in range(2, chain.w3.eth.block_number + 1, 5):
        indexer.sync(to_block=stop)
    indexer.sync()
    incremental = dump_tables(engine)

    result = indexer.rebuild()

    assert result.last_block == chain.w3.eth.block_number
    assert dump_tables(engine) == incremental
    assert len(incremental["events"]) == result.events


def test_reorg_is_rolled_back_and_reindexed_when_the_chain_reverts(
    chain: MemoryChain, emitter: Contract, make_engine: Callable[[], Engine]
) -> None:
    engine = make_engine()
    sender = chain.accounts[0].address
    fork_point = chain.snapshot()
    emit_history(emitter, sender, rounds=2, agreements=2)
    indexer = make_indexer(chain.w3, engine, emitter_config(emitter))
    indexer.sync()
    old_head = chain.w3.eth.block_number

    chain.revert(fork_point)
    emit_history(emitter, chain.accounts[2].address, rounds=4, agreements=1)
    result = indexer.sync()

    assert result.reorgs == 1
    assert result.rolled_back > 0
    assert result.last_block == chain.w3.eth.block_number != old_head
    assert result.mismatches == []
    assert dump_tables(engine) == _clean_dump(chain, emitter, make_engine)


def test_crash_mid_chunk_loses_nothing_when_the_index_is_resumed(
    chain: MemoryChain, emitter: Contract, make_engine: Callable[[], Engine]
) -> None:
    engine = make_engine()
    config = emitter_config(emitter, max_chunk=2)
    crashing = ProjectorSet()
    seen: list[DecodedEvent] = []

    @crashing.register("Tagged")
    def _crash(_: Projection, event: DecodedEvent) -> None:
        seen.append(event)
        if len(seen) == 4:
            raise KeyboardInterrupt  # the process dies inside a chunk's transaction

    with pytest.raises(KeyboardInterrupt):
        make_indexer(chain.w3, engine, config, projectors=crashing).sync()
    with Session(engine) as session:
        state = session.get(SyncState, 1)
        assert state is not None
        assert state.last_block is not None
        assert state.last_block < seen[-1].block_number
        stored = session.scalar(select(func.count()).select_from(Event))
        assert stored == session.scalar(
            select(func.count()).select_from(Event).where(Event.block_number <= state.last_block)
        )

    make_indexer(chain.w3, engine, config).sync()

    assert dump_tables(engine) == _clean_dump(chain, emitter, make_engine)


def test_index_refuses_to_mix_deployments_when_the_database_holds_another(
    chain: MemoryChain, emitter: Contract, emitter_artifacts: CompileResult, engine: Engine
) -> None:
    make_indexer(chain.w3, engine, emitter_config(emitter)).sync()
    other = deploy_emitter(chain, emitter_artifacts)

    with pytest.raises(IndexMismatchError, match="another deployment"):
        make_indexer(chain.w3, engine, emitter_config(other)).sync()

    rebuilt = Indexer(w3=chain.w3, engine=engine, config=emitter_config(other)).rebuild()
    assert rebuilt.events == 0
