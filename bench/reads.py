"""Reads under load: the API's list endpoints over 100k indexed contribution records, served by
`park-ledger serve --workers N` (one uvicorn worker process per core, the indexer and relayer
in the serving process, a managed anvil), loaded on loopback by `wrk` in its own process.

The index is built as the indexer writes it: a real history (records sent to anvil, indexed by
the server's own indexer), then its `contributions` rows replicated in SQL with new record ids,
batch roots and evidence hashes (keccak of the original and the copy number) until the table
holds the target count. Every other column (agreement, contributor, kind, weight, status,
blocks, times) is the indexer's own value, so each query plan and page is what 100k indexed
records give; going through the chain for 100k records would take minutes.

The load is five list queries, each over its first pages (the keyset cursors the API hands
out), round-robin (bench/reads.lua). Baseline in the same run: `GET /health` (no database)
under the same load, the floor the web stack sets.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from eth_utils import keccak
from sqlalchemy import Table, create_engine, insert, select

from bench.ingest import PARTIES, open_agreement, records, wait_indexed
from bench.report import RateRow, Section, Spread, rate_figure
from bench.serving import ready, served
from ledger.infra.chain.base import dev_accounts
from ledger.reads.indexer.models import Contribution as ContributionRow

GOAL_RPS = 1_000
GOAL_P99_MS = 50.0
CHUNK = 5_000
WRK_SCRIPT = Path(__file__).with_name("reads.lua")
WORKERS = max(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class ReadsSize:
    """The index to build, the server's worker processes and the load to put on them."""

    indexed: int
    real: int
    pages: int
    workers: int
    connections: int
    seconds: float
    repeats: int


FULL = ReadsSize(
    indexed=100_000, real=1_000, pages=20, workers=WORKERS, connections=32, seconds=10, repeats=3
)
QUICK = ReadsSize(indexed=400, real=40, pages=2, workers=2, connections=4, seconds=1, repeats=1)


@dataclass(frozen=True)
class Load:
    """One `wrk` run: answered requests per second, latency percentiles in milliseconds, and
    the requests that failed (socket errors, timeouts, non-2xx answers)."""

    rate: float
    p50: float
    p99: float
    failed: int


def wrk(url: str, paths: Sequence[str], size: ReadsSize) -> Load:
    """Load `url` with `wrk` (one thread, `size.connections` connections) GETting `paths`
    round-robin for `size.seconds`."""
    if shutil.which("wrk") is None:
        raise RuntimeError("the reads benchmark needs wrk: `make wrk` installs Debian's")
    command = ["wrk", "-t1", f"-c{size.connections}", f"-d{size.seconds:g}s", "--timeout", "10s"]
    command += ["-s", str(WRK_SCRIPT), url, "--", *paths]
    done = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=size.seconds + 60
    )
    totals = json.loads(done.stdout.strip().splitlines()[-1])
    if totals["requests"] == 0:
        raise RuntimeError(f"the server answered no request: {done.stdout}")
    return Load(
        rate=totals["requests"] / (totals["duration_us"] / 1e6),
        p50=totals["p50_us"] / 1000,
        p99=totals["p99_us"] / 1000,
        failed=int(totals["failed"]),
    )


def replicate(index_file: Path, *, target: int) -> int:
    """Copy the indexed `contributions` rows with new ids until there are `target`; the count."""
    engine = create_engine(f"sqlite:///{index_file}")
    table = ContributionRow.__table__
    assert isinstance(table, Table)  # a declarative model maps one table
    try:
        with engine.begin() as db:
            originals = [dict(row._mapping) for row in db.execute(select(table))]
            total, copy = len(originals), 0
            while total < target:
                copy += 1
                rows = [_copy(row, copy) for row in originals[: target - total]]
                for start in range(0, len(rows), CHUNK):
                    db.execute(insert(table), rows[start : start + CHUNK])
                total += len(rows)
    finally:
        engine.dispose()
    return total


def _copy(row: dict[str, object], copy: int) -> dict[str, object]:
    """`row` with its identities re-derived for copy number `copy`."""
    salt = copy.to_bytes(4, "big")
    changed = {
        name: "0x" + keccak(bytes.fromhex(str(row[name])[2:]) + salt).hex()
        for name in ("record_id", "batch_root", "evidence_hash")
    }
    return {**row, **changed}


def pages(http: httpx.Client, query: str, count: int) -> list[str]:
    """The paths of the first `count` pages of the list `query`, following `next_cursor`."""
    paths: list[str] = []
    path = query
    while len(paths) < count:
        paths.append(path)
        response = http.get(path)
        response.raise_for_status()
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
        path = str(httpx.URL(query).copy_merge_params({"cursor": cursor}))
    return paths


