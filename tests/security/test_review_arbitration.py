"""Issue #15 item 5: a co-party must not take a bond by refusing to accept a deliverable.

A submitted deliverable that nobody rejects within its review period is accepted (anyone
settles it); a rejection goes to the park's arbiter (registry ARBITER_ROLE), whose ruling alone
can breach a submitted commitment. Only a commitment with nothing submitted breaches after
deadline + grace, as before."""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import AGAINST, FOR, events, expect_revert
from eth_abi import encode
from eth_utils import keccak
from module_helpers import (
    C_BREACHED,
    C_FULFILLED,
    C_REJECTED,
    C_SUBMITTED,
    DAY,
    GRACE,
    REVIEW,
    VOTING_PERIOD,
    assert_conserved,
    open_agreement,
)

ETH = 10**18
BOND = 9999 * ETH // 10_000
DESCRIPTION = keccak(text="review: restore the lacquer screens")
DELIVERABLE = keccak(text="review: restoration report v1")
REASON = keccak(text="review: the report omits the second screen")
RULING = keccak(text="review: the park's arbitration ruling")
ARBITER, OUTSIDER, REGISTRAR, AUDITOR = 16, 15, 13, 14


@pytest.fixture
def parties(suite: Any) -> list[Any]:
    return list(suite.accounts[1:3])


@pytest.fixture
def aid(suite: Any, parties: list[Any]) -> bytes:
    return open_agreement(suite, parties, shares=[5000, 5000], confirmations_required=1)


@pytest.fixture
def arbiter(suite: Any) -> Any:
    """An account holding the registry's ARBITER_ROLE (and no other role)."""
    registry = suite["ParkRegistry"]
    account = suite.accounts[ARBITER]
    role = registry.functions.ARBITER_ROLE().call()
    suite.transact(registry.functions.grantRole(role, account.address), suite.accounts[0])
    return account


def submitted(suite: Any, aid: bytes, committer: Any) -> int:
    """A commitment of `committer` bonded with BOND, its deliverable submitted on day 1 of 10."""
    commitments = suite["Commitments"]
    deadline = suite.chain.timestamp() + 10 * DAY
    fn = commitments.functions.commit(aid, 0, DESCRIPTION, deadline, BOND)
    suite.transact(fn, committer.address, value=BOND)
    cid = int(commitments.functions.commitmentCount().call())
    suite.chain.increase_time(DAY)
    suite.transact(commitments.functions.submitDeliverable(aid, cid, DELIVERABLE), committer)
    return cid


def rejected(suite: Any, aid: bytes, parties: list[Any]) -> int:
    """A `submitted` commitment of parties[0] that parties[1] rejected within its review."""
    cid = submitted(suite, aid, parties[0])
    fn = suite["Commitments"].functions.rejectDeliverable(aid, cid, REASON)
    suite.transact(fn, parties[1].address)
    return cid


def status(suite: Any, aid: bytes, cid: int) -> int:
    return int(suite["Commitments"].functions.commitmentOf(aid, cid).call()[3])


def breaches(suite: Any, account: Any) -> int:
    return int(suite["ParkRegistry"].functions.participantOf(account.address).call()[4])


def conserved(suite: Any, aid: bytes, parties: list[Any]) -> None:
    revenue = suite["Revenue"].address
    balance = suite.w3.eth.get_balance(revenue)
    assert_conserved(suite, balance, {aid: [p.address for p in parties]})


