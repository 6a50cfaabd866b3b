"""Revenue: deposits (ETH and odd ERC-20s), fixed and weighted allocation, the fund share,
held deposits, amendments mid-stream, pull claims with hostile receivers, forced ETH and the
conservation equation to the wei."""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import (
    ZERO_ADDRESS,
    default_params,
    equal_shares,
    events,
    fold,
    propose,
    topic0,
)
from eth_abi import encode
from eth_utils import keccak
from module_helpers import (
    WEIGHTED,
    admitted_token,
    amend_shares,
    assert_conserved,
    mature,
    open_agreement,
    open_agreement_with_contract,
    pass_proposal,
    record,
    record_batch,
    register_all,
    reverts,
)

from ledger.domain.errors import RevertError

ETH = 10**18


@pytest.fixture
def parties(suite: Any) -> list[Any]:
    return list(suite.accounts[1:4])


@pytest.fixture
def fund(suite: Any) -> str:
    """The park admin sets the culture fund address."""
    address = suite.accounts[9].address
    suite.transact(
        suite["ParkRegistry"].functions.setCultureFund(address), suite.accounts[0].address
    )
    return address


def deposit(
    suite: Any, agreement: bytes, amount: int, token: str = ZERO_ADDRESS, sender: Any = None
) -> Any:
    sender = sender or suite.accounts[8].address
    value = amount if token == ZERO_ADDRESS else 0
    return suite.transact(
        suite["Revenue"].functions.deposit(agreement, token, amount), sender, value=value
    )


def claimable(suite: Any, agreement: bytes, account: str) -> int:
    return int(suite["Revenue"].functions.claimableOf(agreement, account).call())


def confirm_weight(
    suite: Any, agreement: bytes, contributor: Any, confirmer: Any, weight: int
) -> None:
    batch = record_batch(suite, agreement, contributor, [record(weight * 7 + 1, weight=weight)])
    suite.transact(
        suite["Contributions"].functions.confirm(agreement, batch.proof()), confirmer.address
    )
    mature(suite, agreement, [batch.proof()], confirmer.address)


def books(parties: list[Any]) -> list[str]:
    return [p.address for p in parties]


# ---------------------------------------------------------------------------------------
# Fixed shares and the fund
# ---------------------------------------------------------------------------------------


def test_deposit_splits_by_fixed_shares_after_fund_share_when_fund_share_set(
    suite: Any, parties: list[Any], fund: str
) -> None:
    aid = open_agreement(suite, parties, shares=[5000, 3000, 2000], fund_share_bps=1000)
    receipt = deposit(suite, aid, 10 * ETH)
    assert [claimable(suite, aid, p.address) for p in parties] == [
        45 * ETH // 10,
        27 * ETH // 10,
        18 * ETH // 10,
    ]
    assert suite["Revenue"].functions.fundClaimableOf(aid).call() == ETH
    (event,) = events(suite["Revenue"], receipt, "RevenueDeposited")
    assert event["args"]["amount"] == 10 * ETH
    assert event["args"]["allocated"] == 10 * ETH
    assert suite["Revenue"].functions.accountOf(aid).call()[4] == 10 * ETH
    assert_conserved(
        suite, suite.w3.eth.get_balance(suite["Revenue"].address), {aid: books(parties)}
    )


def test_claim_pays_party_and_fund_when_claimed(suite: Any, parties: list[Any], fund: str) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties, shares=[5000, 3000, 2000], fund_share_bps=1000)
    deposit(suite, aid, 10 * ETH)
    before = suite.w3.eth.get_balance(parties[1].address)
    receipt = suite.transact(revenue.functions.claim(aid), parties[1].address)
    cost = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert suite.w3.eth.get_balance(parties[1].address) == before + 27 * ETH // 10 - cost
    assert claimable(suite, aid, parties[1].address) == 0
    assert revenue.functions.claimedOf(aid, parties[1].address).call() == 27 * ETH // 10
    fund_before = suite.w3.eth.get_balance(fund)
    suite.transact(revenue.functions.claimFund(aid), parties[0].address)
    assert suite.w3.eth.get_balance(fund) == fund_before + ETH
    reverts(suite, revenue.functions.claimFund(aid), parties[0].address, "RevenueNothingToClaim")
    reverts(
        suite,
        revenue.functions.claim(aid),
        parties[1].address,
        "RevenueNothingToClaim",
        agreement=aid,
    )
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)})


