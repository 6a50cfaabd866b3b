"""Issue #15 item 4: colluding parties capture a weighted agreement.

Proofs of concept of the review, kept as regression tests: a confirmed weight must stay
disputable for the agreement's challenge window before it counts (and before it can take a held
pot), weight is capped per record and per period, and neither a dispute resolution nor a
for-cause removal counts the accused parties' votes.
"""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import CHALLENGE_WINDOW, events
from eth_abi import encode
from eth_utils import keccak
from module_helpers import (
    CONFIRMED,
    DISPUTED,
    REJECTED,
    VOTING_PERIOD,
    WEIGHTED,
    Batch,
    mature,
    open_agreement,
    record,
    record_batch,
    reverts,
)

from ledger.domain.errors import RevertError

ETH = 10**18
FOR, AGAINST = 1, 0
ACCEPT, REJECT = 0, 1


@pytest.fixture
def crew(suite: Any) -> list[Any]:
    """honest, colluder B, colluder C, honest D."""
    return list(suite.accounts[1:5])


def _state(suite: Any, aid: bytes, record_id: bytes) -> tuple[Any, ...]:
    return tuple(suite["Contributions"].functions.recordStateOf(aid, record_id).call())


def _confirmed(suite: Any, aid: bytes, contributor: Any, confirmer: Any, weight: int) -> Batch:
    """`contributor` records `weight`, `confirmer` confirms it (the collusion)."""
    batch = record_batch(suite, aid, contributor, [record(weight % 9, weight=weight)])
    suite.transact(suite["Contributions"].functions.confirm(aid, batch.proof()), confirmer.address)
    return batch


def _collusion(suite: Any, crew: list[Any], weight: int) -> tuple[bytes, Batch]:
    """A weighted agreement of honest, B and C, in which B records `weight` and C confirms it."""
    aid = open_agreement(suite, crew[:3], revenue_mode=WEIGHTED)
    return aid, _confirmed(suite, aid, crew[1], crew[2], weight)


def _dispute(suite: Any, aid: bytes, batch: Batch, disputer: Any) -> Any:
    return suite.transact(
        suite["Contributions"].functions.dispute(aid, batch.proof(), keccak(text="inflated")),
        disputer.address,
    )


def _propose_resolution(
    suite: Any, aid: bytes, batch: Batch, outcome: int, proposer: Any
) -> tuple[int, bytes]:
    """A ResolveDispute proposal about `batch`'s record: its id and payload."""
    call = suite["Contributions"].encode_abi(
        "resolveDispute", [aid, int.from_bytes(batch.root), outcome, 0]
    )
    payload = bytes.fromhex(call[2:])
    receipt = suite.transact(
        suite["Governance"].functions.proposeResolveDispute(aid, payload), proposer.address
    )
    pid = int(events(suite["Governance"], receipt, "ProposalCreated")[0]["args"]["proposalId"])
    return pid, payload


def _vote(suite: Any, pid: int, voters: list[Any], support: int) -> None:
    for voter in voters:
        suite.transact(suite["Governance"].functions.vote(pid, support), voter.address)


def test_confirmed_record_is_disputed_when_co_party_disputes_within_window(
    suite: Any, crew: list[Any]
) -> None:
    honest, b = crew[:2]
    aid, batch = _collusion(suite, crew, 10**9)
    _dispute(suite, aid, batch, honest)
    assert _state(suite, aid, batch.root)[2] == DISPUTED
    assert suite["Contributions"].functions.confirmedWeightOf(aid, b.address).call() == 0
    assert suite["Revenue"].functions.weightOf(aid, b.address).call() == 0


def test_confirmed_record_cannot_be_disputed_when_window_has_passed(
    suite: Any, crew: list[Any]
) -> None:
    honest, b = crew[:2]
    aid, batch = _collusion(suite, crew, 5)
    suite.chain.increase_time(CHALLENGE_WINDOW)
    reverts(
        suite,
        suite["Contributions"].functions.dispute(aid, batch.proof(), keccak(text="late")),
        honest.address,
        "ContributionChallengeClosed",
        agreement=aid,
    )
    mature(suite, aid, [batch.proof()], honest.address)
    assert suite["Revenue"].functions.weightOf(aid, b.address).call() == 5


def test_held_pot_stays_held_when_confirmed_weight_has_not_matured(
    suite: Any, crew: list[Any]
) -> None:
    honest, b, c = crew[:3]
    aid, batch = _collusion(suite, crew, 1)
    revenue = suite["Revenue"]
    suite.transact(
        revenue.functions.deposit(aid, "0x" + "00" * 20, 10 * ETH),
        suite.accounts[8].address,
        value=10 * ETH,
    )
    reverts(
        suite,
        revenue.functions.allocateHeld(aid),
        c.address,
        "RevenueNothingToAllocate",
        agreement=aid,
    )
    reverts(
        suite,
        suite["Contributions"].functions.mature(aid, [batch.proof()]),
        c.address,
        "ContributionChallengeOpen",
        agreement=aid,
    )
    _dispute(suite, aid, batch, honest)
    assert revenue.functions.claimableOf(aid, b.address).call() == 0


def test_record_reverts_when_weight_is_above_per_record_cap(suite: Any, crew: list[Any]) -> None:
    aid = open_agreement(suite, crew[:3], revenue_mode=WEIGHTED, max_record_weight=1_000)
    record_batch(suite, aid, crew[1], [record(1, weight=1_000)])
    reverts(
        suite,
        suite["Contributions"].functions.record(aid, record(2, weight=1_001)),
        crew[1].address,
        "ContributionWeightAboveCap",
        agreement=aid,
    )


