"""Chain backends behind one interface: in-process eth-tester, managed anvil, any JSON-RPC URL."""

from ledger.chain.anvil import AnvilChain
from ledger.chain.base import ChainBackend, dev_accounts
from ledger.chain.memory import MemoryChain
from ledger.chain.rpc import RpcChain, SnapshotsNotSupportedError

__all__ = [
    "AnvilChain",
    "ChainBackend",
    "MemoryChain",
    "RpcChain",
    "SnapshotsNotSupportedError",
    "dev_accounts",
]
