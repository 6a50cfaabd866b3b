"""Governance: proposals, votes by call and by EIP-712 signature (eth-account), quorum and
consent rule, execution of every proposal kind, at most once, and version binding."""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import (
    ABSTAIN,
    AGAINST,
    FOR,
    STATUS_ACTIVE,
    STATUS_CLOSED,
    Params,
    activate,
    chain_head,
    events,
    expect_revert,
    high_s,
    register,
    vote_signature,
)
from eth_abi import encode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from module_helpers import record, record_batch

AMEND, ADD_PARTY, REMOVE_PARTY, RESOLVE_DISPUTE, EXTEND_COMMITMENT, TERMINATE = range(6)
P_NONE, P_VOTING, P_PASSED, P_REJECTED, P_EXECUTED, P_STALE = range(6)
NEW_TERMS = keccak(text="terms v2")
SHARES = [5_000, 3_000, 2_000]


@pytest.fixture
def parties(suite: Any) -> list[LocalAccount]:
    """Five registered participants (accounts 1..5)."""
    accounts = list(suite.accounts[1:6])
    register(suite, accounts)
    return accounts


@pytest.fixture
def agreement(suite: Any, parties: list[LocalAccount]) -> tuple[bytes, Params]:
    """Active agreement among parties 0..2, shares 50/30/20 %, one party one vote, unanimous
    consent rule, quorum 50 %."""
    return activate(suite, parties[:3], shares=SHARES)


def _propose_amend(suite: Any, aid: bytes, proposer: Any, shares: list[int] | None = None) -> int:
    gov = suite["Governance"]
    receipt = suite.transact(
        gov.functions.proposeAmend(aid, NEW_TERMS, shares or [4_000, 4_000, 2_000]), proposer
    )
    (event,) = events(gov, receipt, "ProposalCreated")
    return int(event["args"]["proposalId"])


def _vote_all(suite: Any, pid: int, voters: list[Any], support: int = FOR) -> None:
    for voter in voters:
        suite.transact(
            suite["Governance"].functions.vote(pid, support), getattr(voter, "address", voter)
        )


def _payload_amend(shares: list[int]) -> bytes:
    return encode(["bytes32", "uint16[]"], [NEW_TERMS, shares])


def _proposal(suite: Any, pid: int) -> dict[str, Any]:
    names = [
        "agreementId",
        "kind",
        "status",
        "baseVersion",
        "voteEnd",
        "votingMode",
        "partyCount",
        "votedMask",
        "forWeight",
        "againstWeight",
        "abstainWeight",
        "quorumWeight",
        "consentWeight",
        "target",
        "joinerAnswer",
        "payloadHash",
    ]
    return dict(zip(names, suite["Governance"].functions.proposalOf(pid).call(), strict=True))


# --------------------------------------------------------------------------------------
# amend: the full path
# --------------------------------------------------------------------------------------


