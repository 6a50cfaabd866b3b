"""Auditor speed: contribution records audited per second, on a managed anvil.

`run(size)` deploys the suite on a fresh anvil, records `size` contributions in batches of 100,
confirms the first record of every batch, deposits and claims, then times one full audit
(`eth_getLogs` streaming, decoding, every check and its batched `eth_call`s). Standalone:
`python -m bench.audit_speed --size 10000`. In `make bench`, `audit` compares it with decoding
the same logs through web3.py's contract event API at several sizes.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils import keccak

from bench.park_setup import ZERO_ADDRESS, make_agreement
from bench.report import RateRow, Section, Spread, rate_figure
from ledger.audit import run_audit
from ledger.dev.sandbox import Sandbox
from ledger.domain.merkle import RecordedBatch
from ledger.domain.structs import Contribution, ContributionKind
from ledger.infra.chain import AnvilChain
from ledger.infra.compiler import compile_project
from ledger.infra.deploy import deploy_suite

BATCH = 100
GOAL_RECORDS_PER_SECOND = 10_000
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (200,)


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


@dataclass(frozen=True)
class AuditSpeed:
    """One history's audit timings against the web3.py decoding baseline, repeated."""

    records: int
    events: int
    build_seconds: float
    ours: Spread
    baseline: Spread
    passed: bool


def decode_with_web3(w3: Any, contracts: Mapping[str, Any]) -> int:
    """The baseline: fetch every log of the suite and decode each with web3.py's contract event
    API (`contract.events.X().process_log`); how many logs were decoded."""
    by_address = {c.address: c for c in contracts.values()}
    events: dict[tuple[str, bytes], Any] = {}
    for contract in contracts.values():
        for item in contract.abi:
            if item["type"] == "event" and not item.get("anonymous"):
                signature = f"{item['name']}({','.join(i['type'] for i in _canonical(item))})"
                events[(contract.address, keccak(text=signature))] = contract.events[item["name"]]
    logs = w3.eth.get_logs({"fromBlock": 0, "toBlock": "latest", "address": list(by_address)})
    for log in logs:
        events[(log["address"], bytes(log["topics"][0]))]().process_log(log)
    return len(logs)


def _canonical(event: Mapping[str, Any]) -> list[dict[str, str]]:
    """Event inputs with tuples spelled as their component types, as in the topic hash."""
    return [{"type": _abi_type(i)} for i in event["inputs"]]


def _abi_type(item: Mapping[str, Any]) -> str:
    if not item["type"].startswith("tuple"):
        return str(item["type"])
    inner = ",".join(_abi_type(c) for c in item["components"])
    return f"({inner}){item['type'][len('tuple') :]}"


def measure(size: int, *, repeats: int = 3) -> AuditSpeed:
    """Build a `size`-record history on a fresh anvil, then audit it and decode it with web3.py
    `repeats` times each, alternated; records per second for both."""
    artifacts = compile_project()
    with (
        tempfile.TemporaryDirectory() as tmp,
        AnvilChain(state_file=None, accounts=4, log_file=Path(tmp) / "anvil.log") as anvil,
    ):
        deployment = deploy_suite(anvil.w3, artifacts, deployer=anvil.accounts[0].address)
        ctx = Sandbox.on(chain=anvil, artifacts=artifacts, deployment=deployment)
        started = time.perf_counter()
        record_history(ctx, records=size)
        build_seconds = time.perf_counter() - started
        abis = {name: artifacts[name].abi for name in deployment.contracts}
        contracts = {name: ctx[name] for name in deployment.contracts}
        ours: list[float] = []
        baseline: list[float] = []
        passed, events = True, 0
        for _ in range(repeats):
            started = time.perf_counter()
            report = run_audit(w3=anvil.w3, deployment=deployment, abis=abis)
            ours.append(size / (time.perf_counter() - started))
            passed, events = passed and report.passed, report.events
            started = time.perf_counter()
            decode_with_web3(anvil.w3, contracts)
            baseline.append(size / (time.perf_counter() - started))
    return AuditSpeed(
        size, events, build_seconds, Spread(tuple(ours)), Spread(tuple(baseline)), passed
    )


def run(size: int = 10_000) -> dict[str, Any]:
    """Audit a `size`-record history on anvil once; records per second and the result."""
    speed = measure(size, repeats=1)
    return {
        "records": size,
        "events": speed.events,
        "build_seconds": round(speed.build_seconds, 3),
        "records_per_second": round(speed.ours.median),
        "web3_decode_records_per_second": round(speed.baseline.median),
        "goal_records_per_second": GOAL_RECORDS_PER_SECOND,
        "passed": speed.passed,
    }


def audit(args: argparse.Namespace, plots_dir: Path) -> list[Section]:
    """The audit section: records/s at 1k, 10k and 100k vs web3.py's event decoding."""
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    repeats = 1 if args.quick else 3
    speeds = [measure(size, repeats=repeats) for size in sizes]
    rows = [RateRow(f"{s.records:,} records", s.ours, s.baseline) for s in speeds]
    labels = {"ours": "auditor (every check)", "baseline": "web3.py process_log"}
    figure, plot = rate_figure(
        rows,
        title="Audit: records per second",
        unit="records/s",
        out=plots_dir / "audit.png",
        **labels,
    )
    growth = ["| records | history built in | audit median | seconds per 1k records | goal | |"]
    growth.append("|---:|---:|---:|---:|---|---|")
    for s in speeds:
        met = s.ours.median >= GOAL_RECORDS_PER_SECOND and s.passed
        growth.append(
            f"| {s.records:,} | {s.build_seconds:.1f} s | {s.records / s.ours.median:.2f} s "
            f"| {1000 / s.ours.median:.3f} | ≥ {GOAL_RECORDS_PER_SECOND:,}/s "
            f"| {'met' if met else '**MISSED**'} |"
        )
    body = "\n".join(
        [
            "Each history (two parties, batches of 100 recorded on a fresh anvil, the first "
            "record of each batch confirmed, a deposit and a claim) is audited in full: "
            "`eth_getLogs`, decoding, the hash chain, every check and its `eth_call`s. The "
            "baseline fetches the same logs and only decodes each with web3.py "
            "(`contract.events.X().process_log`), no checks. Median (min-max) over "
            f"{repeats} alternating runs.",
            "",
            figure,
            "",
            "Linear growth: seconds per 1k records should stay flat as the history grows.",
            "",
            *growth,
        ]
    )
    return [Section("Audit speed", body, [plot])]


def main() -> None:
    """`python -m bench.audit_speed [--size N]`: print the measurement as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="contribution records")
    print(json.dumps(run(parser.parse_args().size), indent=2))


if __name__ == "__main__":
    main()
