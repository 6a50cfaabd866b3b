"""Deadlines to the second (issue #24): one second before, at and after every deadline the
contracts check — consent deadline (markExpired), consent, vote and record signature deadlines,
voteEnd (votes, execution, status) and the end of a commitment's grace period. Each test pins
the block time with `next_block_at`, so an off-by-one comparison fails it."""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import (
    AGAINST,
    FOR,
    STATUS_EXPIRED,
    STATUS_PROPOSED,
    activate,
    consent_signature,
    default_params,
    events,
    expect_revert,
    propose,
    register,
    vote_signature,
)
from clock_helpers import latest_at, next_block_at
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from module_helpers import C_BREACHED, C_SUBMITTED, DAY, GRACE, record, sign_records

P_VOTING, P_PASSED, P_REJECTED = 1, 2, 3
BEFORE, AT, AFTER = -1, 0, 1
OFFSETS = pytest.mark.parametrize("offset", [BEFORE, AT, AFTER], ids=["before", "at", "after"])


@pytest.fixture
def parties(suite: Any) -> list[LocalAccount]:
    """Four registered participants (accounts 1..4)."""
    accounts = list(suite.accounts[1:5])
    register(suite, accounts)
    return accounts


def _sent(suite: Any, fn: Any, sender: Any, error: str | None, **kw: Any) -> Any:
    """Send `fn`: it must succeed when `error` is None, else revert with `error`."""
    if error is None:
        return suite.transact(fn, getattr(sender, "address", sender))
    return expect_revert(suite, fn, getattr(sender, "address", sender), error, **kw)


# ------------------------------------------------------------------ consent deadline


@OFFSETS
def test_mark_expired_allowed_only_after_consent_deadline_when_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    agreements = suite["Agreements"]
    params = default_params(suite, parties[:2])
    aid = propose(suite, parties[0], params)
    deadline = params.consent_deadline
    next_block_at(suite, deadline + offset)
    error = None if offset == AFTER else "AgreementNotExpired"
    _sent(suite, agreements.functions.markExpired(aid), parties[2], error, agreement=aid)
    assert agreements.functions.statusOf(aid).call() == (
        STATUS_EXPIRED if offset == AFTER else STATUS_PROPOSED
    )


@OFFSETS
def test_consent_by_call_accepted_until_consent_deadline_when_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    agreements = suite["Agreements"]
    params = default_params(suite, parties[:3])
    aid = propose(suite, parties[0], params)
    next_block_at(suite, params.consent_deadline + offset)
    error = "AgreementNotProposed" if offset == AFTER else None
    fn = agreements.functions.consent(aid, 1, params.hash())
    _sent(suite, fn, parties[1], error, agreement=aid)


@OFFSETS
def test_consent_signature_accepted_until_its_deadline_when_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    agreements = suite["Agreements"]
    params = default_params(suite, parties[:3])
    aid = propose(suite, parties[0], params)
    deadline = suite.chain.timestamp() + 600
    signature = consent_signature(suite, parties[1], aid, params.hash(), deadline=deadline)
    next_block_at(suite, deadline + offset)
    error = "AgreementSignatureExpired" if offset == AFTER else None
    fn = agreements.functions.consentBySignatures(aid, [signature])
    _sent(suite, fn, suite.accounts[12], error, agreement=aid)


# ------------------------------------------------------------------ governance


def _amend_proposal(
    suite: Any, parties: list[LocalAccount], votes_for: int = 0
) -> tuple[bytes, int, int, bytes]:
    """An Active agreement among 4 parties where 2 votes For pass (quorum and consent 50 %), an
    Amend proposal on it with `votes_for` parties voted For; (agreement, id, voteEnd, payload)."""
    aid, _ = activate(suite, parties, consent_threshold_bps=5_000)
    gov = suite["Governance"]
    terms = keccak(text="terms v2")
    shares = [2_500, 2_500, 2_500, 2_500]
    receipt = suite.transact(gov.functions.proposeAmend(aid, terms, shares), parties[0].address)
    created = events(gov, receipt, "ProposalCreated")[0]["args"]
    pid = int(created["proposalId"])
    for voter in parties[:votes_for]:
        suite.transact(gov.functions.vote(pid, FOR), voter.address)
    return aid, pid, int(created["voteEnd"]), bytes(created["payload"])


@OFFSETS
def test_vote_accepted_until_vote_end_when_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    aid, pid, vote_end, _ = _amend_proposal(suite, parties)
    next_block_at(suite, vote_end + offset)
    error = "ProposalVotingClosed" if offset == AFTER else None
    _sent(suite, suite["Governance"].functions.vote(pid, FOR), parties[1], error, agreement=aid)


@OFFSETS
def test_execute_refused_until_after_vote_end_when_votes_still_open_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    gov = suite["Governance"]
    aid, pid, vote_end, payload = _amend_proposal(suite, parties, votes_for=2)
    next_block_at(suite, vote_end + offset)
    error = None if offset == AFTER else "ProposalVotingOpen"
    _sent(suite, gov.functions.execute(pid, payload), parties[0], error, agreement=aid)


