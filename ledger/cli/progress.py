"""A dependency-free progress bar for long block-range work (indexing, rebuilds, audits)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ledger.infra.events import StreamProgress

WIDTH = 30
MIN_INTERVAL_S = 0.1


class ProgressBar:
    """Renders `StreamProgress` updates on one terminal line; silent when not a terminal."""

    def __init__(self, *, label: str, stream: TextIO | None = None, enabled: bool | None = None):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._drawn = False

    def __call__(self, progress: StreamProgress) -> None:
        """Draw one update (throttled, except the final one)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if progress.fraction < 1.0 and now - self._last < MIN_INTERVAL_S:
            return
        self._last = now
        rate = progress.events / progress.elapsed if progress.elapsed > 0 else 0.0
        self._draw(
            progress.fraction,
            f"block {progress.done_block}/{progress.to_block} "
            f"· {progress.events} events · {rate:,.0f}/s",
        )

    def count(self, *, done: int, total: int, unit: str) -> None:
        """Draw `done` of `total` items (e.g. records sent in batches)."""
        if self.enabled:
            fraction = 1.0 if total <= 0 else min(1.0, done / total)
            self._draw(fraction, f"{done}/{total} {unit}")

    def _draw(self, fraction: float, detail: str) -> None:
        filled = int(WIDTH * fraction)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {fraction:4.0%} {detail}"
        )
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
