"""Exact block times on the in-process chain, for tests of deadlines to the second."""

from __future__ import annotations

from typing import Any


def next_block_at(suite: Any, timestamp: int) -> None:
    """Make the next mined transaction (and every estimate before it) run at `timestamp`.

    eth-tester mines each transaction in the pending block; `time_travel(t)` mines an empty block
    at t - 1 and leaves the pending block at t. A rejected transaction mines nothing, so several
    attempts in a row all run at `timestamp`.
    """
    tester = suite.chain.tester
    pending = int(tester.get_block_by_number("pending")["timestamp"])
    assert pending <= timestamp, f"the pending block is already at {pending} > {timestamp}"
    tester.time_travel(timestamp)


def latest_at(suite: Any, timestamp: int) -> None:
    """Mine an empty block at `timestamp`, so views (`eth_call` on latest) read that time."""
    next_block_at(suite, timestamp + 1)
