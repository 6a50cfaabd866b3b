"""The sending step: queued entries → (batched) calls → estimated, signed, stored, broadcast."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import requests
from web3 import Web3

from ledger.domain.errors import RevertError
from ledger.infra.revert import ErrorDecoder
from ledger.writes.relayer.broadcast import Broadcaster
from ledger.writes.relayer.models import (
    AppliedCheck,
    Batcher,
    Call,
    Failure,
    OutboxEntry,
    RelayerConfig,
    TxPurpose,
    applied_at,
)
from ledger.writes.relayer.nonces import Fees, NonceManager
from ledger.writes.relayer.outbox import Outbox

log = logging.getLogger(__name__)

CrashHook = Callable[[str], None]


class _DeferredError(Exception):
    """This unit cannot be sent now (fees, funds, a node hiccup); it stays queued."""


@dataclass
class SendReport:
    """What one sending step did."""

    transactions: int = 0
    entries_sent: int = 0
    entries_failed: int = 0
    entries_applied: int = 0  # confirmed: another party's transaction already applied them
    deferred: int = 0


def failure_from(revert: RevertError) -> Failure:
    """The storable form of a decoded revert."""
    return Failure(revert.name, revert.arguments, str(revert))


class Sender:
    """Turns queued entries into transactions: nonces only for calls that will be sent."""

    def __init__(
        self,
        *,
        w3: Web3,
        outbox: Outbox,
        nonces: NonceManager,
        broadcaster: Broadcaster,
        decoder: ErrorDecoder,
        config: RelayerConfig,
        batchers: Mapping[str, Batcher],
        settle: Callable[[], object],
        applied: Mapping[str, AppliedCheck] | None = None,
        crash_hook: CrashHook | None = None,
    ) -> None:
        self.w3 = w3
        self.outbox = outbox
        self.nonces = nonces
        self.broadcaster = broadcaster
        self.decoder = decoder
        self.config = config
        self.batchers = batchers
        self.settle = settle
        self.applied = applied or {}
        self.crash_hook = crash_hook

    def run(self) -> SendReport:
        """Send every queued entry that can go now, batches first at their first entry's place."""
        report = SendReport()
        entries = self.outbox.queued(limit=self.config.max_per_step)
        if not entries:
            return report
        fees = self.nonces.current_fees()
        if fees is None:
            log.warning("base fee above the cap of %d wei: sending later", self.config.max_fee_cap)
            report.deferred = len(entries)
            return report
        gas_limit = self.nonces.block_gas_limit()
        for unit in self.plan(entries):
            try:
                if len(unit) > 1:
                    self._send_batch(unit, fees, gas_limit, report)
                else:
                    self._send_single(unit[0], fees, gas_limit, report)
            except _DeferredError as why:
                log.info("entries %s deferred: %s", [e.id for e in unit], why)
                report.deferred += len(unit)
        return report

    def plan(self, entries: Sequence[OutboxEntry]) -> list[list[OutboxEntry]]:
        """Group entries into transactions: batchable groups of ≥2 (≤ max_batch), else alone."""
        groups: dict[tuple[str, str], list[OutboxEntry]] = {}
        for entry in entries:
            key = self._batch_group(entry)
            if key is not None:
                groups.setdefault(key, []).append(entry)
        units: list[list[OutboxEntry]] = []
        emitted: set[tuple[str, str]] = set()
        for entry in entries:
            key = self._batch_group(entry)
            if key is None or len(groups[key]) < 2:
                units.append([entry])
            elif key not in emitted:
                emitted.add(key)
                members = groups[key]
                size = self.config.max_batch
                units.extend(members[i : i + size] for i in range(0, len(members), size))
        return units

    def _batch_group(self, entry: OutboxEntry) -> tuple[str, str] | None:
        if entry.batch_key is None or not entry.batchable or entry.kind not in self.batchers:
            return None
        return (entry.kind, entry.batch_key)

    def _send_batch(
        self, unit: list[OutboxEntry], fees: Fees, gas_limit: int, report: SendReport
    ) -> None:
        call = self.batchers[unit[0].kind](unit)
        revert = self._send(
            unit, call=call, purpose=TxPurpose.BATCH, fees=fees, gas_limit=gas_limit, report=report
        )
        if revert is not None:
            # NOTE: one bad entry must not sink the others: try each alone, so every
            # entry ends sent or failed with its own decoded reason.
            log.info("batch of %d would revert (%s): sending one by one", len(unit), revert)
            for entry in unit:
                self._send_single(entry, fees, gas_limit, report)

    def _send_single(
        self, entry: OutboxEntry, fees: Fees, gas_limit: int, report: SendReport
    ) -> None:
        revert = self._send(
            [entry],
            call=entry.intent.call,
            purpose=TxPurpose.SINGLE,
            fees=fees,
            gas_limit=gas_limit,
            report=report,
        )
        if revert is None:
            return
        if self._already_applied(entry):
            report.entries_applied += 1
            return
        self.outbox.fail([entry.id], failure_from(revert))
        report.entries_failed += 1

    def _already_applied(self, entry: OutboxEntry) -> bool:
        """Whether the entry reverts only because its effect is on chain already (front-run):
        then it is confirmed once that block is deep enough, and waits until it is."""
        block = applied_at(self.applied, self.w3, entry)
        if block is None:
            return False
        if int(self.w3.eth.block_number) - block + 1 < self.config.confirmations:
            raise _DeferredError(f"applied in block {block} by another transaction: confirming")
        log.info("entry %d was applied in block %d by another transaction", entry.id, block)
        self.outbox.land(entry.id)
        return True

    def _send(
        self,
        unit: list[OutboxEntry],
        *,
        call: Call,
        purpose: TxPurpose,
        fees: Fees,
        gas_limit: int,
        report: SendReport,
    ) -> RevertError | None:
        """Estimate, sign, store, broadcast; returns the revert if the call would revert."""
        sender = self.nonces.pick_sender()
        estimate = self._estimate(sender, call)
        if isinstance(estimate, RevertError):
            return estimate
        if estimate > gas_limit:
            raise _DeferredError(f"needs {estimate} gas, more than a block holds ({gas_limit})")
        gas = min(estimate * (100 + self.config.gas_margin_percent) // 100, gas_limit)
        nonce = self.nonces.next_nonce(sender)
        signed = self.nonces.sign(
            sender=sender, nonce=nonce, call=call, gas=gas, fees=fees, purpose=purpose
        )
        # NOTE: stored (fsync'd) before it leaves the process: after a crash from here on,
        # reconciliation re-sends these very bytes, never a second transaction.
        tx_id = self.outbox.record_signed(signed, entry_ids=[e.id for e in unit])
        self._crash_point("signed")
        self.broadcaster.push(signed.stored_as(tx_id))
        self._crash_point("broadcast")
        report.transactions += 1
        report.entries_sent += len(unit)
        return None

    def _estimate(self, sender: str, call: Call) -> int | RevertError:
        """Gas for `call`, or the decoded revert it would hit (only once nothing is pending)."""
        params = {"from": sender, "to": call.target, "data": call.data, "value": call.value}
        revert: RevertError | None = None
        for attempt in range(2):
            try:
                return int(self.w3.eth.estimate_gas(params))  # type: ignore[arg-type]
            except (requests.RequestException, OSError, TimeoutError):
                raise  # the node is down: the whole step stops, nothing was spent
            except Exception as err:
                revert = self.decoder.from_exception(err)
                if revert is None:
                    raise _DeferredError(
                        f"gas estimation failed: {type(err).__name__}: {err}"
                    ) from err
            # NOTE: an intent may depend on one we sent moments ago (sign after create), or
            # on one a reorg or a restored node has just un-mined, which only reconciliation
            # notices (the outbox still calls it confirmed): the revert only counts once a
            # reconciliation has run since it and nothing of ours is waiting to be mined.
            if attempt == 0:
                self.settle()
            elif self.outbox.pending_count() == 0:
                return revert
        raise _DeferredError(f"would revert ({revert}) while earlier transactions are pending")

    def _crash_point(self, name: str) -> None:
        if self.crash_hook is not None:
            self.crash_hook(name)
