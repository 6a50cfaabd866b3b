"""What a gas or benchmark scenario gets: a deployed suite on a fresh chain and send helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ledger.chain import ChainBackend, MemoryChain
from ledger.compiler import CompileResult, compile_project
from ledger.config import PROJECT_ROOT
from ledger.deploy import Deployment, deploy_suite
from ledger.revert import ErrorDecoder
from ledger.tx import call, transact

FIXTURE_CONTRACTS = PROJECT_ROOT / "tests" / "contracts" / "fixtures"
PINNED_TIMESTAMP = 4_000_000_000  # 2096-10-02, later than any wall clock running this


@dataclass
class BenchContext:
    """The park suite deployed on one chain, with helpers to send and measure transactions."""

    chain: ChainBackend
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
        """Funded accounts; accounts[0] deployed the suite and holds the park admin role."""
        return self.chain.accounts

    def __getitem__(self, name: str) -> Contract:
        return self.contracts[name]

    def transact(self, fn: Any, sender: Any, value: int = 0) -> TxReceipt:
        """Send `fn` from `sender` (an address or an account); RevertError on a revert."""
        address = getattr(sender, "address", sender)
        return transact(fn, sender=address, decoder=self.decoder, value=value)

    def gas(self, fn: Any, sender: Any, value: int = 0) -> int:
        """Gas used by sending `fn` from `sender`."""
        return int(self.transact(fn, sender, value)["gasUsed"])

    def call(self, fn: Any, sender: Any = None) -> Any:
        """Call `fn`; RevertError on a revert."""
        return call(fn, decoder=self.decoder, sender=getattr(sender, "address", sender))

    def deploy_fixture(self, name: str, *args: Any, sender: Any = None) -> Contract:
        """Deploy a test-only contract from tests/contracts/fixtures (e.g. a token)."""
        artifact = self.artifacts[name]
        return self.deploy(artifact.abi, artifact.bytecode, *args, sender=sender)[0]

    def deploy(
        self, abi: list[dict[str, Any]], bytecode: bytes, *args: Any, sender: Any = None
    ) -> tuple[Contract, int]:
        """Deploy `bytecode` with constructor `args`; the contract and the deployment's gas."""
        address = getattr(sender, "address", sender) or self.accounts[0].address
        factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        # NOTE: transact sends a constructor like any function (it only needs `.transact`)
        constructor: Any = factory.constructor(*args)
        receipt = transact(constructor, sender=address, decoder=self.decoder)
        contract = self.w3.eth.contract(address=receipt["contractAddress"], abi=abi)
        return cast(Contract, contract), int(receipt["gasUsed"])


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
    return context_for(chain=chain, artifacts=artifacts, deployment=deployment)


def context_for(
    *, chain: ChainBackend, artifacts: CompileResult, deployment: Deployment
) -> BenchContext:
    """A context over a suite already deployed on `chain` (e.g. the tests' session chain)."""
    return BenchContext(
        chain=chain,
        artifacts=artifacts,
        deployment=deployment,
        decoder=ErrorDecoder(a.abi for a in artifacts.artifacts.values()),
        contracts={
            name: deployment.contract(chain.w3, artifacts, name) for name in deployment.contracts
        },
    )
