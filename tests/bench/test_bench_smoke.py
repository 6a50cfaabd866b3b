"""Smoke test of the benchmarks: every peer scenario runs on a tiny size beside ours, the report
writer turns the entries into its sections and plots, and each throughput benchmark (ingest,
audit, reads) runs at its `--quick` size. The benchmarks themselves run only in `make gas` /
`make bench`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import gas_contributions, run
from bench.audit_speed import audit
from bench.cli_start import cli_start
from bench.ingest import ingest
from bench.peers import eas, payment_splitter, safe
from bench.reads import reads
from bench.report import Section
from ledger.dev.sandbox import Sandbox
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment
from ledger.infra.toolchain import solc_version


@pytest.fixture(scope="module")
def entries(
    memory_chain: MemoryChain, artifacts: CompileResult, deployment: Deployment
) -> Iterator[dict[str, int]]:
    """Ours (contributions) and every peer at size 2, measured on the session chain."""
    state = memory_chain.snapshot()
    ctx = Sandbox.on(chain=memory_chain, artifacts=artifacts, deployment=deployment)
    measured = gas_contributions.measure(ctx)
    measured |= eas.measure(ctx, batch_sizes=(2,))
    measured |= payment_splitter.measure(ctx, party_counts=(2,))
    measured |= safe.measure(ctx, signer_counts=(2,))
    yield measured
    memory_chain.revert(state)


def test_peer_scenarios_report_every_entry_when_run_on_a_tiny_size(
    entries: dict[str, int],
) -> None:
    peers = {key: gas for key, gas in entries.items() if key.startswith("peers.")}
    assert set(peers) == {
        "peers.eas.deploy.schema_registry",
        "peers.eas.deploy.eas",
        "peers.eas.register_schema",
        "peers.eas.attest",
        "peers.eas.multi_attest.1",
        "peers.eas.multi_attest.2",
        "peers.eas.multi_attest.2.per_record",
        "peers.payment_splitter.deploy.parties_2",
        "peers.payment_splitter.receive.parties_2",
        "peers.payment_splitter.release.first.parties_2",
        "peers.payment_splitter.release.parties_2",
        "peers.safe.create.owners_2",
        "peers.safe.exec.signatures_2",
    }
    # a plain ETH transfer costs 21,000: every peer action did real work on chain
    assert min(peers.values()) > 21_000


def test_report_writes_machine_goals_ratios_and_plots_when_given_ours_and_peers(
    entries: dict[str, int], tmp_path: Path
) -> None:
    snapshot = tmp_path / "gas-snapshot.json"
    snapshot.write_text(json.dumps(entries))
    out = tmp_path / "RESULTS.md"

    assert run.main(["--snapshot", str(snapshot), "--out", str(out), "--only", "gas"]) == 0

    report = out.read_text()
    for title in (
        "## Machine",
        "## Gas against the goals",
        "## Gas against the peers",
        "## Gas plots",
        "## Every gas entry",
    ):
        assert title in report
    assert f"| solc (solc-js) | {solc_version()} |" in report
    assert "`contributions.record.single` vs `peers.eas.attest`" in report
    assert "| `contributions.record.single` |" in report
    for name in ("gas-vs-parties-agreement.png", "gas-per-record.png"):
        assert (tmp_path / "plots" / name).read_bytes().startswith(b"\x89PNG")
        assert f"(plots/{name})" in report


def test_report_run_fails_when_the_snapshot_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"

    assert run.main(["--snapshot", str(tmp_path / "none.json"), "--out", str(out)]) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("benchmark", "title", "plot"),
    [
        (ingest, "Ingest throughput", "ingest.png"),
        (audit, "Audit speed", "audit.png"),
        (reads, "Reads under load", "reads.png"),
    ],
)
def test_throughput_benchmark_reports_its_ratio_and_plot_when_run_quick(
    benchmark: run.Benchmark, title: str, plot: str, tmp_path: Path
) -> None:
    args = argparse.Namespace(quick=True)

    sections: list[Section] = benchmark(args, tmp_path / "plots")

    assert [section.title for section in sections] == [title]
    body = sections[0].body
    assert "| ratio |" in body
    assert f"(plots/{plot})" in body
    assert (tmp_path / "plots" / plot).read_bytes().startswith(b"\x89PNG")


def test_cli_start_reports_help_and_a_read_command_when_run_quick(tmp_path: Path) -> None:
    (section,) = cli_start(argparse.Namespace(quick=True), tmp_path)
    assert section.title == "CLI start-up"
    rows = [line for line in section.body.splitlines() if line.startswith("| `park-ledger")]
    assert [row.split("`")[1] for row in rows] == [
        "park-ledger --help",
        "park-ledger keys list (read)",
    ]
