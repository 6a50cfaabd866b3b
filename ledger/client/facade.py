"""`Ledger`: one typed client of the deployed suite, with a sub-client per contract."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from ledger.client.agreements import AgreementsClient
from ledger.client.commitments import CommitmentsClient
from ledger.client.contributions import ContributionsClient
from ledger.client.governance import GovernanceClient
from ledger.client.registry import RegistryClient
from ledger.client.revenue import RevenueClient
from ledger.client.views import TxResult
from ledger.domain.errors import ConfigurationError
from ledger.infra.chain import ChainBackend
from ledger.infra.chain.rpc import RpcChain
from ledger.infra.compiler import CompileResult, compile_project
from ledger.infra.deploy import Deployment, load_manifest, verify_deployment
from ledger.infra.events import EventCatalog, RawLog
from ledger.infra.revert import ErrorDecoder

if TYPE_CHECKING:
    from ledger.infra.events import DecodedEvent
    from ledger.infra.runtime import ParkRuntime


class Ledger:
    """The park suite as typed Python: `registry`, `agreements`, `contributions`, `revenue`,
    `commitments`, `governance`. Writes take `sender=` and return a TxResult; reverts raise
    RevertError with the decoded custom error."""

    def __init__(
        self,
        *,
        w3: Web3,
        deployment: Deployment,
        artifacts: CompileResult,
        decoder: ErrorDecoder | None = None,
    ) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.artifacts = artifacts
        self.decoder = decoder or ErrorDecoder(a.abi for a in artifacts.artifacts.values())
        self.catalog = EventCatalog.from_abis(
            {name: (c.address, artifacts[name].abi) for name, c in deployment.contracts.items()}
        )
        self.registry = RegistryClient(self)
        self.agreements = AgreementsClient(self)
        self.governance = GovernanceClient(self)
        self.contributions = ContributionsClient(self)
        self.revenue = RevenueClient(self)
        self.commitments = CommitmentsClient(self)

    @classmethod
    def connect(
        cls,
        *,
        deployment: Path | Deployment,
        rpc: str | None = None,
        chain: ChainBackend | None = None,
        artifacts: CompileResult | None = None,
    ) -> Ledger:
        """Open the suite of `deployment` (a manifest path or object) on a node given by
        `rpc` URL or an open `chain`, after checking the node holds the deployed code."""
        if (rpc is None) == (chain is None):
            raise ConfigurationError("give exactly one of rpc= (a node URL) or chain=")
        manifest = deployment if isinstance(deployment, Deployment) else load_manifest(deployment)
        w3 = (
            chain.w3
            if chain is not None
            else RpcChain(str(rpc), expected_chain_id=manifest.chain_id).w3
        )
        verify_deployment(w3, manifest)
        return cls(w3=w3, deployment=manifest, artifacts=artifacts or compile_project())

    @classmethod
    def from_runtime(cls, runtime: ParkRuntime) -> Ledger:
        """The client of a running ParkRuntime (shares its chain, artifacts and decoder)."""
        return cls(
            w3=runtime.w3,
            deployment=runtime.deployment,
            artifacts=runtime.artifacts,
            decoder=runtime.decoder,
        )

    @cached_property
    def chain_id(self) -> int:
        """The chain's id (EIP-712 domains bind it)."""
        return int(self.w3.eth.chain_id)

    def timestamp(self) -> int:
        """The latest block's timestamp: the clock deadlines are checked against."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def contract(self, name: str) -> Contract:
        """The deployed contract `name` as a web3 Contract."""
        return self.deployment.contract(self.w3, self.artifacts, name)

    def result(self, receipt: TxReceipt) -> TxResult:
        """A receipt as a TxResult with the suite's events decoded."""
        decoded = (self.catalog.decode(RawLog.from_web3(item)) for item in receipt["logs"])
        return TxResult(
            tx_hash="0x" + bytes(receipt["transactionHash"]).hex(),
            block_number=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
            events=tuple(e for e in decoded if e is not None),
        )

    def logs(
        self,
        contract: str,
        event: str,
        *,
        topics: Sequence[bytes | None] = (),
        from_block: int | None = None,
        to_block: int | str = "latest",
    ) -> Iterator[DecodedEvent]:
        """Decoded `event` logs of `contract` matching the indexed `topics` (after topic 0)."""
        spec = self.catalog.find(contract, event)
        start = self.deployment.contracts[contract].block if from_block is None else from_block
        query: Any = {
            "address": self.deployment.address(contract),
            "topics": [spec.topic0, *topics],
            "fromBlock": start,
            "toBlock": to_block,
        }
        items = self.w3.eth.get_logs(query)
        for item in items:
            decoded = self.catalog.decode(RawLog.from_web3(item))
            if decoded is not None:
                yield decoded
