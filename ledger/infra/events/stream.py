"""Stream decoded events from the chain: `eth_getLogs` over a set of addresses in adaptive ranges.

The range grows after a quick, small answer and halves when the node refuses ("too many
results", "range too large", a timeout); events come out in (block, logIndex) order, chunk by
chunk, with a progress callback. Used by the indexer and by the auditor, which needs nothing but
the chain.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import requests
from web3 import Web3
from web3.exceptions import Web3Exception
from web3.providers.eth_tester import EthereumTesterProvider

from ledger.domain.errors import ChainUnavailableError, LogRangeError
from ledger.infra.events.catalog import DecodedEvent, EventCatalog, RawLog

log = logging.getLogger(__name__)

# NOTE: what public nodes and providers say when a getLogs answer would be too large.
TOO_MANY_MARKERS = (
    "more than",
    "too many",
    "limit exceeded",
    "response size",
    "range too large",
    "range is too large",
    "block range",
    "exceed",
    "timeout",
    "timed out",
    "query timeout",
)


@dataclass(frozen=True, slots=True)
class BlockHeader:
    """The part of a block header the indexer keeps: number, hash, parent hash, timestamp."""

    number: int
    hash: bytes
    parent_hash: bytes
    timestamp: int


class TooManyResultsError(Exception):
    """The node refused a getLogs range as too large (or timed out on it)."""


class LogSource:
    """Fetches raw logs and block headers from a node."""

    def logs(self, *, addresses: Sequence[str], from_block: int, to_block: int) -> list[RawLog]:
        """Every log of `addresses` in [from_block, to_block]; TooManyResultsError if refused."""
        raise NotImplementedError

    def headers(self, numbers: Iterable[int]) -> dict[int, BlockHeader]:
        """The headers of the given block numbers (missing ones omitted)."""
        raise NotImplementedError

    def head(self) -> int:
        """The latest block number."""
        raise NotImplementedError


def _hexint(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


def _hexbytes(value: Any) -> bytes:
    if isinstance(value, str):
        return bytes.fromhex(value[2:] if value.startswith("0x") else value)
    return bytes(value)


def _is_refusal(message: str) -> bool:
    lowered = message.lower()
    return any(marker in lowered for marker in TOO_MANY_MARKERS)


class JsonRpcLogSource(LogSource):
    """Raw JSON-RPC: no web3 result formatters on the hot path, headers in one batch request."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self.provider: Any = w3.provider

    def _request(self, method: str, params: list[Any]) -> Any:
        try:
            response = self.provider.make_request(method, params)
        except requests.Timeout as err:
            raise TooManyResultsError(f"{method} timed out") from err
        except (requests.RequestException, OSError) as err:
            raise ChainUnavailableError(f"the node did not answer {method}: {err}") from err
        error = response.get("error")
        if error:
            message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
            if _is_refusal(message):
                raise TooManyResultsError(message)
            raise ChainUnavailableError(f"{method} failed: {message}")
        return response.get("result")

    def logs(self, *, addresses: Sequence[str], from_block: int, to_block: int) -> list[RawLog]:
        """`eth_getLogs` for the addresses in the range."""
        params = {
            "address": list(addresses),
            "fromBlock": hex(from_block),
            "toBlock": hex(to_block),
        }
        result = self._request("eth_getLogs", [params]) or []
        return [
            RawLog(
                address=item["address"],
                topics=tuple(bytes.fromhex(t[2:]) for t in item["topics"]),
                data=bytes.fromhex(item["data"][2:]),
                block_number=int(item["blockNumber"], 16),
                block_hash=bytes.fromhex(item["blockHash"][2:]),
                tx_hash=bytes.fromhex(item["transactionHash"][2:]),
                tx_index=int(item["transactionIndex"], 16),
                log_index=int(item["logIndex"], 16),
                block_timestamp=(
                    int(item["blockTimestamp"], 16) if item.get("blockTimestamp") else None
                ),
            )
            for item in result
            if not item.get("removed")
        ]

    def headers(self, numbers: Iterable[int]) -> dict[int, BlockHeader]:
        """`eth_getBlockByNumber` for each number, sent as one JSON-RPC batch."""
        wanted = sorted(set(numbers))
        if not wanted:
            return {}
        requests_ = [("eth_getBlockByNumber", [hex(n), False]) for n in wanted]
        try:
            responses = self.provider.make_batch_request(requests_)
        except (requests.RequestException, OSError) as err:
            raise ChainUnavailableError(f"the node did not answer a header batch: {err}") from err
        if isinstance(responses, dict):  # the whole batch was refused
            return {n: h for n in wanted if (h := self.header(n)) is not None}
        headers: dict[int, BlockHeader] = {}
        for response in responses:
            block = response.get("result") if isinstance(response, dict) else None
            if block:
                header = _header(block)
                headers[header.number] = header
        return headers

    def header(self, number: int) -> BlockHeader | None:
        """One block header, or None when the node has no such block."""
        block = self._request("eth_getBlockByNumber", [hex(number), False])
        return _header(block) if block else None

    def head(self) -> int:
        """`eth_blockNumber`."""
        return _hexint(self._request("eth_blockNumber", []))


