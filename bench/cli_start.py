"""CLI start-up: wall time of `park-ledger --help` and of a read command (`keys list`), each a
fresh interpreter, over repeated runs (median, min-max). Goals (issue #22): `--help` within
0.5 s, a read command within 1 s. Standalone: `python -m bench.cli_start --runs 11`."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Section, Spread

FULL_RUNS = 11
QUICK_RUNS = 3
# The command line after `park-ledger`, its goal in milliseconds.
COMMANDS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("--help", ("--help",), 500),
    ("keys list (read)", ("keys", "list", "--json", "--dir", "{keys}"), 1_000),
)


def time_command(words: tuple[str, ...], runs: int) -> Spread:
    """Milliseconds from spawning `python -m ledger.cli WORDS` until it exited, `runs` times."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ledger.cli", *words], check=True, capture_output=True
        )
        samples.append((time.perf_counter() - started) * 1000)
    return Spread(tuple(samples))


def measure(runs: int) -> dict[str, tuple[Spread, int]]:
    """Each command's start-up spread beside its goal (ms)."""
    with tempfile.TemporaryDirectory() as keys:
        return {
            label: (time_command(tuple(w.format(keys=keys) for w in words), runs), goal)
            for label, words, goal in COMMANDS
        }


def cli_start(args: argparse.Namespace, plots_dir: Path) -> list[Section]:
    """The start-up table for the report (`--quick`: 3 runs each)."""
    runs = QUICK_RUNS if args.quick else FULL_RUNS
    lines = [
        f"Each command in a fresh interpreter, {runs} runs: median (min-max).",
        "",
        "| command | wall time (ms) | goal (ms) | |",
        "|---|---:|---:|---|",
    ]
    for label, (spread, goal) in measure(runs).items():
        verdict = "meets the goal" if spread.median <= goal else "**over the goal**"
        lines.append(f"| `park-ledger {label}` | {spread.cell()} | {goal:,} | {verdict} |")
    return [Section("CLI start-up", "\n".join(lines))]


def main() -> None:
    """Print the medians (ms) of every command."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=FULL_RUNS)
    args = parser.parse_args()
    for label, (spread, goal) in measure(args.runs).items():
        print(f"park-ledger {label}: {spread.cell(' ms')} (goal {goal:,} ms)")


if __name__ == "__main__":
    main()
