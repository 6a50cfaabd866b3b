"""Revenue across membership changes (issue #24): a party that joins is paid nothing deposited
before it joined, an amendment pays every party at its new share from then on (even one whose
old share the contract cached at an earlier claim), a removed party keeps what it had earned.
Expected balances come from a model of deposits x shares, never from the contract."""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import BPS, ZERO_ADDRESS, events
from eth_account.signers.local import LocalAccount
from module_helpers import amend_shares, open_agreement, pass_proposal, register_all

ETH = 10**18


class Model:
    """Independent books: what each party is owed from deposits split by the shares in force."""

    def __init__(self, shares: dict[str, int]) -> None:
        self.shares = dict(shares)
        self.allocated: dict[str, int] = dict.fromkeys(shares, 0)

    def deposit(self, amount: int) -> None:
        """Split `amount` by the current shares (amounts are multiples of BPS: no remainder)."""
        assert amount % BPS == 0
        for party, share in self.shares.items():
            self.allocated[party] = self.allocated.get(party, 0) + amount * share // BPS

    def reshare(self, shares: dict[str, int]) -> None:
        """New shares from now on; a party left out keeps what it was allocated."""
        self.shares = dict(shares)


@pytest.fixture
def parties(suite: Any) -> list[LocalAccount]:
    """Three founding parties and a later joiner (accounts 1..4)."""
    accounts = list(suite.accounts[1:5])
    register_all(suite, [a.address for a in accounts])
    return accounts


def _deposit(suite: Any, aid: bytes, model: Model, amount: int) -> None:
    fn = suite["Revenue"].functions.deposit(aid, ZERO_ADDRESS, amount)
    suite.transact(fn, suite.accounts[8].address, value=amount)
    model.deposit(amount)


def _membership(suite: Any, aid: bytes, voters: list[Any], propose: Any) -> None:
    receipt = suite.transact(propose, voters[0].address)
    payload = bytes(events(suite["Governance"], receipt, "ProposalCreated")[0]["args"]["payload"])
    pass_proposal(suite, receipt, voters, payload)


def _assert_books(suite: Any, aid: bytes, model: Model) -> None:
    revenue = suite["Revenue"]
    actual = {p: revenue.functions.allocatedOf(aid, p).call() for p in model.allocated}
    assert actual == model.allocated


def test_joiner_paid_only_revenue_deposited_after_it_joined_when_added_between_deposits(
    suite: Any, parties: list[LocalAccount]
) -> None:
    founders, joiner = parties[:3], parties[3]
    aid = open_agreement(suite, founders, shares=[5_000, 3_000, 2_000])
    model = Model(dict(zip([p.address for p in founders], [5_000, 3_000, 2_000], strict=True)))
    _deposit(suite, aid, model, 10 * ETH)
    new = [4_000, 3_000, 2_000, 1_000]
    gov = suite["Governance"]
    _membership(
        suite, aid, [*founders, joiner], gov.functions.proposeAddParty(aid, joiner.address, new)
    )
    model.reshare(dict(zip([p.address for p in parties], new, strict=True)))
    assert suite["Revenue"].functions.claimableOf(aid, joiner.address).call() == 0
    _deposit(suite, aid, model, 5 * ETH)
    _assert_books(suite, aid, model)
    # A second change checkpoints the joiner from the accumulator at its join, not from zero.
    amend_shares(suite, aid, parties, [2_500, 2_500, 2_500, 2_500])
    model.reshare(dict.fromkeys([p.address for p in parties], 2_500))
    _deposit(suite, aid, model, 2 * ETH)
    _assert_books(suite, aid, model)
    receipt = suite.transact(suite["Revenue"].functions.claim(aid), joiner.address)
    claimed = events(suite["Revenue"], receipt, "RevenueClaimed")[0]["args"]["amount"]
    assert claimed == model.allocated[joiner.address] == 5 * ETH // 10 + 2 * ETH // 4


def test_claim_pays_new_share_when_amended_after_an_earlier_claim(
    suite: Any, parties: list[LocalAccount]
) -> None:
    founders = parties[:3]
    revenue = suite["Revenue"]
    aid = open_agreement(suite, founders, shares=[5_000, 3_000, 2_000])
    model = Model(dict(zip([p.address for p in founders], [5_000, 3_000, 2_000], strict=True)))
    _deposit(suite, aid, model, 10 * ETH)
    for party in founders:
        suite.transact(revenue.functions.claim(aid), party.address)
    amend_shares(suite, aid, founders, [2_000, 4_000, 4_000])
    model.reshare(dict(zip([p.address for p in founders], [2_000, 4_000, 4_000], strict=True)))
    _deposit(suite, aid, model, 10 * ETH)
    _assert_books(suite, aid, model)
    for party, second in zip(founders, [2 * ETH, 4 * ETH, 4 * ETH], strict=True):
        receipt = suite.transact(revenue.functions.claim(aid), party.address)
        assert events(revenue, receipt, "RevenueClaimed")[0]["args"]["amount"] == second
        assert (
            revenue.functions.claimedOf(aid, party.address).call() == model.allocated[party.address]
        )


def test_removed_party_keeps_earned_revenue_and_gets_no_more_when_removed_between_deposits(
    suite: Any, parties: list[LocalAccount]
) -> None:
    aid = open_agreement(suite, parties, shares=[4_000, 3_000, 2_000, 1_000])
    model = Model(
        dict(zip([p.address for p in parties], [4_000, 3_000, 2_000, 1_000], strict=True))
    )
    _deposit(suite, aid, model, 10 * ETH)
    leaving = parties[3]
    remaining = parties[:3]
    shares = [5_000, 3_000, 2_000]
    gov = suite["Governance"]
    _membership(
        suite, aid, remaining, gov.functions.proposeRemoveParty(aid, leaving.address, shares)
    )
    model.reshare(dict(zip([p.address for p in remaining], shares, strict=True)))
    _deposit(suite, aid, model, 10 * ETH)
    _assert_books(suite, aid, model)
    receipt = suite.transact(suite["Revenue"].functions.claim(aid), leaving.address)
    assert events(suite["Revenue"], receipt, "RevenueClaimed")[0]["args"]["amount"] == ETH
