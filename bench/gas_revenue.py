"""Gas of Revenue: deposit and claim at N = 2, 10, 64 parties in both revenue modes.

Deposits and claims are O(1) in the number of parties, so the entries must stay flat in N.
Entries are steady state: the agreement has already seen a deposit and the party a claim, so
no entry pays for a fresh storage slot (the first-ever claim of a party, which does, is
reported once as `revenue.claim.first.*`).
"""

from __future__ import annotations

from typing import Any

from bench.park_setup import (
    CHALLENGE_WINDOW_S,
    CONTRIBUTION_WEIGHTED,
    FIXED_SHARES,
    ZERO_ADDRESS,
    advance_time,
    make_agreement,
)

PARTY_COUNTS = (2, 10, 64)
FUND_BPS = 500
DEPOSIT = 10**18


def _confirm_weight(ctx: Any, agreement_id: bytes, contributor: str, confirmer: str) -> None:
    """`contributor` records one contribution, `confirmer` confirms it and, after the challenge
    window, it matures (weighted units)."""
    contributions = ctx["Contributions"]
    record = (0, 10, b"\x11" * 32, 0, ZERO_ADDRESS)
    pre_head = ctx.call(ctx["Agreements"].functions.headOf(agreement_id))
    receipt = ctx.transact(contributions.functions.record(agreement_id, record), contributor)
    root = contributions.events.ContributionsRecorded().process_receipt(receipt)[0]["args"][
        "batchRoot"
    ]
    proof: tuple[Any, ...] = (root, pre_head, 0, contributor, record, [])
    ctx.transact(contributions.functions.confirm(agreement_id, proof), confirmer)
    advance_time(ctx, CHALLENGE_WINDOW_S)
    ctx.transact(contributions.functions.mature(agreement_id, [proof]), confirmer)


def measure(ctx: Any) -> dict[str, int]:
    """Deposit and claim gas per mode and party count."""
    revenue = ctx["Revenue"]
    depositor = ctx.accounts[-1].address
    entries: dict[str, int] = {}
    for label, mode in (("fixed", FIXED_SHARES), ("weighted", CONTRIBUTION_WEIGHTED)):
        for n in PARTY_COUNTS:
            parties = [a.address for a in ctx.accounts[1 : n + 1]]
            agreement_id = make_agreement(ctx, parties, mode=mode, fund_bps=FUND_BPS)
            if mode == CONTRIBUTION_WEIGHTED:
                _confirm_weight(ctx, agreement_id, parties[0], parties[1])
                _confirm_weight(ctx, agreement_id, parties[1], parties[0])
            deposit = revenue.functions.deposit(agreement_id, ZERO_ADDRESS, DEPOSIT)
            ctx.transact(deposit, depositor, value=DEPOSIT)
            entries[f"revenue.deposit.{label}.parties_{n}"] = ctx.gas(deposit, depositor, DEPOSIT)
            claim = revenue.functions.claim(agreement_id)
            first = ctx.gas(claim, parties[1])
            if n == PARTY_COUNTS[0]:
                entries[f"revenue.claim.first.{label}.parties_{n}"] = first
            ctx.transact(deposit, depositor, value=DEPOSIT)
            entries[f"revenue.claim.{label}.parties_{n}"] = ctx.gas(claim, parties[1])
    entries.update(_erc20_deposit(ctx))
    return entries


def _erc20_deposit(ctx: Any) -> dict[str, int]:
    """An 18-decimal ERC-20 deposit and claim (fixed shares, 10 parties)."""
    revenue = ctx["Revenue"]
    depositor = ctx.accounts[-1].address
    token = ctx.deploy_fixture("MintableToken", 18)
    admit = ctx["ParkRegistry"].functions.setTokenAdmitted(token.address, True)
    ctx.transact(admit, ctx.accounts[0].address)
    ctx.transact(token.functions.mint(depositor, 10 * DEPOSIT), depositor)
    ctx.transact(token.functions.approve(revenue.address, 10 * DEPOSIT), depositor)
    parties = [a.address for a in ctx.accounts[1:11]]
    agreement_id = make_agreement(ctx, parties, fund_bps=FUND_BPS, token=token.address)
    deposit = revenue.functions.deposit(agreement_id, token.address, DEPOSIT)
    ctx.transact(deposit, depositor)
    gas = ctx.gas(deposit, depositor)
    claim = revenue.functions.claim(agreement_id)
    ctx.transact(claim, parties[1])
    ctx.transact(deposit, depositor)
    return {
        "revenue.deposit.erc20.fixed.parties_10": gas,
        "revenue.claim.erc20.fixed.parties_10": ctx.gas(claim, parties[1]),
    }