def test_claim_fund_reverts_when_culture_fund_not_set(suite: Any, parties: list[Any]) -> None:
    aid = open_agreement(suite, parties, fund_share_bps=1000)
    deposit(suite, aid, ETH)
    reverts(
        suite,
        suite["Revenue"].functions.claimFund(aid),
        parties[0].address,
        "RevenueCultureFundNotSet",
    )


def test_one_wei_deposits_carry_remainder_when_below_one_unit_each(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties, shares=[3334, 3333, 3333], fund_share_bps=0)
    for _ in range(3):
        deposit(suite, aid, 1)
    total = sum(claimable(suite, aid, p.address) for p in parties)
    carried = revenue.functions.carriedOf(aid).call()
    assert total + carried == 3
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)})
    for _ in range(7):
        deposit(suite, aid, 1)
    assert (
        sum(claimable(suite, aid, p.address) for p in parties)
        + revenue.functions.carriedOf(aid).call()
        == 10
    )
    assert claimable(suite, aid, parties[0].address) >= 3


@pytest.mark.parametrize("decimals", [0, 2, 6, 18])
def test_erc20_deposit_splits_exactly_when_token_has_decimals(
    suite: Any, parties: list[Any], decimals: int
) -> None:
    revenue = suite["Revenue"]
    token = admitted_token(suite, "MintableToken", decimals)
    payer = suite.accounts[8].address
    suite.transact(token.functions.mint(payer, 10**30), payer)
    suite.transact(token.functions.approve(revenue.address, 2**256 - 1), payer)
    aid = open_agreement(
        suite, parties, token=token.address, shares=[3334, 3333, 3333], fund_share_bps=700
    )
    for amount in (7, 10**decimals, 3 * 10**decimals + 1):
        deposit(suite, aid, amount, token.address)
    suite.transact(revenue.functions.claim(aid), parties[0].address)
    assert_conserved(
        suite, token.functions.balanceOf(revenue.address).call(), {aid: books(parties)}
    )
    assert (
        token.functions.balanceOf(parties[0].address).call()
        == revenue.functions.claimedOf(aid, parties[0].address).call()
    )


def test_deposited_counts_exactly_when_total_crosses_low_counter_width(
    suite: Any, parties: list[Any]
) -> None:
    # The deposit counter is split (low 96 bits beside the accumulator, high bits in the config
    # slot): crossing 2**96 must carry into the high part without losing a unit.
    revenue = suite["Revenue"]
    token = admitted_token(suite, "MintableToken", 18)
    payer = suite.accounts[8].address
    suite.transact(token.functions.mint(payer, 2**98), payer)
    suite.transact(token.functions.approve(revenue.address, 2**256 - 1), payer)
    aid = open_agreement(suite, parties, token=token.address)
    for amount in (2**96 - 5, 10, 2**96 + 3):
        deposit(suite, aid, amount, token.address)
    assert revenue.functions.accountOf(aid).call()[4] == 2**97 + 8
    suite.transact(revenue.functions.claim(aid), parties[0].address)
    assert_conserved(
        suite, token.functions.balanceOf(revenue.address).call(), {aid: books(parties)}
    )


