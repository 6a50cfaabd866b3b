"""Gas of Commitments: commit with and without an ETH bond, submit, fulfil (the accepting
confirmation that returns the bond), reject, the arbiter's rulings (bond returned, or forfeited
with the breach), settle after an unrejected review (bond returned) and breach (bond forfeited
to the co-parties)."""

from __future__ import annotations

from typing import Any

from bench.park_setup import DAY_S, advance_time, make_agreement

BOND = 10**17


def measure(ctx: Any) -> dict[str, int]:
    """Commitment lifecycle gas (3 parties, one confirmation required, fixed shares)."""
    commitments = ctx["Commitments"]
    parties = [a.address for a in ctx.accounts[1:4]]
    agreement_id = make_agreement(ctx, parties, confirmations=1, fund_bps=500)
    alice, bob = parties[0], parties[1]
    now = int(ctx.w3.eth.get_block("latest")["timestamp"])
    deadline = now + 30 * DAY_S
    description = b"\x0d" * 32

    def commit(bond: int) -> Any:
        return commitments.functions.commit(agreement_id, 0, description, deadline, bond)

    ctx.transact(commit(BOND), alice, value=BOND)  # warm the id counter and bond counters
    entries: dict[str, int] = {
        "commitments.commit.no_bond": ctx.gas(commit(0), alice),
        "commitments.commit.bond_eth": ctx.gas(commit(BOND), alice, BOND),
    }
    fulfil_id = int(ctx.call(commitments.functions.commitmentCount()))
    deliverable = b"\x0e" * 32
    entries["commitments.submit"] = ctx.gas(
        commitments.functions.submitDeliverable(agreement_id, fulfil_id, deliverable), alice
    )
    entries["commitments.fulfil"] = ctx.gas(
        commitments.functions.acceptDeliverable(agreement_id, fulfil_id, deliverable), bob
    )
    ctx.transact(commit(BOND), alice, value=BOND)
    breach_id = int(ctx.call(commitments.functions.commitmentCount()))
    advance_time(ctx, 34 * DAY_S)
    entries["commitments.breach"] = ctx.gas(
        commitments.functions.markBreached(agreement_id, breach_id), bob
    )
    return entries | _review(ctx, agreement_id, deliverable)


def _review(ctx: Any, agreement_id: bytes, deliverable: bytes) -> dict[str, int]:
    """Reject two bonded deliverables and rule one Fulfilled, one Breached; settle a third,
    unrejected, after its review period."""
    commitments, registry = ctx["Commitments"], ctx["ParkRegistry"]
    alice, bob, arbiter = (a.address for a in (ctx.accounts[1], ctx.accounts[2], ctx.accounts[5]))
    role = ctx.call(registry.functions.ARBITER_ROLE())
    ctx.transact(registry.functions.grantRole(role, arbiter), ctx.accounts[0].address)
    deadline = int(ctx.w3.eth.get_block("latest")["timestamp"]) + 30 * DAY_S
    first = int(ctx.call(commitments.functions.commitmentCount())) + 1
    for cid in range(first, first + 3):
        fn = commitments.functions.commit(agreement_id, 0, b"\x0d" * 32, deadline, BOND)
        ctx.transact(fn, alice, value=BOND)
        ctx.transact(commitments.functions.submitDeliverable(agreement_id, cid, deliverable), alice)
    reason = b"\x0f" * 32
    entries = {
        "commitments.reject": ctx.gas(
            commitments.functions.rejectDeliverable(agreement_id, first, reason), bob
        )
    }
    ctx.transact(commitments.functions.rejectDeliverable(agreement_id, first + 1, reason), bob)
    for cid, ruling, name in ((first, 3, "fulfilled"), (first + 1, 4, "breached")):
        fn = commitments.functions.arbitrate(agreement_id, cid, ruling, reason)
        entries[f"commitments.arbitrate.{name}"] = ctx.gas(fn, arbiter)
    advance_time(ctx, 8 * DAY_S)
    settle = commitments.functions.settle(agreement_id, first + 2)
    entries["commitments.settle"] = ctx.gas(settle, bob)
    return entries