def test_breach_refused_and_bond_returned_when_co_party_never_accepts_a_timely_deliverable(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    a, b = parties
    commitments, revenue = suite["Commitments"], suite["Revenue"]
    cid = submitted(suite, aid, a)
    # B never accepts and votes down A's extension (the proof of concept of the issue).
    governance = suite["Governance"]
    new_deadline = commitments.functions.commitmentOf(aid, cid).call()[1] + 30 * DAY
    receipt = suite.transact(
        governance.functions.proposeExtendCommitment(aid, cid, new_deadline), a.address
    )
    pid = int(events(governance, receipt, "ProposalCreated")[0]["args"]["proposalId"])
    suite.transact(governance.functions.vote(pid, FOR), a.address)
    suite.transact(governance.functions.vote(pid, AGAINST), b.address)
    suite.chain.increase_time(VOTING_PERIOD + 1)
    # ... then calls the breach after the grace period: refused, a submission needs a ruling.
    suite.chain.increase_time(10 * DAY + GRACE)
    err = expect_revert(
        suite,
        commitments.functions.markBreached(aid, cid),
        b,
        "CommitmentBreachNeedsRuling",
        agreement=aid,
    )
    assert err.arguments["status"] == C_SUBMITTED
    # Too late to reject: the review period ended without a rejection, so it was accepted.
    expect_revert(
        suite,
        commitments.functions.rejectDeliverable(aid, cid, REASON),
        b,
        "CommitmentReviewEnded",
        agreement=aid,
    )
    outsider = suite.accounts[OUTSIDER]
    receipt = suite.transact(commitments.functions.settle(aid, cid), outsider.address)
    settled = events(commitments, receipt, "CommitmentSettled")[0]["args"]
    assert (settled["caller"], settled["bondReleased"]) == (outsider.address, BOND)
    assert status(suite, aid, cid) == C_FULFILLED
    assert revenue.functions.claimableOf(aid, a.address).call() == BOND
    assert revenue.functions.claimableOf(aid, b.address).call() == 0
    assert breaches(suite, a) == 0
    conserved(suite, aid, parties)


def test_settle_reverts_when_review_period_runs_or_deliverable_was_rejected(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    a, b = parties
    commitments = suite["Commitments"]
    cid = submitted(suite, aid, a)
    review_end = commitments.functions.commitmentOf(aid, cid).call()[8]
    assert review_end == suite.w3.eth.get_block("latest")["timestamp"] + REVIEW
    expect_revert(
        suite, commitments.functions.settle(aid, cid), b, "CommitmentUnderReview", agreement=aid
    )
    expect_revert(
        suite,
        commitments.functions.rejectDeliverable(aid, cid, bytes(32)),
        b,
        "CommitmentEmptyReason",
        agreement=aid,
    )
    expect_revert(
        suite,
        commitments.functions.rejectDeliverable(aid, cid, REASON),
        a,
        "CommitmentSelfAcceptance",
        agreement=aid,
    )
    expect_revert(
        suite,
        commitments.functions.rejectDeliverable(aid, cid, REASON),
        suite.accounts[OUTSIDER],
        "AgreementNotAParty",
        agreement=aid,
    )
    receipt = suite.transact(commitments.functions.rejectDeliverable(aid, cid, REASON), b.address)
    rejected = events(commitments, receipt, "DeliverableRejected")[0]["args"]
    assert (rejected["rejector"], rejected["reasonHash"]) == (b.address, REASON)
    assert status(suite, aid, cid) == C_REJECTED
    suite.chain.increase_time(REVIEW + 10 * DAY + GRACE)
    for fn in (
        commitments.functions.settle(aid, cid),
        commitments.functions.acceptDeliverable(aid, cid, DELIVERABLE),
        commitments.functions.rejectDeliverable(aid, cid, REASON),
    ):
        expect_revert(suite, fn, b, "CommitmentWrongStatus", agreement=aid)
    expect_revert(
        suite,
        commitments.functions.markBreached(aid, cid),
        b,
        "CommitmentBreachNeedsRuling",
        agreement=aid,
    )


def test_arbiter_ruling_fulfilled_returns_bond_when_rejection_is_unfounded(
    suite: Any, parties: list[Any], aid: bytes, arbiter: Any
) -> None:
    a = parties[0]
    commitments, revenue = suite["Commitments"], suite["Revenue"]
    cid = rejected(suite, aid, parties)
    receipt = suite.transact(
        commitments.functions.arbitrate(aid, cid, C_FULFILLED, RULING), arbiter.address
    )
    ruled = events(commitments, receipt, "CommitmentArbitrated")[0]["args"]
    assert (ruled["arbiter"], ruled["ruling"], ruled["rulingHash"], ruled["bondReleased"]) == (
        arbiter.address,
        C_FULFILLED,
        RULING,
        BOND,
    )
    assert not events(commitments, receipt, "CommitmentBreached")
    assert status(suite, aid, cid) == C_FULFILLED
    assert revenue.functions.claimableOf(aid, a.address).call() == BOND
    assert breaches(suite, a) == 0
    expect_revert(
        suite,
        commitments.functions.arbitrate(aid, cid, C_BREACHED, RULING),
        arbiter,
        "CommitmentWrongStatus",
        agreement=aid,
    )
    conserved(suite, aid, parties)


def test_arbiter_ruling_breached_forfeits_bond_and_counts_breach_when_rejection_is_upheld(
    suite: Any, parties: list[Any], aid: bytes, arbiter: Any
) -> None:
    a, b = parties
    commitments, revenue = suite["Commitments"], suite["Revenue"]
    cid = rejected(suite, aid, parties)
    for ruling in (C_SUBMITTED, C_REJECTED):
        expect_revert(
            suite,
            commitments.functions.arbitrate(aid, cid, ruling, RULING),
            arbiter,
            "CommitmentInvalidRuling",
            agreement=aid,
        )
    expect_revert(
        suite,
        commitments.functions.arbitrate(aid, cid, C_BREACHED, bytes(32)),
        arbiter,
        "CommitmentEmptyReason",
        agreement=aid,
    )
    head = suite["Agreements"].functions.headOf(aid).call()
    receipt = suite.transact(
        commitments.functions.arbitrate(aid, cid, C_BREACHED, RULING), arbiter.address
    )
    ruled = events(commitments, receipt, "CommitmentArbitrated")[0]["args"]
    breached = events(commitments, receipt, "CommitmentBreached")[0]["args"]
    assert (ruled["ruling"], ruled["bondReleased"]) == (C_BREACHED, 0)
    assert (breached["caller"], breached["bondForfeited"]) == (arbiter.address, BOND)
    # Two journal entries, in event order: the ruling, then the breach it caused.
    data = [
        (
            commitments.events.CommitmentArbitrated().abi,
            encode(
                ["uint256", "address", "uint8", "bytes32", "uint256"],
                [cid, arbiter.address, C_BREACHED, RULING, 0],
            ),
        ),
        (
            commitments.events.CommitmentBreached().abi,
            encode(
                ["uint256", "address", "address", "uint256"],
                [cid, a.address, arbiter.address, BOND],
            ),
        ),
    ]
    for abi, encoded in data:
        signature = f"{abi['name']}({','.join(i['type'] for i in abi['inputs'])})"
        head = keccak(head + keccak(text=signature) + keccak(encoded))
    assert suite["Agreements"].functions.headOf(aid).call() == head
    assert status(suite, aid, cid) == C_BREACHED
    assert breaches(suite, a) == 1
    assert revenue.functions.claimableOf(aid, b.address).call() == BOND
    assert revenue.functions.claimableOf(aid, a.address).call() == 0
    conserved(suite, aid, parties)


def test_mark_breached_still_takes_bond_when_nothing_was_submitted_by_deadline_and_grace(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    a, b = parties
    commitments, revenue = suite["Commitments"], suite["Revenue"]
    deadline = suite.chain.timestamp() + 10 * DAY
    fn = commitments.functions.commit(aid, 0, DESCRIPTION, deadline, BOND)
    suite.transact(fn, a.address, value=BOND)
    cid = int(commitments.functions.commitmentCount().call())
    suite.chain.increase_time(10 * DAY + GRACE + 1)
    suite.transact(commitments.functions.markBreached(aid, cid), b.address)
    assert status(suite, aid, cid) == C_BREACHED
    assert breaches(suite, a) == 1
    assert revenue.functions.claimableOf(aid, b.address).call() == BOND
    conserved(suite, aid, parties)


def test_arbitrate_rejects_every_role_but_the_arbiter_when_called(
    suite: Any, parties: list[Any], aid: bytes, arbiter: Any
) -> None:
    registry, commitments = suite["ParkRegistry"], suite["Commitments"]
    admin = suite.accounts[0]
    registrar, auditor = suite.accounts[REGISTRAR], suite.accounts[AUDITOR]
    for account, role in ((registrar, "REGISTRAR_ROLE"), (auditor, "AUDITOR_ROLE")):
        role_id = registry.functions[role]().call()
        suite.transact(registry.functions.grantRole(role_id, account.address), admin)
    cid = rejected(suite, aid, parties)
    fn = commitments.functions.arbitrate(aid, cid, C_FULFILLED, RULING)
    for sender in (admin, registrar, auditor, *parties, suite.accounts[OUTSIDER]):
        err = expect_revert(suite, fn, sender, "CommitmentNotArbiter", agreement=aid)
        assert err.arguments["caller"] == sender.address
    # An arbiter who is a party of the agreement would rule on its own case.
    role_id = registry.functions.ARBITER_ROLE().call()
    suite.transact(registry.functions.grantRole(role_id, parties[1].address), admin)
    err = expect_revert(suite, fn, parties[1], "CommitmentArbiterConflict", agreement=aid)
    assert err.arguments["arbiter"] == parties[1].address
    suite.transact(fn, arbiter.address)
    assert status(suite, aid, cid) == C_FULFILLED