def test_fee_on_transfer_deposit_credits_received_amount_when_token_takes_fee(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    token = admitted_token(suite, "FeeOnTransferToken", 100)  # 1 %
    payer = suite.accounts[8].address
    suite.transact(token.functions.mint(payer, 10**24), payer)
    suite.transact(token.functions.approve(revenue.address, 2**256 - 1), payer)
    aid = open_agreement(suite, parties, token=token.address)
    receipt = deposit(suite, aid, 1000 * ETH, token.address)
    (event,) = events(revenue, receipt, "RevenueDeposited")
    assert event["args"]["amount"] == 990 * ETH
    assert revenue.functions.accountOf(aid).call()[4] == 990 * ETH
    suite.transact(revenue.functions.claim(aid), parties[2].address)
    assert_conserved(
        suite, token.functions.balanceOf(revenue.address).call(), {aid: books(parties)}
    )
    reverts(suite, revenue.functions.deposit(aid, token.address, 1), payer, "RevenueZeroAmount")


def test_no_return_token_deposit_and_claim_work_when_token_returns_nothing(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    token = admitted_token(suite, "NoReturnToken")
    payer = suite.accounts[8].address
    suite.transact(token.functions.mint(payer, 10**24), payer)
    suite.transact(token.functions.approve(revenue.address, 10**24), payer)
    aid = open_agreement(suite, parties, token=token.address)
    deposit(suite, aid, 10**6, token.address)
    suite.transact(revenue.functions.claim(aid), parties[1].address)
    assert token.functions.balanceOf(parties[1].address).call() == 10**6 * 3333 // 10_000
    assert_conserved(
        suite, token.functions.balanceOf(revenue.address).call(), {aid: books(parties)}
    )


# ---------------------------------------------------------------------------------------
# Rejections
# ---------------------------------------------------------------------------------------


def test_deposit_reverts_when_input_is_bad(suite: Any, parties: list[Any]) -> None:
    revenue = suite["Revenue"]
    token = admitted_token(suite, "MintableToken", 18)
    aid = open_agreement(suite, parties)
    payer = suite.accounts[8].address
    reverts(
        suite,
        revenue.functions.deposit(aid, token.address, ETH),
        payer,
        "RevenueWrongToken",
        agreement=aid,
    )
    reverts(
        suite,
        revenue.functions.deposit(aid, ZERO_ADDRESS, 0),
        payer,
        "RevenueZeroAmount",
        agreement=aid,
    )
    reverts(
        suite,
        revenue.functions.deposit(aid, ZERO_ADDRESS, ETH),
        payer,
        "RevenueValueMismatch",
        value=ETH - 1,
    )
    reverts(
        suite,
        revenue.functions.deposit(keccak(text="nope"), ZERO_ADDRESS, 1),
        payer,
        "AgreementNotFound",
        value=1,
    )
    erc = open_agreement(suite, parties, salt=b"\x09" * 32, token=token.address)
    reverts(
        suite,
        revenue.functions.deposit(erc, token.address, 1),
        payer,
        "RevenueValueMismatch",
        value=1,
    )
    reverts(
        suite, revenue.functions.deposit(erc, ZERO_ADDRESS, 1), payer, "RevenueWrongToken", value=1
    )
    assert suite.w3.eth.get_balance(revenue.address) == 0


def test_deposit_reverts_when_agreement_not_active(suite: Any, parties: list[Any]) -> None:
    register_all(suite, [p.address for p in parties])
    aid = propose(suite, parties[0], default_params(suite, parties))
    reverts(
        suite,
        suite["Revenue"].functions.deposit(aid, ZERO_ADDRESS, 1),
        parties[0].address,
        "AgreementNotActive",
        value=1,
    )


def test_plain_eth_transfer_reverts_when_sent_to_revenue(suite: Any) -> None:
    with pytest.raises(Exception):  # noqa: B017,PT011 - no receive/fallback: the node rejects it
        suite.w3.eth.send_transaction(
            {"from": suite.accounts[8].address, "to": suite["Revenue"].address, "value": 1}
        )
    assert suite.w3.eth.get_balance(suite["Revenue"].address) == 0


def test_hooks_revert_when_caller_is_not_the_module(suite: Any, parties: list[Any]) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties)
    who = parties[0].address
    reverts(suite, revenue.functions.onMembershipChange(aid, []), who, "RevenueUnauthorized")
    reverts(suite, revenue.functions.onWeightConfirmed(aid, who, 0, 5), who, "RevenueUnauthorized")
    reverts(suite, revenue.functions.lockBond(aid, who, 1), who, "RevenueUnauthorized", value=1)
    reverts(suite, revenue.functions.releaseBond(aid, who, 1), who, "RevenueUnauthorized")
    reverts(suite, revenue.functions.forfeitBond(aid, who, 1), who, "RevenueUnauthorized")


# ---------------------------------------------------------------------------------------
# Weighted mode
# ---------------------------------------------------------------------------------------


def test_weighted_deposit_is_held_when_nobody_has_confirmed_weight(
    suite: Any, parties: list[Any], fund: str
) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties, revenue_mode=WEIGHTED, fund_share_bps=1000)
    receipt = deposit(suite, aid, 10 * ETH)
    assert events(revenue, receipt, "RevenueDeposited")[0]["args"]["allocated"] == 0
    assert revenue.functions.accountOf(aid).call()[7] == 10 * ETH
    reverts(
        suite, revenue.functions.allocateHeld(aid), parties[0].address, "RevenueNothingToAllocate"
    )
    confirm_weight(suite, aid, parties[0], parties[1], 30)
    confirm_weight(suite, aid, parties[1], parties[0], 10)
    assert revenue.functions.weightOf(aid, parties[0].address).call() == 30
    suite.transact(revenue.functions.allocateHeld(aid), parties[2].address)
    assert revenue.functions.accountOf(aid).call()[7] == 0
    assert claimable(suite, aid, parties[0].address) == 675 * ETH // 100
    assert claimable(suite, aid, parties[1].address) == 225 * ETH // 100
    assert claimable(suite, aid, parties[2].address) == 0
    assert revenue.functions.fundClaimableOf(aid).call() == ETH
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)})