def test_amend_executes_new_version_when_every_party_votes_for(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov, agreements = suite["Governance"], suite["Agreements"]
    shares = [4_000, 4_000, 2_000]
    receipts = [
        suite.transact(gov.functions.proposeAmend(aid, NEW_TERMS, shares), parties[1].address)
    ]
    (created,) = events(gov, receipts[0], "ProposalCreated")
    pid = created["args"]["proposalId"]
    assert created["args"]["payload"] == _payload_amend(shares)
    assert created["args"]["baseVersion"] == 1
    proposal = _proposal(suite, pid)
    assert (proposal["status"], proposal["quorumWeight"], proposal["consentWeight"]) == (
        P_VOTING,
        2,
        3,
    )
    for voter in parties[:3]:
        receipts.append(suite.transact(gov.functions.vote(pid, FOR), voter.address))
    (cast,) = events(gov, receipts[-1], "VoteCast")
    assert (cast["args"]["weight"], cast["args"]["support"]) == (1, FOR)
    assert gov.functions.statusOf(pid).call() == P_PASSED
    executor = suite.accounts[12].address
    receipts.append(suite.transact(gov.functions.execute(pid, _payload_amend(shares)), executor))
    (executed,) = events(gov, receipts[-1], "ProposalExecuted")
    assert executed["args"]["executor"] == executor
    (amended,) = events(agreements, receipts[-1], "AgreementAmended")
    assert amended["args"]["version"] == 2
    assert amended["args"]["sharesBps"] == shares
    terms = agreements.functions.termsOf(aid).call()
    assert terms[6] == 2  # version
    assert terms[7] == NEW_TERMS
    assert agreements.functions.partiesOf(aid).call()[1] == shares
    assert gov.functions.statusOf(pid).call() == P_EXECUTED
    # every Governance and Agreements event of the agreement is in the chain, in order
    first = _activation_receipt(suite, receipts[0])
    assert agreements.functions.headOf(aid).call() == chain_head(
        [agreements, gov], [first, *receipts], aid
    )


def _activation_receipt(suite: Any, after: Any) -> Any:
    block = suite.w3.eth.get_block(after["blockNumber"] - 1)
    return suite.w3.eth.get_transaction_receipt(block["transactions"][0])


def test_execute_rejected_when_proposal_cannot_execute(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov = suite["Governance"]
    shares = [4_000, 4_000, 2_000]
    pid = _propose_amend(suite, aid, parties[0].address, shares)
    payload = _payload_amend(shares)
    anyone = suite.accounts[12].address
    expect_revert(
        suite,
        gov.functions.execute(pid + 1, payload),
        anyone,
        "ProposalNotFound",
        {"proposalId": pid + 1},
    )
    voting_end = _proposal(suite, pid)["voteEnd"]
    expect_revert(
        suite,
        gov.functions.execute(pid, payload),
        anyone,
        "ProposalVotingOpen",
        {"proposalId": pid, "voteEnd": voting_end},
        agreement=aid,
    )
    wrong = _payload_amend(SHARES)
    expect_revert(
        suite,
        gov.functions.execute(pid, wrong),
        anyone,
        "ProposalPayloadMismatch",
        {"proposalId": pid, "expected": keccak(payload), "given": keccak(wrong)},
    )
    _vote_all(suite, pid, parties[:2])
    suite.chain.increase_time(3_601)
    assert gov.functions.statusOf(pid).call() == P_REJECTED
    expect_revert(
        suite,
        gov.functions.execute(pid, payload),
        anyone,
        "ProposalNotPassed",
        {
            "proposalId": pid,
            "forWeight": 2,
            "againstWeight": 0,
            "abstainWeight": 0,
            "quorumWeight": 2,
            "consentWeight": 3,
        },
        agreement=aid,
    )
    expect_revert(
        suite,
        gov.functions.vote(pid, FOR),
        parties[2].address,
        "ProposalVotingClosed",
        {"proposalId": pid, "voteEnd": voting_end},
        agreement=aid,
    )


def test_execute_rejected_when_already_executed(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov = suite["Governance"]
    pid = _propose_amend(suite, aid, parties[0].address)
    _vote_all(suite, pid, parties[:3])
    payload = _payload_amend([4_000, 4_000, 2_000])
    suite.transact(gov.functions.execute(pid, payload), parties[0].address)
    expect_revert(
        suite,
        gov.functions.execute(pid, payload),
        parties[0].address,
        "ProposalAlreadyExecuted",
        {"proposalId": pid},
        agreement=aid,
    )
    expect_revert(
        suite,
        gov.functions.vote(pid, FOR),
        parties[0].address,
        "ProposalAlreadyExecuted",
        {"proposalId": pid},
    )


def test_amend_executes_after_period_when_threshold_met(
    suite: Any, parties: list[LocalAccount]
) -> None:
    aid, _ = activate(suite, parties[:3], consent_threshold_bps=6_000, quorum_bps=5_000)
    gov = suite["Governance"]
    pid = _propose_amend(suite, aid, parties[0].address)
    _vote_all(suite, pid, parties[:2])
    expect_revert(
        suite,
        gov.functions.execute(pid, _payload_amend([4_000, 4_000, 2_000])),
        parties[0].address,
        "ProposalVotingOpen",
        agreement=aid,
    )
    suite.chain.increase_time(3_601)
    suite.transact(
        gov.functions.execute(pid, _payload_amend([4_000, 4_000, 2_000])), parties[4].address
    )
    assert suite["Agreements"].functions.termsOf(aid).call()[6] == 2


# --------------------------------------------------------------------------------------
# votes
# --------------------------------------------------------------------------------------


def test_share_weighted_votes_count_shares_when_voting_mode_is_weighted(
    suite: Any, parties: list[LocalAccount]
) -> None:
    aid, _ = activate(suite, parties[:3], shares=SHARES, voting_mode=1, consent_threshold_bps=7_000)
    gov = suite["Governance"]
    pid = _propose_amend(suite, aid, parties[0].address)
    assert (_proposal(suite, pid)["quorumWeight"], _proposal(suite, pid)["consentWeight"]) == (
        5_000,
        7_000,
    )
    suite.transact(gov.functions.vote(pid, FOR), parties[0].address)
    suite.transact(gov.functions.vote(pid, AGAINST), parties[2].address)
    suite.transact(gov.functions.vote(pid, FOR), parties[1].address)
    proposal = _proposal(suite, pid)
    assert (proposal["forWeight"], proposal["againstWeight"]) == (8_000, 2_000)
    assert proposal["status"] == P_PASSED
    suite.transact(
        gov.functions.execute(pid, _payload_amend([4_000, 4_000, 2_000])), parties[0].address
    )


def test_abstain_counts_for_quorum_when_majority_decides(
    suite: Any, parties: list[LocalAccount]
) -> None:
    aid, _ = activate(suite, parties[:4], consent_threshold_bps=2_500, quorum_bps=7_500)
    gov = suite["Governance"]
    pid = int(
        events(
            gov,
            suite.transact(
                gov.functions.proposeExtendCommitment(aid, 1, 2**40), parties[0].address
            ),
            "ProposalCreated",
        )[0]["args"]["proposalId"]
    )
    suite.transact(gov.functions.vote(pid, FOR), parties[0].address)
    suite.transact(gov.functions.vote(pid, ABSTAIN), parties[1].address)
    suite.chain.increase_time(3_601)
    assert gov.functions.statusOf(pid).call() == P_REJECTED  # 2 of 4 voted < quorum of 3
    proposal = _proposal(suite, pid)
    assert (proposal["abstainWeight"], proposal["quorumWeight"], proposal["consentWeight"]) == (
        1,
        3,
        0,
    )


def test_vote_rejected_when_voter_cannot_vote(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov = suite["Governance"]
    pid = _propose_amend(suite, aid, parties[0].address)
    suite.transact(gov.functions.vote(pid, FOR), parties[0].address)
    expect_revert(
        suite,
        gov.functions.vote(pid, AGAINST),
        parties[0].address,
        "VoteAlreadyCast",
        {"proposalId": pid, "voter": parties[0].address},
        agreement=aid,
    )
    expect_revert(
        suite,
        gov.functions.vote(pid, FOR),
        parties[3].address,
        "AgreementNotAParty",
        {"agreementId": aid, "account": parties[3].address},
        agreement=aid,
    )
    expect_revert(
        suite, gov.functions.vote(pid, 3), parties[1].address, "VoteInvalidSupport", {"support": 3}
    )
    expect_revert(
        suite,
        gov.functions.vote(pid + 5, FOR),
        parties[1].address,
        "ProposalNotFound",
        {"proposalId": pid + 5},
    )
    suite.transact(
        suite["ParkRegistry"].functions.suspend(parties[1].address, b"\x00" * 32),
        suite.accounts[0].address,
    )
    expect_revert(
        suite,
        gov.functions.vote(pid, FOR),
        parties[1].address,
        "AgreementParticipantNotActive",
        {"account": parties[1].address},
        agreement=aid,
    )
    assert _proposal(suite, pid)["forWeight"] == 1


def test_votes_by_signatures_count_when_relayed_in_one_transaction(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov, agreements = suite["Governance"], suite["Agreements"]
    pid = _propose_amend(suite, aid, parties[0].address)
    nonces = [agreements.functions.nonceOf(aid, p.address).call() for p in parties[:3]]
    votes = [vote_signature(suite, p, aid, pid, FOR) for p in reversed(parties[:3])]
    receipt = suite.transact(gov.functions.voteBySignatures(pid, votes), suite.accounts[12].address)
    cast = events(gov, receipt, "VoteCast")
    assert [e["args"]["voter"] for e in cast] == [p.address for p in reversed(parties[:3])]
    assert cast[0]["args"]["signature"] == votes[0][4]
    assert [agreements.functions.nonceOf(aid, p.address).call() for p in parties[:3]] == [
        n + 1 for n in nonces
    ]
    assert gov.functions.statusOf(pid).call() == P_PASSED


def test_vote_signature_rejected_when_invalid_or_replayed(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov = suite["Governance"]
    pid = _propose_amend(suite, aid, parties[0].address)
    relayer = suite.accounts[12].address
    fn = gov.functions.voteBySignatures
    good = vote_signature(suite, parties[1], aid, pid, FOR)
    voter, support, nonce, deadline, sig = good
    expect_revert(
        suite,
        fn(pid, [(voter, AGAINST, nonce, deadline, sig)]),
        relayer,
        "VoteInvalidSignature",
        {"voter": voter},
        agreement=aid,
    )
    expect_revert(
        suite,
        fn(pid, [(voter, support, nonce, deadline, high_s(sig))]),
        relayer,
        "VoteInvalidSignature",
        agreement=aid,
    )
    stale = vote_signature(suite, parties[1], aid, pid, FOR, deadline=suite.chain.timestamp() - 1)
    expect_revert(suite, fn(pid, [stale]), relayer, "VoteSignatureExpired", agreement=aid)
    ahead = vote_signature(suite, parties[1], aid, pid, FOR, nonce=nonce + 1)
    expect_revert(
        suite,
        fn(pid, [ahead]),
        relayer,
        "AgreementInvalidNonce",
        {"agreementId": aid, "signer": voter, "expected": nonce, "given": nonce + 1},
        agreement=aid,
    )
    other = vote_signature(suite, parties[1], aid, pid + 1, FOR)
    expect_revert(suite, fn(pid, [other]), relayer, "VoteInvalidSignature", agreement=aid)
    expect_revert(suite, fn(pid, []), relayer, "VoteNoSignatures", {})
    suite.transact(fn(pid, [good]), relayer)
    expect_revert(suite, fn(pid, [good]), relayer, "VoteAlreadyCast", agreement=aid)


# --------------------------------------------------------------------------------------
# add and remove parties
# --------------------------------------------------------------------------------------


def test_add_party_executes_when_joiner_accepted(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov = suite["Governance"]
    joiner = parties[3]
    shares = [4_000, 3_000, 2_000, 1_000]
    receipt = suite.transact(
        gov.functions.proposeAddParty(aid, joiner.address, shares), parties[0].address
    )
    pid = events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"]
    payload = encode(["address", "uint16[]"], [joiner.address, shares])
    _vote_all(suite, pid, parties[:3])
    expect_revert(
        suite, gov.functions.execute(pid, payload), parties[0].address, "ProposalVotingOpen"
    )
    suite.chain.increase_time(3_601)
    expect_revert(
        suite,
        gov.functions.execute(pid, payload),
        parties[0].address,
        "ProposalJoinerNotAccepted",
        {"proposalId": pid, "joiner": joiner.address},
        agreement=aid,
    )


def test_add_party_appends_joiner_when_joiner_accepts_by_signature(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov, agreements = suite["Governance"], suite["Agreements"]
    joiner = parties[3]
    shares = [4_000, 3_000, 2_000, 1_000]
    receipt = suite.transact(
        gov.functions.proposeAddParty(aid, joiner.address, shares), parties[0].address
    )
    pid = events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"]
    votes = [vote_signature(suite, p, aid, pid, FOR) for p in [joiner, *parties[:3]]]
    receipt = suite.transact(gov.functions.voteBySignatures(pid, votes), suite.accounts[12].address)
    assert events(gov, receipt, "VoteCast")[0]["args"]["weight"] == 0
    assert _proposal(suite, pid)["joinerAnswer"] == 1
    expect_revert(suite, gov.functions.vote(pid, AGAINST), joiner.address, "VoteAlreadyCast")
    payload = encode(["address", "uint16[]"], [joiner.address, shares])
    suite.transact(gov.functions.execute(pid, payload), parties[4].address)
    listed, listed_shares = agreements.functions.partiesOf(aid).call()
    assert listed == [p.address for p in parties[:4]]
    assert listed_shares == shares
    assert agreements.functions.partyOf(aid, joiner.address).call() == [True, 3, 1_000]
    assert agreements.functions.termsOf(aid).call()[5] == 4  # partyCount


def test_add_party_rejected_when_proposal_invalid(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    fn = suite["Governance"].functions.proposeAddParty
    p0 = parties[0].address
    expect_revert(
        suite,
        fn(aid, parties[1].address, [2_500] * 4),
        p0,
        "ProposalAlreadyAParty",
        {"agreementId": aid, "account": parties[1].address},
    )
    expect_revert(suite, fn(aid, "0x" + "00" * 20, [2_500] * 4), p0, "ProposalZeroAddress", {})
    expect_revert(
        suite,
        fn(aid, parties[3].address, [2_500] * 3),
        p0,
        "ProposalSharesLengthMismatch",
        {"expected": 4, "given": 3},
    )
    expect_revert(
        suite,
        fn(aid, parties[3].address, [2_500, 2_500, 2_500, 2_499]),
        p0,
        "ProposalSharesDoNotSumTo",
        {"total": 9_999},
    )
    expect_revert(
        suite,
        fn(aid, parties[3].address, [5_000, 5_000, 0, 0]),
        p0,
        "ProposalZeroShare",
        {"index": 2},
    )


def test_remove_party_excludes_target_when_voting_and_clamps_rules(
    suite: Any, parties: list[LocalAccount]
) -> None:
    aid, _ = activate(suite, parties[:3], shares=SHARES, confirmations_required=2)
    gov, agreements = suite["Governance"], suite["Agreements"]
    target = parties[1]
    receipt = suite.transact(
        gov.functions.proposeRemoveParty(aid, target.address, [6_000, 4_000]), parties[0].address
    )
    pid = events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"]
    proposal = _proposal(suite, pid)
    assert (proposal["consentWeight"], proposal["target"], proposal["votedMask"]) == (
        2,
        target.address,
        0b010,
    )
    expect_revert(
        suite,
        gov.functions.vote(pid, AGAINST),
        target.address,
        "VoteByRemovedParty",
        {"proposalId": pid, "voter": target.address},
    )
    nonce_before = agreements.functions.nonceOf(aid, target.address).call()
    _vote_all(suite, pid, [parties[0], parties[2]])
    payload = encode(["address", "uint16[]"], [target.address, [6_000, 4_000]])
    receipt = suite.transact(gov.functions.execute(pid, payload), parties[0].address)
    assert agreements.functions.partiesOf(aid).call() == [
        [parties[0].address, parties[2].address],
        [6_000, 4_000],
    ]
    assert agreements.functions.partyOf(aid, target.address).call() == [False, 0, 0]
    assert agreements.functions.partyOf(aid, parties[2].address).call() == [True, 1, 4_000]
    terms = agreements.functions.termsOf(aid).call()
    assert (terms[3], terms[5], terms[6]) == (
        1,
        2,
        2,
    )  # confirmations clamped, 2 parties, version 2
    assert agreements.functions.nonceOf(aid, target.address).call() == nonce_before
    (amended,) = events(agreements, receipt, "AgreementAmended")
    assert amended["args"]["parties"] == [parties[0].address, parties[2].address]


def test_remove_party_rejected_when_too_few_parties_or_not_a_party(
    suite: Any, parties: list[LocalAccount]
) -> None:
    aid, _ = activate(suite, parties[:2])
    fn = suite["Governance"].functions.proposeRemoveParty
    expect_revert(
        suite,
        fn(aid, parties[1].address, [10_000]),
        parties[0].address,
        "ProposalPartyCountOutOfRange",
        {"count": 1},
        agreement=aid,
    )
    expect_revert(
        suite,
        fn(aid, parties[3].address, [10_000]),
        parties[0].address,
        "ProposalNotAParty",
        {"agreementId": aid, "account": parties[3].address},
    )


# --------------------------------------------------------------------------------------
# version binding, terminate, module hooks, proposal rejections
# --------------------------------------------------------------------------------------


def test_proposal_becomes_stale_when_another_changes_the_version(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov = suite["Governance"]
    first = _propose_amend(suite, aid, parties[0].address)
    second = _propose_amend(suite, aid, parties[1].address, [3_400, 3_300, 3_300])
    _vote_all(suite, first, parties[:3])
    suite.transact(gov.functions.vote(second, FOR), parties[0].address)
    suite.transact(
        gov.functions.execute(first, _payload_amend([4_000, 4_000, 2_000])), parties[0].address
    )
    assert gov.functions.statusOf(second).call() == P_STALE
    expect_revert(
        suite,
        gov.functions.vote(second, FOR),
        parties[1].address,
        "AgreementVersionMismatch",
        {"agreementId": aid, "expected": 1, "current": 2},
        agreement=aid,
    )
    suite.chain.increase_time(3_601)
    expect_revert(
        suite,
        gov.functions.execute(second, _payload_amend([3_400, 3_300, 3_300])),
        parties[1].address,
        "ProposalNotPassed",
        agreement=aid,
    )


def test_stale_proposal_cannot_execute_when_passed_at_old_version(
    suite: Any, parties: list[LocalAccount]
) -> None:
    aid, _ = activate(suite, parties[:3], consent_threshold_bps=6_000)
    gov = suite["Governance"]
    first = _propose_amend(suite, aid, parties[0].address)
    second = _propose_amend(suite, aid, parties[1].address, [3_400, 3_300, 3_300])
    _vote_all(suite, first, parties[:3])
    _vote_all(suite, second, parties[:2])
    suite.transact(
        gov.functions.execute(first, _payload_amend([4_000, 4_000, 2_000])), parties[0].address
    )
    suite.chain.increase_time(3_601)
    expect_revert(
        suite,
        gov.functions.execute(second, _payload_amend([3_400, 3_300, 3_300])),
        parties[1].address,
        "AgreementVersionMismatch",
        {"agreementId": aid, "expected": 1, "current": 2},
        agreement=aid,
    )


def test_terminate_closes_agreement_when_executed(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov, agreements = suite["Governance"], suite["Agreements"]
    receipt = suite.transact(gov.functions.proposeTerminate(aid), parties[2].address)
    pid = events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"]
    _vote_all(suite, pid, parties[:3])
    receipt = suite.transact(gov.functions.execute(pid, b""), suite.accounts[12].address)
    assert events(agreements, receipt, "AgreementClosed")[0]["args"]["version"] == 1
    assert agreements.functions.statusOf(aid).call() == STATUS_CLOSED
    expect_revert(
        suite,
        gov.functions.proposeTerminate(aid),
        parties[0].address,
        "AgreementNotActive",
        {"agreementId": aid, "status": STATUS_CLOSED},
        agreement=aid,
    )


def test_extend_commitment_calls_commitments_when_executed(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov = suite["Governance"]
    deadline = suite.chain.timestamp() + 30 * 86_400
    receipt = suite.transact(
        gov.functions.proposeExtendCommitment(aid, 42, deadline), parties[0].address
    )
    pid = events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"]
    assert _proposal(suite, pid)["consentWeight"] == 0
    _vote_all(suite, pid, parties[:3])
    payload = encode(["uint256", "uint64"], [42, deadline])
    _execute_module_call(suite, pid, payload, "Commitments")


def test_resolve_dispute_calls_contributions_when_executed(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov, contributions = suite["Governance"], suite["Contributions"]
    batch = record_batch(suite, aid, parties[0], [record(1, weight=8)])
    suite.transact(
        contributions.functions.dispute(aid, batch.proof(), keccak(text="reason")),
        parties[1].address,
    )
    call = contributions.encode_abi("resolveDispute", [aid, int.from_bytes(batch.root), 1, 0])
    payload = bytes.fromhex(call[2:])
    receipt = suite.transact(gov.functions.proposeResolveDispute(aid, payload), parties[0].address)
    pid = events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"]
    assert events(gov, receipt, "ProposalCreated")[0]["args"]["payload"] == payload
    # The contributor (parties[0]) is accused: it does not vote on its own record.
    _vote_all(suite, pid, parties[1:3])
    _execute_module_call(suite, pid, payload, "Contributions")
    assert contributions.functions.recordStateOf(aid, batch.root).call()[2] == 3  # Rejected


def _execute_module_call(suite: Any, pid: int, payload: bytes, module: str) -> None:
    """Execute a proposal that calls a module. The module's own revert (here: the record or
    commitment does not exist) must reach the caller unchanged, proving the call was made with
    the payload; a module that accepts it executes the proposal."""
    gov = suite["Governance"]
    fn = gov.functions.execute(pid, payload)
    try:
        fn.estimate_gas({"from": suite.accounts[12].address})
    except Exception as exc:
        err = suite.decoder.from_exception(exc)
        module_errors = {e["name"] for e in suite[module].abi if e.get("type") == "error"}
        assert err is not None
        assert err.name in module_errors, f"{err} is not an error of {module}"
        assert gov.functions.statusOf(pid).call() == P_PASSED
        return
    suite.transact(fn, suite.accounts[12].address)
    assert gov.functions.statusOf(pid).call() == P_EXECUTED


def test_resolve_dispute_rejected_when_call_is_not_for_this_agreement(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    gov, contributions = suite["Governance"], suite["Contributions"]
    other = b"\x0a" * 32
    call = bytes.fromhex(contributions.encode_abi("resolveDispute", [other, 7, 1, 0])[2:])
    selector = call[:4]
    expect_revert(
        suite,
        gov.functions.proposeResolveDispute(aid, call),
        parties[0].address,
        "ProposalInvalidDisputeCall",
        {"selector": selector, "agreementId": other},
    )
    bad = b"\xde\xad\xbe\xef" + call[4:]
    expect_revert(
        suite,
        gov.functions.proposeResolveDispute(aid, bad),
        parties[0].address,
        "ProposalInvalidDisputeCall",
        {"selector": b"\xde\xad\xbe\xef", "agreementId": other},
    )
    expect_revert(
        suite,
        gov.functions.proposeResolveDispute(aid, b"\x01"),
        parties[0].address,
        "ProposalInvalidDisputeCall",
        {"selector": b"\x00" * 4, "agreementId": b"\x00" * 32},
    )


def test_propose_rejected_when_proposer_or_agreement_ineligible(
    suite: Any, parties: list[LocalAccount], agreement: tuple[bytes, Params]
) -> None:
    aid, _ = agreement
    fn = suite["Governance"].functions
    expect_revert(
        suite,
        fn.proposeTerminate(aid),
        parties[3].address,
        "AgreementNotAParty",
        {"agreementId": aid, "account": parties[3].address},
        agreement=aid,
    )
    missing = b"\x0b" * 32
    expect_revert(
        suite,
        fn.proposeTerminate(missing),
        parties[0].address,
        "AgreementNotFound",
        {"agreementId": missing},
    )
    expect_revert(
        suite,
        fn.proposeAmend(aid, b"\x00" * 32, SHARES),
        parties[0].address,
        "ProposalEmptyTermsHash",
        {},
    )
    expect_revert(
        suite,
        fn.proposeAmend(aid, NEW_TERMS, [5_000, 5_000]),
        parties[0].address,
        "ProposalSharesLengthMismatch",
        {"expected": 3, "given": 2},
    )
    suite.transact(
        suite["ParkRegistry"].functions.suspend(parties[0].address, b"\x00" * 32),
        suite.accounts[0].address,
    )
    expect_revert(
        suite,
        fn.proposeTerminate(aid),
        parties[0].address,
        "AgreementParticipantNotActive",
        {"account": parties[0].address},
        agreement=aid,
    )
    assert fn.proposalCount().call() == 0
    assert suite["Agreements"].functions.statusOf(aid).call() == STATUS_ACTIVE


def test_wiring_and_type_hash_match_docs_when_deployed(suite: Any) -> None:
    gov = suite["Governance"]
    assert gov.functions.AGREEMENTS().call() == suite["Agreements"].address
    assert gov.functions.CONTRIBUTIONS().call() == suite["Contributions"].address
    assert gov.functions.COMMITMENTS().call() == suite["Commitments"].address
    expected = keccak(
        text="Vote(bytes32 agreementId,uint256 proposalId,uint8 support,"
        "uint256 nonce,uint256 deadline)"
    )
    assert gov.functions.VOTE_TYPEHASH().call() == expected
