"""Mutation testing of the contracts: apply each mutant of tests/mutants/catalogue.toml in turn,
run its tests, restore the source, print the score.

Everything happens in a scratch copy of the working tree (uncommitted edits included) under the
system's temporary directory: the checkout itself is never written, so editing or testing in it
while mutants run is safe.

A mutant is one small edit of one contract line (docs/security.md, "Mutation testing"). It is
*killed* when its tests fail, *survives* when they pass, is *stale* when its original text no
longer occurs exactly once in the source (the contract changed: update the entry), and is
*equivalent* when the catalogue says why no test can tell it apart (it is then not run).

    python scripts/mutate.py                     # the whole catalogue (make mutate)
    python scripts/mutate.py --only R1 A2        # some mutants
    python scripts/mutate.py --check             # only check that every entry still applies

Exit status: 0 when every non-equivalent mutant was killed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tests" / "mutants" / "catalogue.toml"
# NOTE: mutated builds get their own compile cache, kept between runs (a re-run recompiles
# nothing), apart from the checkout's; `make clean` removes it with the rest of build/.
MUTANT_BUILD_DIR = ROOT / "build" / "mutants"
# Compiles the copy's contracts and test fixtures exactly as tests/conftest.py does, so the
# tests that follow find the artifacts in the cache.
PRECOMPILE = (
    "from tests.conftest import FIXTURE_CONTRACTS; "
    "from ledger.infra.compiler import compile_project; "
    "compile_project(extra_dirs=[FIXTURE_CONTRACTS])"
)
DEFAULT_TIMEOUT = 600.0
REQUIRED = ("id", "file", "original", "replacement", "breaks", "tests")


@dataclass(frozen=True)
class Mutant:
    """One catalogue entry: replace `original` (unique in `file`) with `replacement`."""

    id: str
    file: str
    original: str
    replacement: str
    breaks: str
    tests: tuple[str, ...]
    equivalent: str | None = None

    def occurrences(self, root: Path = ROOT) -> int:
        """How many times the original text occurs in the current source."""
        return (root / self.file).read_text().count(self.original)


@dataclass(frozen=True)
class Outcome:
    """What running one mutant gave."""

    mutant: Mutant
    status: str  # KILLED, SURVIVED, STALE, EQUIVALENT, INVALID (does not compile), ERROR
    seconds: float = 0.0
    detail: str = ""


class CatalogueError(ValueError):
    """The catalogue file is malformed."""


def load_catalogue(path: Path = CATALOGUE) -> list[Mutant]:
    """Parse and validate the catalogue: required fields, unique ids, real edits."""
    data = tomllib.loads(path.read_text())
    mutants: list[Mutant] = []
    seen: set[str] = set()
    for entry in data.get("mutant", []):
        # NOTE: an empty replacement is a deletion; every other field must say something.
        missing = [k for k in REQUIRED if k not in entry or (k != "replacement" and not entry[k])]
        if missing:
            raise CatalogueError(f"{entry.get('id', '?')}: missing {', '.join(missing)}")
        unknown = set(entry) - {*REQUIRED, "equivalent"}
        if unknown:
            raise CatalogueError(f"{entry['id']}: unknown keys {sorted(unknown)}")
        if entry["id"] in seen:
            raise CatalogueError(f"{entry['id']}: duplicate id")
        if entry["original"] == entry["replacement"]:
            raise CatalogueError(f"{entry['id']}: the replacement equals the original")
        if not str(entry["file"]).startswith("contracts/"):
            raise CatalogueError(f"{entry['id']}: mutants edit contracts/ only")
        seen.add(entry["id"])
        mutants.append(
            Mutant(
                id=entry["id"],
                file=entry["file"],
                original=entry["original"],
                replacement=entry["replacement"],
                breaks=entry["breaks"],
                tests=tuple(entry["tests"]),
                equivalent=entry.get("equivalent"),
            )
        )
    return mutants


@contextmanager
def scratch_copy(root: Path = ROOT) -> Iterator[Path]:
    """A throwaway copy of the working tree (tracked and untracked files, not ignored ones), with
    the checkout's node_modules linked in; removed on exit."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    with tempfile.TemporaryDirectory(prefix="park-mutants-") as tmp:
        copy = Path(tmp)
        for name in filter(None, listed.split("\0")):
            source = root / name
            if name == "node_modules" or not source.is_file():
                continue
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
        (copy / "node_modules").symlink_to((root / "node_modules").resolve())
        yield copy


@contextmanager
def applied(mutant: Mutant, root: Path) -> Iterator[None]:
    """Write the mutant into its source file under `root`; restore the original bytes on exit."""
    path = root / mutant.file
    before = path.read_bytes()
    text = before.decode()
    if text.count(mutant.original) != 1:
        raise CatalogueError(f"{mutant.id}: original text is not unique in {mutant.file}")
    path.write_text(text.replace(mutant.original, mutant.replacement, 1))
    try:
        yield
    finally:
        path.write_bytes(before)


