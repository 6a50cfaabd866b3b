"""Commitments: commit (with an optional bond), submit, accept or reject deliverables, settle
unrejected ones after review, arbitrate rejected ones, mark breaches."""

from __future__ import annotations

from typing import Any

from ledger.client.base import ContractClient, Sender
from ledger.client.views import Commitment, TxResult, build
from ledger.domain import validation as v
from ledger.domain.errors import NotFoundError, ValidationError
from ledger.domain.structs import UINT64, ZERO_ADDRESS, CommitmentKind, CommitmentStatus

RULINGS = (CommitmentStatus.FULFILLED, CommitmentStatus.BREACHED)


class CommitmentsClient(ContractClient):
    """Responsibility commitments with deadlines and bonds."""

    name = "Commitments"

    def commit(
        self,
        *,
        agreement_id: bytes | str,
        kind: CommitmentKind | int | str,
        description_hash: bytes | str,
        deadline: int,
        sender: Sender,
        bond: int = 0,
    ) -> TxResult:
        """Commit to a deliverable by `deadline`, locking `bond` in the agreement's token."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        amount = v.integer(bond, field="bond")
        token = self.ledger.agreements.terms(aid).token
        self.ledger.revenue.approve_if_needed(token=token, amount=amount, sender=sender)
        fn = self.contract.functions.commit(
            aid,
            int(v.member(CommitmentKind, kind, field="kind")),
            v.bytes32(description_hash, field="description_hash"),
            v.integer(deadline, field="deadline", high=UINT64),
            amount,
        )
        return self._send(fn, sender, value=amount if token == ZERO_ADDRESS else 0)

    def submit(
        self,
        *,
        agreement_id: bytes | str,
        commitment_id: int,
        deliverable_hash: bytes | str,
        sender: Sender,
    ) -> TxResult:
        """The committer submits (or replaces) its deliverable."""
        deliverable = v.bytes32(deliverable_hash, field="deliverable_hash")
        fn = self._by_id("submitDeliverable", agreement_id, commitment_id, deliverable)
        return self._send(fn, sender)

    def accept(
        self,
        *,
        agreement_id: bytes | str,
        commitment_id: int,
        sender: Sender,
        deliverable_hash: bytes | str | None = None,
    ) -> TxResult:
        """A co-party accepts the deliverable (default: the current one)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        cid = v.integer(commitment_id, field="commitment_id")
        current = (
            self.get(aid, cid).deliverable_hash
            if deliverable_hash is None
            else v.bytes32(deliverable_hash, field="deliverable_hash")
        )
        return self._send(self.contract.functions.acceptDeliverable(aid, cid, current), sender)

    def reject(
        self,
        *,
        agreement_id: bytes | str,
        commitment_id: int,
        reason_hash: bytes | str,
        sender: Sender,
    ) -> TxResult:
        """A co-party rejects the deliverable within its review period (it goes to arbitration)."""
        reason = v.bytes32(reason_hash, field="reason_hash")
        fn = self._by_id("rejectDeliverable", agreement_id, commitment_id, reason)
        return self._send(fn, sender)

    def settle(self, *, agreement_id: bytes | str, commitment_id: int, sender: Sender) -> TxResult:
        """Fulfil a deliverable nobody rejected within its review period (anyone)."""
        return self._send(self._by_id("settle", agreement_id, commitment_id), sender)

    def arbitrate(
        self,
        *,
        agreement_id: bytes | str,
        commitment_id: int,
        ruling: CommitmentStatus | int | str,
        ruling_hash: bytes | str,
        sender: Sender,
    ) -> TxResult:
        """An arbiter rules a rejected deliverable FULFILLED or BREACHED."""
        outcome = v.member(CommitmentStatus, ruling, field="ruling")
        if outcome not in RULINGS:
            raise ValidationError(f"ruling: {outcome.name.lower()} is not fulfilled or breached")
        reason = v.bytes32(ruling_hash, field="ruling_hash")
        fn = self._by_id("arbitrate", agreement_id, commitment_id, int(outcome), reason)
        return self._send(fn, sender)

    def breach(self, *, agreement_id: bytes | str, commitment_id: int, sender: Sender) -> TxResult:
        """Mark an Open commitment Breached after deadline + grace (anyone)."""
        return self._send(self._by_id("markBreached", agreement_id, commitment_id), sender)

    def _by_id(
        self, function: str, agreement_id: bytes | str, commitment_id: int, *rest: object
    ) -> Any:
        """The contract call `function(agreementId, commitmentId, *rest)` with validated ids."""
        return self.contract.functions[function](
            v.bytes32(agreement_id, field="agreement_id"),
            v.integer(commitment_id, field="commitment_id"),
            *rest,
        )

    def get(self, agreement_id: bytes | str, commitment_id: int) -> Commitment:
        """A commitment; NotFoundError when the agreement has no such commitment."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        cid = v.integer(commitment_id, field="commitment_id")
        found = build(
            Commitment, self._call(self.contract.functions.commitmentOf(aid, cid)), aid, cid
        )
        if found.status is CommitmentStatus.NONE:
            raise NotFoundError(f"agreement 0x{aid.hex()} has no commitment {cid}")
        return found

    def count(self) -> int:
        """How many commitments exist across agreements (ids 1..count)."""
        return int(self._call(self.contract.functions.commitmentCount()))

    def grace_period(self) -> int:
        """Seconds after a deadline before a breach can be marked."""
        return int(self._call(self.contract.functions.GRACE_PERIOD()))

    def review_period(self) -> int:
        """Seconds after a submission during which co-parties may reject the deliverable."""
        return int(self._call(self.contract.functions.REVIEW_PERIOD()))
