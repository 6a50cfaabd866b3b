"""Contribution records as the events tell them, shared by the confirmation and revenue checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ledger.domain.merkle import event_record_id
from ledger.domain.structs import ContributionStatus
from ledger.infra.events import DecodedEvent


@dataclass
class RecordInfo:
    """A recorded contribution as the events tell it."""

    contributor: str
    weight: int
    event: DecodedEvent
    confirmers: set[str] = field(default_factory=set)
    disputed: bool = False
    status: int | None = None  # after its last confirmation, dispute or resolution event
    last: DecodedEvent | None = None


def records_of(agreement: str, events: Sequence[DecodedEvent]) -> dict[str, RecordInfo]:
    """Every record of the agreement by id, from ContributionsRecorded."""
    records: dict[str, RecordInfo] = {}
    for event in events:
        if event.name != "ContributionsRecorded":
            continue
        contributor, pre_head = event.args["contributor"], event.args["preHead"]
        for index, rec in enumerate(event.args["records"]):
            rid = event_record_id(
                agreement_id=agreement,
                pre_head=pre_head,
                index=index,
                contributor=contributor,
                record=rec,
            )
            records[rid] = RecordInfo(contributor, int(rec["weight"]), event)
    return records


def confirmed_weight_changes(
    event: DecodedEvent, records: Mapping[str, RecordInfo]
) -> tuple[str, int] | None:
    """(contributor, weight gained) when this event makes a record's weight count, else None."""
    # NOTE: a confirmation only opens the challenge window; the weight counts when the record
    # matures (or when Governance accepts a disputed record).
    if event.name == "ContributionMatured":
        return (event.args["contributor"], int(event.args["weight"]))
    if (
        event.name == "ContributionResolved"
        and int(event.args["status"]) == ContributionStatus.CONFIRMED
    ):
        info = records.get(event.args["recordId"])
        return (info.contributor, int(event.args["weight"])) if info else None
    return None


__all__ = ["RecordInfo", "confirmed_weight_changes", "records_of"]
