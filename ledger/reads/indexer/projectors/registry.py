"""ParkRegistry's events: participants, park settings (culture fund, admitted tokens), audits."""

from __future__ import annotations

from ledger.infra.events import DecodedEvent
from ledger.reads.indexer.models import AuditAttestation, ParkSetting, Participant, hex_of
from ledger.reads.indexer.projection import Projection, ProjectorSet
from ledger.reads.indexer.projectors.common import PARTICIPANT_KIND, enum_name

projectors = ProjectorSet()


@projectors.register("ParticipantRegistered", "ParticipantUpdated")
def _participant_registered(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    row = p.get(Participant, a["account"])
    if row is None:
        row = p.add(
            Participant(
                account=a["account"],
                kind=enum_name(PARTICIPANT_KIND, a["kind"]),
                status="Active",
                profile_hash=a["profileHash"],
                registrar=a["registrar"],
                breach_count=0,
                registered_block=e.block_number,
                registered_at=e.block_timestamp,
                updated_block=e.block_number,
                updated_at=e.block_timestamp,
            ),
            a["account"],
        )
        return
    row.kind = enum_name(PARTICIPANT_KIND, a["kind"])
    row.profile_hash = a["profileHash"]
    row.registrar = a["registrar"]
    if e.name == "ParticipantRegistered":
        row.status = "Active"
    _stamp_participant(row, e)


@projectors.register("ParticipantSuspended", "ParticipantReinstated")
def _participant_status(p: Projection, e: DecodedEvent) -> None:
    row = p.get(Participant, e.args["account"])
    if row is None:
        return
    suspended = e.name == "ParticipantSuspended"
    row.status = "Suspended" if suspended else "Active"
    row.suspension_reason = e.args["reasonHash"] if suspended else None
    _stamp_participant(row, e)


@projectors.register("BreachRecorded")
def _breach_recorded(p: Projection, e: DecodedEvent) -> None:
    row = p.get(Participant, e.args["participant"])
    if row is not None:
        row.breach_count = e.args["breachCount"]
        _stamp_participant(row, e)


def _stamp_participant(row: Participant, e: DecodedEvent) -> None:
    row.updated_block = e.block_number
    row.updated_at = e.block_timestamp


@projectors.register("CultureFundSet")
def _culture_fund_set(p: Projection, e: DecodedEvent) -> None:
    _set_park_setting(p, "cultureFund", e.args["newFund"], e.block_number)


@projectors.register("TokenAdmissionSet")
def _token_admission_set(p: Projection, e: DecodedEvent) -> None:
    # NOTE: one setting per token ever named, "token:<address>" = admitted / withdrawn.
    value = "admitted" if e.args["admitted"] else "withdrawn"
    _set_park_setting(p, f"token:{e.args['token']}", value, e.block_number)


def _set_park_setting(p: Projection, name: str, value: str, block_number: int) -> None:
    row = p.get(ParkSetting, name)
    if row is None:
        p.add(ParkSetting(name=name, value=value, block_number=block_number), name)
    else:
        row.value = value
        row.block_number = block_number


@projectors.register("AuditAttested")
def _audit_attested(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    key = (a["agreementId"], e.block_number, e.log_index)
    p.add(
        AuditAttestation(
            agreement_id=a["agreementId"],
            block_number=e.block_number,
            log_index=e.log_index,
            auditor=a["auditor"],
            audited_head=a["auditedHead"],
            audited_block=a["blockNumber"],
            report_hash=a["reportHash"],
            tx_hash=hex_of(e.tx_hash),
            time=e.block_timestamp,
        ),
        key,
    )


__all__ = ["projectors"]
