"""Commitments' events: commitments made, deliverables reviewed, settlements, rulings, breaches."""

from __future__ import annotations

from ledger.infra.events import DecodedEvent
from ledger.reads.indexer.models import Commitment
from ledger.reads.indexer.projection import Projection, ProjectorSet
from ledger.reads.indexer.projectors.common import (
    COMMITMENT_KIND,
    COMMITMENT_STATUS,
    enum_name,
    revenue_of,
)

projectors = ProjectorSet()


def _commitment(p: Projection, e: DecodedEvent) -> Commitment | None:
    row = p.get(Commitment, (e.args["agreementId"], e.args["commitmentId"]))
    if row is not None:
        row.updated_block = e.block_number
        row.updated_at = e.block_timestamp
    return row


@projectors.register("CommitmentMade")
def _commitment_made(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    key = (a["agreementId"], a["commitmentId"])
    p.add(
        Commitment(
            agreement_id=a["agreementId"],
            commitment_id=a["commitmentId"],
            committer=a["committer"],
            kind=enum_name(COMMITMENT_KIND, a["kind"]),
            description_hash=a["descriptionHash"],
            deadline=a["deadline"],
            bond=a["bond"],
            status="Open",
            acceptances=0,
            version=0,
            extensions=0,
            made_block=e.block_number,
            made_at=e.block_timestamp,
            updated_block=e.block_number,
            updated_at=e.block_timestamp,
        ),
        key,
    )
    if a["bond"]:
        revenue_of(p, a["agreementId"]).bonds_locked += a["bond"]


@projectors.register("DeliverableSubmitted")
def _deliverable_submitted(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.status = "Submitted"
        row.deliverable_hash = e.args["deliverableHash"]
        row.review_end = e.args["reviewEnd"]
        row.acceptances = 0


@projectors.register("DeliverableAccepted")
def _deliverable_accepted(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.acceptances = e.args["acceptances"]
        row.version = e.args["version"]
        row.status = enum_name(COMMITMENT_STATUS, e.args["status"])
        if row.status == "Fulfilled" and row.bond:
            revenue_of(p, row.agreement_id)


@projectors.register("DeliverableRejected")
def _deliverable_rejected(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.status = "Rejected"
        row.rejected_by = e.args["rejector"]
        row.rejection_hash = e.args["reasonHash"]


@projectors.register("CommitmentSettled")
def _commitment_settled(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.status = "Fulfilled"


@projectors.register("CommitmentArbitrated")
def _commitment_arbitrated(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        # NOTE: a Breached ruling is followed by its CommitmentBreached, which sets the status.
        if e.args["ruling"] == COMMITMENT_STATUS.index("Fulfilled"):
            row.status = "Fulfilled"
        row.arbiter = e.args["arbiter"]
        row.ruling_hash = e.args["rulingHash"]


@projectors.register("CommitmentBreached")
def _commitment_breached(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.status = "Breached"
        row.breached_by = e.args["caller"]
        row.bond_forfeited = e.args["bondForfeited"]
    if e.args["bondForfeited"]:
        revenue_of(p, e.args["agreementId"]).bonds_forfeited += e.args["bondForfeited"]


@projectors.register("CommitmentExtended")
def _commitment_extended(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.deadline = e.args["newDeadline"]
        row.extensions += 1


__all__ = ["projectors"]
