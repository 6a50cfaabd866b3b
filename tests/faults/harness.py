"""One fault scenario: a real anvil started from the set-up state file, the ledger's services
(relayer and indexer, `ParkServices`) on it — directly or through a faulty RPC proxy — the
workload journaled wave by wave with ONE fault injected at a moment drawn from the scenario's
seeded RNG, then recovery, settling, and the four checks:

(a) the auditor passes every check over the chain;
(b) every journaled intent took effect on chain exactly once (records by evidence, signed batch
    and record id; deposits by amount; fund claims; consents by agreement and party), and every
    outbox entry is confirmed;
(c) the index the services kept through the fault equals an index rebuilt from genesis;
(d) the relayer account's nonces have no gap: every nonce below the chain's count is one mined
    transaction of the relayer, and the outbox's spent transactions are exactly those.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path

from ledger.app.services import OUTBOX_FILE, ParkServices
from ledger.audit import History, audit_history, collect
from ledger.audit.checks import records_of
from ledger.domain.errors import LedgerError
from ledger.infra.chain import AnvilChain, RpcChain
from ledger.infra.revert import ErrorDecoder
from ledger.infra.runtime import ParkRuntime
from ledger.reads.indexer import (
    Indexer,
    IndexerConfig,
    create_index_engine,
    dump_tables,
    park_projectors,
)
from ledger.writes.relayer import EntryStatus, Outbox, RelayerConfig, TxStatus
from tests.faults.rpc_proxy import FaultyRpcProxy
from tests.faults.workload import CLAIM_KIND, Base, Job, write_jobs

ROOT = Path(__file__).resolve().parents[2]
CLIENT_TIMEOUT_S = 1.0  # the services' RPC timeout; the proxy holds slow requests longer
WAVE_GAP_S = 0.15
SETTLE_TIMEOUT_S = 90.0
CHILD_TIMEOUT_S = 60.0
SPENT = (TxStatus.CONFIRMED, TxStatus.MINED, TxStatus.REVERTED)

Step = Callable[[], None]


class Scenario:
    """A fresh chain from `base`, the services on it, and what the fault did (`notes`)."""

    def __init__(self, base: Base, directory: Path, seed: int) -> None:
        self.base = base
        self.directory = directory
        self.rng = random.Random(seed)
        self.notes: dict[str, object] = {"seed": seed}
        self.state_file = directory / "anvil" / "state.json"
        self.state_file.parent.mkdir(parents=True)
        shutil.copy(base.state_file, self.state_file)
        self.node = self._start_node()
        self.proxy: FaultyRpcProxy | None = None
        self.services_dir = directory / "services"
        self.index_url = f"sqlite:///{self.services_dir / 'index.sqlite'}"
        self._services: ParkServices | None = None

    # -- the system under test ------------------------------------------------------------

    def _start_node(self, port: int | None = None) -> AnvilChain:
        return AnvilChain(
            state_file=self.state_file, port=port, log_file=self.directory / "anvil.log"
        )

    def add_proxy(self, *, rate: float) -> FaultyRpcProxy:
        """Put a faulty proxy between the services (opened after this) and the node."""
        self.proxy = FaultyRpcProxy(
            self.node.url, rng=self.rng, rate=rate, slow_s=CLIENT_TIMEOUT_S + 0.5
        )
        return self.proxy

    @property
    def services(self) -> ParkServices:
        """The relayer and the indexer, as `park-ledger serve` runs them (opened on first use)."""
        if self._services is None:
            url = self.proxy.url if self.proxy else self.node.url
            artifacts = self.base.artifacts
            runtime = ParkRuntime(
                chain=RpcChain(url, timeout=CLIENT_TIMEOUT_S),
                artifacts=artifacts,
                deployment=self.base.deployment,
                decoder=ErrorDecoder(a.abi for a in artifacts.artifacts.values()),
                data_dir=self.services_dir,
            )
            self._services = ParkServices(
                runtime=runtime,
                state_dir=self.services_dir,
                index_url=self.index_url,
                account=self.base.relayer,
                relayer_config=RelayerConfig(poll_interval=0.05),
            )
        return self._services

    @property
    def outbox_path(self) -> Path:
        """The relayer's outbox file."""
        return self.services_dir / OUTBOX_FILE

    # -- faults and recovery --------------------------------------------------------------

    def kill_node(self) -> None:
        """SIGKILL anvil: whatever it mined since its last state dump is gone."""
        self.notes["head at kill"] = int(self.node.w3.eth.block_number)
        self.node.kill()
        with closing(Outbox(self.outbox_path)) as outbox:
            self.notes["entries at kill"] = {s.value: n for s, n in outbox.counts().items()}

    def restart_node(self) -> None:
        """Start anvil again on the same port from its state file."""
        self.node = self._start_node(port=self.node.port)
        self.notes["head at restart"] = int(self.node.w3.eth.block_number)

    def reorg(self, depth: int) -> None:
        """Replace the last `depth` blocks with empty ones (`anvil_reorg`)."""
        self.notes["reorg depth"] = depth
        self.node.rpc("anvil_reorg", [depth, []])

    def wait_for_blocks(self, count: int, timeout: float = 20.0) -> int:
        """Wait until the workload has mined at least `count` blocks; the blocks it has mined."""
        deadline = time.monotonic() + timeout
        while (mined := int(self.node.w3.eth.block_number) - self.base.block) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the relayer mined {mined} blocks in {timeout:g}s")
            time.sleep(0.05)
        return mined

    def child(self, module: str, *args: str) -> subprocess.Popen[str]:
        """A child Python process (`python -m tests.faults.<module> args...`)."""
        return subprocess.Popen(
            [sys.executable, "-m", f"tests.faults.{module}", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def jobs_file(self) -> Path:
        """The workload written for a child process."""
        path = self.directory / "jobs.json"
        write_jobs(path, self.base.waves)
        return path

    # -- the workload ---------------------------------------------------------------------

    def journal(self, jobs: Iterable[Job]) -> None:
        """Journal `jobs` in the outbox (a repeated key returns its first entry)."""
        for job in jobs:
            self.services.relayer.submit(job.intent, idempotency_key=job.key)

    def run_workload(
        self, *, fault_wave: int, fault: Step, recover_wave: int | None = None, recover: Step
    ) -> None:
        """Journal the waves; `fault` runs before wave `fault_wave`, `recover` before wave
        `recover_wave` (None: after the last)."""
        waves = self.base.waves
        self.notes["fault before wave"] = fault_wave
        for index, wave in enumerate(waves):
            if index == fault_wave:
                fault()
            if index == recover_wave:
                recover()
            self.journal(wave)
            time.sleep(WAVE_GAP_S)
        if recover_wave is None or recover_wave >= len(waves):
            recover()

    def drive(self, seconds: float) -> None:
        """Run service rounds back to back for `seconds`, whatever they raise (a busy client)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.services.sync()
            except Exception:  # any fault the node gives: the next round retries
                time.sleep(0.05)

    def settle(self) -> None:
        """Drive the relayer and the indexer until every entry is final and the index is at the
        head, then stop the services."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        services = self.services
        while True:
            try:
                services.sync()
            except LedgerError as err:
                self.notes["last settle error"] = str(err)
            counts = services.relayer.outbox.counts()
            busy = sum(counts.get(s, 0) for s in (EntryStatus.QUEUED, EntryStatus.SENT))
            busy += counts.get(EntryStatus.MINED, 0)
            head = int(self.node.w3.eth.block_number)
            if not busy and services.indexer.status().last_block == head:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"not settled after {SETTLE_TIMEOUT_S:g}s: {counts}, {self}")
            time.sleep(0.1)
        services.close()
        self._services = None

    def close(self) -> None:
        """Stop everything the scenario started."""
        if self._services is not None:
            self._services.close()
        if self.proxy is not None:
            self.proxy.close()
        self.node.close()

    def __repr__(self) -> str:
        return f"Scenario({self.notes})"

    # -- the checks -----------------------------------------------------------------------

    def settle_and_check(self) -> None:
        """Settle, then (a) audit, (b) exactly-once effects, (c) index == rebuild, (d) no
        nonce gap."""
        self.settle()
        w3 = self.node.w3
        deployment, artifacts = self.base.deployment, self.base.artifacts
        abis = {name: artifacts[name].abi for name in deployment.contracts}
        history = collect(w3=w3, deployment=deployment, abis=abis)
        report = audit_history(history)
        failed = [c.to_json() for c in report.checks if not c.passed]
        assert failed == [], f"the auditor failed {failed} in {self}"
        self._check_effects(history)
        self._check_index()
        self._check_nonces()
        print(f"checked: {self.notes}")

    def _check_effects(self, history: History) -> None:
        expected, events = self.base.expected, history.events
        relayer = self.base.relayer.address
        recorded = [
            e
            for e in events
            if e.name == "ContributionsRecorded" and e.agreement_id == expected.agreement
        ]
        evidence = Counter(r["evidenceHash"] for e in recorded for r in e.args["records"])
        assert evidence == Counter(expected.evidence), f"records lost or doubled in {self}"
        batches = Counter((e.args["contributor"], int(e.args["nonce"])) for e in recorded)
        assert batches == Counter(expected.batches), f"signed batches lost or doubled in {self}"
        record_ids = records_of(expected.agreement, history.by_agreement[expected.agreement])
        assert len(record_ids) == len(expected.evidence)
        deposits = Counter(
            int(e.args["amount"])
            for e in events
            if e.name == "RevenueDeposited" and e.args["depositor"] == relayer
        )
        assert deposits == Counter(expected.deposits), f"deposits lost or doubled in {self}"
        claims = [
            e for e in events if e.name == "RevenueFundClaimed" and e.args["caller"] == relayer
        ]
        assert len(claims) == expected.claims, (
            f"{len(claims)} fund claims of {expected.claims} in {self}: "
            f"{[(e.block_number, e.tx_hash.hex()) for e in claims]}"
        )
        proposed = {agreement for agreement, _ in expected.consents}
        consents = Counter(
            (e.agreement_id, e.args["party"])
            for e in events
            # NOTE: a relayed consent carries its signed deadline; the proposer's own is direct.
            if e.name == "ConsentGiven" and e.agreement_id in proposed and int(e.args["deadline"])
        )
        assert consents == Counter(expected.consents), f"consents lost or doubled in {self}"

        with closing(Outbox(self.outbox_path)) as outbox:
            entries = outbox.entries(limit=10_000)
            claim_txs = {e.tx_hash for e in entries if e.kind == CLAIM_KIND}
        assert sorted(e.idempotency_key for e in entries) == sorted(j.key for j in self.base.jobs)
        unconfirmed = [
            (e.idempotency_key, e.status.value, e.failure)
            for e in entries
            if e.status is not EntryStatus.CONFIRMED
        ]
        assert unconfirmed == [], f"entries not confirmed in {self}"
        assert claim_txs == {"0x" + bytes(e.tx_hash).hex() for e in claims}

    def _check_index(self) -> None:
        w3 = self.node.w3
        deployment, artifacts = self.base.deployment, self.base.artifacts
        running = create_index_engine(self.index_url)
        rebuilt = create_index_engine(f"sqlite:///{self.directory / 'rebuilt.sqlite'}")
        try:
            Indexer(
                w3=w3,
                engine=rebuilt,
                config=IndexerConfig.for_deployment(deployment, artifacts),
                projectors=park_projectors(revenue=deployment.contract(w3, artifacts, "Revenue")),
            ).sync()
            assert dump_tables(running) == dump_tables(rebuilt), f"index != rebuild in {self}"
        finally:
            running.dispose()
            rebuilt.dispose()

    def _check_nonces(self) -> None:
        w3 = self.node.w3
        relayer = self.base.relayer.address
        count = int(w3.eth.get_transaction_count(relayer))
        mined: list[tuple[int, str]] = []
        for number in range(self.base.block + 1, int(w3.eth.block_number) + 1):
            block = w3.eth.get_block(number, full_transactions=True)
            mined += [
                (int(tx["nonce"]), "0x" + bytes(tx["hash"]).hex())
                for tx in block["transactions"]
                if tx["from"] == relayer  # type: ignore[index]
            ]
        assert sorted(n for n, _ in mined) == list(range(count)), f"nonce gap in {self}"
        with closing(Outbox(self.outbox_path)) as outbox:
            txs = outbox.transactions()
        spent = sorted((tx.nonce, tx.tx_hash) for tx in txs if tx.status in SPENT)
        assert spent == sorted(mined), f"the outbox disagrees with the chain in {self}"
        assert not [tx for tx in txs if tx.status is TxStatus.PENDING]
        self.notes["transactions"] = dict(Counter(f"{tx.purpose}/{tx.status}" for tx in txs))
