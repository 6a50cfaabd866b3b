"""Contract reads as of a given block, with a node's "no state for that block" answer typed.

A node answers for old blocks only if it still holds their state: anvil restarted from its state
file has none before the restart, a pruned (non-archive) node none outside its recent window.
"""

from __future__ import annotations

from typing import Any

from web3.contract.contract import ContractFunction
from web3.exceptions import Web3RPCError

from ledger.domain.errors import StateUnavailableError

# NOTE: lower-case fragments of the nodes' answers: anvil ("BlockOutOfRangeError: block height
# is N but requested was M"), geth ("missing trie node …", "historical state … is not
# available", "required historical state unavailable"), OpenEthereum ("… state pruning …").
NO_STATE_MARKERS = (
    "blockoutofrangeerror",
    "missing trie node",
    "historical state",
    "state pruning",
)


def lacks_state(message: str) -> bool:
    """Whether a node's error message says it holds no state for the block asked."""
    lowered = message.lower()
    return any(marker in lowered for marker in NO_STATE_MARKERS)


def call_at(fn: ContractFunction, block: int) -> Any:
    """`fn.call()` as of `block`; StateUnavailableError when the node holds no state for it."""
    try:
        return fn.call(block_identifier=block)
    except Web3RPCError as err:
        response = err.rpc_response or {}
        error = response.get("error")
        message = str(error.get("message", error)) if isinstance(error, dict) else err.message
        if lacks_state(message):
            raise StateUnavailableError(
                f"the node holds no state for block {block} ({message})"
            ) from err
        raise
