"""Open the chain a command asked for: `memory`, the managed durable `anvil`, or `--rpc URL`."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from eth_account import Account
from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address

from ledger.domain.errors import ConfigurationError
from ledger.infra.chain.anvil import ANVIL_CHAIN_ID, AnvilChain
from ledger.infra.chain.base import ChainBackend, dev_accounts
from ledger.infra.chain.lease import holder
from ledger.infra.chain.memory import MemoryChain
from ledger.infra.chain.rpc import RpcChain
from ledger.infra.config import LedgerSettings, get_settings

log = logging.getLogger(__name__)

CHAIN_KINDS = ("anvil", "memory")
DEPLOYER_KEY_ENV = "PARK_LEDGER_DEPLOYER_KEY"


def anvil_state_file(settings: LedgerSettings) -> Path:
    """Where the managed node keeps its chain between runs."""
    return settings.data_dir / "anvil-state.json"


def open_chain(
    *,
    kind: str = "anvil",
    rpc: str | None = None,
    expected_chain_id: int | None = None,
    port: int | None = None,
    settings: LedgerSettings | None = None,
) -> ChainBackend:
    """The chain backend for a command line's `--chain`/`--rpc` choice."""
    settings = settings or get_settings()
    if rpc:
        key = os.environ.get(DEPLOYER_KEY_ENV)
        accounts = [Account.from_key(key)] if key else []
        return RpcChain(rpc, accounts=accounts, expected_chain_id=expected_chain_id)
    if kind == "memory":
        return MemoryChain(accounts=settings.dev_accounts)
    if kind == "anvil":
        state_file = anvil_state_file(settings)
        running = holder(state_file)
        if running is not None:
            # NOTE: a node already writes this state file (`park-ledger node`, `make run`): a
            # second one would overwrite its chain, so the command uses the running one.
            log.info("using the managed node at %s (pid %d)", running.url, running.pid)
            return RpcChain(
                running.url,
                accounts=dev_accounts(settings.dev_accounts),
                expected_chain_id=ANVIL_CHAIN_ID,
            )
        return AnvilChain(state_file=state_file, port=port, settings=settings)
    raise ConfigurationError(f"unknown chain {kind!r}: choose one of {', '.join(CHAIN_KINDS)}")


def default_sender(chain: ChainBackend) -> ChecksumAddress:
    """The account that signs deployments: the first local key, else the node's first account."""
    if chain.accounts:
        return chain.accounts[0].address
    node_accounts = chain.w3.eth.accounts
    if not node_accounts:
        raise ConfigurationError(
            f"no account to send from: set {DEPLOYER_KEY_ENV} to the deployer's private key."
        )
    return to_checksum_address(node_accounts[0])
