"""The services of a running ledger: the event indexer, the relayer outbox and the signed-intent
submissions that feed it.

`ParkServices` owns both for one `ParkRuntime`: the index (SQLite file in the state directory
by default, or any SQLAlchemy URL) and the relayer (outbox SQLite in the state directory, sending
from one relayer account). `sync()` drives both once, synchronously (tests, scripts); `start()`
repeats it in a background thread; `close()` stops the thread, sends what is still queued once
more, and closes the outbox.

`ParkServices(..., journal_only=True)` is what an API worker process opens: the same index (read
only) and outbox (journal only), no indexer and no relayer, so exactly one process — the one
with the full services — indexes and sends while any number of workers serve requests.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ledger.client import Ledger
from ledger.domain.errors import ConfigurationError, LedgerError
from ledger.infra.chain import MemoryChain
from ledger.infra.chain.base import DEV_CHAIN_IDS, dev_accounts
from ledger.infra.config import get_settings
from ledger.infra.lifecycle import Closing, start_loop
from ledger.infra.runtime import ParkRuntime
from ledger.reads.indexer import Indexer, IndexerConfig, create_index_engine, park_projectors
from ledger.reads.indexer.db import create_schema
from ledger.writes import intents
from ledger.writes.relayer import Outbox, Relayer, RelayerConfig
from ledger.writes.submissions import Submissions

log = logging.getLogger(__name__)

RELAYER_KEY_ENV = "PARK_LEDGER_RELAYER_KEY"
INDEX_FILE = "index.sqlite"
OUTBOX_FILE = "outbox.sqlite3"
POLL_S = 0.5
BACKOFF_S = 2.0


def relayer_account(runtime: ParkRuntime) -> LocalAccount:
    """The account the relayer sends from: `PARK_LEDGER_RELAYER_KEY`, else the last funded dev
    account of a local chain (so it never shares nonces with the deployer, accounts[0])."""
    key = os.environ.get(RELAYER_KEY_ENV)
    if key:
        account: LocalAccount = Account.from_key(key)
        return account
    if len(runtime.chain.accounts) > 1:
        return runtime.chain.accounts[-1]
    # NOTE: `--rpc` to a dev node (e.g. `park-ledger node` in another terminal): the same
    # funded dev account the managed node would give, if the node really funds it.
    if runtime.chain.chain_id in DEV_CHAIN_IDS:
        candidate = dev_accounts(get_settings().dev_accounts)[-1]
        if runtime.chain.w3.eth.get_balance(candidate.address) > 0:
            return candidate
    raise ConfigurationError(
        f"no relayer account: set {RELAYER_KEY_ENV} to the private key of a funded account."
    )


class ParkServices(Closing):
    """The indexer and the relayer of one runtime, driven synchronously or in the background
    (or, `journal_only`, neither: an API worker reads the index and journals intents, and
    the process holding the full services indexes and sends them)."""

    def __init__(
        self,
        *,
        runtime: ParkRuntime,
        state_dir: Path | None = None,
        index_url: str | None = None,
        account: LocalAccount | None = None,
        relayer_config: RelayerConfig | None = None,
        confirmations: int = 0,
        journal_only: bool = False,
    ) -> None:
        self.runtime = runtime
        state_dir = state_dir or runtime.data_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        self.engine = create_index_engine(index_url or f"sqlite:///{state_dir / INDEX_FILE}")
        self.outbox = Outbox(state_dir / OUTBOX_FILE)
        self._indexer: Indexer | None = None
        self._relayer: Relayer | None = None
        if not journal_only:
            self._indexer = Indexer(
                w3=runtime.w3,
                engine=self.engine,
                config=IndexerConfig.for_deployment(
                    runtime.deployment, runtime.artifacts, confirmations=confirmations
                ),
                projectors=park_projectors(revenue=runtime.contract("Revenue")),
            )
            self._relayer = Relayer(
                outbox=self.outbox,
                w3=runtime.w3,
                accounts=[account or relayer_account(runtime)],
                decoder=runtime.decoder,
                config=relayer_config,
                batchers=intents.BATCHERS,
                applied=intents.APPLIED_CHECKS,
            )
        self._round = threading.RLock()
        # NOTE: the in-process chain (eth-tester) is not thread-safe: request handlers that
        # read it (typed data, pre-flight checks, readiness) wait for the background round.
        # A node over JSON-RPC serves both at once, so nothing waits for a long index sync.
        self.chain_guard: AbstractContextManager[Any] = (
            self._round if isinstance(runtime.chain, MemoryChain) else nullcontext()
        )
        self.submissions = Submissions(
            ledger=Ledger.from_runtime(runtime), outbox=self.outbox, guard=self.chain_guard
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def indexer(self) -> Indexer:
        """The event indexer; ConfigurationError for journal-only services."""
        if self._indexer is None:
            raise ConfigurationError("journal-only services do not index: another process does")
        return self._indexer

    @property
    def relayer(self) -> Relayer:
        """The relayer sending the outbox; ConfigurationError for journal-only services."""
        if self._relayer is None:
            raise ConfigurationError("journal-only services do not relay: another process does")
        return self._relayer

    def sync(self) -> None:
        """Send what is queued, then index up to the head: afterwards reads reflect the chain."""
        # NOTE: one round at a time, relayer then indexer, so what was just mined is indexed
        # at once.
        with self._round:
            self.relayer.process_once()
            self.indexer.sync()

    def start(self) -> None:
        """Repeat `sync()` in a background thread until `close()`."""
        # NOTE: the tables exist before the first request (or the first worker process)
        # reads them, however long the first round takes.
        create_schema(self.engine)
        self._stop.clear()
        self._thread = start_loop(
            self._background_round,
            stop=self._stop,
            backoff=BACKOFF_S,
            what="background round",
            name="park-ledger-services",
        )

    def close(self) -> None:
        """Stop the thread after its current round, flush the outbox once more, close it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._relayer is not None:
            try:
                self._relayer.process_once()
            except LedgerError as err:
                # NOTE: whatever could not be sent stays queued in the durable outbox and
                # goes out at the next start; nothing is lost by stopping now.
                log.warning("outbox not flushed at shutdown: %s", err)
            self._relayer.close()
        self.outbox.close()
        self.engine.dispose()

    def _background_round(self) -> float:
        """One background round; the next comes after the poll interval."""
        self.sync()
        return POLL_S
