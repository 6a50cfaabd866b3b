"""Reads under load: the API's list endpoints over 100k indexed contribution records, served by
`park-ledger serve` (uvicorn subprocess, managed anvil), loaded from this process on loopback
by an async httpx client with N concurrent connections.

The index is built as the indexer writes it: a real history (records sent to anvil, indexed by
the server's own indexer), then its `contributions` rows replicated in SQL with new record ids,
batch roots and evidence hashes (keccak of the original and the copy number) until the table
holds the target count. Every other column (agreement, contributor, kind, weight, status,
blocks, times) is the indexer's own value, so each query plan and page is what 100k indexed
records give; going through the chain for 100k records would take minutes.

Baseline in the same run: `GET /health` (no database) under the same load, the floor the web
stack sets.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from eth_utils import keccak
from sqlalchemy import Table, create_engine, insert, select

from bench.ingest import PARTIES, open_agreement, records, wait_indexed
from bench.report import RateRow, Section, Spread, rate_figure
from bench.serving import ready, served
from ledger.chain.base import dev_accounts
from ledger.indexer.models import Contribution as ContributionRow

GOAL_RPS = 1_000
GOAL_P99_MS = 50.0
CHUNK = 5_000


@dataclass(frozen=True)
class ReadsSize:
    """The index to build and the load to put on it."""

    indexed: int
    real: int
    connections: int
    requests: int
    seconds: float
    repeats: int


FULL = ReadsSize(indexed=100_000, real=1_000, connections=32, requests=5_000, seconds=10, repeats=3)
QUICK = ReadsSize(indexed=400, real=40, connections=4, requests=40, seconds=5, repeats=1)


@dataclass(frozen=True)
class Load:
    """One load run: requests completed per second and their latencies in milliseconds."""

    rate: float
    timed: tuple[tuple[str, float], ...]
    errors: int

    def percentile(self, q: int, path: str | None = None) -> float:
        """The q-th percentile latency (ms), of every request or of one path's."""
        return percentile([ms for p, ms in self.timed if path in {None, p}], q)


def percentile(latencies_ms: Sequence[float], q: int) -> float:
    """The q-th percentile of `latencies_ms`."""
    return statistics.quantiles(latencies_ms, n=100, method="inclusive")[q - 1]


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


async def _load(url: str, paths: Sequence[str], size: ReadsSize) -> Load:
    """`size.connections` workers GET `paths` round-robin until `size.requests` are done or
    `size.seconds` pass; every answer must be 200. A dropped connection is counted, not
    retried (the rate counts only answered requests)."""
    timed: list[tuple[str, float]] = []
    errors = 0
    stop_at = time.perf_counter() + size.seconds
    issued = 0
    limits = httpx.Limits(max_connections=size.connections)

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal issued, errors
        while issued < size.requests and time.perf_counter() < stop_at:
            path = paths[issued % len(paths)]
            issued += 1
            started = time.perf_counter()
            try:
                response = await http.get(path)
            except httpx.TransportError:
                errors += 1
                continue
            timed.append((path, (time.perf_counter() - started) * 1000))
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:200]}")

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(size.connections)))
        elapsed = time.perf_counter() - started
    if len(timed) < 2 * len(paths):
        raise RuntimeError(f"the server answered {len(timed)} of {issued} requests")
    return Load(len(timed) / elapsed, tuple(timed), errors)


def measure(size: ReadsSize) -> tuple[list[Load], list[Load], int, list[str]]:
    """Build the index behind a served app, then load the list endpoints and `/health`
    alternately `size.repeats` times; both loads, the row count and the list paths."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-reads-") as tmp,
        served(Path(tmp)) as server,
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
        paths = [
            "/contributions?limit=50",
            f"/contributions?agreement_id={aid}&limit=50",
            f"/contributions?contributor={parties[1].address}&limit=50",
            f"/contributions?agreement_id={aid}&status=Pending&limit=50",
            f"/contributions?agreement_id={aid}&sort=weight&limit=50",
        ]
        lists: list[Load] = []
        health: list[Load] = []
        for _ in range(size.repeats):
            lists.append(asyncio.run(_load(server.url, paths, size)))
            health.append(asyncio.run(_load(server.url, ["/health"], size)))
    return lists, health, indexed, paths


def reads(args: argparse.Namespace, plots_dir: Path) -> list[Section]:
    """The reads section: list endpoints over 100k records vs `/health`, rate and latency."""
    size = QUICK if args.quick else FULL
    lists, health, indexed, paths = measure(size)
    row = RateRow(
        f"{size.connections} connections",
        Spread(tuple(load.rate for load in lists)),
        Spread(tuple(load.rate for load in health)),
    )
    labels = {"ours": "list endpoints", "baseline": "GET /health"}
    figure, plot = rate_figure(
        [row], title="Reads under load", unit="requests/s", out=plots_dir / "reads.png", **labels
    )
    latency = ["| | requests/s | p50 ms | p99 ms | dropped | goal | |"]
    latency.append("|---|---:|---:|---:|---:|---|---|")
    for name, loads in (("list endpoints", lists), ("GET /health", health)):
        rate = Spread(tuple(load.rate for load in loads))
        p50 = Spread(tuple(load.percentile(50) for load in loads))
        p99 = Spread(tuple(load.percentile(99) for load in loads))
        goal, verdict = "", ""
        if loads is lists:
            met = rate.median >= GOAL_RPS and p99.median <= GOAL_P99_MS
            goal = f"≥ {GOAL_RPS:,}/s, p99 ≤ {GOAL_P99_MS:g} ms"
            verdict = "met" if met else "**MISSED**"
        dropped = sum(load.errors for load in loads)
        latency.append(
            f"| {name} | {rate.cell()} | {_ms(p50)} | {_ms(p99)} | {dropped} | {goal} | {verdict} |"
        )
    queries = ["| query (list runs pooled) | p50 ms | p99 ms |", "|---|---:|---:|"]
    for path in paths:
        pooled = [ms for load in lists for p, ms in load.timed if p == path]
        queries.append(
            f"| `{path}` | {percentile(pooled, 50):.1f} | {percentile(pooled, 99):.1f} |"
        )
    body = "\n".join(
        [
            f"{indexed:,} indexed contribution records ({size.real:,} sent to anvil and indexed "
            "by the server, the rest replicated from those rows with new ids; see "
            "bench/reads.py). One uvicorn worker; the load generator (async httpx, "
            f"{size.connections} connections, at most {size.requests:,} requests or "
            f"{size.seconds:g} s a run) shares the same cores. The list mix, round-robin: "
            "`/contributions?limit=50`, filtered by agreement, by contributor, by agreement and "
            "status, and sorted by weight. Median (min-max) over "
            f"{size.repeats} alternating runs; dropped = connections the server reset (counted, "
            "not retried, not in the rate).",
            "",
            *latency,
            "",
            "Latency by query (all of the index's rows belong to one agreement, so the filter "
            "by agreement selects all 100k):",
            "",
            *queries,
            "",
            figure,
        ]
    )
    return [Section("Reads under load", body, [plot])]


def _ms(spread: Spread) -> str:
    return f"{spread.median:.1f} ({spread.low:.1f}-{spread.high:.1f})"