def _header(block: dict[str, Any]) -> BlockHeader:
    return BlockHeader(
        number=_hexint(block["number"]),
        hash=_hexbytes(block["hash"]),
        parent_hash=_hexbytes(block["parentHash"]),
        timestamp=_hexint(block["timestamp"]),
    )


class Web3LogSource(LogSource):
    """Through web3's formatted API (the in-process eth-tester provider takes only this path)."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3

    def logs(self, *, addresses: Sequence[str], from_block: int, to_block: int) -> list[RawLog]:
        """`w3.eth.get_logs` for the addresses in the range."""
        try:
            result = self.w3.eth.get_logs(
                {"address": list(addresses), "fromBlock": from_block, "toBlock": to_block}  # type: ignore[typeddict-item]
            )
        except (Web3Exception, ValueError) as err:
            if _is_refusal(str(err)):
                raise TooManyResultsError(str(err)) from err
            raise ChainUnavailableError(f"eth_getLogs failed: {err}") from err
        return [RawLog.from_web3(item) for item in result]

    def headers(self, numbers: Iterable[int]) -> dict[int, BlockHeader]:
        """`w3.eth.get_block` per number."""
        headers: dict[int, BlockHeader] = {}
        for number in sorted(set(numbers)):
            try:
                block = self.w3.eth.get_block(number)
            except (Web3Exception, ValueError):
                continue
            headers[number] = BlockHeader(
                number=int(block["number"]),
                hash=bytes(block["hash"]),
                parent_hash=bytes(block["parentHash"]),
                timestamp=int(block["timestamp"]),
            )
        return headers

    def head(self) -> int:
        """`w3.eth.block_number`."""
        return int(self.w3.eth.block_number)


def log_source(w3: Web3) -> LogSource:
    """The fastest source for this provider: raw JSON-RPC, or web3's API for eth-tester."""
    if isinstance(w3.provider, EthereumTesterProvider):
        return Web3LogSource(w3)
    return JsonRpcLogSource(w3)


