"""Collect an audit's inputs from the chain alone: every suite event, grouped per agreement.

Nothing here reads the SQL index or the relayer outbox: events come from `eth_getLogs` through
the shared adaptive `LogStreamer`, decoded by the ABI-driven `EventCatalog` (no per-log web3
contract machinery), up to one fixed block so that every later `eth_call` sees the same state.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.types import TxData

from ledger.domain.errors import AuditError
from ledger.infra.deploy import Deployment
from ledger.infra.events import DecodedEvent, EventCatalog, LogStreamer
from ledger.infra.events.stream import ProgressCallback

Abi = list[dict[str, Any]]
ViewCall = tuple[str, str, tuple[Any, ...]]  # (contract, view function, arguments)
BATCH_SIZE = 500


@dataclass
class History:
    """What the chain says: decoded events up to `block`, grouped per agreement."""

    chain_id: int
    block: int
    block_hash: str
    deployment: Deployment
    contracts: dict[str, Contract]
    events: list[DecodedEvent]
    by_agreement: dict[str, list[DecodedEvent]] = field(default_factory=dict)
    unknown_logs: int = 0
    elapsed: float = 0.0

    @property
    def w3(self) -> Web3:
        """The node the history came from."""
        return self.contracts["Agreements"].w3

    def call(self, contract: str, function: str, *args: Any) -> Any:
        """`eth_call` of a view at the audited block (every check sees the same state)."""
        return self.call_at(contract, function, self.block, *args)

    def call_at(self, contract: str, function: str, block: int, *args: Any) -> Any:
        """`eth_call` of a view at an earlier block (to bisect a hash-chain divergence)."""
        fn = getattr(self.contracts[contract].functions, function)
        return fn(*args).call(block_identifier=block)

    def call_many(self, calls: Sequence[ViewCall]) -> list[Any]:
        """Many views at the audited block, in JSON-RPC batches where the node takes them."""
        fns = [getattr(self.contracts[c].functions, f)(*args) for c, f, args in calls]
        return self._batched([partial(fn.call, block_identifier=self.block) for fn in fns])

    def transactions(self, tx_hashes: Iterable[bytes]) -> dict[bytes, TxData]:
        """The transactions of `tx_hashes`, in JSON-RPC batches where the node takes them."""
        hashes = list(dict.fromkeys(tx_hashes))
        w3 = self.w3
        found = self._batched([partial(w3.eth.get_transaction, HexBytes(h)) for h in hashes])
        return dict(zip(hashes, found, strict=True))

    def _batched(self, requests: Sequence[Callable[[], Any]]) -> list[Any]:
        # NOTE: one HTTP round trip per BATCH_SIZE requests instead of one per request; the
        # in-process eth-tester provider takes no batches, so it gets them one by one.
        w3 = self.w3
        if not hasattr(w3.provider, "make_batch_request"):
            return [request() for request in requests]
        results: list[Any] = []
        for start in range(0, len(requests), BATCH_SIZE):
            with w3.batch_requests() as batch:
                for request in requests[start : start + BATCH_SIZE]:
                    batch.add(request())
                results.extend(batch.execute())
        return results


def collect(
    *,
    w3: Web3,
    deployment: Deployment,
    abis: Mapping[str, Abi],
    on_progress: ProgressCallback | None = None,
) -> History:
    """Stream every event of the deployment's contracts up to the current head."""
    missing = [name for name in deployment.contracts if name not in abis]
    if missing:
        raise AuditError(f"no ABI for the manifest's contract(s) {', '.join(missing)}.")
    started = time.monotonic()
    block = int(w3.eth.block_number)
    header = w3.eth.get_block(block)
    catalog = EventCatalog.from_abis(
        {name: (c.address, abis[name]) for name, c in deployment.contracts.items()}
    )
    streamer = LogStreamer(w3=w3, catalog=catalog, with_timestamps=True, on_progress=on_progress)
    start = min((c.block for c in deployment.contracts.values()), default=0)
    events: list[DecodedEvent] = []
    unknown = 0
    for chunk in streamer.chunks(from_block=start, to_block=block):
        events.extend(chunk.events)
        unknown += chunk.unknown
    return History(
        chain_id=deployment.chain_id,
        block=block,
        block_hash="0x" + bytes(header["hash"]).hex(),
        deployment=deployment,
        contracts={
            name: w3.eth.contract(address=c.address, abi=abis[name])
            for name, c in deployment.contracts.items()
        },
        events=events,
        by_agreement=group_by_agreement(events),
        unknown_logs=unknown,
        elapsed=time.monotonic() - started,
    )


def group_by_agreement(events: Iterable[DecodedEvent]) -> dict[str, list[DecodedEvent]]:
    """Events that name an agreement, per agreement id, in chain order."""
    grouped: dict[str, list[DecodedEvent]] = defaultdict(list)
    for event in events:
        if event.agreement_id is not None:
            grouped[event.agreement_id].append(event)
    return dict(grouped)


__all__ = ["Abi", "History", "ViewCall", "collect", "group_by_agreement"]
