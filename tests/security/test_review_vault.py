"""Regression tests for the vault items of the outside security review (issue #15 items 1, 7,
8 and 13, docs/security.md attack matrix): re-entry through a token hook, losses of a token
kept with the agreements that hold it, the 112-bit inflow cap and who may set a payout
address. Each test fails on the code before the fix."""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import ZERO_ADDRESS
from eth_abi import encode
from eth_utils import keccak
from module_helpers import (
    CHALLENGE_WINDOW,
    DAY,
    GRACE,
    WEIGHTED,
    Batch,
    admitted_token,
    assert_conserved,
    mature,
    open_agreement,
    open_agreement_with_contract,
    record,
    record_batch,
    reverts,
)

from tests.security.test_attack_matrix import (
    DELIVERABLE,
    DESCRIPTION,
    GUARD_ERROR,
    REENTER,
    act,
    arm,
    hook_token,
    reentry_errors,
)

MAX_INFLOW = 2**111 - 1
BIG_WEIGHT = 10**9


@pytest.fixture
def parties(suite: Any) -> list[Any]:
    return list(suite.accounts[1:4])


def weighted_with_reentrant_party(suite: Any, parties: list[Any], token: Any) -> tuple[bytes, Any]:
    """A weighted agreement between parties[0] and a ReentrantParty that holds weight 1
    (confirmed and matured), in `token`; the ReentrantParty holds 10^24 of it and has hooks
    registered."""
    party = suite.deploy_fixture("ReentrantParty")
    suite.transact(token.functions.mint(party.address, 10**24), suite.accounts[0].address)
    act(suite, party, token.functions.approve(suite["Revenue"].address, 2**256 - 1))
    aid = open_agreement_with_contract(
        suite,
        parties[:1],
        party,
        salt=b"\x41" * 32,
        token=token.address,
        shares=[5000, 5000],
        revenue_mode=WEIGHTED,
    )
    contributions = suite["Contributions"]
    pre_head = suite["Agreements"].functions.headOf(aid).call()
    own = record(41, weight=1)
    act(suite, party, contributions.functions.record(aid, own))
    own = Batch(aid, pre_head, party.address, [own])
    suite.transact(contributions.functions.confirm(aid, own.proof(0)), parties[0].address)
    mature(suite, aid, [own.proof(0)], parties[0].address)
    act(suite, party, token.functions.registerHooks())
    return aid, party


# ---------------------------------------------------------------------------------------
# Item 1: re-entry from a token hook
# ---------------------------------------------------------------------------------------


def test_deposit_hook_cannot_confirm_weight_when_token_reenters_during_pull(
    suite: Any, parties: list[Any]
) -> None:
    # The review's PoC: the depositor's token calls it back inside transferFrom; it confirms a
    # co-party's pending record of weight 10^9, so the old deposit split 10^12 over the old
    # total (1) and wrote it back: the co-party could claim 10^21 + 10^12, the whole vault.
    # A confirmed weight now counts only when it matures after its challenge window, so the
    # hook makes the record's weight count (`mature`) instead: the lock refuses it.
    revenue, contributions = suite["Revenue"], suite["Contributions"]
    payer = suite.accounts[8]
    token = hook_token(suite, [payer])
    other = open_agreement(suite, parties[1:], salt=b"\x42" * 32, token=token.address)
    suite.transact(revenue.functions.deposit(other, token.address, 10**21), payer.address)
    aid, party = weighted_with_reentrant_party(suite, parties, token)
    pending = record_batch(suite, aid, parties[0], [record(42, weight=BIG_WEIGHT)])
    act(suite, party, contributions.functions.confirm(aid, pending.proof(0)))
    suite.chain.increase_time(CHALLENGE_WINDOW)
    arm(suite, party, REENTER, contributions.functions.mature(aid, [pending.proof(0)]))

    act(suite, party, revenue.functions.deposit(aid, token.address, 10**12))

    assert reentry_errors(suite, party) == [GUARD_ERROR]
    assert contributions.functions.confirmedWeightOf(aid, parties[0].address).call() == 0
    assert revenue.functions.claimableOf(aid, parties[0].address).call() == 0
    assert revenue.functions.claimableOf(aid, party.address).call() == 10**12
    for account in parties[1:]:
        suite.transact(revenue.functions.claim(other), account.address)
        assert token.functions.balanceOf(account.address).call() == 10**21 // 2
    assert_conserved(
        suite,
        token.functions.balanceOf(revenue.address).call(),
        {aid: [parties[0].address, party.address], other: [p.address for p in parties[1:]]},
    )


