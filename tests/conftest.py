"""Shared fixtures: one compiled project and one deployed suite per session, each test isolated
by a chain snapshot (reverted after the test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.dev.sandbox import Sandbox as Suite
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult, compile_project
from ledger.infra.deploy import Deployment, deploy_suite
from ledger.infra.revert import ErrorDecoder
from ledger.infra.suite import PARK_SUITE
from tests.demo_park import demo_park, demo_server  # noqa: F401 - fixtures of tests/api and tests/e2e

TESTS_DIR = Path(__file__).resolve().parent
FIXTURE_CONTRACTS = TESTS_DIR / "contracts" / "fixtures"


@pytest.fixture(scope="session")
def artifacts() -> CompileResult:
    """The project's contracts plus the test-only fixtures, compiled once (cached on disk)."""
    return compile_project(extra_dirs=[FIXTURE_CONTRACTS])


@pytest.fixture(scope="session")
def memory_chain() -> MemoryChain:
    """One in-process py-evm chain for the whole session."""
    return MemoryChain()


@pytest.fixture(scope="session")
def decoder(artifacts: CompileResult) -> ErrorDecoder:
    """Decodes the custom errors of every compiled contract."""
    return ErrorDecoder(a.abi for a in artifacts.artifacts.values())


@pytest.fixture(scope="session")
def deployment(memory_chain: MemoryChain, artifacts: CompileResult) -> Deployment:
    """The park suite deployed once on the session chain."""
    return deploy_suite(
        memory_chain.w3, artifacts, deployer=memory_chain.accounts[0].address, suite=PARK_SUITE
    )


@pytest.fixture
def chain(memory_chain: MemoryChain) -> Iterator[MemoryChain]:
    """The session chain, reverted to its state before the test when the test ends."""
    snapshot = memory_chain.snapshot()
    yield memory_chain
    memory_chain.revert(snapshot)


@pytest.fixture
def suite(
    chain: MemoryChain, artifacts: CompileResult, deployment: Deployment, decoder: ErrorDecoder
) -> Suite:
    """The deployed park suite on an isolated chain state."""
    return Suite(
        chain=chain,
        artifacts=artifacts,
        deployment=deployment,
        decoder=decoder,
        contracts={
            name: deployment.contract(chain.w3, artifacts, name) for name in deployment.contracts
        },
    )
