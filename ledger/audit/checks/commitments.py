"""The `commitments` check: every status change of a commitment followed the rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ledger.audit.checks.common import at, unhex
from ledger.audit.collect import History
from ledger.audit.model import AgreementModel
from ledger.audit.report import CheckResult, Finding
from ledger.domain.structs import CommitmentStatus
from ledger.infra.events import DecodedEvent


@dataclass
class _Commitment:
    """One commitment as its events tell it so far (status 0 before `CommitmentMade`)."""

    status: int = 0
    deadline: int = 0
    acceptors: set[str] = field(default_factory=set)
    committer: str | None = None
    deliverable: str | None = None
    review_end: int | None = None
    ruled_breach: bool = False  # an arbiter ruled Breached; the breach event follows


@dataclass
class _Replay:
    """The agreement's commitments followed event by event, against the module's rules."""

    model: AgreementModel
    grace: int
    review: int
    state: dict[int, _Commitment] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def apply(self, event: DecodedEvent) -> None:
        """Follow one event of the agreement (only Commitments' events about a commitment)."""
        args = event.args
        if "commitmentId" not in args or event.contract != "Commitments":
            return
        cid = int(args["commitmentId"])
        item = self.state.setdefault(cid, _Commitment())
        if event.name == "CommitmentMade":
            item.committer = args["committer"]
            item.deadline = int(args["deadline"])
            item.status = CommitmentStatus.OPEN
        elif event.name == "CommitmentExtended":
            item.deadline = int(args["newDeadline"])
        elif event.name == "DeliverableSubmitted":
            self._submitted(event, cid, item)
        elif event.name == "DeliverableAccepted":
            self._accepted(event, cid, item)
        elif event.name == "DeliverableRejected":
            self._rejected(event, cid, item)
        elif event.name == "CommitmentSettled":
            self._settled(event, cid, item)
        elif event.name == "CommitmentArbitrated":
            self._arbitrated(event, cid, item)
        elif event.name == "CommitmentBreached":
            self._breached(event, cid, item)

    def _submitted(self, event: DecodedEvent, cid: int, item: _Commitment) -> None:
        """The review period starts at submission and lasts the module's REVIEW_PERIOD."""
        args, ts = event.args, event.block_timestamp or 0
        if int(args["reviewEnd"]) != ts + self.review:
            self.findings.append(
                at(
                    event,
                    f"commitment {cid}: review period",
                    expected=ts + self.review,
                    found=args["reviewEnd"],
                )
            )
        item.deliverable = args["deliverableHash"]
        item.review_end = int(args["reviewEnd"])
        item.status = CommitmentStatus.SUBMITTED
        item.acceptors = set()

    def _accepted(self, event: DecodedEvent, cid: int, item: _Commitment) -> None:
        """Acceptances by co-parties of the current deliverable; Fulfilled only by the rule."""
        args = event.args
        acceptor = args["acceptor"]
        version = self.model.versions.get(int(args["version"]))
        if acceptor == item.committer:
            self.findings.append(at(event, f"commitment {cid} accepted by its committer"))
        elif version is None or acceptor not in version.parties:
            self.findings.append(at(event, f"commitment {cid} accepted by a non-party {acceptor}"))
        else:
            item.acceptors.add(acceptor)
        if args["deliverableHash"] != item.deliverable:
            self.findings.append(at(event, f"commitment {cid}: accepted another deliverable"))
        if item.status != CommitmentStatus.SUBMITTED:
            self.findings.append(
                at(event, f"commitment {cid} accepted while not Submitted", found=item.status)
            )
        if int(args["status"]) != CommitmentStatus.FULFILLED:
            return
        required = version.confirmations if version else 1
        if len(item.acceptors) < required:
            self.findings.append(
                at(
                    event,
                    f"commitment {cid} Fulfilled below the rule",
                    expected=f">= {required}",
                    found=len(item.acceptors),
                )
            )
        item.status = CommitmentStatus.FULFILLED

    def _rejected(self, event: DecodedEvent, cid: int, item: _Commitment) -> None:
        """Rejections of a Submitted deliverable, by a co-party, within the review period."""
        ts = event.block_timestamp or 0
        self._in_status(event, cid, item, CommitmentStatus.SUBMITTED)
        if event.args["rejector"] == item.committer:
            self.findings.append(at(event, f"commitment {cid} rejected by its committer"))
        if ts > (item.review_end or 0):
            self.findings.append(
                at(
                    event,
                    f"commitment {cid} rejected after its review period",
                    expected=f"<= {item.review_end}",
                    found=ts,
                )
            )
        item.status = CommitmentStatus.REJECTED

    def _settled(self, event: DecodedEvent, cid: int, item: _Commitment) -> None:
        """Settlement of a Submitted deliverable only after its review period."""
        ts = event.block_timestamp or 0
        self._in_status(event, cid, item, CommitmentStatus.SUBMITTED)
        if ts <= (item.review_end or 0):
            self.findings.append(
                at(
                    event,
                    f"commitment {cid} settled during its review period",
                    expected=f"> {item.review_end}",
                    found=ts,
                )
            )
        item.status = CommitmentStatus.FULFILLED

    def _arbitrated(self, event: DecodedEvent, cid: int, item: _Commitment) -> None:
        """An arbiter rules only on a Rejected deliverable; a Breached ruling allows the breach."""
        self._in_status(event, cid, item, CommitmentStatus.REJECTED)
        if int(event.args["ruling"]) == CommitmentStatus.FULFILLED:
            item.status = CommitmentStatus.FULFILLED
        else:
            item.ruled_breach = True

    def _in_status(
        self, event: DecodedEvent, cid: int, item: _Commitment, expected: CommitmentStatus
    ) -> None:
        if item.status != expected:
            self.findings.append(
                at(
                    event,
                    f"commitment {cid}: {event.name} in another status",
                    expected=expected,
                    found=item.status,
                )
            )

    def _breached(self, event: DecodedEvent, cid: int, item: _Commitment) -> None:
        """Breaches only of Open commitments after deadline + grace, or after a Breached ruling."""
        ts = event.block_timestamp or 0
        ruled, item.ruled_breach = item.ruled_breach, False
        if not ruled and item.status != CommitmentStatus.OPEN:
            self.findings.append(
                at(
                    event,
                    f"commitment {cid} breached while not Open, without an arbiter's ruling",
                    expected=CommitmentStatus.OPEN,
                    found=item.status,
                )
            )
        elif not ruled and ts <= item.deadline + self.grace:
            self.findings.append(
                at(
                    event,
                    f"commitment {cid} breached before deadline + grace",
                    expected=f"> {item.deadline + self.grace}",
                    found=ts,
                )
            )
        item.status = CommitmentStatus.BREACHED


def check_commitments(
    history: History,
    agreement: str,
    events: Sequence[DecodedEvent],
    model: AgreementModel,
    *,
    grace: int,
    review: int,
) -> CheckResult:
    """Fulfilments came from co-party acceptances, an unrejected review or an arbiter's ruling;
    breaches only of Open commitments after deadline + grace, or by an arbiter's ruling."""
    replay = _Replay(model, grace, review)
    for event in events:
        replay.apply(event)
    onchains = history.call_many(
        [("Commitments", "commitmentOf", (unhex(agreement), cid)) for cid in replay.state]
    )
    findings = replay.findings
    for (cid, item), onchain in zip(replay.state.items(), onchains, strict=True):
        if int(onchain[3]) != item.status:
            findings.append(
                Finding(
                    f"commitment {cid}: on-chain status differs from its events",
                    block=history.block,
                    expected=str(item.status),
                    found=str(int(onchain[3])),
                )
            )
    return CheckResult("commitments", agreement, len(replay.state), tuple(findings))


__all__ = ["check_commitments"]
