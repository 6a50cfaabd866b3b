"""The relayer: journal intents, then send, reconcile and finalise them in the background."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import requests
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ledger.domain.errors import ChainUnavailableError, RelayerBusyError, RelayerTimeoutError
from ledger.infra.lifecycle import Closing, start_loop
from ledger.infra.revert import ErrorDecoder
from ledger.writes.relayer.broadcast import Broadcaster
from ledger.writes.relayer.models import (
    AppliedCheck,
    Batcher,
    EntryStatus,
    Intent,
    OutboxEntry,
    RelayerConfig,
)
from ledger.writes.relayer.nonces import NonceManager
from ledger.writes.relayer.outbox import Outbox
from ledger.writes.relayer.reconcile import Reconciler, ReconcileReport
from ledger.writes.relayer.sender import CrashHook, Sender, SendReport

log = logging.getLogger(__name__)

WAIT_POLL_S = 0.05
ERROR_BACKOFF_S = 2.0


@dataclass
class StepReport:
    """What one `process_once` did: the reconciliation pass, then the sending step."""

    reconciled: ReconcileReport = field(default_factory=ReconcileReport)
    sent: SendReport = field(default_factory=SendReport)

    @property
    def busy(self) -> bool:
        """Whether anything changed (the worker then loops again without sleeping).

        Re-broadcasts do not count: a transaction waiting in a node's pool is re-sent
        every step, and that must not turn the worker into a busy loop.
        """
        settled = replace(self.reconciled, rebroadcast=0)
        return self.sent.transactions > 0 or settled != ReconcileReport()


class Relayer(Closing):
    """Relays intents from a durable outbox to the chain with managed nonces and fees.

    Journaling (`submit`, `get`, `wait`) works from any number of threads and processes;
    sending (`process_once`, `start`) is reserved to one process per outbox by a file lock.
    """

    def __init__(
        self,
        *,
        outbox: Outbox | Path,
        w3: Web3,
        accounts: Sequence[LocalAccount],
        decoder: ErrorDecoder,
        config: RelayerConfig | None = None,
        batchers: Mapping[str, Batcher] | None = None,
        applied: Mapping[str, AppliedCheck] | None = None,
        crash_hook: CrashHook | None = None,
    ) -> None:
        self._owns_outbox = not isinstance(outbox, Outbox)
        self.outbox = outbox if isinstance(outbox, Outbox) else Outbox(outbox)
        self.w3 = w3
        self.config = config or RelayerConfig()
        self.crash_hook = crash_hook
        self._batchers: dict[str, Batcher] = dict(batchers or {})
        self.nonces = NonceManager(w3=w3, outbox=self.outbox, accounts=accounts, config=self.config)
        broadcaster = Broadcaster(w3=w3, outbox=self.outbox, nonces=self.nonces, config=self.config)
        self.reconciler = Reconciler(
            w3=w3,
            outbox=self.outbox,
            broadcaster=broadcaster,
            decoder=decoder,
            config=self.config,
            applied=applied,
        )
        self.sender = Sender(
            w3=w3,
            outbox=self.outbox,
            nonces=self.nonces,
            broadcaster=broadcaster,
            decoder=decoder,
            config=self.config,
            batchers=self._batchers,
            settle=self.reconciler.run,
            applied=applied,
            crash_hook=crash_hook,
        )
        self._step = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None
        self._bound = False

    # -- journal -------------------------------------------------------------------------

    def submit(
        self,
        intent: Intent,
        *,
        idempotency_key: str | None = None,
        content_hash: str | None = None,
        slot: str | None = None,
    ) -> OutboxEntry:
        """Journal `intent` (durably, before returning); see `Outbox.submit`."""
        entry = self.outbox.submit(
            intent, idempotency_key=idempotency_key, content_hash=content_hash, slot=slot
        )
        if self.crash_hook is not None:
            self.crash_hook("journaled")
        return entry

    def get(self, entry_id: int) -> OutboxEntry:
        """The entry with this id; raises OutboxEntryNotFoundError."""
        return self.outbox.get(entry_id)

    def wait(
        self,
        entry_id: int,
        *,
        status: EntryStatus = EntryStatus.CONFIRMED,
        timeout: float = 30.0,
    ) -> OutboxEntry:
        """Block until the entry reaches `status` (or a later one, or failed).

        Returns the entry (check `.status` for failed); raises RelayerTimeoutError.
        """
        deadline = time.monotonic() + timeout
        while True:
            entry = self.outbox.get(entry_id)
            if entry.status.rank >= status.rank:
                return entry
            if time.monotonic() >= deadline:
                raise RelayerTimeoutError(
                    f"outbox entry {entry_id} is {entry.status.value}, not {status.value}, "
                    f"after {timeout:g}s"
                )
            time.sleep(WAIT_POLL_S)

    def register_batcher(self, kind: str, batcher: Batcher) -> None:
        """Combine queued entries of `kind` sharing a batch key into one call via `batcher`."""
        self._batchers[kind] = batcher

    # -- sending -------------------------------------------------------------------------

    def process_once(self) -> StepReport:
        """One synchronous step: reconcile what is in flight, then send what is queued.

        Raises ChainUnavailableError when the node cannot be reached; nothing is lost then.
        """
        with self._step:
            self._acquire_sender_lock()
            try:
                if not self._bound:
                    self.outbox.bind_chain(self.nonces.chain_id)
                    self._bound = True
                reconciled = self.reconciler.run()
                sent = self.sender.run()
                if sent.transactions or reconciled.rebroadcast:
                    # NOTE: on an auto-mining node what we just sent is already in a
                    # block; settling it now saves callers a whole poll interval.
                    reconciled.add(self.reconciler.run())
            except (requests.RequestException, OSError, TimeoutError) as err:
                raise ChainUnavailableError(
                    f"the relayer cannot reach the node ({type(err).__name__}): it will retry"
                ) from err
            return StepReport(reconciled=reconciled, sent=sent)

    def start(self) -> None:
        """Run `process_once` in a background thread until `stop()`."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._acquire_sender_lock()
        self._stop.clear()
        self._thread = start_loop(
            self._step_delay,
            stop=self._stop,
            backoff=ERROR_BACKOFF_S,
            what="relayer step",
            name="park-ledger-relayer",
        )

    @property
    def running(self) -> bool:
        """Whether the background worker is alive."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, *, timeout: float = 30.0) -> None:
        """Stop the worker after its current step (every step's writes are already durable)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def close(self) -> None:
        """Stop the worker, release the sender lock and close the outbox if we opened it."""
        self.stop()
        with self._step:
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # closing the descriptor releases the flock
                self._lock_fd = None
            if self._owns_outbox:
                self.outbox.close()

    def _step_delay(self) -> float:
        """One background step; the next one comes at once while there is work."""
        return 0.0 if self.process_once().busy else self.config.poll_interval

    def _acquire_sender_lock(self) -> None:
        """Hold `<outbox>.lock` so that two processes never hand out the same nonces."""
        if self._lock_fd is not None:
            return
        path = self.outbox.path.with_name(self.outbox.path.name + ".lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            os.close(fd)
            raise RelayerBusyError(
                f"another relayer is already sending from {self.outbox.path}: stop it first, "
                "or only journal from this process."
            ) from err
        self._lock_fd = fd
