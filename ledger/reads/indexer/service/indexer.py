"""The indexer: chain events → SQL, resumable, with confirmation depth, reorg-safe, rebuildable.

Each fetched chunk of blocks is written in one database transaction — its events, the read
models its projectors derive, the recomputed hash-chain heads checked against the contract, the
block hashes and the new cursor — so a process killed at any point resumes from the last
committed chunk and ends with the same tables as an uninterrupted run.
"""

from __future__ import annotations

import logging
import time

import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from web3 import Web3

from ledger.domain.errors import ChainUnavailableError, IndexerError, IndexMismatchError
from ledger.infra.events import EventCatalog, LogChunk, LogSource, LogStreamer, log_source
from ledger.infra.events.stream import ProgressCallback
from ledger.reads.indexer.db import create_schema, drop_schema
from ledger.reads.indexer.models import AgreementHead, Event, IndexedBlock, SyncState, hex_of
from ledger.reads.indexer.projection import ProjectorSet
from ledger.reads.indexer.service.chain_state import ChainStateReads
from ledger.reads.indexer.service.config import IndexerConfig, IndexStatus, SyncResult
from ledger.reads.indexer.service.reorg import common_ancestor, forget_after
from ledger.reads.indexer.service.rows import write_blocks, write_events

log = logging.getLogger(__name__)

STATE_ID = 1
MAX_ATTEMPTS = 8


class _ChainMovedError(Exception):
    """The chain changed under a chunk being indexed (a reorg raced the fetch)."""


