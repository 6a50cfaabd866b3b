"""The indexer: chain events → SQL, resumable, with confirmation depth, reorg-safe, rebuildable.

Each fetched chunk of blocks is written in one database transaction — its events, the read
models its projectors derive, the recomputed hash-chain heads checked against the contract, the
block hashes and the new cursor — so a process killed at any point resumes from the last
committed chunk and ends with the same tables as an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import Engine, delete, func, insert, select, tuple_
from sqlalchemy.orm import Session
from web3 import Web3

from ledger.domain.errors import (
    ChainUnavailableError,
    IndexerError,
    IndexMismatchError,
    StateUnavailableError,
)
from ledger.infra.chain.state import call_at
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment
from ledger.infra.events import (
    ZERO_HEAD,
    BlockHeader,
    DecodedEvent,
    EventCatalog,
    HashChainRules,
    LogChunk,
    LogSource,
    LogStreamer,
    advance,
    log_source,
)
from ledger.infra.events.stream import ProgressCallback
from ledger.reads.indexer.db import create_schema, drop_schema
from ledger.reads.indexer.models import AgreementHead, Event, IndexedBlock, SyncState
from ledger.reads.indexer.projection import Projection, ProjectorSet, partition_of

log = logging.getLogger(__name__)

STATE_ID = 1
MAX_ATTEMPTS = 8
REPLAY_BATCH = 2_000


@dataclass(frozen=True)
class IndexerConfig:
    """What to index and how.

    `contracts` maps a contract name to its (address, ABI); `start_block` is the first block
    worth reading (the deployment's); `confirmations` keeps the index that many blocks behind the
    head (0 on dev chains); `head_contract` is the contract whose `headOf(bytes32)` holds the
    on-chain hash-chain heads (None: no on-chain check); `reorg_window` is how many recent blocks
    keep a hash for reorg detection.
    """

    chain_id: int
    contracts: Mapping[str, tuple[str, Sequence[Mapping[str, Any]]]]
    start_block: int = 0
    confirmations: int = 0
    rules: HashChainRules = field(default_factory=HashChainRules)
    head_contract: str | None = "Agreements"
    reorg_window: int = 64
    max_chunk: int = 10_000
    initial_range: int = 2_000

    @classmethod
    def for_deployment(
        cls, deployment: Deployment, artifacts: CompileResult, **options: Any
    ) -> IndexerConfig:
        """The configuration of a deployed park suite (every contract of the manifest)."""
        contracts = {
            name: (c.address, artifacts[name].abi) for name, c in deployment.contracts.items()
        }
        start = min((c.block for c in deployment.contracts.values()), default=0)
        return cls(chain_id=deployment.chain_id, contracts=contracts, start_block=start, **options)

    @property
    def deployment_key(self) -> str:
        """A fingerprint of the chain and the indexed addresses (an index serves one suite)."""
        text = f"{self.chain_id}|" + "|".join(
            f"{name}={address.lower()}" for name, (address, _) in sorted(self.contracts.items())
        )
        return "0x" + hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SyncResult:
    """What one `sync()` did."""

    last_block: int | None
    events: int
    chunks: int
    reorgs: int
    rolled_back: int
    mismatches: list[str]
    elapsed: float


@dataclass(frozen=True)
class IndexStatus:
    """Where an index stands."""

    chain_id: int
    start_block: int
    last_block: int | None
    events: int
    agreements: int
    mismatches: list[str]


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
        self._head_contract = None
        if config.head_contract and config.head_contract in config.contracts:
            address, abi = config.contracts[config.head_contract]
            self._head_contract = w3.eth.contract(
                address=Web3.to_checksum_address(address), abi=abi
            )
        self._streamer: LogStreamer | None = None
        self._schema_ready = False
        # The first block whose state reads the node could not serve since the last refresh
        # that succeeded (None: none pending), so that a rebuild logs one line, not one a chunk.
        self._state_missing_since: int | None = None

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
                self._refresh(session, state.last_block)
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
                and _hex(first.parent_hash) != state.last_block_hash
            ):
                raise _ChainMovedError(
                    f"block {chunk.from_block} no longer follows the indexed chain"
                )
            self._write_events(session, chunk.events)
            self._write_blocks(session, chunk, headers)
            state.last_block = chunk.to_block
            state.last_block_hash = _hex(end.hash)
            session.flush()
            self._refresh(session, chunk.to_block)

    def _write_events(self, session: Session, events: Sequence[DecodedEvent]) -> None:
        if not events:
            return
        chain_id = self.config.chain_id
        session.execute(
            insert(Event),
            [
                {
                    "chain_id": chain_id,
                    "block_number": e.block_number,
                    "log_index": e.log_index,
                    "block_hash": _hex(e.block_hash),
                    "block_time": e.block_timestamp,
                    "tx_hash": _hex(e.tx_hash),
                    "tx_index": e.tx_index,
                    "contract": e.contract,
                    "address": e.address,
                    "name": e.name,
                    "topic0": _hex(e.topic0),
                    "agreement_id": e.agreement_id,
                    "partition": partition_of(e),
                    "action_hash": _hex(e.action_hash) if e.action_hash is not None else None,
                    "args": e.args,
                }
                for e in events
            ],
        )
        projection = Projection(session)
        for event in events:
            self._apply(projection, event)

    def _apply(self, projection: Projection, event: DecodedEvent) -> None:
        if event.agreement_id is not None:
            head = projection.get(AgreementHead, event.agreement_id)
            if head is None:
                head = projection.add(
                    AgreementHead(
                        agreement_id=event.agreement_id,
                        head=_hex(ZERO_HEAD),
                        event_count=0,
                        head_block=event.block_number,
                        refresh_needed=True,
                    ),
                    event.agreement_id,
                )
            if event.action_hash is not None:
                head.head = _hex(advance(_unhex(head.head), event.topic0, event.action_hash))
                head.event_count += 1
                head.head_block = event.block_number
            head.refresh_needed = True
        self.projectors.apply(projection, event)

    def _write_blocks(
        self, session: Session, chunk: LogChunk, headers: Mapping[int, BlockHeader]
    ) -> None:
        with_events = chunk.block_hashes
        blocks: dict[int, dict[str, Any]] = {
            n: {
                "number": n,
                "hash": _hex(h.hash),
                "parent_hash": _hex(h.parent_hash),
                "timestamp": h.timestamp,
                "has_events": n in with_events,
            }
            for n, h in headers.items()
            if chunk.from_block <= n <= chunk.to_block
        }
        timestamps = {e.block_number: e.block_timestamp for e in chunk.events}
        for number, block_hash in with_events.items():
            if number not in blocks:
                blocks[number] = {
                    "number": number,
                    "hash": _hex(block_hash),
                    "parent_hash": None,
                    "timestamp": timestamps.get(number),
                    "has_events": True,
                }
        if blocks:
            session.execute(insert(IndexedBlock), [blocks[n] for n in sorted(blocks)])
        # NOTE: keep the recent window and every block with events; older empty blocks go.
        horizon = chunk.to_block - self.config.reorg_window
        if horizon > 0:
            session.execute(
                delete(IndexedBlock)
                .where(IndexedBlock.number < horizon)
                .where(IndexedBlock.has_events.is_(False))
            )

    # -----------------------------------------------------------------------------------
    # Chain state checks
    # -----------------------------------------------------------------------------------

    def _refresh(self, session: Session, block: int) -> None:
        flagged = list(
            session.scalars(
                select(AgreementHead)
                .where(AgreementHead.refresh_needed.is_(True))
                .order_by(AgreementHead.agreement_id)
            )
        )
        if not flagged:
            return
        contract = self._head_contract
        try:
            onchain_heads = (
                {
                    h.agreement_id: _hex(
                        bytes(call_at(contract.functions.headOf(_unhex(h.agreement_id)), block))
                    )
                    for h in flagged
                }
                if contract is not None
                else {}
            )
            self.projectors.refresh(session, [h.agreement_id for h in flagged], block)
        except StateUnavailableError as err:
            # NOTE: the flags stay set, so a later chunk (the head's at the latest) reads the
            # heads and balances again. Until then a head verified before its new events is
            # unverified (None), never left verified; a mismatch found stays one.
            for head in flagged:
                if head.head_ok:
                    head.head_ok = None
            if self._state_missing_since is None:
                self._state_missing_since = block
                log.warning(
                    "%s: the on-chain head check and balances of %d agreement(s) wait for a "
                    "block it holds state for",
                    err,
                    len(flagged),
                )
            return
        if self._state_missing_since is not None:
            log.info(
                "the node holds state for block %d: the head checks and balances pending since "
                "block %d are done",
                block,
                self._state_missing_since,
            )
            self._state_missing_since = None
        for head in flagged:
            if contract is None:
                continue
            onchain = onchain_heads[head.agreement_id]
            ok = onchain == head.head
            if not ok and head.head_ok is not False:
                log.error(
                    "hash-chain mismatch for agreement %s at block %d: recomputed %s, on chain %s",
                    head.agreement_id,
                    block,
                    head.head,
                    onchain,
                )
            head.onchain_head = onchain
            head.head_ok = ok
        for head in flagged:
            head.refresh_needed = False

    # -----------------------------------------------------------------------------------
    # Reorgs
    # -----------------------------------------------------------------------------------

    def _check_reorg(self, session: Session, state: SyncState) -> int | None:
        """Roll back to the common ancestor if the indexed tip left the chain; events removed."""
        if state.last_block is None:
            return None
        header = self.source.headers([state.last_block]).get(state.last_block)
        if header is not None and _hex(header.hash) == state.last_block_hash:
            return None
        ancestor = self._common_ancestor(session)
        log.warning(
            "reorg: block %d is no longer on the chain; rolling back to block %s",
            state.last_block,
            ancestor,
        )
        return self._rollback(session, state, ancestor)

    def _common_ancestor(self, session: Session) -> int | None:
        """The highest stored block still on the chain (None: none is)."""
        below: int | None = None
        while True:
            query = select(IndexedBlock).order_by(IndexedBlock.number.desc()).limit(64)
            if below is not None:
                query = query.where(IndexedBlock.number < below)
            stored = list(session.scalars(query))
            if not stored:
                return None
            headers = self.source.headers(b.number for b in stored)
            for block in stored:
                header = headers.get(block.number)
                if header is not None and _hex(header.hash) == block.hash:
                    return block.number
            below = stored[-1].number

    def _rollback(self, session: Session, state: SyncState, ancestor: int | None) -> int:
        cutoff = ancestor if ancestor is not None else state.start_block - 1
        partitions = sorted(
            session.scalars(select(Event.partition).where(Event.block_number > cutoff).distinct())
        )
        removed = session.scalar(
            select(func.count()).select_from(Event).where(Event.block_number > cutoff)
        )
        session.execute(delete(Event).where(Event.block_number > cutoff))
        session.execute(delete(IndexedBlock).where(IndexedBlock.number > cutoff))
        self.projectors.clear(session, partitions)
        agreements = [p[2:] for p in partitions if p.startswith("a:")]
        for start in range(0, len(agreements), 500):
            batch = agreements[start : start + 500]
            session.execute(delete(AgreementHead).where(AgreementHead.agreement_id.in_(batch)))
        session.expunge_all()
        self._replay(session, partitions)
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
            self._refresh(session, state.last_block)
        return int(removed or 0)

    def _replay(self, session: Session, partitions: Sequence[str]) -> None:
        """Re-derive the read models of `partitions` from the events table, in chain order."""
        if not partitions:
            return
        projection = Projection(session)
        for start in range(0, len(partitions), 500):
            batch = list(partitions[start : start + 500])
            after = (-1, -1)
            while True:
                # NOTE: keyset pages rather than a server-side cursor, so that the projectors
                # can query the same connection while the replay goes on.
                rows = list(
                    session.scalars(
                        select(Event)
                        .where(Event.partition.in_(batch))
                        .where(tuple_(Event.block_number, Event.log_index) > tuple_(*after))
                        .order_by(Event.block_number, Event.log_index)
                        .limit(REPLAY_BATCH)
                    )
                )
                if not rows:
                    break
                for row in rows:
                    self._apply(projection, _event_from_row(row))
                after = (rows[-1].block_number, rows[-1].log_index)


def _event_from_row(row: Event) -> DecodedEvent:
    return DecodedEvent(
        contract=row.contract,
        address=row.address,
        name=row.name,
        topic0=_unhex(row.topic0),
        block_number=row.block_number,
        block_hash=_unhex(row.block_hash),
        tx_hash=_unhex(row.tx_hash),
        tx_index=row.tx_index,
        log_index=row.log_index,
        args=row.args,
        agreement_id=row.agreement_id,
        action_hash=_unhex(row.action_hash) if row.action_hash is not None else None,
        block_timestamp=row.block_time,
    )


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _unhex(value: str) -> bytes:
    return bytes.fromhex(value[2:])


__all__ = ["IndexStatus", "Indexer", "IndexerConfig", "SyncResult"]
