"""`make bench`: run every benchmark available and write bench/RESULTS.md with its plots.

Each entry of BENCHMARKS turns the run's inputs into report `Section`s: gas (read from the
snapshot `make gas` has just written), then ingest through the API (bench/ingest.py), the
auditor (bench/audit_speed.py), reads under load (bench/reads.py) and the CLI's start-up
(bench/cli_start.py). Each throughput benchmark
measures its figure over repeated runs against its baseline in the same run and returns
Sections with min/median/max, ratios and plots under `plots_dir`; `--quick` runs them on tiny
sizes (the smoke test).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from bench.audit_speed import audit
from bench.cli_start import cli_start
from bench.ingest import ingest
from bench.reads import reads
from bench.report import Section, gas_sections, machine_facts, render

BENCH_DIR = Path(__file__).resolve().parent
SNAPSHOT = BENCH_DIR / "gas-snapshot.json"
RESULTS = BENCH_DIR / "RESULTS.md"

Benchmark = Callable[[argparse.Namespace, Path], list[Section]]


def gas(args: argparse.Namespace, plots_dir: Path) -> list[Section]:
    """Gas sections from the committed snapshot (ours and the peers, one run)."""
    snapshot: dict[str, int] = json.loads(args.snapshot.read_text())
    return gas_sections(snapshot, plots_dir=plots_dir)


BENCHMARKS: tuple[Benchmark, ...] = (gas, ingest, audit, reads, cli_start)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.run [--snapshot F] [--out F] [--only NAME] [--quick]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT, help="gas snapshot to report")
    parser.add_argument("--out", type=Path, default=RESULTS, help="report to write")
    parser.add_argument(
        "--only",
        action="append",
        choices=[b.__name__ for b in BENCHMARKS],
        help="run only this benchmark (repeatable; default: all)",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test only")
    args = parser.parse_args(argv)
    if not args.snapshot.is_file():
        print(f"{args.snapshot} is missing: run `make gas` first", file=sys.stderr)
        return 1
    plots_dir = args.out.parent / "plots"
    # NOTE: before the benchmarks, whose own load would otherwise count as the machine's.
    facts = machine_facts()
    chosen = [b for b in BENCHMARKS if args.only is None or b.__name__ in args.only]
    sections = [section for benchmark in chosen for section in benchmark(args, plots_dir)]
    args.out.write_text(render(facts, sections))
    print(f"wrote {args.out} and {len(list(plots_dir.glob('*.png')))} plots in {plots_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
