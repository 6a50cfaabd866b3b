"""Fault injection, each scenario repeated with random timings (docs/security.md, "Faults"):
the relayed workload survives anvil SIGKILLed mid-batch, the relayer or the indexer SIGKILLed,
a reorg deeper than one block and a node that errs or times out — with nothing lost or done
twice, the auditor passing, the index equal to a rebuild and no nonce gap."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from tests.faults.conftest import REPETITIONS
from tests.faults.harness import CHILD_TIMEOUT_S, Scenario
from tests.faults.workload import WAVES

pytestmark = pytest.mark.anvil

RUNS = range(REPETITIONS)
MAX_REORG_DEPTH = 6
CRASH_POINTS = ("journaled", "signed", "broadcast")


@pytest.mark.parametrize("run", RUNS)
def test_nothing_is_lost_or_doubled_when_anvil_is_killed_mid_batch_and_restarted(
    run: int, scenario: Scenario
) -> None:
    rng = scenario.rng
    scenario.services.start()
    fault_wave = rng.randrange(1, WAVES)
    delay = rng.uniform(0.0, 0.4)

    def kill() -> None:
        time.sleep(delay)
        scenario.kill_node()

    scenario.run_workload(
        fault_wave=fault_wave,
        fault=kill,
        recover_wave=rng.randrange(fault_wave + 1, WAVES + 1),
        recover=scenario.restart_node,
    )
    scenario.settle_and_check()


@pytest.mark.parametrize("run", RUNS)
def test_nothing_is_lost_or_doubled_when_the_relayer_is_killed_between_journal_and_send(
    run: int, scenario: Scenario
) -> None:
    rng = scenario.rng
    point = rng.choice(CRASH_POINTS)
    jobs = scenario.base.jobs
    limit = len(jobs) if point == "journaled" else scenario.base.transactions
    nth = rng.randint(1, limit)
    scenario.notes["killed at"] = f"{point} #{nth}"
    child = scenario.child(
        "relayer_child",
        str(scenario.jobs_file()),
        str(scenario.outbox_path),
        scenario.node.url,
        scenario.base.relayer.key.hex(),
        point,
        str(nth),
    )
    _, stderr = child.communicate(timeout=CHILD_TIMEOUT_S)
    assert child.returncode == -signal.SIGKILL, stderr

    scenario.journal(jobs)  # the client retries every intent it sent: same idempotency keys
    scenario.services.start()
    scenario.settle_and_check()


@pytest.mark.parametrize("run", RUNS)
def test_index_equals_a_rebuild_when_the_indexer_is_killed_mid_sync(
    run: int, scenario: Scenario
) -> None:
    rng = scenario.rng
    relayer = scenario.services.relayer
    relayer.start()  # the relayer alone: the child process indexes
    child = scenario.child(
        "indexer_child",
        scenario.node.url,
        scenario.index_url,
        str(scenario.base.manifest_path),
    )
    # NOTE: one chunk per block from the deployment's: the set-up blocks, whose state the node
    # started from the set-up state file does not hold, then at least this many of the workload.
    deployed = min(c.block for c in scenario.base.deployment.contracts.values())
    setup_blocks = scenario.base.block - deployed + 1
    chunks = rng.randint(1, setup_blocks + scenario.base.transactions // 2)
    grace = rng.uniform(0.0, 0.05)
    scenario.notes["killed after chunks"] = chunks

    def kill_mid_sync() -> None:
        assert child.stdout is not None
        for _ in range(chunks):
            child.stdout.readline()
        time.sleep(grace)
        os.kill(child.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_mid_sync)
    scenario.run_workload(fault_wave=0, fault=killer.start, recover=killer.join)
    _, stderr = child.communicate(timeout=CHILD_TIMEOUT_S)
    assert child.returncode == -signal.SIGKILL, stderr
    scenario.notes["index at kill"] = scenario.services.indexer.status().last_block
    relayer.stop()
    scenario.services.start()
    scenario.settle_and_check()


@pytest.mark.parametrize("run", RUNS)
def test_nothing_is_lost_or_doubled_when_a_reorg_is_deeper_than_one_block(
    run: int, scenario: Scenario
) -> None:
    rng = scenario.rng
    scenario.services.start()
    delay = rng.uniform(0.0, 0.3)
    wanted = rng.randint(2, MAX_REORG_DEPTH)

    def reorg() -> None:
        time.sleep(delay)
        mined = scenario.wait_for_blocks(2)
        scenario.reorg(min(wanted, mined))  # never below the set-up: only relayed work

    scenario.run_workload(fault_wave=rng.randrange(1, WAVES), fault=reorg, recover=lambda: None)
    scenario.settle_and_check()


@pytest.mark.parametrize("run", RUNS)
def test_nothing_is_lost_or_doubled_when_the_node_errs_and_times_out(
    run: int, scenario: Scenario
) -> None:
    rng = scenario.rng
    proxy = scenario.add_proxy(rate=rng.uniform(0.2, 0.5))
    scenario.services.start()
    outage = rng.uniform(1.0, 3.0)

    def end_faults() -> None:
        scenario.drive(outage)
        proxy.faulty.clear()

    scenario.run_workload(
        fault_wave=rng.randrange(WAVES), fault=proxy.faulty.set, recover=end_faults
    )
    scenario.notes["injected"] = dict(proxy.injected)
    assert sum(proxy.injected.values()) > 0
    scenario.settle_and_check()
