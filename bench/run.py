"""`make bench`: run every benchmark available and write bench/RESULTS.md with its plots.

Each entry of BENCHMARKS turns the run's inputs into report `Section`s. Today that is gas (read
from the snapshot `make gas` has just written). Throughput and latency benchmarks (ingest
through the API, the auditor, reads under load) plug in here as further entries once the API
and the auditor exist: each measures its figure over repeated runs, against its baseline in
the same run, and returns Sections with min/median/max, ratios and plots under `plots_dir`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from bench.report import Section, gas_sections, machine_facts, render

BENCH_DIR = Path(__file__).resolve().parent
SNAPSHOT = BENCH_DIR / "gas-snapshot.json"
RESULTS = BENCH_DIR / "RESULTS.md"

Benchmark = Callable[[argparse.Namespace, Path], list[Section]]


def gas(args: argparse.Namespace, plots_dir: Path) -> list[Section]:
    """Gas sections from the committed snapshot (ours and the peers, one run)."""
    snapshot: dict[str, int] = json.loads(args.snapshot.read_text())
    return gas_sections(snapshot, plots_dir=plots_dir)


BENCHMARKS: tuple[Benchmark, ...] = (gas,)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.run [--snapshot FILE] [--out FILE]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT, help="gas snapshot to report")
    parser.add_argument("--out", type=Path, default=RESULTS, help="report to write")
    args = parser.parse_args(argv)
    if not args.snapshot.is_file():
        print(f"{args.snapshot} is missing: run `make gas` first", file=sys.stderr)
        return 1
    plots_dir = args.out.parent / "plots"
    sections = [section for benchmark in BENCHMARKS for section in benchmark(args, plots_dir)]
    args.out.write_text(render(machine_facts(), sections))
    print(f"wrote {args.out} and {len(list(plots_dir.glob('*.png')))} plots in {plots_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