def test_weighted_deposit_uses_weight_at_deposit_time_when_weight_changes_later(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties, revenue_mode=WEIGHTED, fund_share_bps=500)
    confirm_weight(suite, aid, parties[0], parties[1], 10)
    deposit(suite, aid, 2 * ETH)  # all parties' share to parties[0]
    confirm_weight(suite, aid, parties[1], parties[0], 10)
    deposit(suite, aid, 2 * ETH)  # split 50/50
    assert claimable(suite, aid, parties[0].address) == 19 * ETH // 10 + 95 * ETH // 100
    assert claimable(suite, aid, parties[1].address) == 95 * ETH // 100
    deposit(suite, aid, 7)
    confirm_weight(suite, aid, parties[2], parties[0], 3)
    for amount in (1, 13, 10**9 + 7):
        deposit(suite, aid, amount)
    suite.transact(revenue.functions.claim(aid), parties[2].address)
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)})


# ---------------------------------------------------------------------------------------
# Amendments mid-stream
# ---------------------------------------------------------------------------------------


def test_amendment_keeps_old_split_for_past_deposits_when_shares_change(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties, shares=[5000, 3000, 2000], fund_share_bps=1000)
    deposit(suite, aid, 10 * ETH)
    amend_shares(suite, aid, parties, [2000, 3000, 5000])
    deposit(suite, aid, 10 * ETH)
    assert claimable(suite, aid, parties[0].address) == 45 * ETH // 10 + 18 * ETH // 10
    assert claimable(suite, aid, parties[2].address) == 18 * ETH // 10 + 45 * ETH // 10
    assert revenue.functions.accountOf(aid).call()[11] == 1  # one membership epoch
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)})


