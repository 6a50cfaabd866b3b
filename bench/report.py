"""Write bench/RESULTS.md: machine facts, then one section per benchmark. The gas sections set
every figure next to its goal, each peer ratio (ours / theirs) and plots of gas against the
number of parties; later benchmarks add their own `Section`s (see bench/run.py)."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display on CI or over SSH

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, NullFormatter

from ledger.domain.errors import ToolchainError
from ledger.infra.config import get_settings
from ledger.infra.toolchain import anvil_binary, find_node, solc_version

LOAD = "Load average at start (1 / 5 / 15 min)"
# NOTE: a run that starts with the cores already half busy measures a shared machine: its
# absolute rates are noisy (ratios within one run still compare like with like).
BUSY_LOAD_PER_CORE = 0.5

PEER_PACKAGES = (
    "@ethereum-attestation-service/eas-contracts",
    "@openzeppelin/contracts-v4",
    "@safe-global/safe-contracts",
)


@dataclass(frozen=True)
class Section:
    """One part of the report: a `##` title, Markdown body, and the plot files it links."""

    title: str
    body: str
    plots: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Goal:
    """A ceiling from the compass for every entry whose name matches `pattern`."""

    pattern: str
    limit: int
    text: str


@dataclass(frozen=True)
class Comparison:
    """Ours against a peer; `{n}` in the keys stands for each size both sides measured."""

    what: str
    ours: str
    theirs: str
    max_ratio: float | None = None


@dataclass(frozen=True)
class Series:
    """One line of a gas-vs-parties plot; `{n}` in `key` stands for the number of parties."""

    label: str
    key: str
    ours: bool


GOALS = (
    Goal("contributions.record.single", 60_000, "single record ≤ 60k"),
    Goal("contributions.record_batch.*.per_record", 10_000, "batched ≤ 10k per record"),
    Goal("revenue.deposit.*", 50_000, "deposit ≤ 50k"),
    Goal("revenue.claim.fixed.*", 50_000, "claim ≤ 50k"),
    Goal("revenue.claim.weighted.*", 50_000, "claim ≤ 50k"),
    Goal("revenue.claim.erc20.*", 50_000, "claim ≤ 50k"),
)
# Entries that must not grow with the number of parties (`{n}`): flat means within FLATNESS of
# the smallest (calldata costs a few gas more or less with the bytes of the agreement id).
FLAT_IN_N = (
    "revenue.deposit.fixed.parties_{n}",
    "revenue.deposit.weighted.parties_{n}",
    "revenue.claim.fixed.parties_{n}",
    "revenue.claim.weighted.parties_{n}",
)
FLATNESS = 0.01
# "Far below a PaymentSplitter deployment", read as at most half of it.
FAR_BELOW = 0.5
COMPARISONS = (
    Comparison("one record vs EAS `attest`", "contributions.record.single", "peers.eas.attest"),
    Comparison(
        "batch of {n}, per record, vs EAS `multiAttest`",
        "contributions.record_batch.{n}.per_record",
        "peers.eas.multi_attest.{n}.per_record",
    ),
    Comparison(
        "active agreement, {n} parties (propose with every signature) vs PaymentSplitter deploy",
        "agreements.propose_with_signatures.parties_{n}",
        "peers.payment_splitter.deploy.parties_{n}",
        max_ratio=FAR_BELOW,
    ),
    Comparison(
        "ETH deposit, {n} parties, vs PaymentSplitter `receive`",
        "revenue.deposit.fixed.parties_{n}",
        "peers.payment_splitter.receive.parties_{n}",
    ),
    Comparison(
        "claim, {n} parties, vs PaymentSplitter `release`",
        "revenue.claim.fixed.parties_{n}",
        "peers.payment_splitter.release.parties_{n}",
    ),
    Comparison(
        "propose, {n} parties, vs Safe creation with {n} owners",
        "agreements.propose.parties_{n}",
        "peers.safe.create.owners_{n}",
    ),
    Comparison(
        "consent by {n}-1 signatures (activates) vs Safe `execTransaction` with {n}",
        "agreements.consent_signatures.parties_{n}",
        "peers.safe.exec.signatures_{n}",
    ),
)
PLOTS = {
    "gas-vs-parties-agreement.png": (
        "Creating and approving with N parties",
        "N (parties or owners)",
        (
            Series(
                "ours: propose with signatures",
                "agreements.propose_with_signatures.parties_{n}",
                True,
            ),
            Series(
                "ours: consent by signatures", "agreements.consent_signatures.parties_{n}", True
            ),
            Series("PaymentSplitter: deploy", "peers.payment_splitter.deploy.parties_{n}", False),
            Series("Safe: create", "peers.safe.create.owners_{n}", False),
            Series("Safe: execTransaction", "peers.safe.exec.signatures_{n}", False),
        ),
    ),
    "gas-vs-parties-revenue.png": (
        "Depositing and claiming with N parties",
        "N (parties or payees)",
        (
            Series("ours: deposit (ETH)", "revenue.deposit.fixed.parties_{n}", True),
            Series("ours: claim (ETH)", "revenue.claim.fixed.parties_{n}", True),
            Series("PaymentSplitter: receive", "peers.payment_splitter.receive.parties_{n}", False),
            Series("PaymentSplitter: release", "peers.payment_splitter.release.parties_{n}", False),
        ),
    ),
    "gas-per-record.png": (
        "Gas per record against batch size",
        "records in the transaction",
        (
            Series("ours: record / recordBatch", "contributions.record_batch.{n}.per_record", True),
            Series("EAS: attest / multiAttest", "peers.eas.multi_attest.{n}.per_record", False),
        ),
    ),
}
# The batch-of-one points of the per-record plot are the single-record entries.
SINGLE_RECORD = {
    "contributions.record_batch.{n}.per_record": "contributions.record.single",
    "peers.eas.multi_attest.{n}.per_record": "peers.eas.attest",
}


def machine_facts() -> dict[str, str]:
    """CPU, cores, memory, OS and the versions of every tool the figures depend on."""
    settings = get_settings()
    facts = {
        "CPU": _cpu_model(),
        "Cores": str(os.cpu_count()),
        "Memory": _memory(),
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "solc (solc-js)": solc_version(settings),
        "Node.js": _tool_version([str(find_node(settings)), "--version"]),
        "anvil": _tool_version([str(anvil_binary(settings)), "--version"]),
        LOAD: " / ".join(f"{load:.2f}" for load in os.getloadavg()),
    }
    for package in PEER_PACKAGES:
        manifest = settings.node_modules / package / "package.json"
        if not manifest.is_file():
            raise ToolchainError(f"the npm package {package} is not installed: run `npm ci`.")
        facts[package] = str(json.loads(manifest.read_text())["version"])
    return facts


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory() -> str:
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{total / 2**30:.1f} GiB"


def _tool_version(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=30)
    return done.stdout.strip().splitlines()[0]


def sizes(snapshot: Mapping[str, int], template: str) -> list[int]:
    """The sizes `n` for which `template` (with `{n}`) names an entry, ascending."""
    pattern = re.compile(re.escape(template).replace(r"\{n\}", r"(\d+)") + "$")
    return sorted(int(m.group(1)) for key in snapshot if (m := pattern.match(key)))


def goal_rows(snapshot: Mapping[str, int]) -> list[tuple[str, int, Goal, bool]]:
    """Every entry a goal applies to: key, gas, the goal, whether it is met."""
    rows = []
    for key, gas in snapshot.items():
        for goal in GOALS:
            if fnmatch(key, goal.pattern) and ".first." not in key:
                rows.append((key, gas, goal, gas <= goal.limit))
    return rows


def ratio_rows(snapshot: Mapping[str, int]) -> list[tuple[str, str, int, str, int, float, str]]:
    """Each comparison at each size both sides measured: what, ours, theirs, ratio, verdict."""
    rows = []
    for comparison in COMPARISONS:
        ns: Iterable[int | None] = (
            sizes(snapshot, comparison.ours) if "{n}" in comparison.ours else [None]
        )
        for n in ns:
            ours = comparison.ours.format(n=n)
            theirs = comparison.theirs.format(n=n)
            if ours not in snapshot or theirs not in snapshot:
                continue
            ratio = snapshot[ours] / snapshot[theirs]
            verdict = ""
            if comparison.max_ratio is not None:
                met = ratio <= comparison.max_ratio
                verdict = f"{'met' if met else 'MISSED'} (goal ≤ {comparison.max_ratio:g})"
            what = comparison.what.format(n=n)
            rows.append((what, ours, snapshot[ours], theirs, snapshot[theirs], ratio, verdict))
    return rows


def flat_rows(snapshot: Mapping[str, int]) -> list[tuple[str, int, int, bool]]:
    """Each entry that must stay flat in N: its template, min and max over N, whether flat."""
    rows = []
    for template in FLAT_IN_N:
        values = [snapshot[template.format(n=n)] for n in sizes(snapshot, template)]
        if values:
            low, high = min(values), max(values)
            rows.append((template, low, high, high - low <= FLATNESS * low))
    return rows


def plot(
    snapshot: Mapping[str, int], title: str, xlabel: str, series: Sequence[Series], out: Path
) -> bool:
    """Draw `series` against N into `out` (ours solid, peers dashed); False when none has data."""
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    xs: set[int] = set()
    for line in series:
        points = {n: snapshot[line.key.format(n=n)] for n in sizes(snapshot, line.key)}
        single = SINGLE_RECORD.get(line.key, "")
        if single in snapshot:
            points[1] = snapshot[single]
        if not points:
            continue
        ns = sorted(points)
        style = "-o" if line.ours else "--s"
        ax.plot(ns, [points[n] for n in ns], style, label=line.label)
        xs.update(ns)
    if xs:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sorted(xs), [str(n) for n in sorted(xs)])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(xlabel)
        ax.set_ylabel("gas")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        out.parent.mkdir(parents=True, exist_ok=True)
        # no timestamps or versions in the file, so an unchanged figure is an unchanged PNG
        fig.savefig(out, metadata={"Software": None})
    plt.close(fig)
    return bool(xs)


def gas_sections(snapshot: Mapping[str, int], *, plots_dir: Path) -> list[Section]:
    """The gas part of the report: goals, peer ratios, plots, and the whole snapshot."""
    goals = ["| entry | gas | goal | |", "|---|---:|---|---|"]
    for key, gas, goal, met in goal_rows(snapshot):
        goals.append(f"| `{key}` | {gas:,} | {goal.text} | {'met' if met else '**MISSED**'} |")
    goals += ["", f"Flat in N (within {FLATNESS:.0%} whatever the number of parties):", ""]
    goals += ["| entry | min | max | |", "|---|---:|---:|---|"]
    for template, low, high, flat in flat_rows(snapshot):
        goals.append(f"| `{template}` | {low:,} | {high:,} | {'flat' if flat else '**GROWS**'} |")

    ratios = ["| comparison | ours | theirs | ours / theirs | |", "|---|---:|---:|---:|---|"]
    for what, ours, our_gas, theirs, their_gas, ratio, verdict in ratio_rows(snapshot):
        ratios.append(
            f"| {what} <br> `{ours}` vs `{theirs}` | {our_gas:,} | {their_gas:,} "
            f"| {ratio:.2f} | {verdict} |"
        )

    plots: list[Path] = []
    figures = []
    for name, (title, xlabel, series) in PLOTS.items():
        out = plots_dir / name
        if plot(snapshot, title, xlabel, series, out):
            plots.append(out)
            figures.append(f"![{title}](plots/{name})")

    entries = ["| entry | gas / bytes |", "|---|---:|"]
    entries += [f"| `{key}` | {value:,} |" for key, value in snapshot.items()]
    return [
        Section("Gas against the goals", "\n".join(goals)),
        Section("Gas against the peers", "\n".join(ratios)),
        Section("Gas plots", "\n\n".join(figures), plots),
        Section("Every gas entry", "\n".join(entries)),
    ]


def _busy(facts: Mapping[str, str]) -> bool:
    """Whether the 1-minute load at start was over BUSY_LOAD_PER_CORE per core."""
    if LOAD not in facts:
        return False
    one_minute = float(facts[LOAD].split(" / ")[0])
    return one_minute > BUSY_LOAD_PER_CORE * (os.cpu_count() or 1)


def render(facts: Mapping[str, str], sections: Sequence[Section]) -> str:
    """The report's Markdown: machine facts first, then each section in order."""
    lines = [
        "# Park Ledger benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand. Gas is deterministic on",
        "eth-tester, so each gas figure is a single exact value; peers run on the same chain,",
        "in the same run, as ours (bench/gas_peers.py). Throughput and latency figures are",
        "median (min-max) over repeated runs, each against its baseline in the same run.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in facts.items()),
    ]
    if _busy(facts):
        lines += [
            "",
            "**Taken under load**: other work shared these cores during the run, so absolute",
            "throughput and latency figures are noisy and low; each ratio compares ours with its",
            "baseline measured alternately in the same run. Re-run on a quiet machine for",
            "absolute figures.",
        ]
    for section in sections:
        lines += ["", f"## {section.title}", "", section.body]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Spread:
    """Repeated measurements of one figure: min, median and max of the samples."""

    samples: tuple[float, ...]

    @property
    def low(self) -> float:
        """The smallest sample."""
        return min(self.samples)

    @property
    def median(self) -> float:
        """The median sample."""
        return statistics.median(self.samples)

    @property
    def high(self) -> float:
        """The largest sample."""
        return max(self.samples)

    def cell(self, unit: str = "") -> str:
        """`median (min-max)` for a table cell."""
        return f"{self.median:,.0f}{unit} ({self.low:,.0f}-{self.high:,.0f})"


