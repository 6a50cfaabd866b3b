"""Contributions' events: recorded batches, confirmations, maturity, disputes and rulings."""

from __future__ import annotations

from ledger.domain.merkle import event_record_id
from ledger.domain.structs import DIRECT_NONCE, ZERO_ADDRESS
from ledger.infra.events import DecodedEvent
from ledger.reads.indexer.models import Confirmation, Contribution, Dispute, hex_of
from ledger.reads.indexer.projection import Projection, ProjectorSet
from ledger.reads.indexer.projectors.common import (
    AI_PROVENANCE,
    CONTRIBUTION_KIND,
    CONTRIBUTION_STATUS,
    RESOLUTION_OUTCOME,
    enum_name,
)

projectors = ProjectorSet()


@projectors.register("ContributionsRecorded")
def _contributions_recorded(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    agreement_id, contributor, pre_head = a["agreementId"], a["contributor"], a["preHead"]
    nonce = a["nonce"]
    tx_hash = hex_of(e.tx_hash)
    rows = []
    for index, record in enumerate(a["records"]):
        rid = event_record_id(
            agreement_id=agreement_id,
            pre_head=pre_head,
            index=index,
            contributor=contributor,
            record=record,
        )
        accountable = record["accountable"]
        rows.append(
            Contribution(
                record_id=rid,
                agreement_id=agreement_id,
                batch_root=a["batchRoot"],
                pre_head=pre_head,
                batch_index=index,
                contributor=contributor,
                kind=enum_name(CONTRIBUTION_KIND, record["kind"]),
                weight=record["weight"],
                evidence_hash=record["evidenceHash"],
                provenance=enum_name(AI_PROVENANCE, record["provenance"]),
                accountable=None if accountable == ZERO_ADDRESS else accountable,
                status="Pending",
                confirmations=0,
                confirm_version=0,
                counted_weight=0,
                challenge_ends_at=None,
                relay_nonce=None if nonce == DIRECT_NONCE else nonce,
                recorded_block=e.block_number,
                recorded_log_index=e.log_index,
                recorded_at=e.block_timestamp,
                tx_hash=tx_hash,
                updated_block=e.block_number,
                updated_at=e.block_timestamp,
            )
        )
    for row in rows:
        p.add(row, row.record_id)


@projectors.register("ContributionConfirmed")
def _contribution_confirmed(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    status = enum_name(CONTRIBUTION_STATUS, a["status"])
    key = (a["recordId"], a["confirmer"], a["version"])
    p.add(
        Confirmation(
            record_id=a["recordId"],
            confirmer=a["confirmer"],
            version=a["version"],
            agreement_id=a["agreementId"],
            confirmations=a["confirmations"],
            status=status,
            block_number=e.block_number,
            tx_hash=hex_of(e.tx_hash),
            time=e.block_timestamp,
        ),
        key,
    )
    row = p.get(Contribution, a["recordId"])
    if row is None:
        return
    row.confirmations = a["confirmations"]
    row.confirm_version = a["version"]
    row.status = status
    if status == "Confirmed":
        # NOTE: the weight counts only once the record matures (ContributionMatured).
        row.challenge_ends_at = a["challengeEndsAt"]
    row.updated_block = e.block_number
    row.updated_at = e.block_timestamp


@projectors.register("ContributionMatured")
def _contribution_matured(p: Projection, e: DecodedEvent) -> None:
    row = p.get(Contribution, e.args["recordId"])
    if row is None:
        return
    row.counted_weight = e.args["weight"]
    row.challenge_ends_at = None
    row.updated_block = e.block_number
    row.updated_at = e.block_timestamp


@projectors.register("ContributionDisputed")
def _contribution_disputed(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    p.add(
        Dispute(
            record_id=a["recordId"],
            agreement_id=a["agreementId"],
            disputer=a["disputer"],
            contributor=a["contributor"],
            weight=a["weight"],
            reason_hash=a["reasonHash"],
            disputed_block=e.block_number,
            disputed_at=e.block_timestamp,
        ),
        a["recordId"],
    )
    row = p.get(Contribution, a["recordId"])
    if row is not None:
        row.status = "Disputed"
        row.challenge_ends_at = None
        row.updated_block = e.block_number
        row.updated_at = e.block_timestamp


@projectors.register("ContributionResolved")
def _contribution_resolved(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    status = enum_name(CONTRIBUTION_STATUS, a["status"])
    dispute = p.get(Dispute, a["recordId"])
    if dispute is not None:
        dispute.outcome = enum_name(RESOLUTION_OUTCOME, a["outcome"])
        dispute.resolved_weight = a["weight"]
        dispute.resolved_block = e.block_number
        dispute.resolved_at = e.block_timestamp
    row = p.get(Contribution, a["recordId"])
    if row is not None:
        row.status = status
        row.counted_weight = a["weight"] if status == "Confirmed" else 0
        row.updated_block = e.block_number
        row.updated_at = e.block_timestamp


__all__ = ["projectors"]