def test_every_vault_entry_point_refuses_reentry_when_token_hook_calls_back(
    suite: Any, parties: list[Any]
) -> None:
    # One lock over deposits, claims, the weight and membership hooks, the bond paths and
    # payout addresses: from inside a deposit's pull, every one of them reverts with the
    # guard, including a governance execution (Governance -> Agreements ->
    # onMembershipChange) and the bond paths reached through Commitments.
    revenue, contributions = suite["Revenue"], suite["Contributions"]
    commitments, governance = suite["Commitments"], suite["Governance"]
    token = admitted_token(suite, "HookToken")
    committer = parties[0]
    suite.transact(token.functions.mint(committer.address, 10**24), suite.accounts[0].address)
    suite.transact(token.functions.approve(revenue.address, 2**256 - 1), committer.address)
    aid, party = weighted_with_reentrant_party(suite, parties, token)
    pending = record_batch(suite, aid, committer, [record(43, weight=7)])
    act(suite, party, contributions.functions.confirm(aid, pending.proof(0)))
    suite.chain.increase_time(CHALLENGE_WINDOW)
    now = suite.chain.timestamp()
    for deadline in (now + DAY, now + 10 * DAY):
        suite.transact(
            commitments.functions.commit(aid, 0, DESCRIPTION, deadline, 1000), committer.address
        )
    suite.transact(commitments.functions.submitDeliverable(aid, 2, DELIVERABLE), committer.address)
    terms, shares = keccak(text="amended in a hook"), [6000, 4000]
    payload = encode(["bytes32", "uint16[]"], [terms, shares])
    suite.transact(governance.functions.proposeAmend(aid, terms, shares), committer.address)
    proposal = governance.functions.proposalCount().call()
    suite.transact(governance.functions.vote(proposal, 1), committer.address)
    act(suite, party, governance.functions.vote(proposal, 1))
    suite.chain.increase_time(DAY + GRACE + 1)
    head = suite["Agreements"].functions.headOf(aid).call()
    arm(
        suite,
        party,
        REENTER,
        revenue.functions.deposit(aid, token.address, 5),
        revenue.functions.claim(aid),
        revenue.functions.claimFund(aid),
        revenue.functions.allocateHeld(aid),
        revenue.functions.setPayoutAddress(aid, suite.accounts[7].address),
        contributions.functions.mature(aid, [pending.proof(0)]),
        commitments.functions.markBreached(aid, 1),
        commitments.functions.acceptDeliverable(aid, 2, DELIVERABLE),
        governance.functions.execute(proposal, payload),
    )

    act(suite, party, revenue.functions.deposit(aid, token.address, 10**6))

    assert reentry_errors(suite, party) == [GUARD_ERROR] * 9
    assert revenue.functions.payoutOf(aid, party.address).call() == party.address
    assert revenue.functions.weightOf(aid, committer.address).call() == 0
    assert revenue.functions.accountOf(aid).call()[5] == 2000  # both bonds still held
    assert suite["Agreements"].functions.headOf(aid).call() != head  # only the deposit
    # Outside the hook the same calls go through: nothing was left half-done.
    suite.transact(governance.functions.execute(proposal, payload), committer.address)
    suite.transact(commitments.functions.markBreached(aid, 1), committer.address)
    act(suite, party, commitments.functions.acceptDeliverable(aid, 2, DELIVERABLE))
    suite.transact(contributions.functions.mature(aid, [pending.proof(0)]), committer.address)
    assert revenue.functions.weightOf(aid, committer.address).call() == 7
    assert revenue.functions.accountOf(aid).call()[5] == 0
    assert_conserved(
        suite,
        token.functions.balanceOf(revenue.address).call(),
        {aid: [committer.address, party.address]},
    )


