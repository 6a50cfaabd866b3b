"""In-process chain: eth-tester on py-evm (Prague), for tests and `--chain memory`."""

from __future__ import annotations

from eth_tester import EthereumTester, PyEVMBackend
from web3 import EthereumTesterProvider, Web3

from ledger.infra.chain.base import ChainBackend, dev_accounts
from ledger.infra.config import DEV_HD_PATH, DEV_MNEMONIC

# NOTE: large enough for a 64-party agreement plus margin; py-evm keeps it constant.
BLOCK_GAS_LIMIT = 60_000_000
DEV_BALANCE_WEI = 10_000 * 10**18


class MemoryChain(ChainBackend):
    """A fresh py-evm chain in this process; every account of the dev mnemonic is funded."""

    name = "memory"

    def __init__(self, *, accounts: int = 20) -> None:
        backend = PyEVMBackend.from_mnemonic(
            DEV_MNEMONIC,
            num_accounts=accounts,
            hd_path=DEV_HD_PATH,
            genesis_state_overrides={"balance": DEV_BALANCE_WEI},
            genesis_parameters=PyEVMBackend.generate_genesis_params(
                overrides={"gas_limit": BLOCK_GAS_LIMIT}
            ),
        )
        self.tester = EthereumTester(backend)
        self.w3 = Web3(EthereumTesterProvider(self.tester))
        self.accounts = dev_accounts(accounts)

    def snapshot(self) -> str:
        """Record the chain state (eth-tester snapshots are reusable)."""
        return str(self.tester.take_snapshot())

    def revert(self, snapshot_id: str) -> None:
        """Return to a snapshot."""
        self.tester.revert_to_snapshot(int(snapshot_id))

    def increase_time(self, seconds: int) -> None:
        """Mine a block `seconds` after the latest one."""
        # NOTE: py-evm's time_travel lands one second short of the requested time.
        self.tester.time_travel(self.timestamp() + max(1, seconds) + 1)

    def mine(self, blocks: int = 1) -> None:
        """Mine empty blocks."""
        self.tester.mine_blocks(blocks)
