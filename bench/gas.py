"""Regenerate or check the gas snapshot: every `bench/gas_*.py` module's `measure(ctx)` entries
plus the runtime bytecode size of each suite contract, measured on a fresh in-process chain."""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import sys
from pathlib import Path

from bench.context import BenchContext, memory_context

BENCH_DIR = Path(__file__).resolve().parent


def scenario_modules() -> list[str]:
    """Names of the modules that contribute gas entries, in a stable order."""
    return sorted(f"bench.{p.stem}" for p in BENCH_DIR.glob("gas_*.py"))


def measure_all(ctx: BenchContext) -> dict[str, int]:
    """Run every scenario module on its own snapshot of the chain and collect the entries."""
    snapshot: dict[str, int] = {}
    for name in scenario_modules():
        module = importlib.import_module(name)
        chain_state = ctx.chain.snapshot()
        try:
            entries = module.measure(ctx)
        finally:
            ctx.chain.revert(chain_state)
        clashes = set(entries) & set(snapshot)
        if clashes:
            raise SystemExit(f"{name} repeats gas entries: {', '.join(sorted(clashes))}")
        snapshot.update({key: int(value) for key, value in entries.items()})
    for contract in ctx.deployment.contracts:
        snapshot[f"size.{contract}"] = ctx.artifacts[contract].runtime_size
    return dict(sorted(snapshot.items()))


def render(snapshot: dict[str, int]) -> str:
    """The snapshot file's text: sorted keys, one entry a line, so diffs read well."""
    return json.dumps(snapshot, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.gas --out FILE` or `--check FILE`."""
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=Path, help="write the snapshot here")
    group.add_argument("--check", type=Path, help="fail if this snapshot is stale")
    args = parser.parse_args(argv)
    text = render(measure_all(memory_context()))
    if args.out:
        args.out.write_text(text)
        print(f"wrote {args.out} ({text.count(':')} entries)")
        return 0
    committed = args.check.read_text() if args.check.exists() else ""
    if committed == text:
        print(f"{args.check} is up to date")
        return 0
    diff = difflib.unified_diff(
        committed.splitlines(), text.splitlines(), str(args.check), "measured", lineterm=""
    )
    print("\n".join(diff))
    print(f"{args.check} is stale: run `make gas` and commit it", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
