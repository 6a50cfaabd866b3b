"""Reconciliation: compare what the outbox believes with what the node knows, and repair.

Rules, for every transaction not yet final (and for confirmed ones if the node lost blocks):
- it has a receipt in a canonical block → mined; confirmed once `confirmations` deep;
  a reverted single fails with the decoded reason, a reverted batch re-queues its entries
  to go out one by one;
- it has none and its nonce is still free on the node → the SAME signed bytes are
  re-broadcast (dropped from the pool, a crash before broadcast, a node restored from an
  older state, or a reorg that un-mined it);
- it has none and its nonce is spent → once the nonce is spent at confirmation depth and
  there is still no receipt, it provably never made it: its entries are re-queued and get
  a fresh nonce. Before that, nothing is done (it may still show up).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.exceptions import BlockNotFound, TransactionNotFound
from web3.types import TxReceipt

from ledger.infra.revert import ErrorDecoder
from ledger.writes.relayer.broadcast import Broadcaster, Outcome, requeue_or_fail
from ledger.writes.relayer.models import (
    AppliedCheck,
    EntryStatus,
    Failure,
    RelayerConfig,
    TxPurpose,
    TxStatus,
    applied_at,
)
from ledger.writes.relayer.outbox import Outbox, TxRecord
from ledger.writes.relayer.sender import failure_from

log = logging.getLogger(__name__)

PAGE = 64


@dataclass
class ReconcileReport:
    """What one reconciliation pass changed."""

    mined: int = 0
    confirmed: int = 0
    rebroadcast: int = 0
    unmined: int = 0
    replaced: int = 0
    reverted: int = 0

    def add(self, other: ReconcileReport) -> None:
        """Accumulate another pass's counts into this one."""
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Reconciler:
    """One pass over the outbox's unfinished transactions against the node's view."""

    def __init__(
        self,
        *,
        w3: Web3,
        outbox: Outbox,
        broadcaster: Broadcaster,
        decoder: ErrorDecoder,
        config: RelayerConfig,
        applied: Mapping[str, AppliedCheck] | None = None,
    ) -> None:
        self.w3 = w3
        self.outbox = outbox
        self.broadcaster = broadcaster
        self.decoder = decoder
        self.config = config
        self.applied = applied or {}
        self._hashes: dict[int, str | None] = {}

    def run(self) -> ReconcileReport:
        """Reconcile every unfinished transaction; cheap when nothing is in flight."""
        report = ReconcileReport()
        self._hashes = {}
        latest = int(self.w3.eth.block_number)
        self._reopen_lost_blocks(latest, report)
        for tx in self.outbox.live_transactions():
            self._check(tx, latest, report)
        return report

    def _reopen_lost_blocks(self, latest: int, report: ReconcileReport) -> None:
        """Re-open confirmed transactions whose block the node no longer has.

        NOTE: confirmation depth assumes a node keeps what it mined; a node restored from an
        older state file (or a reorg deeper than `confirmations`) breaks that, and this walk
        — newest confirmed block first, stopping at the first that still matches — notices.
        """
        below: int | None = None
        while page := self.outbox.confirmed_transactions(below_block=below, limit=PAGE):
            for tx in page:
                number = tx.block_number or 0
                if number <= latest and self._block_hash(number) == tx.block_hash:
                    return
                log.warning("block %d of confirmed %s is gone: re-opening", number, tx.tx_hash)
                self.outbox.settle(tx.id, tx_status=TxStatus.PENDING, entry_status=EntryStatus.SENT)
                report.unmined += 1
            below = (page[-1].block_number or 0) + 1

    def _check(self, tx: TxRecord, latest: int, report: ReconcileReport) -> None:
        receipt = self._receipt(tx.tx_hash)
        if receipt is None:
            self._check_unmined(tx, latest, report)
            return
        block_number = int(receipt["blockNumber"])
        block_hash = Web3.to_hex(receipt["blockHash"])
        if int(receipt["status"]) != 1:
            self._reverted(tx, receipt, report)
            return
        confirmed = latest - block_number + 1 >= self.config.confirmations
        status = TxStatus.CONFIRMED if confirmed else TxStatus.MINED
        if status is tx.status and block_hash == tx.block_hash:
            return
        self.outbox.settle(
            tx.id,
            tx_status=status,
            entry_status=EntryStatus.CONFIRMED if confirmed else EntryStatus.MINED,
            block_number=block_number,
            block_hash=block_hash,
        )
        if tx.status is TxStatus.PENDING:
            report.mined += 1
        if confirmed:
            report.confirmed += 1

    def _check_unmined(self, tx: TxRecord, latest: int, report: ReconcileReport) -> None:
        if tx.status is TxStatus.MINED:
            log.warning("%s was mined but is gone (reorg): back to sent", tx.tx_hash)
            self.outbox.settle(tx.id, tx_status=TxStatus.PENDING, entry_status=EntryStatus.SENT)
            report.unmined += 1
        on_chain = int(self.w3.eth.get_transaction_count(tx.sender, "latest"))  # type: ignore[arg-type]
        if on_chain <= tx.nonce:
            if self.broadcaster.push(tx) is not Outcome.RETRY:
                report.rebroadcast += 1
            return
        # The nonce is spent by a transaction that is not ours; ours can never be mined
        # once that is final. Until then a late receipt may still appear: wait.
        safe_block = latest - self.config.confirmations + 1
        if safe_block < 0:
            return
        spent_at_depth = int(self.w3.eth.get_transaction_count(tx.sender, safe_block))  # type: ignore[arg-type]
        if spent_at_depth <= tx.nonce or self._receipt(tx.tx_hash) is not None:
            return
        log.warning("nonce %d of %s was spent by another transaction", tx.nonce, tx.sender)
        requeue, fail = requeue_or_fail(
            self.outbox.transaction_entries(tx.id),
            max_attempts=self.config.max_attempts,
            failure=Failure("Replaced", {}, f"nonce {tx.nonce} was used by another transaction"),
        )
        self.outbox.retire(tx.id, tx_status=TxStatus.REPLACED, requeue=requeue, fail=fail)
        report.replaced += 1

    def _reverted(self, tx: TxRecord, receipt: TxReceipt, report: ReconcileReport) -> None:
        entries = self.outbox.transaction_entries(tx.id)
        block_number = int(receipt["blockNumber"])
        block_hash = Web3.to_hex(receipt["blockHash"])
        report.reverted += 1
        if tx.purpose is TxPurpose.BATCH:
            # NOTE: the batch's reason belongs to one entry at most; each gets its own try.
            self.outbox.retire(
                tx.id,
                tx_status=TxStatus.REVERTED,
                requeue=[entry.id for entry in entries],
                no_batch=True,
                block_number=block_number,
                block_hash=block_hash,
            )
            return
        # NOTE: an entry whose effect another transaction applied first (a front-run) goes
        # back to the sender, which confirms it once that block is deep enough.
        applied = [e.id for e in entries if applied_at(self.applied, self.w3, e) is not None]
        fail = {
            entry.id: self._replay(tx, entry.intent.call, block_number)
            for entry in entries
            if entry.id not in applied
        }
        self.outbox.retire(
            tx.id,
            tx_status=TxStatus.REVERTED,
            requeue=applied,
            fail=fail,
            block_number=block_number,
            block_hash=block_hash,
        )

    def _replay(self, tx: TxRecord, call: Any, block_number: int) -> Failure:
        """Re-run a reverted call to learn its decoded reason.

        NOTE: first on the state after its block (which includes whatever ran before it in
        that block, the usual culprit), then on the state before it.
        """
        params = {"from": tx.sender, "to": call.target, "data": call.data, "value": call.value}
        for block in (block_number, max(block_number - 1, 0)):
            try:
                self.w3.eth.call(params, block_identifier=block)  # type: ignore[arg-type]
            except Exception as err:  # a revert is what we want
                revert = self.decoder.from_exception(err)
                if revert is not None and revert.name != "Reverted":
                    return failure_from(revert)
        return Failure("Reverted", {}, f"transaction {tx.tx_hash} reverted on chain")

    def _receipt(self, tx_hash: str) -> TxReceipt | None:
        """The receipt if the transaction is in a block the node still considers canonical."""
        try:
            receipt = self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return None
        if receipt is None or receipt.get("blockNumber") is None:
            return None
        number = int(receipt["blockNumber"])
        if self._block_hash(number) != Web3.to_hex(receipt["blockHash"]):
            return None
        return receipt

    def _block_hash(self, number: int) -> str | None:
        if number not in self._hashes:
            try:
                block = self.w3.eth.get_block(number)
            except BlockNotFound:
                self._hashes[number] = None
            else:
                self._hashes[number] = Web3.to_hex(block["hash"]) if block else None
        return self._hashes[number]