@dataclass(frozen=True)
class RateRow:
    """One throughput comparison: ours against its baseline, measured in the same run."""

    label: str
    ours: Spread
    baseline: Spread
    goal_ratio: float | None = None

    @property
    def ratio(self) -> float:
        """Median over median: how many times the baseline's rate ours reaches."""
        return self.ours.median / self.baseline.median


def rate_table(rows: Sequence[RateRow], *, ours: str, baseline: str, unit: str) -> str:
    """A Markdown table of medians (min-max), ratios and verdicts against the goals."""
    lines = [
        f"| | {ours} ({unit}) | {baseline} ({unit}) | ratio | |",
        "|---|---:|---:|---:|---|",
    ]
    for row in rows:
        verdict = ""
        if row.goal_ratio is not None:
            met = row.ratio >= row.goal_ratio
            verdict = f"{'met' if met else '**MISSED**'} (goal ≥ {row.goal_ratio:g}x)"
        lines.append(
            f"| {row.label} | {row.ours.cell()} | {row.baseline.cell()} "
            f"| {row.ratio:.1f}x | {verdict} |"
        )
    return "\n".join(lines)


def rate_plot(
    rows: Sequence[RateRow], *, title: str, ours: str, baseline: str, unit: str, out: Path
) -> Path:
    """Bars of ours against the baseline per row (median, whiskers to min and max), log scale."""
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    width = 0.38
    for offset, label, spreads in (
        (-width / 2, ours, [row.ours for row in rows]),
        (width / 2, baseline, [row.baseline for row in rows]),
    ):
        xs = [i + offset for i in range(len(rows))]
        medians = [s.median for s in spreads]
        errors = [[s.median - s.low for s in spreads], [s.high - s.median for s in spreads]]
        ax.bar(xs, medians, width, yerr=errors, capsize=4, label=label)
    ax.set_xticks(range(len(rows)), [row.label for row in rows], fontsize=8)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.set_ylabel(unit)
    ax.set_title(title)
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)
    return out


def rate_figure(
    rows: Sequence[RateRow], *, title: str, ours: str, baseline: str, unit: str, out: Path
) -> tuple[str, Path]:
    """The rows' table and plot as Markdown (the table, then the image) and the PNG's path."""
    plot = rate_plot(rows, title=title, ours=ours, baseline=baseline, unit=unit, out=out)
    table = rate_table(rows, ours=ours, baseline=baseline, unit=unit)
    return f"{table}\n\n![{title}](plots/{plot.name})", plot
