"""The committed gas snapshot matches what the contracts cost now (`make gas` regenerates it)."""

from __future__ import annotations

import difflib
from pathlib import Path

from bench.context import memory_context
from bench.gas import measure_all, render

SNAPSHOT = Path(__file__).resolve().parents[1] / "bench" / "gas-snapshot.json"


def test_gas_snapshot_is_current_when_contracts_or_scenarios_change() -> None:
    measured = render(measure_all(memory_context()))
    committed = SNAPSHOT.read_text()
    diff = "\n".join(
        difflib.unified_diff(
            committed.splitlines(), measured.splitlines(), "committed", "measured", lineterm=""
        )
    )
    assert measured == committed, f"bench/gas-snapshot.json is stale; run `make gas`:\n{diff}"