def run_mutant(mutant: Mutant, copy: Path, *, timeout: float) -> Outcome:
    """Apply the mutant in `copy`, compile, run its tests with -x, restore."""
    if mutant.equivalent:
        return Outcome(mutant, "EQUIVALENT", detail=mutant.equivalent)
    count = mutant.occurrences(copy)
    if count != 1:
        return Outcome(mutant, "STALE", detail=f"original occurs {count} times")
    start = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(copy), "PARK_LEDGER_BUILD_DIR": str(MUTANT_BUILD_DIR)}

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )

    with applied(mutant, copy):
        built = run([sys.executable, "-c", PRECOMPILE])
        if built.returncode != 0:
            error = (built.stderr.strip().splitlines() or ["compile error"])[-1]
            return Outcome(mutant, "INVALID", time.monotonic() - start, error)
        pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
        try:
            result = run([*pytest, *mutant.tests])
        except subprocess.TimeoutExpired:
            return Outcome(mutant, "KILLED", time.monotonic() - start, "timeout")
    return _verdict(mutant, result, time.monotonic() - start)


def _verdict(mutant: Mutant, result: subprocess.CompletedProcess[str], seconds: float) -> Outcome:
    """What the mutant's test run says: pytest exits 0 (all passed), 1 (some failed) or else."""
    last = (result.stdout.strip().splitlines() or [""])[-1]
    if result.returncode == 0:
        return Outcome(mutant, "SURVIVED", seconds, last)
    if result.returncode == 1:
        return Outcome(mutant, "KILLED", seconds, _first_failure(result.stdout) or last)
    return Outcome(mutant, "ERROR", seconds, f"pytest exit {result.returncode}: {last}")


def _first_failure(stdout: str) -> str:
    return next((line for line in stdout.splitlines() if line.startswith("FAILED ")), "")


def score(outcomes: Sequence[Outcome]) -> tuple[int, int]:
    """(killed, non-equivalent mutants that ran or should have run)."""
    counted = [o for o in outcomes if o.status != "EQUIVALENT"]
    return sum(o.status == "KILLED" for o in counted), len(counted)


def report(outcomes: Sequence[Outcome]) -> str:
    """The result table and the score line."""
    lines = [f"{'id':<6} {'status':<10} {'s':>5}  file / breaks / detail"]
    for o in outcomes:
        m = o.mutant
        lines.append(f"{m.id:<6} {o.status:<10} {o.seconds:>5.0f}  {m.file}: {m.breaks}")
        if o.detail:
            lines.append(f"{'':<24}{o.detail[:160]}")
    killed, total = score(outcomes)
    equivalent = sum(o.status == "EQUIVALENT" for o in outcomes)
    percent = 100.0 * killed / total if total else 100.0
    lines.append(
        f"mutation score: {killed}/{total} non-equivalent mutants killed ({percent:.1f} %), "
        f"{equivalent} equivalent"
    )
    return "\n".join(lines)


def _terminate(signum: int, _frame: FrameType | None) -> None:
    # NOTE: turn SIGTERM into an exception so the scratch copy is removed on the way out.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the catalogue (or `--only` some of it); 1 if any non-equivalent mutant was not killed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these mutants")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds a mutant")
    parser.add_argument("--check", action="store_true", help="only report stale entries")
    args = parser.parse_args(argv)
    mutants = load_catalogue(args.catalogue)
    if args.only:
        unknown = set(args.only) - {m.id for m in mutants}
        if unknown:
            parser.error(f"unknown mutant ids: {', '.join(sorted(unknown))}")
        mutants = [m for m in mutants if m.id in args.only]
    if args.check:
        stale = [m for m in mutants if not m.equivalent and m.occurrences() != 1]
        for m in stale:
            print(f"STALE {m.id} {m.file}: {m.original!r} occurs {m.occurrences()} times")
        print(f"{len(mutants) - len(stale)}/{len(mutants)} catalogue entries apply")
        return 1 if stale else 0
    signal.signal(signal.SIGTERM, _terminate)
    outcomes: list[Outcome] = []
    with scratch_copy() as copy:
        for mutant in mutants:
            outcome = run_mutant(mutant, copy, timeout=args.timeout)
            print(f"{mutant.id}: {outcome.status} ({outcome.seconds:.0f} s)", flush=True)
            outcomes.append(outcome)
    print(report(outcomes))
    killed, total = score(outcomes)
    return 0 if killed == total else 1


if __name__ == "__main__":
    sys.exit(main())
