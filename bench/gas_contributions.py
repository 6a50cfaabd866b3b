"""Gas of Contributions: single record, batches of 1/10/100 (with the per-record marginal),
confirm, dispute and mature (after the challenge window). Steady state: the agreement already
has a recorded batch."""

from __future__ import annotations

from typing import Any

from bench.context import per_record_entries
from bench.park_setup import CHALLENGE_WINDOW_S, ZERO_ADDRESS, advance_time, make_agreement

BATCH_SIZES = (1, 10, 100)


def contribution(i: int) -> tuple[int, int, bytes, int, str]:
    """A distinct design contribution of weight 10 without AI involvement."""
    return (0, 10, i.to_bytes(32, "big"), 0, ZERO_ADDRESS)


def measure(ctx: Any) -> dict[str, int]:
    """Record, batch, confirm, dispute and mature gas."""
    contributions = ctx["Contributions"]
    agreements = ctx["Agreements"]
    parties = [a.address for a in ctx.accounts[1:4]]
    agreement_id = make_agreement(ctx, parties, confirmations=1)
    alice, bob = parties[0], parties[1]
    ctx.transact(contributions.functions.record(agreement_id, contribution(10_000)), alice)

    entries: dict[str, int] = {}
    entries["contributions.record.single"] = ctx.gas(
        contributions.functions.record(agreement_id, contribution(1)), alice
    )
    batch_gas: dict[int, int] = {}
    for size in BATCH_SIZES:
        records = [contribution(1_000 * size + i) for i in range(size)]
        batch_gas[size] = ctx.gas(contributions.functions.recordBatch(agreement_id, records), alice)
        entries[f"contributions.record_batch.{size}"] = batch_gas[size]
    entries.update(per_record_entries("contributions.record_batch", batch_gas))

    def single(i: int) -> tuple[Any, ...]:
        record = contribution(i)
        pre_head = ctx.call(agreements.functions.headOf(agreement_id))
        receipt = ctx.transact(contributions.functions.record(agreement_id, record), alice)
        event = contributions.events.ContributionsRecorded().process_receipt(receipt)[0]
        return (event["args"]["batchRoot"], pre_head, 0, alice, record, [])

    proof = single(2)
    entries["contributions.confirm"] = ctx.gas(
        contributions.functions.confirm(agreement_id, proof), bob
    )
    proof = single(3)
    entries["contributions.dispute"] = ctx.gas(
        contributions.functions.dispute(agreement_id, proof, b"\x01" * 32), bob
    )

    weighted_id = make_agreement(ctx, parties, mode=1, fund_bps=500, confirmations=1)
    record = contribution(4)
    pre_head = ctx.call(agreements.functions.headOf(weighted_id))
    receipt = ctx.transact(contributions.functions.record(weighted_id, record), alice)
    root = contributions.events.ContributionsRecorded().process_receipt(receipt)[0]["args"]
    weighted_proof: tuple[Any, ...] = (root["batchRoot"], pre_head, 0, alice, record, [])
    entries["contributions.confirm.weighted"] = ctx.gas(
        contributions.functions.confirm(weighted_id, weighted_proof), bob
    )
    advance_time(ctx, CHALLENGE_WINDOW_S)
    # NOTE: the first maturity of an agreement pays Revenue's fresh weight slots once.
    entries["contributions.mature.weighted"] = ctx.gas(
        contributions.functions.mature(weighted_id, [weighted_proof]), bob
    )
    return entries
