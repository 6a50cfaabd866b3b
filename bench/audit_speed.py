"""Auditor speed: contribution records audited per second, on a managed anvil.

`run(size)` deploys the suite on a fresh anvil, records `size` contributions in batches of 100,
confirms the first record of every batch, deposits and claims, then times one full audit
(`eth_getLogs` streaming, decoding, every check and its batched `eth_call`s). Standalone:
`python -m bench.audit_speed --size 10000`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from eth_utils import keccak

from bench.park_setup import ZERO_ADDRESS, make_agreement
from ledger.audit import run_audit
from ledger.chain import AnvilChain
from ledger.compiler import compile_project
from ledger.deploy import deploy_suite
from ledger.merkle import RecordedBatch
from ledger.sandbox import Sandbox
from ledger.structs import Contribution, ContributionKind

BATCH = 100
GOAL_RECORDS_PER_SECOND = 10_000


def record_history(ctx: Any, *, records: int, batch: int = BATCH) -> bytes:
    """An agreement of two parties with `records` contributions (any ParkContext); its id."""
    alice, bob = ctx.accounts[1].address, ctx.accounts[2].address
    agreement = make_agreement(ctx, [alice, bob])
    contributions, agreements = ctx["Contributions"], ctx["Agreements"]
    for start in range(0, records, batch):
        rows = [
            Contribution(ContributionKind(0), 1 + n % 50, keccak(text=f"evidence:{n}"))
            for n in range(start, min(start + batch, records))
        ]
        pre_head = bytes(ctx.call(agreements.functions.headOf(agreement)))
        abi_rows = [r.as_abi() for r in rows]
        ctx.transact(contributions.functions.recordBatch(agreement, abi_rows), alice)
        recorded = RecordedBatch.compute(
            agreement_id=agreement, contributor=alice, pre_head=pre_head, records=rows
        )
        ctx.transact(contributions.functions.confirm(agreement, recorded.proof(0).as_abi()), bob)
    ctx.transact(ctx["Revenue"].functions.deposit(agreement, ZERO_ADDRESS, 10**18), bob, 10**18)
    ctx.transact(ctx["Revenue"].functions.claim(agreement), alice)
    return agreement


def run(size: int = 10_000) -> dict[str, Any]:
    """Audit a `size`-record history on anvil; records per second and the report's result."""
    artifacts = compile_project()
    with (
        tempfile.TemporaryDirectory() as tmp,
        AnvilChain(state_file=None, accounts=4, log_file=Path(tmp) / "anvil.log") as anvil,
    ):
        deployment = deploy_suite(anvil.w3, artifacts, deployer=anvil.accounts[0].address)
        ctx = Sandbox.on(chain=anvil, artifacts=artifacts, deployment=deployment)
        record_history(ctx, records=size)
        abis = {name: artifacts[name].abi for name in deployment.contracts}
        started = time.perf_counter()
        report = run_audit(w3=anvil.w3, deployment=deployment, abis=abis)
        seconds = time.perf_counter() - started
    return {
        "records": size,
        "events": report.events,
        "seconds": round(seconds, 3),
        "records_per_second": round(size / seconds),
        "goal_records_per_second": GOAL_RECORDS_PER_SECOND,
        "passed": report.passed,
    }


def main() -> None:
    """`python -m bench.audit_speed [--size N]`: print the measurement as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="contribution records")
    print(json.dumps(run(parser.parse_args().size), indent=2))


if __name__ == "__main__":
    main()