@OFFSETS
def test_proposal_status_voting_until_vote_end_when_read_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    gov = suite["Governance"]
    _, pid, vote_end, _ = _amend_proposal(suite, parties, votes_for=2)
    latest_at(suite, vote_end + offset)
    expected = P_PASSED if offset == AFTER else P_VOTING
    assert gov.functions.statusOf(pid).call() == expected


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ((FOR, FOR), P_PASSED),
        ((FOR, FOR, AGAINST, AGAINST), P_REJECTED),
        ((FOR, FOR, AGAINST), P_PASSED),
    ],
    ids=["turnout at quorum", "for ties against", "for beats against"],
)
def test_proposal_outcome_at_quorum_and_majority_boundaries_when_votes_are(
    suite: Any, parties: list[LocalAccount], votes: tuple[int, ...], expected: int
) -> None:
    gov = suite["Governance"]
    _, pid, vote_end, _ = _amend_proposal(suite, parties)
    for voter, support in zip(parties, votes, strict=False):
        suite.transact(gov.functions.vote(pid, support), voter.address)
    latest_at(suite, vote_end + 1)
    assert gov.functions.statusOf(pid).call() == expected


@OFFSETS
def test_vote_signature_accepted_until_its_deadline_when_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    aid, pid, _, _ = _amend_proposal(suite, parties)
    deadline = suite.chain.timestamp() + 600
    vote = vote_signature(suite, parties[1], aid, pid, FOR, deadline=deadline)
    next_block_at(suite, deadline + offset)
    error = "VoteSignatureExpired" if offset == AFTER else None
    fn = suite["Governance"].functions.voteBySignatures(pid, [vote])
    _sent(suite, fn, suite.accounts[12], error, agreement=aid)


# ------------------------------------------------------------------ contributions


@OFFSETS
def test_record_signature_accepted_until_its_deadline_when_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    aid, _ = activate(suite, parties[:3])
    signer = parties[0]
    records = [record(1)]
    deadline = suite.chain.timestamp() + 600
    nonce = suite["Agreements"].functions.nonceOf(aid, signer.address).call()
    signature = sign_records(suite, signer, aid, records, nonce, deadline)
    next_block_at(suite, deadline + offset)
    error = "ContributionSignatureExpired" if offset == AFTER else None
    fn = suite["Contributions"].functions.recordBySignature(
        aid, signer.address, records, nonce, deadline, signature
    )
    _sent(suite, fn, suite.accounts[12], error, agreement=aid)


# ------------------------------------------------------------------ commitments


def _commitment(suite: Any, parties: list[LocalAccount], bond: int) -> tuple[bytes, int, int]:
    """A commitment by parties[0] due in a day, with `bond`; (agreement, id, grace end)."""
    aid, _ = activate(suite, parties[:3])
    commitments = suite["Commitments"]
    deadline = suite.chain.timestamp() + DAY
    fn = commitments.functions.commit(aid, 0, keccak(text="pavilion"), deadline, bond)
    suite.transact(fn, parties[0].address, value=bond)
    return aid, int(commitments.functions.commitmentCount().call()), deadline + GRACE


@OFFSETS
def test_breach_refused_until_after_grace_end_when_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    commitments = suite["Commitments"]
    aid, cid, grace_end = _commitment(suite, parties, 10**18)
    next_block_at(suite, grace_end + offset)
    error = None if offset == AFTER else "CommitmentNotYetBreachable"
    _sent(suite, commitments.functions.markBreached(aid, cid), parties[1], error, agreement=aid)
    if offset == AFTER:
        assert commitments.functions.commitmentOf(aid, cid).call()[3] == C_BREACHED
    else:
        assert suite["Revenue"].functions.accountOf(aid).call()[5] == 10**18


@OFFSETS
def test_deliverable_accepted_until_grace_end_when_submitted_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    commitments = suite["Commitments"]
    aid, cid, grace_end = _commitment(suite, parties, 0)
    next_block_at(suite, grace_end + offset)
    error = "CommitmentPastGrace" if offset == AFTER else None
    fn = commitments.functions.submitDeliverable(aid, cid, keccak(text="pavilion.pdf"))
    _sent(suite, fn, parties[0], error, agreement=aid)
    if offset != AFTER:
        assert commitments.functions.commitmentOf(aid, cid).call()[3] == C_SUBMITTED


@OFFSETS
def test_commit_refused_unless_deadline_after_now_when_deadline_at_offset(
    suite: Any, parties: list[LocalAccount], offset: int
) -> None:
    aid, _ = activate(suite, parties[:3])
    now = suite.chain.timestamp() + 10
    next_block_at(suite, now)
    error = None if offset == AFTER else "CommitmentDeadlineInPast"
    fn = suite["Commitments"].functions.commit(aid, 0, keccak(text="x"), now + offset, 0)
    _sent(suite, fn, parties[0], error, agreement=aid)