class Indexer:
    """Indexes a suite's events into SQL; see the module docstring for the guarantees."""

    def __init__(
        self,
        *,
        w3: Web3,
        engine: Engine,
        config: IndexerConfig,
        projectors: ProjectorSet | None = None,
        source: LogSource | None = None,
    ) -> None:
        self.w3 = w3
        self.engine = engine
        self.config = config
        self.projectors = projectors or ProjectorSet()
        self.source = source or log_source(w3)
        self.catalog = EventCatalog.from_abis(config.contracts, rules=config.rules)
        head_contract = None
        if config.head_contract and config.head_contract in config.contracts:
            address, abi = config.contracts[config.head_contract]
            head_contract = w3.eth.contract(address=Web3.to_checksum_address(address), abi=abi)
        self._chain_state = ChainStateReads(head_contract=head_contract, projectors=self.projectors)
        self._streamer: LogStreamer | None = None
        self._schema_ready = False

    # -----------------------------------------------------------------------------------
    # Public API
    # -----------------------------------------------------------------------------------

    def sync(
        self, *, to_block: int | None = None, on_progress: ProgressCallback | None = None
    ) -> SyncResult:
        """Index every confirmed block not indexed yet (up to `to_block` if given)."""
        started = time.monotonic()
        self._ensure_schema()
        totals = {"events": 0, "chunks": 0, "reorgs": 0, "rolled_back": 0}
        for _ in range(MAX_ATTEMPTS):
            try:
                self._sync_once(to_block=to_block, on_progress=on_progress, totals=totals)
                break
            except _ChainMovedError as moved:
                log.info("the chain moved while indexing (%s); checking for a reorg", moved)
            except (requests.RequestException, OSError) as err:
                raise ChainUnavailableError(
                    f"the indexer cannot reach the node ({type(err).__name__}); the index stays "
                    "at its last committed chunk"
                ) from err
        else:
            raise IndexerError(
                f"the chain kept reorganising during {MAX_ATTEMPTS} attempts; try again later."
            )
        status = self.status()
        return SyncResult(
            last_block=status.last_block,
            events=totals["events"],
            chunks=totals["chunks"],
            reorgs=totals["reorgs"],
            rolled_back=totals["rolled_back"],
            mismatches=status.mismatches,
            elapsed=time.monotonic() - started,
        )

    def rebuild(self, *, on_progress: ProgressCallback | None = None) -> SyncResult:
        """Drop every index table and index again from the start block."""
        drop_schema(self.engine)
        self._schema_ready = False
        return self.sync(on_progress=on_progress)

    def status(self) -> IndexStatus:
        """The index's cursor, counts and hash-chain mismatches."""
        self._ensure_schema()
        with Session(self.engine) as session:
            state = session.get(SyncState, STATE_ID)
            events = session.scalar(select(func.count()).select_from(Event)) or 0
            agreements = session.scalar(select(func.count()).select_from(AgreementHead)) or 0
            mismatches = list(
                session.scalars(
                    select(AgreementHead.agreement_id)
                    .where(AgreementHead.head_ok.is_(False))
                    .order_by(AgreementHead.agreement_id)
                )
            )
        return IndexStatus(
            chain_id=self.config.chain_id,
            start_block=self.config.start_block,
            last_block=state.last_block if state else None,
            events=int(events),
            agreements=int(agreements),
            mismatches=mismatches,
        )

    def rollback(self, *, to_block: int) -> int:
        """Forget all above `to_block`, re-derive what it touched; returns the events removed."""
        with Session(self.engine) as session, session.begin():
            state = self._state(session)
            return self._rollback(session, state, to_block)

    # -----------------------------------------------------------------------------------
    # Sync
    # -----------------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        # NOTE: creating the tables inspects every one of them; once per indexer is enough,
        # not twice per background round.
        if not self._schema_ready:
            create_schema(self.engine)
            self._schema_ready = True

    def _streamer_for(self, on_progress: ProgressCallback | None) -> LogStreamer:
        if self._streamer is None:
            self._streamer = LogStreamer(
                w3=self.w3,
                catalog=self.catalog,
                source=self.source,
                initial_range=self.config.initial_range,
                with_timestamps=True,
            )
        self._streamer.on_progress = on_progress
        return self._streamer

    def _sync_once(
        self,
        *,
        to_block: int | None,
        on_progress: ProgressCallback | None,
        totals: dict[str, int],
    ) -> None:
        chain_head = self.source.head()
        with Session(self.engine) as session, session.begin():
            state = self._state(session)
            removed = self._check_reorg(session, state)
            if removed is not None:
                totals["reorgs"] += 1
                totals["rolled_back"] += removed
                state = self._state(session)
            if state.last_block is not None:
                self._chain_state.refresh(session, state.last_block)
            next_block = state.last_block + 1 if state.last_block is not None else state.start_block
        tip = chain_head - self.config.confirmations
        if to_block is not None:
            tip = min(tip, to_block)
        if next_block > tip:
            return
        streamer = self._streamer_for(on_progress)
        for chunk in streamer.chunks(
            from_block=next_block, to_block=tip, max_chunk=self.config.max_chunk
        ):
            self._index_chunk(chunk, chain_head)
            totals["events"] += len(chunk.events)
            totals["chunks"] += 1

    def _state(self, session: Session) -> SyncState:
        state = session.get(SyncState, STATE_ID)
        if state is None:
            state = SyncState(
                id=STATE_ID,
                chain_id=self.config.chain_id,
                deployment_key=self.config.deployment_key,
                start_block=self.config.start_block,
                last_block=None,
                last_block_hash=None,
            )
            session.add(state)
            session.flush()
            return state
        if state.chain_id != self.config.chain_id:
            raise IndexMismatchError(
                f"the index holds chain {state.chain_id}, not chain {self.config.chain_id}: "
                "rebuild it (`park-ledger index --rebuild`) or point --db elsewhere."
            )
        if state.deployment_key != self.config.deployment_key:
            raise IndexMismatchError(
                "the index was built for another deployment of the suite: rebuild it "
                "(`park-ledger index --rebuild`) or point --db elsewhere."
            )
        return state

    def _index_chunk(self, chunk: LogChunk, chain_head: int) -> None:
        window_start = max(chunk.from_block, chain_head - self.config.reorg_window + 1)
        wanted = {chunk.to_block, chunk.from_block, *range(window_start, chunk.to_block + 1)}
        headers = self.source.headers(wanted)
        end = headers.get(chunk.to_block)
        if end is None:
            raise _ChainMovedError(f"block {chunk.to_block} is gone")
        for number, block_hash in chunk.block_hashes.items():
            header = headers.get(number)
            if header is not None and header.hash != block_hash:
                raise _ChainMovedError(f"block {number} changed while its logs were fetched")
        with Session(self.engine) as session, session.begin():
            state = self._state(session)
            expected_from = (
                state.last_block + 1 if state.last_block is not None else state.start_block
            )
            if chunk.from_block != expected_from:
                raise IndexerError(
                    f"another indexer advanced this index (it is at block {state.last_block}); "
                    "run one indexer per database."
                )
            first = headers.get(chunk.from_block)
            if (
                first is not None
                and state.last_block_hash is not None
                and hex_of(first.parent_hash) != state.last_block_hash
            ):
                raise _ChainMovedError(
                    f"block {chunk.from_block} no longer follows the indexed chain"
                )
            write_events(
                session, chunk.events, chain_id=self.config.chain_id, projectors=self.projectors
            )
            write_blocks(session, chunk, headers, reorg_window=self.config.reorg_window)
            state.last_block = chunk.to_block
            state.last_block_hash = hex_of(end.hash)
            session.flush()
            self._chain_state.refresh(session, chunk.to_block)

    # -----------------------------------------------------------------------------------
    # Reorgs
    # -----------------------------------------------------------------------------------

    def _check_reorg(self, session: Session, state: SyncState) -> int | None:
        """Roll back to the common ancestor if the indexed tip left the chain; events removed."""
        if state.last_block is None:
            return None
        header = self.source.headers([state.last_block]).get(state.last_block)
        if header is not None and hex_of(header.hash) == state.last_block_hash:
            return None
        ancestor = common_ancestor(session, self.source)
        log.warning(
            "reorg: block %d is no longer on the chain; rolling back to block %s",
            state.last_block,
            ancestor,
        )
        return self._rollback(session, state, ancestor)

    def _rollback(self, session: Session, state: SyncState, ancestor: int | None) -> int:
        cutoff = ancestor if ancestor is not None else state.start_block - 1
        removed = forget_after(session, cutoff, self.projectors)
        if cutoff >= state.start_block:
            stored = session.get(IndexedBlock, cutoff)
            state = self._state(session)
            state.last_block = cutoff
            state.last_block_hash = stored.hash if stored is not None else None
        else:
            state = self._state(session)
            state.last_block = None
            state.last_block_hash = None
        session.flush()
        if state.last_block is not None:
            self._chain_state.refresh(session, state.last_block)
        return removed


__all__ = ["Indexer"]
