"""Event fields the auditor and the indexer read, checked against the transaction that caused
them (payout addresses, the culture fund, the confirming party), and the hash chain moved by every
journaled action — by exactly the documented fold where docs/hash-chain.md defines the data
(issue #24)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from agreement_helpers import (
    ZERO_ADDRESS,
    activate,
    default_params,
    events,
    fold,
    propose,
    register,
    topic0,
)
from clock_helpers import next_block_at
from eth_abi import encode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from module_helpers import DAY, pass_proposal, record, record_batch

ETH = 10**18


@pytest.fixture
def parties(suite: Any) -> list[LocalAccount]:
    """Three registered participants (accounts 1..3)."""
    accounts = list(suite.accounts[1:4])
    register(suite, accounts)
    return accounts


def _head(suite: Any, aid: bytes) -> bytes:
    return bytes(suite["Agreements"].functions.headOf(aid).call())


def _deposit(suite: Any, aid: bytes, amount: int) -> Any:
    fn = suite["Revenue"].functions.deposit(aid, ZERO_ADDRESS, amount)
    return suite.transact(fn, suite.accounts[8].address, value=amount)


def test_revenue_claimed_names_payout_address_that_received_the_funds_when_payout_set(
    suite: Any, parties: list[LocalAccount]
) -> None:
    revenue = suite["Revenue"]
    aid, _ = activate(suite, parties, shares=[5_000, 3_000, 2_000])
    party, payout = parties[0], suite.accounts[15].address
    suite.transact(revenue.functions.setPayoutAddress(aid, payout), party.address)
    _deposit(suite, aid, 10 * ETH)
    before = suite.w3.eth.get_balance(payout)
    receipt = suite.transact(revenue.functions.claim(aid), party.address)
    args = events(revenue, receipt, "RevenueClaimed")[0]["args"]
    received = suite.w3.eth.get_balance(payout) - before
    assert (args["agreementId"], args["account"], args["to"], args["amount"]) == (
        aid,
        party.address,
        payout,
        received,
    )
    assert received == 5 * ETH


def test_revenue_fund_claimed_names_the_culture_fund_paid_when_anyone_claims_for_it(
    suite: Any, parties: list[LocalAccount]
) -> None:
    revenue = suite["Revenue"]
    fund, caller = suite.accounts[9].address, suite.accounts[12].address
    suite.transact(suite["ParkRegistry"].functions.setCultureFund(fund), suite.accounts[0].address)
    aid, _ = activate(suite, parties, fund_share_bps=1_000)
    _deposit(suite, aid, 10 * ETH)
    before = suite.w3.eth.get_balance(fund)
    receipt = suite.transact(revenue.functions.claimFund(aid), caller)
    args = events(revenue, receipt, "RevenueFundClaimed")[0]["args"]
    received = suite.w3.eth.get_balance(fund) - before
    assert (args["fund"], args["caller"], args["amount"]) == (fund, caller, received)
    assert received == ETH


def test_contribution_confirmed_names_the_confirming_party_when_a_co_party_confirms(
    suite: Any, parties: list[LocalAccount]
) -> None:
    contributions = suite["Contributions"]
    aid, _ = activate(suite, parties)
    batch = record_batch(suite, aid, parties[0], [record(1)])
    receipt = suite.transact(
        contributions.functions.confirm(aid, batch.proof(0)), parties[1].address
    )
    args = events(contributions, receipt, "ContributionConfirmed")[0]["args"]
    assert (args["recordId"], args["confirmer"]) == (batch.leaves[0], parties[1].address)


# ------------------------------------------------------------------ hash chain


def test_mark_expired_folds_deadline_into_hash_chain_when_agreement_expires(
    suite: Any, parties: list[LocalAccount]
) -> None:
    agreements = suite["Agreements"]
    params = default_params(suite, parties[:2])
    aid = propose(suite, parties[0], params)
    before = _head(suite, aid)
    next_block_at(suite, params.consent_deadline + 1)
    suite.transact(agreements.functions.markExpired(aid), parties[2].address)
    data = keccak(encode(["uint40"], [params.consent_deadline]))
    assert _head(suite, aid) == fold(before, topic0(agreements, "AgreementExpired"), data)


def test_invalidate_nonce_folds_new_nonce_into_hash_chain_when_party_invalidates(
    suite: Any, parties: list[LocalAccount]
) -> None:
    agreements = suite["Agreements"]
    aid, _ = activate(suite, parties)
    before = _head(suite, aid)
    receipt = suite.transact(agreements.functions.invalidateNonce(aid), parties[1].address)
    nonce = events(agreements, receipt, "NonceInvalidated")[0]["args"]["newNonce"]
    data = keccak(encode(["address", "uint256"], [parties[1].address, nonce]))
    assert _head(suite, aid) == fold(before, topic0(agreements, "NonceInvalidated"), data)


def test_close_folds_version_into_hash_chain_when_terminate_executes(
    suite: Any, parties: list[LocalAccount]
) -> None:
    agreements, gov = suite["Agreements"], suite["Governance"]
    aid, _ = activate(suite, parties)
    receipt = suite.transact(gov.functions.proposeTerminate(aid), parties[0].address)
    receipt = pass_proposal(suite, receipt, parties, b"")
    executed = events(gov, receipt, "ProposalExecuted")[0]["args"]
    # Execution journals ProposalExecuted, then Agreements appends AgreementClosed: the head
    # after it is the AgreementClosed fold over the ProposalExecuted fold.
    after_execute = fold(
        _head_before(suite, aid, receipt),
        topic0(gov, "ProposalExecuted"),
        keccak(encode(["uint256", "address"], [executed["proposalId"], executed["executor"]])),
    )
    expected = fold(
        after_execute, topic0(agreements, "AgreementClosed"), keccak(encode(["uint32"], [1]))
    )
    assert _head(suite, aid) == expected


def _head_before(suite: Any, aid: bytes, receipt: Any) -> bytes:
    """The agreement's head at the block before `receipt` (eth_call at an older block)."""
    block = int(receipt["blockNumber"]) - 1
    return bytes(suite["Agreements"].functions.headOf(aid).call(block_identifier=block))


Action = Callable[[Any, bytes, list[LocalAccount]], Any]


def _commit(suite: Any, aid: bytes, parties: list[LocalAccount]) -> Any:
    deadline = suite.chain.timestamp() + DAY
    fn = suite["Commitments"].functions.commit(aid, 0, keccak(text="x"), deadline, 0)
    return suite.transact(fn, parties[0].address)


JOURNALED: dict[str, Action] = {
    "record": lambda s, a, p: record_batch(s, a, p[0], [record(7)]),
    "deposit": lambda s, a, _p: _deposit(s, a, ETH),
    "setPayoutAddress": lambda s, a, p: s.transact(
        s["Revenue"].functions.setPayoutAddress(a, s.accounts[15].address), p[0].address
    ),
    "invalidateNonce": lambda s, a, p: s.transact(
        s["Agreements"].functions.invalidateNonce(a), p[0].address
    ),
    "commit": _commit,
    "proposeTerminate": lambda s, a, p: s.transact(
        s["Governance"].functions.proposeTerminate(a), p[0].address
    ),
}


@pytest.mark.parametrize("action", sorted(JOURNALED))
def test_hash_chain_moves_when_journaled_action_runs(
    suite: Any, parties: list[LocalAccount], action: str
) -> None:
    aid, _ = activate(suite, parties)
    before = _head(suite, aid)
    JOURNALED[action](suite, aid, parties)
    assert _head(suite, aid) != before
