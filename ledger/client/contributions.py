"""Contributions: record (single, batch, relayed signed batch), confirm and dispute with Merkle
proofs computed here exactly as the contract computes them, views."""

from __future__ import annotations

from collections.abc import Sequence

from eth_account.signers.local import LocalAccount

from ledger.client.base import ContractClient, Sender
from ledger.client.views import RecordState, SignedRecords, TxResult, build
from ledger.domain import signing
from ledger.domain import validation as v
from ledger.domain.errors import LedgerError, NotFoundError
from ledger.domain.merkle import RecordedBatch
from ledger.domain.structs import Contribution, ContributionStatus, RecordProof
from ledger.infra.events import DecodedEvent


def _records(args: dict[str, object]) -> list[Contribution]:
    rows = args["records"]
    assert isinstance(rows, list)
    return [
        Contribution(r["kind"], r["weight"], r["evidenceHash"], r["provenance"], r["accountable"])
        for r in rows
    ]


def batch_from_event(event: DecodedEvent) -> RecordedBatch:
    """The batch a `ContributionsRecorded` event describes, its root checked against the event."""
    args = event.args
    batch = RecordedBatch.compute(
        agreement_id=v.bytes32(args["agreementId"]),
        contributor=str(args["contributor"]),
        pre_head=v.bytes32(args["preHead"]),
        records=_records(args),
    )
    if batch.root != v.bytes32(args["batchRoot"]):
        raise LedgerError(f"batch root mismatch: computed 0x{batch.root.hex()}")
    return batch


class ContributionsClient(ContractClient):
    """Who contributed what, confirmed by the co-parties."""

    name = "Contributions"

    def record(
        self, *, agreement_id: bytes | str, record: Contribution, sender: Sender
    ) -> TxResult:
        """Record one contribution (the sender is the contributor)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return self._send(self.contract.functions.record(aid, record.as_abi()), sender)

    def record_batch(
        self, *, agreement_id: bytes | str, records: Sequence[Contribution], sender: Sender
    ) -> TxResult:
        """Record many contributions under one Merkle root."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        fn = self.contract.functions.recordBatch(aid, [r.as_abi() for r in records])
        return self._send(fn, sender)

    def record_by_signature(self, *, signed: SignedRecords, sender: Sender) -> TxResult:
        """Relay a batch its contributor signed (anyone may send)."""
        fn = self.contract.functions.recordBySignature(*signed.call_args())
        return self._send(fn, sender)

    def confirm(self, *, agreement_id: bytes | str, proof: RecordProof, sender: Sender) -> TxResult:
        """Confirm a co-party's pending record."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return self._send(self.contract.functions.confirm(aid, proof.as_abi()), sender)

    def dispute(
        self,
        *,
        agreement_id: bytes | str,
        proof: RecordProof,
        reason_hash: bytes | str,
        sender: Sender,
    ) -> TxResult:
        """Dispute a co-party's pending record (Governance resolves it)."""
        fn = self.contract.functions.dispute(
            v.bytes32(agreement_id, field="agreement_id"),
            proof.as_abi(),
            v.bytes32(reason_hash, field="reason_hash"),
        )
        return self._send(fn, sender)

    def mature(
        self, *, agreement_id: bytes | str, proofs: Sequence[RecordProof], sender: Sender
    ) -> TxResult:
        """Make Confirmed records whose challenge window ended count (anyone may send)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        fn = self.contract.functions.mature(aid, [p.as_abi() for p in proofs])
        return self._send(fn, sender)

    # -- batches and proofs ---------------------------------------------------------------

    def batches_in(self, result: TxResult) -> list[RecordedBatch]:
        """The batches a recording transaction wrote, with every record's id and proof."""
        return [batch_from_event(e) for e in result.events_named("ContributionsRecorded")]

    def batch(self, batch_root: bytes | str) -> RecordedBatch:
        """A recorded batch by its root, rebuilt from its event; NotFoundError when unknown."""
        root = v.bytes32(batch_root, field="batch_root")
        block, _ = self._call(self.contract.functions.batchOf(root))
        if block:
            for event in self.ledger.logs(
                "Contributions", "ContributionsRecorded", from_block=block, to_block=block
            ):
                if v.bytes32(event.args["batchRoot"]) == root:
                    return batch_from_event(event)
        raise NotFoundError(f"no recorded batch 0x{root.hex()}")

    # -- signing --------------------------------------------------------------------------

    def records_typed_data(
        self,
        *,
        agreement_id: bytes | str,
        contributor: str,
        records: Sequence[Contribution],
        deadline: int,
        nonce: int | None = None,
    ) -> signing.TypedData:
        """The payload `contributor` signs to record `records`, at its current nonce (or at
        `nonce`: a batch signed ahead of earlier ones not yet mined)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        who = v.address(contributor, field="contributor")
        return signing.record_typed_data(
            chain_id=self.ledger.chain_id,
            contributions=self.address,
            agreement_id=aid,
            contributor=who,
            records=records,
            nonce=self.ledger.agreements.nonce(aid, who) if nonce is None else nonce,
            deadline=deadline,
        )

    def sign_records(
        self,
        *,
        agreement_id: bytes | str,
        account: LocalAccount,
        records: Sequence[Contribution],
        deadline: int,
        nonce: int | None = None,
    ) -> SignedRecords:
        """`account`'s signature of a batch, at its current nonce (or `nonce`, to sign ahead),
        for anyone to relay."""
        typed = self.records_typed_data(
            agreement_id=agreement_id,
            contributor=account.address,
            records=records,
            deadline=deadline,
            nonce=nonce,
        )
        return SignedRecords(
            v.bytes32(agreement_id, field="agreement_id"),
            v.address(account.address),
            tuple(records),
            int(typed["message"]["nonce"]),
            deadline,
            signing.sign(typed, account),
        )

    # -- views ----------------------------------------------------------------------------

    def record_state(self, agreement_id: bytes | str, record_id: bytes | str) -> RecordState:
        """The stored state of a record (zeros while Pending and unconfirmed)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        rid = v.bytes32(record_id, field="record_id")
        return build(RecordState, self._call(self.contract.functions.recordStateOf(aid, rid)))

    def status(self, agreement_id: bytes | str, record_id: bytes | str) -> ContributionStatus:
        """A record's status."""
        return self.record_state(agreement_id, record_id).status

    def confirmed_weight(self, agreement_id: bytes | str, party: str) -> int:
        """Σ weights of `party`'s Confirmed records that count (matured or accepted)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        who = v.address(party, field="party")
        return int(self._call(self.contract.functions.confirmedWeightOf(aid, who)))

    def total_confirmed_weight(self, agreement_id: bytes | str) -> int:
        """Σ weights of all Confirmed records of the agreement that count."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return int(self._call(self.contract.functions.totalConfirmedWeightOf(aid)))
