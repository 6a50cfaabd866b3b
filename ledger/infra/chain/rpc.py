"""Any EVM node over JSON-RPC (`--rpc URL`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import Web3Exception
from web3.middleware import SignAndSendRawMiddlewareBuilder

from ledger.domain.errors import ChainMismatchError, ChainUnavailableError, LedgerError
from ledger.infra.chain.base import ChainBackend


class SnapshotsNotSupportedError(LedgerError):
    """The node does not implement `evm_snapshot`/`evm_revert` or time control."""

    status_code = 501
    type = "snapshots-not-supported"


class RpcChain(ChainBackend):
    """A chain behind a JSON-RPC URL; transactions from `accounts` are signed locally."""

    name = "rpc"

    def __init__(
        self,
        url: str,
        *,
        accounts: Sequence[LocalAccount] = (),
        expected_chain_id: int | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.url = url
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": timeout}))
        self.accounts = list(accounts)
        try:
            chain_id = int(self.w3.eth.chain_id)
        except (requests.RequestException, OSError, ValueError, Web3Exception) as err:
            raise ChainUnavailableError(
                f"cannot reach a JSON-RPC node at {url} ({type(err).__name__}): check the URL "
                "or start a local node with `park-ledger node`."
            ) from err
        if expected_chain_id is not None and chain_id != expected_chain_id:
            raise ChainMismatchError(
                f"the node at {url} is chain {chain_id}, but chain {expected_chain_id} was "
                "expected: point --rpc at the right node or use that chain's deployment manifest."
            )
        if self.accounts:
            self.w3.middleware_onion.inject(
                SignAndSendRawMiddlewareBuilder.build(self.accounts), layer=0
            )

    def rpc(self, method: str, params: list[Any] | None = None) -> Any:
        """Send a raw JSON-RPC request; raises on a JSON-RPC error."""
        response = self.w3.provider.make_request(method, params or [])  # type: ignore[arg-type]
        if "error" in response:
            raise SnapshotsNotSupportedError(f"{method} failed: {response['error']}")
        return response.get("result")

    def snapshot(self) -> str:
        """`evm_snapshot` (anvil, Hardhat, Ganache)."""
        return str(self.rpc("evm_snapshot"))

    def revert(self, snapshot_id: str) -> None:
        """`evm_revert`; raises if the node refused."""
        if self.rpc("evm_revert", [snapshot_id]) is False:
            raise SnapshotsNotSupportedError(f"the node refused to revert to {snapshot_id}")

    def increase_time(self, seconds: int) -> None:
        """`evm_increaseTime` then `evm_mine`."""
        self.rpc("evm_increaseTime", [max(1, seconds)])
        self.rpc("evm_mine")

    def mine(self, blocks: int = 1) -> None:
        """`anvil_mine`/`hardhat_mine`, falling back to repeated `evm_mine`."""
        try:
            self.rpc("anvil_mine", [hex(blocks)])
        except SnapshotsNotSupportedError:
            for _ in range(blocks):
                self.rpc("evm_mine")
