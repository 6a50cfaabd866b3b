"""The `revenue` check: Revenue's books recomputed from events, exact to the rational unit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ledger.audit.checks.common import at, unhex
from ledger.audit.checks.records import RecordInfo, confirmed_weight_changes
from ledger.audit.collect import History, ViewCall
from ledger.audit.model import AgreementModel
from ledger.audit.report import CheckResult, Finding
from ledger.domain.structs import BPS, ZERO_ADDRESS, CommitmentStatus, RevenueMode
from ledger.infra.events import DecodedEvent

FUND = "fund"
HOLDER_VIEWS = ("allocatedOf", "claimableOf", "claimedOf")


@dataclass
class _Books:
    """Revenue recomputed from events: exact rational entitlements per holder."""

    model: AgreementModel
    fund_share: int
    weighted: bool
    parties: tuple[str, ...] = ()
    shares: dict[str, int] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    entitled: dict[str, Fraction] = field(default_factory=lambda: defaultdict(Fraction))
    claimed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deposited: int = 0
    held: int = 0
    bonds_locked: int = 0
    bonds_held: int = 0
    unit_changes: int = 0
    bonds: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (committer, bond)
    findings: list[Finding] = field(default_factory=list)

    def units(self, holder: str) -> int:
        """The holder's allocation units (shares or confirmed weight, net of the fund's share)."""
        if holder == FUND:
            base = sum(self.weights.get(p, 0) for p in self.parties) if self.weighted else BPS
            return base * self.fund_share
        if holder not in self.parties:
            return 0
        unit = self.weights.get(holder, 0) if self.weighted else self.shares.get(holder, 0)
        return unit * (BPS - self.fund_share)

    def allocate(self, amount: int, *, excluded: Sequence[str] = ()) -> bool:
        """Split `amount` by units among the holders not excluded (False when nobody has any)."""
        holders = [h for h in (*self.parties, FUND) if h not in excluded]
        total = sum(self.units(h) for h in holders)
        if total == 0:
            return False
        for holder in holders:
            self.entitled[holder] += Fraction(amount * self.units(holder), total)
        return True

    def apply(self, event: DecodedEvent, records: Mapping[str, RecordInfo]) -> None:
        """Follow one event of the agreement."""
        name, args = event.name, event.args
        if name in ("AgreementProposed", "AgreementAmended"):
            self._membership(event)
        elif (gained := confirmed_weight_changes(event, records)) is not None:
            self.weights[gained[0]] = self.weights.get(gained[0], 0) + gained[1]
            self.unit_changes += 1
        elif name == "RevenueDeposited":
            self._deposit(event)
        elif name == "RevenueAllocated":
            self._allocate_held(event)
        elif name == "CommitmentMade":
            self.bonds[int(args["commitmentId"])] = (args["committer"], int(args["bond"]))
            self.bonds_locked += int(args["bond"])
            self.bonds_held += int(args["bond"])
        elif _releases_bond(name, args):
            committer, bond = self.bonds.get(int(args["commitmentId"]), (ZERO_ADDRESS, 0))
            self.entitled[committer] += bond
            self.bonds_held -= bond
        elif name == "CommitmentBreached":
            self._forfeit(args)
        elif name == "RevenueClaimed":
            self.claimed[args["account"]] += int(args["amount"])
        elif name == "RevenueFundClaimed":
            self.claimed[FUND] += int(args["amount"])

    def _membership(self, event: DecodedEvent) -> None:
        amended = event.name == "AgreementAmended"
        version = self.model.versions[int(event.args["version"]) if amended else 1]
        self.parties = version.parties
        self.shares = dict(zip(version.parties, version.shares, strict=True))
        self.unit_changes += amended

    def _deposit(self, event: DecodedEvent) -> None:
        amount, allocated = int(event.args["amount"]), int(event.args["allocated"])
        self.deposited += amount
        if allocated == 0:
            self.held += amount
            return
        if allocated != amount + self.held:
            self.findings.append(
                at(
                    event,
                    "a deposit allocated other than itself plus the held amount",
                    expected=amount + self.held,
                    found=allocated,
                )
            )
        self.held = 0
        self.allocate(allocated)

    def _allocate_held(self, event: DecodedEvent) -> None:
        if int(event.args["allocated"]) != self.held:
            self.findings.append(
                at(
                    event,
                    "allocateHeld allocated other than the held amount",
                    expected=self.held,
                    found=event.args["allocated"],
                )
            )
        self.allocate(int(event.args["allocated"]))
        self.held = 0

    def _forfeit(self, args: Mapping[str, Any]) -> None:
        forfeited = int(args["bondForfeited"])
        self.bonds_held -= forfeited
        self.unit_changes += 1
        if not self.allocate(forfeited, excluded=(args["committer"], FUND)):
            self.held += forfeited


def _releases_bond(name: str, args: Mapping[str, Any]) -> bool:
    """Whether a Commitments event fulfilled its commitment (the bond became the committer's)."""
    if name == "DeliverableAccepted":
        return int(args["status"]) == CommitmentStatus.FULFILLED
    if name == "CommitmentArbitrated":
        return int(args["ruling"]) == CommitmentStatus.FULFILLED
    return name == "CommitmentSettled"


def recompute_revenue(
    events: Sequence[DecodedEvent], model: AgreementModel, records: Mapping[str, RecordInfo]
) -> tuple[_Books, list[Finding]]:
    """Replay deposits, weights, membership, bonds and claims; findings for inconsistent events."""
    books = _Books(model, model.fund_share, model.mode == RevenueMode.CONTRIBUTION_WEIGHTED)
    for event in events:
        books.apply(event, records)
    return books, books.findings


def check_revenue(
    history: History,
    agreement: str,
    events: Sequence[DecodedEvent],
    model: AgreementModel,
    *,
    records: Mapping[str, RecordInfo],
) -> CheckResult:
    """Deposits, weights, bonds and claims recomputed from events equal Revenue's views."""
    aid = unhex(agreement)
    books, findings = recompute_revenue(events, model, records)
    # NOTE: the culture fund's claims are booked under FUND and read through its own views below.
    known = {*model.ever_parties, FUND}
    holders = [*model.ever_parties, *(a for a in books.claimed if a not in known)]
    views: list[ViewCall] = [("Revenue", "accountOf", (aid,))]
    for holder in holders:
        views += [("Revenue", name, (aid, holder)) for name in HOLDER_VIEWS]
    views += [
        ("Revenue", "fundAllocatedOf", (aid,)),
        ("Revenue", "fundClaimableOf", (aid,)),
        ("Revenue", "claimedOf", (aid, ZERO_ADDRESS)),
    ]
    account, *values = history.call_many(views)
    findings += _total_differences(history, books, account)
    everyone = [*holders, FUND]
    for index, holder in enumerate(everyone):
        triple = tuple(int(v) for v in values[3 * index : 3 * index + 3])
        findings += _holder_differences(history, books, holder, triple)
    return CheckResult("revenue", agreement, len(everyone), tuple(findings))


def _total_differences(history: History, books: _Books, account: Sequence[Any]) -> list[Finding]:
    """`accountOf`'s deposited, bonds and held amounts against the recomputed ones."""
    totals = {
        "deposited": (books.deposited, int(account[4])),
        "bondsHeld": (books.bonds_held, int(account[5])),
        "bondsLocked": (books.bonds_locked, int(account[6])),
        "held": (books.held, int(account[7])),
    }
    return [
        Finding(
            f"Revenue's {label} differs from the events",
            block=history.block,
            expected=str(expected),
            found=str(found),
        )
        for label, (expected, found) in totals.items()
        if expected != found
    ]


def _holder_differences(
    history: History, books: _Books, holder: str, onchain: tuple[int, ...]
) -> list[Finding]:
    """One holder's (allocated, claimable, claimed) views against its recomputed entitlement."""
    allocated, claimable, claimed = onchain
    # NOTE: each checkpoint may hand a sub-unit remainder back to the carry, so a holder's
    # whole-unit allocation may trail its exact entitlement by less than one unit per change.
    tolerance = 1 + books.unit_changes
    exact = books.entitled.get(holder, Fraction(0))
    findings: list[Finding] = []
    if abs(allocated - exact) >= tolerance:
        findings.append(
            Finding(
                f"allocation of {holder} differs from the recomputed split",
                block=history.block,
                expected=f"{float(exact):.0f}",
                found=str(allocated),
            )
        )
    if claimed != books.claimed.get(holder, 0):
        findings.append(
            Finding(
                f"claims of {holder} differ from its RevenueClaimed events",
                block=history.block,
                expected=str(books.claimed.get(holder, 0)),
                found=str(claimed),
            )
        )
    if claimable != allocated - claimed:
        findings.append(
            Finding(
                f"claimable of {holder} is not allocated minus claimed",
                block=history.block,
                expected=str(allocated - claimed),
                found=str(claimable),
            )
        )
    return findings


__all__ = ["FUND", "check_revenue", "recompute_revenue"]