@dataclass(frozen=True)
class LogChunk:
    """The decoded events of one fetched block range, in (block, logIndex) order."""

    from_block: int
    to_block: int
    events: list[DecodedEvent]
    unknown: int = 0
    block_hashes: dict[int, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class StreamProgress:
    """How far a stream got: blocks done out of the requested range, events so far."""

    from_block: int
    to_block: int
    done_block: int
    events: int
    elapsed: float

    @property
    def fraction(self) -> float:
        """Share of the block range done, 0..1."""
        total = self.to_block - self.from_block + 1
        return 1.0 if total <= 0 else min(1.0, (self.done_block - self.from_block + 1) / total)


ProgressCallback = Callable[[StreamProgress], None]


class LogStreamer:
    """Decoded events of a catalog's contracts over a block range, fetched in adaptive ranges."""

    def __init__(
        self,
        *,
        w3: Web3,
        catalog: EventCatalog,
        source: LogSource | None = None,
        initial_range: int = 2_000,
        max_range: int = 200_000,
        target_logs: int = 10_000,
        with_timestamps: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.w3 = w3
        self.catalog = catalog
        self.source = source or log_source(w3)
        self.range = max(1, initial_range)
        self.max_range = max(1, max_range)
        self.target_logs = max(1, target_logs)
        self.with_timestamps = with_timestamps
        self.on_progress = on_progress

    def events(self, *, from_block: int, to_block: int) -> Iterator[DecodedEvent]:
        """Every decoded event in [from_block, to_block], in (block, logIndex) order."""
        for chunk in self.chunks(from_block=from_block, to_block=to_block):
            yield from chunk.events

    def chunks(
        self, *, from_block: int, to_block: int, max_chunk: int | None = None
    ) -> Iterator[LogChunk]:
        """The range as consecutive chunks; each chunk is one successful getLogs answer."""
        started = time.monotonic()
        total = 0
        start = from_block
        while start <= to_block:
            chunk = self.fetch(
                start, min(to_block, start + min(self.range, max_chunk or self.range) - 1)
            )
            total += len(chunk.events)
            yield chunk
            if self.on_progress is not None:
                self.on_progress(
                    StreamProgress(
                        from_block=from_block,
                        to_block=to_block,
                        done_block=chunk.to_block,
                        events=total,
                        elapsed=time.monotonic() - started,
                    )
                )
            start = chunk.to_block + 1

    def fetch(self, from_block: int, to_block: int) -> LogChunk:
        """One chunk starting at `from_block`, ending at `to_block` or earlier if refused."""
        end = to_block
        while True:
            try:
                raw = self.source.logs(
                    addresses=self.catalog.address_list, from_block=from_block, to_block=end
                )
            except TooManyResultsError as err:
                if end == from_block:
                    raise LogRangeError(
                        f"the node refuses the logs of block {from_block} even alone: {err}"
                    ) from err
                span = max(1, (end - from_block + 1) // 2)
                self.range = span
                end = from_block + span - 1
                log.info("getLogs refused (%s); range halved to %d blocks", err, span)
                continue
            break
        span = end - from_block + 1
        if len(raw) < self.target_logs // 2 and span >= self.range:
            self.range = min(self.max_range, self.range * 2)
        elif len(raw) > self.target_logs:
            self.range = max(1, self.range // 2)
        return self._decode(from_block, end, raw)

    def _decode(self, from_block: int, to_block: int, raw: list[RawLog]) -> LogChunk:
        raw.sort(key=lambda item: (item.block_number, item.log_index))
        hashes = {item.block_number: item.block_hash for item in raw}
        timestamps: dict[int, int] = {}
        if self.with_timestamps:
            missing = {item.block_number for item in raw if item.block_timestamp is None}
            if missing:
                timestamps = {n: h.timestamp for n, h in self.source.headers(missing).items()}
        events: list[DecodedEvent] = []
        unknown = 0
        decode = self.catalog.decode
        for item in raw:
            event = decode(item)
            if event is None:
                unknown += 1
                continue
            if event.block_timestamp is None and timestamps:
                event = replace(event, block_timestamp=timestamps.get(event.block_number))
            events.append(event)
        return LogChunk(
            from_block=from_block,
            to_block=to_block,
            events=events,
            unknown=unknown,
            block_hashes=hashes,
        )


__all__ = [
    "BlockHeader",
    "JsonRpcLogSource",
    "LogChunk",
    "LogSource",
    "LogStreamer",
    "StreamProgress",
    "TooManyResultsError",
    "Web3LogSource",
    "log_source",
]