def test_record_reverts_when_period_cap_is_spent_until_next_period(
    suite: Any, crew: list[Any]
) -> None:
    aid = open_agreement(
        suite,
        crew[:3],
        revenue_mode=WEIGHTED,
        max_period_weight=3_000,
        cap_period=7 * 86_400,
    )
    contributions = suite["Contributions"]
    record_batch(suite, aid, crew[1], [record(1, weight=2_000), record(2, weight=1_000)])
    err = reverts(
        suite,
        contributions.functions.record(aid, record(3, weight=1)),
        crew[1].address,
        "ContributionPeriodCapExceeded",
        agreement=aid,
    )
    assert (err.arguments["used"], err.arguments["weight"], err.arguments["cap"]) == (
        3_000,
        1,
        3_000,
    )
    # Another contributor has its own allowance; the next period starts afresh.
    record_batch(suite, aid, crew[2], [record(4, weight=3_000)])
    suite.chain.increase_time(7 * 86_400)
    record_batch(suite, aid, crew[1], [record(5, weight=3_000)])


def test_agreement_rejects_params_when_window_or_cap_is_out_of_range(
    suite: Any, crew: list[Any]
) -> None:
    for overrides, name in [
        ({"challenge_window": CHALLENGE_WINDOW - 1}, "AgreementInvalidChallengeWindow"),
        ({"challenge_window": 90 * 86_400 + 1}, "AgreementInvalidChallengeWindow"),
        ({"max_period_weight": 10}, "AgreementInvalidWeightCap"),
        ({"cap_period": 86_400}, "AgreementInvalidWeightCap"),
        ({"max_period_weight": 10, "cap_period": 60}, "AgreementInvalidWeightCap"),
    ]:
        with pytest.raises(RevertError) as caught:
            open_agreement(suite, crew[:3], salt=keccak(text=repr(overrides)), **overrides)
        assert caught.value.name == name, (overrides, caught.value)


def test_resolution_refuses_contributor_vote_when_its_record_is_disputed(
    suite: Any, crew: list[Any]
) -> None:
    honest, b, c = crew[:3]
    aid, batch = _collusion(suite, crew, 10**9)
    _dispute(suite, aid, batch, honest)
    pid, payload = _propose_resolution(suite, aid, batch, ACCEPT, c)
    reverts(
        suite,
        suite["Governance"].functions.vote(pid, FOR),
        b.address,
        "VoteByAccusedParty",
        agreement=aid,
    )
    # Colluder C for, honest against: a tie among the eligible parties does not pass, and the
    # disputed weight never counts.
    _vote(suite, pid, [c], FOR)
    _vote(suite, pid, [honest], AGAINST)
    suite.chain.increase_time(VOTING_PERIOD + 1)
    reverts(
        suite,
        suite["Governance"].functions.execute(pid, payload),
        c.address,
        "ProposalNotPassed",
    )
    assert suite["Governance"].functions.statusOf(pid).call() == 3  # Rejected
    assert suite["Revenue"].functions.weightOf(aid, b.address).call() == 0


def test_colluders_are_removed_for_cause_when_their_record_was_rejected(
    suite: Any, crew: list[Any]
) -> None:
    honest, b, c, d = crew
    aid = open_agreement(suite, crew, revenue_mode=WEIGHTED)
    governance = suite["Governance"]
    batch = _confirmed(suite, aid, b, c, 3 * 10**8)
    _dispute(suite, aid, batch, honest)
    pid, payload = _propose_resolution(suite, aid, batch, REJECT, honest)
    _vote(suite, pid, [honest, d], FOR)
    _vote(suite, pid, [c], AGAINST)
    suite.chain.increase_time(VOTING_PERIOD + 1)
    suite.transact(governance.functions.execute(pid, payload), honest.address)
    assert _state(suite, aid, batch.root)[2] == REJECTED

    shares = [3334, 3333, 3333]
    receipt = suite.transact(
        governance.functions.proposeRemoveForCause(aid, b.address, shares, batch.root),
        honest.address,
    )
    excluded = events(governance, receipt, "ProposalAccusedExcluded")[0]["args"]
    assert excluded["excludedMask"] == 0b0110  # B recorded, C confirmed
    removal = int(excluded["proposalId"])
    reverts(suite, governance.functions.vote(removal, AGAINST), b.address, "VoteByRemovedParty")
    reverts(suite, governance.functions.vote(removal, AGAINST), c.address, "VoteByAccusedParty")
    _vote(suite, removal, [honest, d], FOR)
    payload = encode(["address", "uint16[]"], [b.address, shares])
    suite.transact(governance.functions.execute(removal, payload), honest.address)
    assert not suite["Agreements"].functions.partyOf(aid, b.address).call()[0]


def test_removal_for_cause_reverts_when_record_is_only_disputed(
    suite: Any, crew: list[Any]
) -> None:
    honest, b = crew[:2]
    aid, batch = _collusion(suite, crew, 7)
    _dispute(suite, aid, batch, honest)
    reverts(
        suite,
        suite["Governance"].functions.proposeRemoveForCause(
            aid, b.address, [5_000, 5_000], batch.root
        ),
        honest.address,
        "ProposalCauseNotRejected",
        agreement=aid,
    )


def test_confirmed_status_is_kept_when_weight_matures(suite: Any, crew: list[Any]) -> None:
    honest, b = crew[:2]
    aid, batch = _collusion(suite, crew, 11)
    receipt = mature(suite, aid, [batch.proof()], honest.address)
    args = events(suite["Contributions"], receipt, "ContributionMatured")[0]["args"]
    assert (args["contributor"], args["weight"]) == (b.address, 11)
    assert _state(suite, aid, batch.root)[2] == CONFIRMED
    reverts(
        suite,
        suite["Contributions"].functions.mature(aid, [batch.proof()]),
        honest.address,
        "ContributionAlreadyMatured",
        agreement=aid,
    )
