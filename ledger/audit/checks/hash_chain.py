"""The `hash-chain` check: the agreement's journaled events fold to its on-chain head."""

from __future__ import annotations

from collections.abc import Sequence

from ledger.audit.checks.common import at, to_hex, unhex
from ledger.audit.collect import History
from ledger.audit.report import AgreementSummary, CheckResult, Finding
from ledger.infra.events import ZERO_HEAD, DecodedEvent, advance

Heads = Sequence[tuple[int, bytes]]  # (block, recomputed head after that block's events)


def check_hash_chain(
    history: History, agreement: str, events: Sequence[DecodedEvent]
) -> tuple[CheckResult, AgreementSummary]:
    """Fold the agreement's journaled events in log order and compare with `headOf`.

    On a mismatch, bisect the blocks with historical `headOf` calls to the first block whose
    on-chain head differs from the recomputed one, and name the events of that block.
    """
    journaled = [e for e in events if e.action_hash is not None]
    heads = _heads_per_block(journaled)
    head = heads[-1][1] if heads else ZERO_HEAD
    onchain = bytes(history.call("Agreements", "headOf", unhex(agreement)))
    summary = AgreementSummary(agreement, to_hex(onchain), to_hex(head), len(journaled))
    findings: tuple[Finding, ...] = ()
    if onchain != head:
        findings = (
            _first_divergence(
                history,
                agreement=agreement,
                journaled=journaled,
                heads=heads,
                onchain=onchain,
                recomputed=head,
            ),
        )
    return CheckResult("hash-chain", agreement, len(journaled), findings), summary


def _heads_per_block(journaled: Sequence[DecodedEvent]) -> list[tuple[int, bytes]]:
    """The recomputed head after each block's journaled events, block by block."""
    heads: list[tuple[int, bytes]] = []
    head = ZERO_HEAD
    for event in journaled:
        assert event.action_hash is not None
        head = advance(head, event.topic0, event.action_hash)
        if heads and heads[-1][0] == event.block_number:
            heads[-1] = (event.block_number, head)
        else:
            heads.append((event.block_number, head))
    return heads


def _recomputed_at(heads: Heads, block: int) -> bytes:
    result = ZERO_HEAD
    for number, head in heads:
        if number > block:
            break
        result = head
    return result


def _first_divergence(
    history: History,
    *,
    agreement: str,
    journaled: Sequence[DecodedEvent],
    heads: Heads,
    onchain: bytes,
    recomputed: bytes,
) -> Finding:
    block = _bisect(history, agreement, heads)
    in_block = [e for e in journaled if e.block_number == block]
    expected = to_hex(_recomputed_at(heads, block))
    found = to_hex(bytes(history.call_at("Agreements", "headOf", block, unhex(agreement))))
    if in_block:
        first = in_block[0]
        return at(
            first,
            f"the hash chain diverges in block {block}: its events ({first.name} first) do not "
            "fold to the on-chain head (a missing, reordered or injected record)",
            expected=expected,
            found=found,
        )
    return Finding(
        f"the on-chain head advanced in block {block} with no event recorded for it "
        f"(final head {to_hex(onchain)}, recomputed {to_hex(recomputed)})",
        block=block,
        expected=expected,
        found=found,
    )


def _bisect(history: History, agreement: str, heads: Heads) -> int:
    """The first block whose historical `headOf` differs from the recomputed head."""
    start = min(c.block for c in history.deployment.contracts.values())
    low, high = start, history.block  # invariant: heads agree before `low`, differ at `high`
    while low < high:
        middle = (low + high) // 2
        found = bytes(history.call_at("Agreements", "headOf", middle, unhex(agreement)))
        if found != _recomputed_at(heads, middle):
            high = middle
        else:
            low = middle + 1
    return high


__all__ = ["check_hash_chain"]
