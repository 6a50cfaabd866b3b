"""What the index reads back from contract state once a chunk is written: the on-chain hash-chain
heads it checks its recomputed heads against, and the values projectors copy (balances)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3.contract import Contract

from ledger.domain.errors import StateUnavailableError
from ledger.infra.chain.state import call_at
from ledger.reads.indexer.models import AgreementHead, hex_of, unhex
from ledger.reads.indexer.projection import ProjectorSet

log = logging.getLogger(__name__)


class ChainStateReads:
    """Checks and refreshes the agreements flagged since the last refresh, as of one block."""

    def __init__(self, *, head_contract: Contract | None, projectors: ProjectorSet) -> None:
        self.head_contract = head_contract
        self.projectors = projectors
        # The first block whose state reads the node could not serve since the last refresh
        # that succeeded (None: none pending), so that a rebuild logs one line, not one a chunk.
        self._missing_since: int | None = None

    def refresh(self, session: Session, block: int) -> None:
        """Compare the flagged heads with the contract's and refresh their values as of `block`.

        When the node holds no state for `block` the flags stay set, for a later block.
        """
        flagged = list(
            session.scalars(
                select(AgreementHead)
                .where(AgreementHead.refresh_needed.is_(True))
                .order_by(AgreementHead.agreement_id)
            )
        )
        if not flagged:
            return
        try:
            onchain_heads = self._onchain_heads(flagged, block)
            self.projectors.refresh(session, [h.agreement_id for h in flagged], block)
        except StateUnavailableError as err:
            self._wait_for_state(err, flagged, block)
            return
        if self._missing_since is not None:
            log.info(
                "the node holds state for block %d: the head checks and balances pending since "
                "block %d are done",
                block,
                self._missing_since,
            )
            self._missing_since = None
        if self.head_contract is not None:
            for head in flagged:
                _compare(head, onchain_heads[head.agreement_id], block)
        for head in flagged:
            head.refresh_needed = False

    def _onchain_heads(self, heads: Sequence[AgreementHead], block: int) -> dict[str, str]:
        contract = self.head_contract
        if contract is None:
            return {}
        return {
            h.agreement_id: hex_of(
                bytes(call_at(contract.functions.headOf(unhex(h.agreement_id)), block))
            )
            for h in heads
        }

    def _wait_for_state(
        self, err: StateUnavailableError, flagged: Sequence[AgreementHead], block: int
    ) -> None:
        # NOTE: the flags stay set, so a later chunk (the head's at the latest) reads the
        # heads and balances again. Until then a head verified before its new events is
        # unverified (None), never left verified; a mismatch found stays one.
        for head in flagged:
            if head.head_ok:
                head.head_ok = None
        if self._missing_since is None:
            self._missing_since = block
            log.warning(
                "%s: the on-chain head check and balances of %d agreement(s) wait for a "
                "block it holds state for",
                err,
                len(flagged),
            )


def _compare(head: AgreementHead, onchain: str, block: int) -> None:
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


__all__ = ["ChainStateReads"]
