"""Chain backends behind one interface: in-process eth-tester, managed anvil, any JSON-RPC URL."""

from ledger.infra.chain.anvil import AnvilChain
from ledger.infra.chain.base import ChainBackend, dev_accounts
from ledger.infra.chain.memory import MemoryChain
from ledger.infra.chain.rpc import RpcChain, SnapshotsNotSupportedError

__all__ = [
    "AnvilChain",
    "ChainBackend",
    "MemoryChain",
    "RpcChain",
    "SnapshotsNotSupportedError",
    "dev_accounts",
]
