"""Ingest throughput: contribution records per second from signed intent to confirmed and
indexed, through the API, against a plain web3.py loop on the same chain in the same run.

Ours: each of `contributors` parties signs a batch of up to 256 records (EIP-712
`RecordContributions`, signed client-side), POSTs it to `/contributions`, and the round ends
when `/ready` shows every journaled intent confirmed and the index at the chain head. The
contract takes one contributor's signed batch per call (its nonce is checked before
journaling), so the relayer cannot merge two signed batches: the batching is client-side, up to
256 records in one signature, and the relayer sends the parties' batches of one round
back to back. The baseline sends one `record` transaction per record from one party with
web3.py and waits for each receipt; it indexes nothing, so the ratio understates ours.

Two chain kinds: a served app (`park-ledger serve` subprocess with its managed anvil, requests
over loopback) and the app in-process on eth-tester (`TestClient`, background services).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiSettings
from bench.report import RateRow, Section, Spread, rate_figure
from bench.serving import UNLIMITED, ready, served
from ledger.app.services import ParkServices
from ledger.client import Ledger
from ledger.domain import signing
from ledger.domain import validation as v
from ledger.domain.structs import MAX_BATCH, AgreementParams, Contribution, ContributionKind
from ledger.infra.chain.base import dev_accounts
from ledger.infra.runtime import ParkRuntime

GOAL_RATIO = 10
ROUND_TIMEOUT_S = 120
PARTIES = 8


@dataclass(frozen=True)
class IngestSize:
    """How much one run sends: records through the API and one by one in the baseline."""

    records: int
    batch: int
    contributors: int
    baseline_records: int
    repeats: int


FULL = IngestSize(records=4096, batch=MAX_BATCH, contributors=8, baseline_records=300, repeats=3)
# NOTE: py-evm executes a 256-record batch in about a second, so the in-process run is smaller.
FULL_MEMORY = IngestSize(
    records=1024, batch=MAX_BATCH, contributors=4, baseline_records=100, repeats=3
)
QUICK = IngestSize(records=8, batch=4, contributors=2, baseline_records=4, repeats=1)


def open_agreement(ledger: Ledger, accounts: list[LocalAccount], *, salt: str) -> bytes:
    """Register `accounts[1:]` (by `accounts[0]`) and make them the parties of an Active
    agreement; its id."""
    admin, parties = accounts[0], accounts[1:]
    ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin)
    for party in parties:
        if not ledger.registry.is_active(party.address):
            profile = keccak(text=party.address)
            ledger.registry.register(
                account=party.address, kind=0, profile_hash=profile, sender=admin
            )
    base, rest = divmod(10_000, len(parties))
    params = AgreementParams(
        parties=[p.address for p in parties],
        shares_bps=[base + rest] + [base] * (len(parties) - 1),
        terms_hash=keccak(text="bench terms"),
        consent_deadline=ledger.timestamp() + 86_400,
    )
    proposer = parties[0]
    ledger.agreements.propose(params=params, salt=keccak(text=salt), sender=proposer)
    agreement = ledger.agreements.agreement_id_of(proposer=proposer.address, salt=keccak(text=salt))
    for party in parties[1:]:
        ledger.agreements.consent(agreement_id=agreement, sender=party)
    return agreement


def records(start: int, count: int) -> list[Contribution]:
    """`count` distinct records (weights 1..50, unique evidence hashes) from index `start`."""
    return [
        Contribution(ContributionKind(0), 1 + n % 50, keccak(text=f"ingest:{n}"))
        for n in range(start, start + count)
    ]


def through_api(
    http: httpx.Client,
    ledger: Ledger,
    agreement: bytes,
    contributors: list[LocalAccount],
    *,
    total: int,
    batch: int,
    first: int,
) -> float:
    """Seconds to sign, relay, confirm and index `total` records, one batch per contributor a
    round; `first` numbers the records so no two runs repeat one."""
    nonces: dict[str, int] = {
        c.address: ledger.agreements.nonce(agreement, c.address) for c in contributors
    }
    confirmed = ready(http)["outbox"].get("confirmed", 0)
    deadline = ledger.timestamp() + 86_400
    sent, started = 0, time.perf_counter()
    while sent < total:
        for contributor in contributors:
            count = min(batch, total - sent)
            if count == 0:
                break
            body = signed_body(
                ledger,
                agreement=agreement,
                contributor=contributor,
                batch=records(first + sent, count),
                nonces=nonces,
                deadline=deadline,
            )
            response = http.post("/contributions", json=body)
            if response.status_code != 202:
                raise RuntimeError(f"POST /contributions: {response.status_code} {response.text}")
            nonces[contributor.address] += 1
            confirmed += 1
            sent += count
        wait_indexed(http, confirmed)
    return time.perf_counter() - started


def signed_body(
    ledger: Ledger,
    *,
    agreement: bytes,
    contributor: LocalAccount,
    batch: list[Contribution],
    nonces: dict[str, int],
    deadline: int,
) -> dict[str, Any]:
    """The JSON a contributor's wallet POSTs: the batch and its EIP-712 signature."""
    nonce = nonces[contributor.address]
    typed = signing.record_typed_data(
        chain_id=ledger.chain_id,
        contributions=ledger.contributions.address,
        agreement_id=agreement,
        contributor=contributor.address,
        records=batch,
        nonce=nonce,
        deadline=deadline,
    )
    return {
        "agreement_id": "0x" + agreement.hex(),
        "contributor": contributor.address,
        "records": [
            {
                "kind": "Design",
                "weight": r.weight,
                "evidence_hash": "0x" + v.bytes32(r.evidence_hash).hex(),
            }
            for r in batch
        ],
        "deadline": deadline,
        "nonce": nonce,
        "signature": "0x" + signing.sign(typed, contributor).hex(),
    }


