"""The one interface every chain backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ledger.infra.config import DEV_HD_PATH, DEV_MNEMONIC
from ledger.infra.lifecycle import Closing

Account.enable_unaudited_hdwallet_features()


# NOTE: chain ids of local development nodes (anvil, Hardhat/Ganache), whose dev accounts
# derive from the public mnemonic: only there does the ledger use them without being told.
DEV_CHAIN_IDS = frozenset({31337, 1337})


def dev_accounts(count: int, mnemonic: str = DEV_MNEMONIC) -> list[LocalAccount]:
    """The funded development accounts both local backends derive from the dev mnemonic."""
    return [
        Account.from_mnemonic(mnemonic, account_path=f"{DEV_HD_PATH}/{index}")
        for index in range(count)
    ]


class ChainBackend(Closing, ABC):
    """A chain the ledger talks to: a `Web3`, funded accounts, and test controls where supported.

    Implementations: `MemoryChain` (in-process eth-tester/py-evm), `AnvilChain` (a managed
    anvil process) and `RpcChain` (any JSON-RPC URL).
    """

    name: str = "chain"
    w3: Web3
    accounts: list[LocalAccount]

    @property
    def chain_id(self) -> int:
        """The chain id the node reports."""
        return int(self.w3.eth.chain_id)

    @property
    def supports_snapshots(self) -> bool:
        """Whether `snapshot`/`revert` work on this backend."""
        return True

    @abstractmethod
    def snapshot(self) -> str:
        """Record the current chain state; returns an id for `revert`."""

    @abstractmethod
    def revert(self, snapshot_id: str) -> None:
        """Return the chain to a recorded state."""

    @abstractmethod
    def increase_time(self, seconds: int) -> None:
        """Move the chain clock forward and mine a block at the new time."""

    @abstractmethod
    def mine(self, blocks: int = 1) -> None:
        """Mine `blocks` empty blocks."""

    def timestamp(self) -> int:
        """Timestamp of the latest block."""
        return int(self.w3.eth.get_block("latest")["timestamp"])
