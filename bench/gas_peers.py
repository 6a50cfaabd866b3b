"""Gas of the peers (EAS, OpenZeppelin PaymentSplitter, Safe) on the same chain as ours, in the
same run, at the same sizes as our entries; `bench/report.py` sets them side by side."""

from __future__ import annotations

from bench.context import BenchContext
from bench.peers import eas, payment_splitter, safe


def measure(ctx: BenchContext) -> dict[str, int]:
    """Every peer entry (`peers.*`)."""
    return eas.measure(ctx) | payment_splitter.measure(ctx) | safe.measure(ctx)
