"""Shared fixtures: one compiled project and one deployed suite per session, each test isolated
by a chain snapshot (reverted after the test)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ledger.chain import MemoryChain
from ledger.compiler import CompileResult, compile_project
from ledger.deploy import Deployment, deploy_suite
from ledger.revert import ErrorDecoder
from ledger.suite import PARK_SUITE
from ledger.tx import call, transact

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


@dataclass
class Suite:
    """The deployed park suite as tests use it: contracts by name, accounts, and send helpers."""

    chain: MemoryChain
    artifacts: CompileResult
    deployment: Deployment
    decoder: ErrorDecoder
    contracts: dict[str, Contract] = field(default_factory=dict)

    @property
    def w3(self) -> Web3:
        """The chain's Web3."""
        return self.chain.w3

    @property
    def accounts(self) -> list[LocalAccount]:
        """Funded dev accounts; accounts[0] deployed the suite and is the park admin."""
        return self.chain.accounts

    def __getitem__(self, name: str) -> Contract:
        return self.contracts[name]

    def transact(self, fn: Any, sender: Any, value: int = 0) -> TxReceipt:
        """Send `fn` from `sender` (address or account); raises RevertError on a revert."""
        address = getattr(sender, "address", sender)
        return transact(fn, sender=address, decoder=self.decoder, value=value)

    def call(self, fn: Any, sender: Any = None) -> Any:
        """Call `fn`; raises RevertError on a revert."""
        return call(fn, decoder=self.decoder, sender=getattr(sender, "address", sender))

    def deploy_fixture(self, name: str, *args: Any, sender: Any = None) -> Contract:
        """Deploy a test-only contract from tests/contracts/fixtures."""
        artifact = self.artifacts[name]
        address = getattr(sender, "address", sender) or self.accounts[0].address
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipt = transact(factory.constructor(*args), sender=address, decoder=self.decoder)
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


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