def measure(size: ReadsSize) -> tuple[list[Load], list[Load], dict[str, Load], int]:
    """Build the index behind a served app, then load the list pages and `/health`
    alternately `size.repeats` times, then each query alone once; both loads, the loads by
    query and the row count."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-reads-") as tmp,
        served(Path(tmp), workers=size.workers) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        ledger = server.ledger()
        accounts = dev_accounts(PARTIES + 1)
        agreement = open_agreement(ledger, accounts, salt="reads")
        parties = accounts[1:]
        per_party = max(1, size.real // len(parties))
        for n, party in enumerate(parties):
            batch = records(n * per_party, per_party)
            ledger.contributions.record_batch(agreement_id=agreement, records=batch, sender=party)
        wait_indexed(http, ready(http)["outbox"].get("confirmed", 0))
        indexed = replicate(server.index_file, target=size.indexed)
        aid = "0x" + agreement.hex()
        queries = [
            "/contributions?limit=50",
            f"/contributions?agreement_id={aid}&limit=50",
            f"/contributions?contributor={parties[1].address}&limit=50",
            f"/contributions?agreement_id={aid}&status=Pending&limit=50",
            f"/contributions?agreement_id={aid}&sort=weight&limit=50",
        ]
        by_query = {query: pages(http, query, size.pages) for query in queries}
        # NOTE: interleaved, so consecutive requests ask different queries and pages.
        mix = [path for group in zip(*by_query.values(), strict=False) for path in group]
        lists: list[Load] = []
        health: list[Load] = []
        for _ in range(size.repeats):
            lists.append(wrk(server.url, mix, size))
            health.append(wrk(server.url, ["/health"], size))
        alone = {query: wrk(server.url, paths, size) for query, paths in by_query.items()}
    return lists, health, alone, indexed


def reads(args: argparse.Namespace, plots_dir: Path) -> list[Section]:
    """The reads section: list endpoints over 100k records vs `/health`, rate and latency."""
    size = QUICK if args.quick else FULL
    lists, health, alone, indexed = measure(size)
    row = RateRow(
        f"{size.connections} connections",
        Spread(tuple(load.rate for load in lists)),
        Spread(tuple(load.rate for load in health)),
    )
    labels = {"ours": "list endpoints", "baseline": "GET /health"}
    figure, plot = rate_figure(
        [row], title="Reads under load", unit="requests/s", out=plots_dir / "reads.png", **labels
    )
    latency = ["| | requests/s | p50 ms | p99 ms | failed | goal | |"]
    latency.append("|---|---:|---:|---:|---:|---|---|")
    for name, loads in (("list endpoints", lists), ("GET /health", health)):
        rate = Spread(tuple(load.rate for load in loads))
        p50 = Spread(tuple(load.p50 for load in loads))
        p99 = Spread(tuple(load.p99 for load in loads))
        failed = sum(load.failed for load in loads)
        goal, verdict = "", ""
        if loads is lists:
            met = rate.median >= GOAL_RPS and p99.median <= GOAL_P99_MS and failed == 0
            goal = f"≥ {GOAL_RPS:,}/s, p99 ≤ {GOAL_P99_MS:g} ms"
            verdict = "met" if met else "**MISSED**"
        latency.append(
            f"| {name} | {rate.cell()} | {_ms(p50)} | {_ms(p99)} | {failed} | {goal} | {verdict} |"
        )
    queries = ["| query alone (its pages) | requests/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    for query, load in alone.items():
        queries.append(f"| `{query}` | {load.rate:,.0f} | {load.p50:.1f} | {load.p99:.1f} |")
    body = "\n".join(
        [
            f"{indexed:,} indexed contribution records ({size.real:,} sent to anvil and indexed "
            "by the server, the rest replicated from those rows with new ids; see "
            f"bench/reads.py). `park-ledger serve --workers {size.workers}`: "
            f"{size.workers} uvicorn worker processes serve HTTP, the serving process indexes "
            "and relays. The load generator is `wrk` (one thread, "
            f"{size.connections} connections, {size.seconds:g} s a run) in its own process "
            "on the same cores. The list mix, round-robin over the first "
            f"{size.pages} pages of each (bench/reads.lua): `/contributions?limit=50`, "
            "filtered by agreement, by contributor, by agreement and status, and sorted by "
            f"weight. Median (min-max) over {size.repeats} alternating runs; failed = socket "
            "errors, timeouts and non-2xx answers (not in the rate).",
            "",
            *latency,
            "",
            "Each query alone, one run (all of the index's rows belong to one agreement, so "
            "the filter by agreement selects all 100k):",
            "",
            *queries,
            "",
            figure,
        ]
    )
    return [Section("Reads under load", body, [plot])]


def _ms(spread: Spread) -> str:
    return f"{spread.median:.1f} ({spread.low:.1f}-{spread.high:.1f})"
