"""A running ledger: the chain, the deployed suite and the services built on them, opened and
closed as one (used by `park-ledger serve` and the API)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from eth_typing import ChecksumAddress
from web3 import Web3
from web3.contract import Contract

from ledger.infra.chain import ChainBackend
from ledger.infra.chain.factory import default_sender, open_chain
from ledger.infra.compiler import CompileResult, compile_project
from ledger.infra.config import LedgerSettings, get_settings
from ledger.infra.deploy import Deployment, deploy_suite, verify_deployment
from ledger.infra.lifecycle import Closing
from ledger.infra.revert import ErrorDecoder

log = logging.getLogger(__name__)


@dataclass
class ParkRuntime(Closing):
    """The chain plus the verified deployment of the park suite on it."""

    chain: ChainBackend
    artifacts: CompileResult
    deployment: Deployment
    decoder: ErrorDecoder
    data_dir: Path

    @classmethod
    def start(
        cls,
        *,
        chain_kind: str = "anvil",
        rpc: str | None = None,
        anvil_port: int | None = None,
        settings: LedgerSettings | None = None,
    ) -> ParkRuntime:
        """Open the chain, compile, and deploy the suite (or verify the existing deployment)."""
        settings = settings or get_settings()
        chain = open_chain(kind=chain_kind, rpc=rpc, port=anvil_port, settings=settings)
        try:
            artifacts = compile_project(settings=settings)
            manifest_dir = (
                None if (chain_kind == "memory" and not rpc) else settings.deployments_dir
            )
            deployment = deploy_suite(
                chain.w3, artifacts, deployer=default_sender(chain), manifest_dir=manifest_dir
            )
        except BaseException:
            chain.close()
            raise
        return cls(
            chain=chain,
            artifacts=artifacts,
            deployment=deployment,
            decoder=ErrorDecoder(a.abi for a in artifacts.artifacts.values()),
            data_dir=settings.data_dir,
        )

    @property
    def w3(self) -> Web3:
        """The chain's Web3."""
        return self.chain.w3

    def contract(self, name: str) -> Contract:
        """The deployed contract `name`."""
        return self.deployment.contract(self.w3, self.artifacts, name)

    def address(self, name: str) -> ChecksumAddress:
        """The address of the deployed contract `name`."""
        return self.deployment.address(name)

    def ready(self) -> None:
        """Raise unless the node answers and still holds the deployment's code."""
        verify_deployment(self.w3, self.deployment)

    def close(self) -> None:
        """Stop what the runtime started (a managed node saves its state)."""
        self.chain.close()