# ---------------------------------------------------------------------------------------
# Item 7: each agreement's balance is its own; the park admits its tokens
# ---------------------------------------------------------------------------------------


def rebased_pair(suite: Any, parties: list[Any], bps: int) -> tuple[Any, bytes, bytes]:
    """An admitted rebasing token, two agreements (parties[0:2], parties[1:3]) with 1000 of it
    deposited into each, then a rebase by `bps` basis points."""
    revenue = suite["Revenue"]
    payer = suite.accounts[8].address
    token = admitted_token(suite, "RebasingToken", payer=payer, minted=10**6)
    first = open_agreement(suite, parties[:2], salt=b"\x51" * 32, token=token.address)
    second = open_agreement(suite, parties[1:], salt=b"\x52" * 32, token=token.address)
    for aid in (first, second):
        suite.transact(revenue.functions.deposit(aid, token.address, 1000), payer)
    suite.transact(token.functions.rebase(bps), suite.accounts[0].address)
    return token, first, second


def agreement_balance(suite: Any, token: Any, aid: bytes) -> int:
    """The agreement's own balance of `token` in the vault (its shares' worth)."""
    revenue = suite["Revenue"]
    shares, total = revenue.functions.tokenSharesOf(aid).call()
    return int(shares * token.functions.balanceOf(revenue.address).call() // total)


def test_rebase_loss_stays_in_each_agreement_when_token_rebases_down(
    suite: Any, parties: list[Any]
) -> None:
    # The review: after a -10 % rebase three parties were paid in full out of the shared
    # balance and the fourth, in the other agreement, was refused. Now each agreement keeps
    # 90 % of its own 1000: first come within it, and never out of the other's.
    token, first, second = rebased_pair(suite, parties, -1000)
    revenue = suite["Revenue"]

    for aid, (paid, refused) in ((first, parties[:2]), (second, parties[1:])):
        suite.transact(revenue.functions.claim(aid), paid.address)
        err = reverts(
            suite,
            revenue.functions.claim(aid),
            refused.address,
            "RevenueAgreementShortfall",
            agreement=aid,
        )
        # 900 left of its 1000, 500 paid, one unit lost to rounding the shares up.
        assert (err.arguments["amount"], err.arguments["available"]) == (500, 399)
        assert err.arguments["available"] == agreement_balance(suite, token, aid)
    assert token.functions.balanceOf(parties[0].address).call() == 500
    assert token.functions.balanceOf(parties[1].address).call() == 500


def test_deposit_credits_fresh_shares_when_token_lost_value_before(
    suite: Any, parties: list[Any]
) -> None:
    # A deposit after a loss is worth what arrived: the earlier loss stays with the
    # agreements that held the token then.
    token, first, second = rebased_pair(suite, parties, -5000)
    revenue = suite["Revenue"]
    third = open_agreement(suite, parties[::2], salt=b"\x53" * 32, token=token.address)
    suite.transact(revenue.functions.deposit(third, token.address, 1000), suite.accounts[8].address)

    for account in (parties[0], parties[2]):
        suite.transact(revenue.functions.claim(third), account.address)

    assert token.functions.balanceOf(parties[0].address).call() == 500
    assert token.functions.balanceOf(parties[2].address).call() == 500
    assert agreement_balance(suite, token, first) == 500
    assert agreement_balance(suite, token, second) == 500


@pytest.mark.parametrize("path", ["deposit", "bond"])
def test_token_refused_when_registry_has_not_admitted_it(
    suite: Any, parties: list[Any], path: str
) -> None:
    revenue, registry = suite["Revenue"], suite["ParkRegistry"]
    token = suite.deploy_fixture("MintableToken", 18)
    payer = parties[0].address
    suite.transact(token.functions.mint(payer, 10**24), payer)
    suite.transact(token.functions.approve(revenue.address, 2**256 - 1), payer)
    aid = open_agreement(suite, parties, salt=b"\x54" * 32, token=token.address)
    if path == "deposit":
        fn = revenue.functions.deposit(aid, token.address, 10**18)
    else:
        deadline = suite.chain.timestamp() + DAY
        fn = suite["Commitments"].functions.commit(aid, 0, DESCRIPTION, deadline, 10**18)

    err = reverts(suite, fn, payer, "RevenueTokenNotAdmitted", agreement=aid)

    assert err.arguments["token"] == token.address
    assert token.functions.balanceOf(revenue.address).call() == 0
    admin = suite.accounts[0].address
    receipt = suite.transact(registry.functions.setTokenAdmitted(token.address, True), admin)
    (log,) = registry.events.TokenAdmissionSet().process_receipt(receipt)
    assert (log.args.token, log.args.admin, log.args.admitted) == (token.address, admin, True)
    suite.transact(fn, payer)
    suite.transact(registry.functions.setTokenAdmitted(token.address, False), admin)
    reverts(suite, fn, payer, "RevenueTokenNotAdmitted", agreement=aid)


def test_token_admission_refused_when_caller_is_not_admin(suite: Any, parties: list[Any]) -> None:
    registry = suite["ParkRegistry"]
    token = suite.deploy_fixture("MintableToken", 18)
    reverts(
        suite,
        registry.functions.setTokenAdmitted(token.address, True),
        parties[0].address,
        "AccessControlUnauthorizedAccount",
    )
    reverts(
        suite,
        registry.functions.setTokenAdmitted(ZERO_ADDRESS, False),
        suite.accounts[0].address,
        "RegistryZeroAddress",
    )
    assert registry.functions.isTokenAdmitted(ZERO_ADDRESS).call()
    assert not registry.functions.isTokenAdmitted(token.address).call()


# ---------------------------------------------------------------------------------------
# Item 8: the 112-bit inflow cap
# ---------------------------------------------------------------------------------------


def test_deposit_refused_when_agreement_deposits_would_pass_2_111(
    suite: Any, parties: list[Any]
) -> None:
    # The review: a deposit past 2^112 overflowed the 112-bit claim field on the next claim
    # (SafeCastOverflowedUintDowncast) and locked claims and governance for good.
    revenue = suite["Revenue"]
    payer = suite.accounts[8].address
    token = admitted_token(suite, "MintableToken", 18, payer=payer, minted=2**113)
    aid = open_agreement(suite, parties, salt=b"\x55" * 32, token=token.address)

    err = reverts(
        suite, revenue.functions.deposit(aid, token.address, 2**112), payer, "RevenueInflowOverflow"
    )
    assert (err.arguments["total"], err.arguments["max"]) == (2**112, MAX_INFLOW)
    suite.transact(revenue.functions.deposit(aid, token.address, MAX_INFLOW), payer)
    reverts(suite, revenue.functions.deposit(aid, token.address, 1), payer, "RevenueInflowOverflow")

    for account in parties:
        suite.transact(revenue.functions.claim(aid), account.address)
    assert_conserved(
        suite,
        token.functions.balanceOf(revenue.address).call(),
        {aid: [p.address for p in parties]},
    )


# ---------------------------------------------------------------------------------------
# Item 13: payout addresses
# ---------------------------------------------------------------------------------------


def test_set_payout_refused_when_caller_is_not_a_party(suite: Any, parties: list[Any]) -> None:
    # The review: an unregistered address moved an agreement's hash-chain head 25 times.
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties, salt=b"\x56" * 32)
    stranger = suite.accounts[7].address

    reverts(
        suite,
        revenue.functions.setPayoutAddress(aid, stranger),
        stranger,
        "AgreementNotAParty",
        agreement=aid,
    )

    assert revenue.functions.payoutOf(aid, stranger).call() == stranger
    suite.transact(revenue.functions.setPayoutAddress(aid, stranger), parties[0].address)
    assert revenue.functions.payoutOf(aid, parties[0].address).call() == stranger
