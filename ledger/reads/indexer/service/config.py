"""What the indexer is told (`IndexerConfig`) and what it reports (`SyncResult`, `IndexStatus`)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment
from ledger.infra.events import HashChainRules


@dataclass(frozen=True)
class IndexerConfig:
    """What to index and how.

    `contracts` maps a contract name to its (address, ABI); `start_block` is the first block
    worth reading (the deployment's); `confirmations` keeps the index that many blocks behind the
    head (0 on dev chains); `head_contract` is the contract whose `headOf(bytes32)` holds the
    on-chain hash-chain heads (None: no on-chain check); `reorg_window` is how many recent blocks
    keep a hash for reorg detection.
    """

    chain_id: int
    contracts: Mapping[str, tuple[str, Sequence[Mapping[str, Any]]]]
    start_block: int = 0
    confirmations: int = 0
    rules: HashChainRules = field(default_factory=HashChainRules)
    head_contract: str | None = "Agreements"
    reorg_window: int = 64
    max_chunk: int = 10_000
    initial_range: int = 2_000

    @classmethod
    def for_deployment(
        cls, deployment: Deployment, artifacts: CompileResult, **options: Any
    ) -> IndexerConfig:
        """The configuration of a deployed park suite (every contract of the manifest)."""
        contracts = {
            name: (c.address, artifacts[name].abi) for name, c in deployment.contracts.items()
        }
        start = min((c.block for c in deployment.contracts.values()), default=0)
        return cls(chain_id=deployment.chain_id, contracts=contracts, start_block=start, **options)

    @property
    def deployment_key(self) -> str:
        """A fingerprint of the chain and the indexed addresses (an index serves one suite)."""
        text = f"{self.chain_id}|" + "|".join(
            f"{name}={address.lower()}" for name, (address, _) in sorted(self.contracts.items())
        )
        return "0x" + hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SyncResult:
    """What one `sync()` did."""

    last_block: int | None
    events: int
    chunks: int
    reorgs: int
    rolled_back: int
    mismatches: list[str]
    elapsed: float


@dataclass(frozen=True)
class IndexStatus:
    """Where an index stands."""

    chain_id: int
    start_block: int
    last_block: int | None
    events: int
    agreements: int
    mismatches: list[str]


__all__ = ["IndexStatus", "IndexerConfig", "SyncResult"]