def test_removed_party_keeps_what_it_was_owed_when_removed_mid_stream(suite: Any) -> None:
    revenue = suite["Revenue"]
    governance = suite["Governance"]
    parties = list(suite.accounts[1:5])
    aid = open_agreement(suite, parties, shares=equal_shares(4), fund_share_bps=0)
    deposit(suite, aid, 4 * ETH)
    leaving = parties[3]
    receipt = suite.transact(
        governance.functions.proposeRemoveParty(aid, leaving.address, [3334, 3333, 3333]),
        parties[0].address,
    )

    pass_proposal(
        suite,
        receipt,
        parties[:3],
        encode(["address", "uint16[]"], [leaving.address, [3334, 3333, 3333]]),
    )
    deposit(suite, aid, 3 * ETH)
    assert claimable(suite, aid, leaving.address) == ETH
    assert claimable(suite, aid, parties[1].address) == ETH + 3 * ETH * 3333 // 10_000
    suite.transact(revenue.functions.claim(aid), leaving.address)
    assert claimable(suite, aid, leaving.address) == 0
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)})


def test_removed_weighted_party_stops_earning_when_removed(suite: Any) -> None:
    revenue = suite["Revenue"]
    governance = suite["Governance"]
    parties = list(suite.accounts[1:5])
    aid = open_agreement(suite, parties, revenue_mode=WEIGHTED, fund_share_bps=0)
    confirm_weight(suite, aid, parties[3], parties[0], 10)
    confirm_weight(suite, aid, parties[0], parties[1], 10)
    deposit(suite, aid, 2 * ETH)
    receipt = suite.transact(
        governance.functions.proposeRemoveParty(aid, parties[3].address, [3334, 3333, 3333]),
        parties[0].address,
    )

    pass_proposal(
        suite,
        receipt,
        parties[:3],
        encode(["address", "uint16[]"], [parties[3].address, [3334, 3333, 3333]]),
    )
    assert revenue.functions.weightOf(aid, parties[3].address).call() == 0
    deposit(suite, aid, 2 * ETH)
    assert claimable(suite, aid, parties[3].address) == ETH
    assert claimable(suite, aid, parties[0].address) == 3 * ETH
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)})


# ---------------------------------------------------------------------------------------
# Claims: payout, suspension, closure, hostile receivers, forced ETH
# ---------------------------------------------------------------------------------------


def test_claim_pays_payout_address_when_party_set_one(suite: Any, parties: list[Any]) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties, shares=[5000, 3000, 2000])
    payout = suite.accounts[7].address
    receipt = suite.transact(revenue.functions.setPayoutAddress(aid, payout), parties[0].address)
    assert events(revenue, receipt, "PayoutAddressSet")[0]["args"]["payout"] == payout
    assert revenue.functions.payoutOf(aid, parties[0].address).call() == payout
    deposit(suite, aid, 2 * ETH)
    before = suite.w3.eth.get_balance(payout)
    suite.transact(revenue.functions.claim(aid), parties[0].address)
    assert suite.w3.eth.get_balance(payout) == before + ETH


def test_claim_works_when_party_is_suspended_or_agreement_closed(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    governance = suite["Governance"]
    aid = open_agreement(suite, parties, shares=[5000, 3000, 2000])
    deposit(suite, aid, 2 * ETH)
    suite.transact(
        suite["ParkRegistry"].functions.suspend(parties[0].address, b"\x00" * 32),
        suite.accounts[0].address,
    )
    suite.transact(revenue.functions.claim(aid), parties[0].address)  # suspended, still its own
    suite.transact(
        suite["ParkRegistry"].functions.reinstate(parties[0].address), suite.accounts[0].address
    )
    receipt = suite.transact(governance.functions.proposeTerminate(aid), parties[0].address)
    pass_proposal(suite, receipt, parties, b"")
    assert suite["Agreements"].functions.statusOf(aid).call() == 3
    reverts(
        suite,
        revenue.functions.deposit(aid, ZERO_ADDRESS, 1),
        parties[0].address,
        "AgreementNotActive",
        value=1,
    )
    suite.transact(revenue.functions.claim(aid), parties[1].address)
    assert claimable(suite, aid, parties[1].address) == 0
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)})


