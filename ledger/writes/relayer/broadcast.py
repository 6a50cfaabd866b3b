"""Hand a stored, signed transaction to the node and act on the node's answer."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from enum import StrEnum

import requests
from web3 import Web3

from ledger.writes.relayer.models import Failure, OutboxEntry, RelayerConfig, TxPurpose, TxStatus
from ledger.writes.relayer.nonces import NonceManager
from ledger.writes.relayer.outbox import Outbox, TxRecord

log = logging.getLogger(__name__)

_KNOWN = ("already known", "known transaction", "already imported", "alreadyknown")
_NONCE_USED = ("nonce too low", "nonce has already been used", "oldnonce")
# NOTE: only refusals that no retry of the same bytes can cure; anything unrecognised
# is treated as transient, because re-sending the same signed bytes is always safe.
_PERMANENT = (
    "intrinsic gas",
    "gas limit",
    "oversized",
    "too large",
    "invalid sender",
    "invalid chain",
    "chain id",
)
_EXPECTED_NONCE = re.compile(r"expected (\d+), but got (\d+)")


class Outcome(StrEnum):
    """What the node did with a raw transaction."""

    ACCEPTED = "accepted"
    KNOWN = "known"  # already in its pool or chain: nothing to do
    NONCE_USED = "nonce-used"  # the nonce is spent; reconciliation finds out by whom
    RETRY = "retry"  # transient (node down, funds, earlier nonce missing): same bytes later
    REJECTED = "rejected"  # refused for good: the nonce goes to a filler


def classify(err: BaseException) -> Outcome:
    """Map a node's refusal of `eth_sendRawTransaction` to what the relayer should do."""
    if isinstance(err, (requests.RequestException, OSError, TimeoutError)):
        return Outcome.RETRY
    text = str(err).lower()
    if any(marker in text for marker in _KNOWN):
        return Outcome.KNOWN
    if any(marker in text for marker in _NONCE_USED):
        return Outcome.NONCE_USED
    expected = _EXPECTED_NONCE.search(text)  # eth-tester's wording
    if expected:
        return Outcome.NONCE_USED if int(expected[2]) < int(expected[1]) else Outcome.RETRY
    if any(marker in text for marker in _PERMANENT):
        return Outcome.REJECTED
    return Outcome.RETRY


def requeue_or_fail(
    entries: Sequence[OutboxEntry], *, max_attempts: int, failure: Failure
) -> tuple[list[int], dict[int, Failure]]:
    """Split entries into those that get another signing and those out of attempts."""
    requeue = [entry.id for entry in entries if entry.attempts < max_attempts]
    fail = {entry.id: failure for entry in entries if entry.attempts >= max_attempts}
    return requeue, fail


class Broadcaster:
    """Broadcasts stored transactions; a refused one is replaced by a filler at its nonce."""

    def __init__(
        self, *, w3: Web3, outbox: Outbox, nonces: NonceManager, config: RelayerConfig
    ) -> None:
        self.w3 = w3
        self.outbox = outbox
        self.nonces = nonces
        self.config = config

    def push(self, tx: TxRecord) -> Outcome:
        """Send `tx`'s stored bytes; on a permanent refusal, free its entries and fill the gap."""
        error: str | None = None
        try:
            self.w3.eth.send_raw_transaction(tx.raw)
        except Exception as err:  # every refusal is classified below
            outcome = classify(err)
            error = f"{type(err).__name__}: {err}"[:500]
        else:
            outcome = Outcome.ACCEPTED
        self.outbox.note_broadcast(tx.id, error=error)
        if outcome is Outcome.REJECTED:
            log.warning("node refused %s (nonce %d): %s", tx.tx_hash, tx.nonce, error)
            self._replace_with_filler(tx, error or "refused")
        elif outcome is Outcome.RETRY:
            log.info("broadcast of %s deferred: %s", tx.tx_hash, error)
        return outcome

    def _replace_with_filler(self, tx: TxRecord, error: str) -> None:
        entries = self.outbox.transaction_entries(tx.id)
        requeue, fail = requeue_or_fail(
            entries,
            max_attempts=self.config.max_attempts,
            failure=Failure("Rejected", {}, f"the node refused the transaction: {error}"),
        )
        # NOTE: a refused filler is not refilled (that could loop); its nonce stays a gap
        # that blocks the account until an operator looks, which the log says loudly.
        filler = None
        if tx.purpose is not TxPurpose.FILLER:
            filler = self.nonces.sign_filler(sender=tx.sender, nonce=tx.nonce)
        else:
            log.error("filler %s for nonce %d was refused: %s", tx.tx_hash, tx.nonce, error)
        filler_id = self.outbox.retire(
            tx.id,
            tx_status=TxStatus.REJECTED,
            requeue=requeue,
            fail=fail,
            filler=filler,
            error=error,
        )
        if filler is not None and filler_id is not None:
            self.push(filler.stored_as(filler_id))
