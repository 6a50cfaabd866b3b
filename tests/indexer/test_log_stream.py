"""The log streamer: chain order across chunks, adaptive ranges against node limits, progress."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ledger.domain.errors import LogRangeError
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.events import EventCatalog, LogStreamer, RawLog, StreamProgress
from ledger.infra.events.stream import TooManyResultsError, Web3LogSource
from tests.indexer.conftest import EMITTER, EMITTER_RULES, deploy_emitter, emit_history


class LimitedNode(Web3LogSource):
    """The real chain behind a provider-style limit: refuses wide ranges and large answers."""

    def __init__(self, w3: object, *, max_blocks: int, max_logs: int) -> None:
        super().__init__(w3)  # type: ignore[arg-type]
        self.max_blocks = max_blocks
        self.max_logs = max_logs
        self.calls: list[tuple[int, int, str]] = []

    def logs(self, *, addresses: Sequence[str], from_block: int, to_block: int) -> list[RawLog]:
        if to_block - from_block + 1 > self.max_blocks:
            self.calls.append((from_block, to_block, "refused"))
            raise TooManyResultsError("block range is too wide")
        logs = super().logs(addresses=addresses, from_block=from_block, to_block=to_block)
        if len(logs) > self.max_logs:
            self.calls.append((from_block, to_block, "refused"))
            raise TooManyResultsError(f"query returned more than {self.max_logs} results")
        self.calls.append((from_block, to_block, "ok"))
        return logs


@pytest.fixture
def history(chain: MemoryChain, emitter_artifacts: CompileResult) -> EventCatalog:
    emitter = deploy_emitter(chain, emitter_artifacts)
    emit_history(emitter, chain.accounts[0].address, rounds=4)
    return EventCatalog.from_abis({EMITTER: (emitter.address, emitter.abi)}, rules=EMITTER_RULES)


def test_events_come_in_chain_order_when_fetched_in_one_block_ranges(
    chain: MemoryChain, history: EventCatalog
) -> None:
    head = chain.w3.eth.block_number
    whole = list(LogStreamer(w3=chain.w3, catalog=history).events(from_block=0, to_block=head))
    small = LogStreamer(w3=chain.w3, catalog=history, initial_range=1, max_range=1)

    chunks = list(small.chunks(from_block=0, to_block=head))

    assert [e.position for c in chunks for e in c.events] == [e.position for e in whole]
    assert [e.position for e in whole] == sorted(e.position for e in whole)
    assert len(chunks) == head + 1
    assert len(whole) == 4 * (1 + 3 * 2 + 5)


def test_range_halves_then_grows_when_the_node_refuses_large_answers(
    chain: MemoryChain, history: EventCatalog
) -> None:
    head = chain.w3.eth.block_number
    node = LimitedNode(chain.w3, max_blocks=8, max_logs=6)
    expected = list(LogStreamer(w3=chain.w3, catalog=history).events(from_block=0, to_block=head))
    streamer = LogStreamer(
        w3=chain.w3, catalog=history, source=node, initial_range=64, target_logs=4
    )

    events = list(streamer.events(from_block=0, to_block=head))

    assert [e.position for e in events] == [e.position for e in expected]
    assert any(status == "refused" for *_, status in node.calls)
    spans = [b - a + 1 for a, b, status in node.calls if status == "ok"]
    assert max(spans) <= 8
    assert len(set(spans)) > 1  # it adapted both ways


def test_stream_raises_a_clear_error_when_a_single_block_is_refused(
    chain: MemoryChain, history: EventCatalog
) -> None:
    node = LimitedNode(chain.w3, max_blocks=100, max_logs=0)
    streamer = LogStreamer(w3=chain.w3, catalog=history, source=node)

    with pytest.raises(LogRangeError, match="even alone"):
        list(streamer.events(from_block=0, to_block=chain.w3.eth.block_number))


def test_progress_reaches_the_last_block_when_streaming_a_range(
    chain: MemoryChain, history: EventCatalog
) -> None:
    head = chain.w3.eth.block_number
    seen: list[StreamProgress] = []
    streamer = LogStreamer(
        w3=chain.w3, catalog=history, initial_range=3, max_range=3, on_progress=seen.append
    )

    events = list(streamer.events(from_block=0, to_block=head))

    assert seen[-1].done_block == head
    assert seen[-1].fraction == 1.0
    assert seen[-1].events == len(events)
    assert [p.done_block for p in seen] == sorted(p.done_block for p in seen)