def hostile_agreement(suite: Any, parties: list[Any]) -> tuple[bytes, Any]:
    wallet = suite.deploy_fixture("HostileParty")
    aid = open_agreement_with_contract(suite, parties[:2], wallet, shares=[4000, 3000, 3000])
    return aid, wallet


def test_reverting_receiver_blocks_only_itself_when_claiming(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    aid, wallet = hostile_agreement(suite, parties)
    deposit(suite, aid, 10 * ETH)
    suite.transact(wallet.functions.setMode(1, ZERO_ADDRESS, b""), parties[0].address)
    claim = revenue.functions.claim(aid)._encode_transaction_data()
    with pytest.raises(RevertError) as err:
        suite.transact(wallet.functions.exec(revenue.address, claim), parties[0].address)
    assert err.value.name == "RevenueTransferFailed"
    assert claimable(suite, aid, wallet.address) == 3 * ETH
    suite.transact(revenue.functions.claim(aid), parties[0].address)  # others are not blocked
    set_payout = revenue.functions.setPayoutAddress(
        aid, suite.accounts[7].address
    )._encode_transaction_data()
    suite.transact(wallet.functions.exec(revenue.address, set_payout), parties[0].address)
    suite.transact(wallet.functions.exec(revenue.address, claim), parties[0].address)
    assert claimable(suite, aid, wallet.address) == 0
    assert_conserved(
        suite,
        suite.w3.eth.get_balance(revenue.address),
        {aid: [p.address for p in parties[:2]] + [wallet.address]},
    )


def test_reentering_receiver_is_paid_once_when_it_reenters_claim(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    aid, wallet = hostile_agreement(suite, parties)
    deposit(suite, aid, 10 * ETH)
    claim = revenue.functions.claim(aid)._encode_transaction_data()
    suite.transact(wallet.functions.setMode(2, revenue.address, claim), parties[0].address)
    with pytest.raises(RevertError):
        suite.transact(wallet.functions.exec(revenue.address, claim), parties[0].address)
    assert claimable(suite, aid, wallet.address) == 3 * ETH
    suite.transact(wallet.functions.setMode(3, revenue.address, claim), parties[0].address)
    suite.transact(wallet.functions.exec(revenue.address, claim), parties[0].address)
    assert wallet.functions.reentryAttempts().call() == 1
    assert not wallet.functions.reentrySucceeded().call()
    assert suite.w3.eth.get_balance(wallet.address) == 3 * ETH
    assert claimable(suite, aid, wallet.address) == 0


def test_forced_eth_only_adds_to_balance_when_sent_by_selfdestruct(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties)
    deposit(suite, aid, ETH)
    factory = suite.w3.eth.contract(
        abi=suite.artifacts["ForceSender"].abi, bytecode=suite.artifacts["ForceSender"].bytecode
    )
    suite.transact(factory.constructor(revenue.address), suite.accounts[8].address, value=12345)
    assert suite.w3.eth.get_balance(revenue.address) == ETH + 12345
    assert_conserved(
        suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)}, forced=12345
    )
    for p in parties:
        suite.transact(revenue.functions.claim(aid), p.address)
    assert_conserved(
        suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties)}, forced=12345
    )


def test_deposit_advances_hash_chain_when_deposited(suite: Any, parties: list[Any]) -> None:
    revenue = suite["Revenue"]
    aid = open_agreement(suite, parties)
    head = suite["Agreements"].functions.headOf(aid).call()
    receipt = deposit(suite, aid, 3 * ETH)
    args = events(revenue, receipt, "RevenueDeposited")[0]["args"]
    data = keccak(
        encode(
            ["address", "address", "uint256", "uint256", "uint256", "uint256"],
            [
                args["depositor"],
                args["token"],
                args["amount"],
                args["allocated"],
                args["accPerUnit"],
                args["carryScaled"],
            ],
        )
    )
    assert suite["Agreements"].functions.headOf(aid).call() == fold(
        head, topic0(revenue, "RevenueDeposited"), data
    )
