"""A deployed park suite on one chain with helpers to send, call and deploy: the harness that
tests, benchmarks and demos share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ledger.infra.chain import ChainBackend
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment
from ledger.infra.revert import ErrorDecoder
from ledger.infra.tx import call, transact


@dataclass
class Sandbox:
    """The park suite deployed on `chain`: contracts by name, funded accounts, send helpers."""

    chain: ChainBackend
    artifacts: CompileResult
    deployment: Deployment
    decoder: ErrorDecoder
    contracts: dict[str, Contract] = field(default_factory=dict)

    @classmethod
    def on(
        cls, *, chain: ChainBackend, artifacts: CompileResult, deployment: Deployment
    ) -> Sandbox:
        """A sandbox over a suite already deployed on `chain`."""
        return cls(
            chain=chain,
            artifacts=artifacts,
            deployment=deployment,
            decoder=ErrorDecoder(a.abi for a in artifacts.artifacts.values()),
            contracts={
                name: deployment.contract(chain.w3, artifacts, name)
                for name in deployment.contracts
            },
        )

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
        """Deploy a compiled contract by name (e.g. a test token from tests/contracts/fixtures)."""
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