def wait_indexed(http: httpx.Client, confirmed: int) -> None:
    """Poll `/ready` until `confirmed` intents are confirmed and the index is at the head."""
    limit = time.monotonic() + ROUND_TIMEOUT_S
    while time.monotonic() < limit:
        body = ready(http)
        if body["outbox"].get("failed"):
            raise RuntimeError(f"a relayed batch failed: {body['outbox']}")
        indexed = body["indexed_block"] or 0
        if body["outbox"].get("confirmed", 0) >= confirmed and indexed >= body["block"]:
            return
        time.sleep(0.02)
    raise RuntimeError(f"not confirmed and indexed within {ROUND_TIMEOUT_S} s")


def one_by_one(ledger: Ledger, agreement: bytes, sender: LocalAccount, *, total: int) -> float:
    """Seconds for the naive baseline: one `record` transaction per record, each receipt awaited
    before the next (plain web3.py; the node holds the sender's key)."""
    contract = ledger.contract("Contributions")
    w3 = ledger.w3
    started = time.perf_counter()
    for record in records(10**9, total):
        tx = contract.functions.record(agreement, record.as_abi()).transact(
            {"from": sender.address}
        )
        w3.eth.wait_for_transaction_receipt(tx, timeout=ROUND_TIMEOUT_S)
    return time.perf_counter() - started


def measure(
    http: httpx.Client, ledger: Ledger, size: IngestSize, *, salt: str
) -> tuple[Spread, Spread]:
    """Records/s through the API and in the baseline, `size.repeats` times each, alternated."""
    accounts = dev_accounts(PARTIES + 1)
    agreement = open_agreement(ledger, accounts, salt=salt)
    contributors = accounts[1 : 1 + size.contributors]
    ours: list[float] = []
    baseline: list[float] = []
    for run in range(size.repeats):
        seconds = through_api(
            http,
            ledger,
            agreement,
            contributors,
            total=size.records,
            batch=size.batch,
            first=run * size.records,
        )
        ours.append(size.records / seconds)
        base = one_by_one(ledger, agreement, accounts[-1], total=size.baseline_records)
        baseline.append(size.baseline_records / base)
    return Spread(tuple(ours)), Spread(tuple(baseline))


def on_anvil(size: IngestSize) -> tuple[Spread, Spread]:
    """The served app (uvicorn subprocess, managed anvil) and the baseline on that anvil."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp,
        served(Path(tmp)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        return measure(http, server.ledger(), size, salt="ingest-anvil")


@contextmanager
def in_process(data: Path) -> Iterator[tuple[TestClient, Ledger]]:
    """The app on an in-process eth-tester chain with its services in the background."""
    settings = ApiSettings(
        chain="memory",
        rate_limit_per_minute=int(UNLIMITED["PARK_API_RATE_LIMIT_PER_MINUTE"]),
        rate_limit_burst=int(UNLIMITED["PARK_API_RATE_LIMIT_BURST"]),
    )
    with (
        ParkRuntime.start(chain_kind="memory") as runtime,
        ParkServices(runtime=runtime, state_dir=data) as services,
    ):
        ledger = Ledger.from_runtime(runtime)
        services.sync()
        services.start()
        with TestClient(create_app(runtime, settings, services)) as client:
            yield client, ledger


def on_memory(size: IngestSize) -> tuple[Spread, Spread]:
    """The app in-process on eth-tester and the baseline on the same chain."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp,
        in_process(Path(tmp)) as (client, ledger),
    ):
        return measure(client, ledger, size, salt="ingest-memory")


def ingest(args: argparse.Namespace, plots_dir: Path) -> list[Section]:
    """The ingest section: API vs one-transaction-per-record, on anvil and on eth-tester."""
    size, memory_size = (QUICK, QUICK) if args.quick else (FULL, FULL_MEMORY)
    anvil = RateRow("anvil (served app)", *on_anvil(size), goal_ratio=GOAL_RATIO)
    memory = RateRow("eth-tester (in-process app)", *on_memory(memory_size))
    rows = [anvil, memory]
    labels = {"ours": "API, signed batches", "baseline": "web3.py, 1 tx per record"}
    figure, plot = rate_figure(
        rows,
        title="Ingest: records confirmed per second",
        unit="records/s",
        out=plots_dir / "ingest.png",
        **labels,
    )
    body = "\n".join(
        [
            "Each run through the API: parties each sign batches of up to "
            f"{size.batch} records (one EIP-712 signature per batch, client-side) and POST "
            "them to `/contributions`; a round ends when `/ready` shows every intent confirmed "
            "and the index at the chain head. Baseline: `record` transactions from one party, "
            "each receipt awaited (no indexing). Median (min-max) over "
            f"{size.repeats} alternating runs; ratio = median / median.",
            "",
            f"- anvil: {_sizes(size)}",
            f"- eth-tester: {_sizes(memory_size)} (py-evm runs a 256-record batch in about a "
            "second, so the in-process run is smaller)",
            "",
            "The contract accepts one contributor's signature per call, so the relayer does not "
            "merge signed batches: the batching that wins is the client's (up to 256 records in "
            "one signature and one transaction); the relayer sends one round's batches without "
            "waiting between them.",
            "",
            figure,
        ]
    )
    return [Section("Ingest throughput", body, [plot])]


def _sizes(size: IngestSize) -> str:
    return (
        f"{size.records:,} records a run from {size.contributors} parties through the API, "
        f"{size.baseline_records:,} in the baseline"
    )
