"""What a gas or benchmark scenario gets: a deployed suite on a fresh, clock-pinned chain."""

from __future__ import annotations

from collections.abc import Mapping

from ledger.dev.sandbox import Sandbox as BenchContext
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import compile_project
from ledger.infra.config import PROJECT_ROOT
from ledger.infra.deploy import deploy_suite

FIXTURE_CONTRACTS = PROJECT_ROOT / "tests" / "contracts" / "fixtures"
__all__ = [
    "FIXTURE_CONTRACTS",
    "PINNED_TIMESTAMP",
    "BenchContext",
    "memory_context",
    "per_record_entries",
]

PINNED_TIMESTAMP = 4_000_000_000  # 2096-10-02, later than any wall clock running this


def per_record_entries(prefix: str, batch_gas: Mapping[int, int]) -> dict[str, int]:
    """`{prefix}.{n}.per_record`: the marginal gas of one more record over a batch of one."""
    return {
        f"{prefix}.{size}.per_record": (gas - batch_gas[1]) // (size - 1)
        for size, gas in batch_gas.items()
        if size > 1
    }


def memory_context(*, accounts: int = 80) -> BenchContext:
    """A fresh in-process chain (deterministic gas) with the suite deployed."""
    chain = MemoryChain(accounts=accounts)
    # NOTE: py-evm stamps blocks with the wall clock, and timestamps reach calldata (deadlines,
    # salts, ids) whose zero bytes cost less; from a fixed future time each block is its
    # parent + 1 s, so every run sends the same bytes and the snapshot is exact.
    chain.tester.time_travel(PINNED_TIMESTAMP)
    artifacts = compile_project(extra_dirs=[FIXTURE_CONTRACTS])
    deployment = deploy_suite(chain.w3, artifacts, deployer=chain.accounts[0].address)
    return BenchContext.on(chain=chain, artifacts=artifacts, deployment=deployment)
