"""The `confirmations` check: each Confirmed record met the confirmation rule, and the
contract's record statuses and confirmed weights are the events'."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ledger.audit.checks.common import at, unhex
from ledger.audit.checks.records import RecordInfo, confirmed_weight_changes
from ledger.audit.collect import History
from ledger.audit.model import AgreementModel
from ledger.audit.report import CheckResult, Finding
from ledger.domain.structs import ContributionStatus
from ledger.infra.events import DecodedEvent

STATUS_EVENTS = ("ContributionConfirmed", "ContributionDisputed", "ContributionResolved")


@dataclass
class _Replay:
    """The confirmation rule followed event by event (fills in `records`' confirmers, statuses)."""

    model: AgreementModel
    records: Mapping[str, RecordInfo]
    findings: list[Finding] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    executed_txs: set[bytes] = field(default_factory=set)
    checked: int = 0

    def apply(self, event: DecodedEvent) -> None:
        """Follow one event of the agreement."""
        if event.name == "ProposalExecuted":
            self.executed_txs.add(event.tx_hash)
        elif event.name == "ContributionMatured":
            self._matured(event)
        elif event.name in STATUS_EVENTS:
            self._status_changed(event)

    def _matured(self, event: DecodedEvent) -> None:
        args = event.args
        info = self.records.get(args["recordId"])
        if (
            info is None
            or info.status != ContributionStatus.CONFIRMED
            or info.contributor != args["contributor"]
        ):
            self.findings.append(at(event, "a record matured without being Confirmed"))
        elif info.weight != int(args["weight"]):
            self.findings.append(
                at(event, "a record matured with another weight", expected=info.weight)
            )
        else:
            info.last = event
            self.weights[info.contributor] += info.weight

    def _status_changed(self, event: DecodedEvent) -> None:
        args = event.args
        info = self.records.get(args["recordId"])
        if info is None:
            self.findings.append(at(event, f"{event.name} of a record never recorded"))
            return
        info.last = event
        if event.name == "ContributionDisputed":
            info.status = ContributionStatus.DISPUTED
            info.disputed = True
        else:
            info.status = int(args["status"])
            if event.name == "ContributionConfirmed":
                self._confirmed(event, info)
            elif info.status == ContributionStatus.CONFIRMED:
                self._resolved_confirmed(event, info)
        gained = confirmed_weight_changes(event, self.records)
        if gained:
            self.weights[gained[0]] += gained[1]

    def _confirmed(self, event: DecodedEvent, info: RecordInfo) -> None:
        args = event.args
        confirmer = args["confirmer"]
        version = self.model.versions.get(int(args["version"]))
        if confirmer == info.contributor:
            self.findings.append(at(event, "a contributor confirmed its own record"))
        elif version is None or confirmer not in version.parties:
            self.findings.append(at(event, f"{confirmer} confirmed without being a party"))
        else:
            info.confirmers.add(confirmer)
        if int(args["status"]) != ContributionStatus.CONFIRMED:
            return
        self.checked += 1
        required = version.confirmations if version else 1
        if len(info.confirmers) < required:
            self.findings.append(
                at(
                    event,
                    "record Confirmed below the confirmation rule",
                    expected=f">= {required} co-party confirmations",
                    found=len(info.confirmers),
                )
            )

    def _resolved_confirmed(self, event: DecodedEvent, info: RecordInfo) -> None:
        self.checked += 1
        if not info.disputed or event.tx_hash not in self.executed_txs:
            self.findings.append(
                at(
                    event,
                    "a record was resolved Confirmed without a disputed record "
                    "and an executed governance proposal",
                )
            )


def check_confirmations(
    history: History,
    agreement: str,
    events: Sequence[DecodedEvent],
    model: AgreementModel,
    *,
    records: Mapping[str, RecordInfo],
) -> CheckResult:
    """Each Confirmed record met the confirmation rule; statuses and weights equal the contract's.

    `records` is `records_of(agreement, events)`; its confirmers and statuses are filled in.
    """
    replay = _Replay(model, records)
    for event in events:
        replay.apply(event)
    findings = replay.findings + _onchain_differences(history, agreement, model, replay)
    return CheckResult("confirmations", agreement, replay.checked, tuple(findings))


def _onchain_differences(
    history: History, agreement: str, model: AgreementModel, replay: _Replay
) -> list[Finding]:
    """Records whose `recordStateOf` status, and parties whose `confirmedWeightOf`, differ."""
    aid = unhex(agreement)
    parties = model.ever_parties
    touched = [(rid, info) for rid, info in replay.records.items() if info.last is not None]
    values = history.call_many(
        [("Contributions", "confirmedWeightOf", (aid, party)) for party in parties]
        + [("Contributions", "recordStateOf", (aid, unhex(rid))) for rid, _ in touched]
    )
    findings: list[Finding] = []
    for (rid, info), state in zip(touched, values[len(parties) :], strict=True):
        if int(state[2]) != info.status:
            assert info.last is not None
            findings.append(
                at(
                    info.last,
                    f"record {rid}: its on-chain status differs from its events",
                    expected=info.status,
                    found=int(state[2]),
                )
            )
    for party, onchain_weight in zip(parties, values[: len(parties)], strict=True):
        onchain = int(onchain_weight)
        if onchain != replay.weights.get(party, 0):
            findings.append(
                Finding(
                    f"confirmed weight of {party} differs from its confirmed records",
                    block=history.block,
                    expected=str(replay.weights.get(party, 0)),
                    found=str(onchain),
                )
            )
    return findings


__all__ = ["check_confirmations"]
