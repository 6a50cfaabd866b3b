"""`park-ledger` as a user runs it: real subprocesses, one-sentence errors, clean shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger.infra.chain.anvil import free_port

FIXTURES = Path(__file__).parent / "contracts" / "fixtures"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `park-ledger ARGS` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "ledger.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def test_cli_compile_prints_one_line_per_contract(tmp_path: Path) -> None:
    env = {"PARK_LEDGER_CONTRACTS_DIR": str(FIXTURES), "PARK_LEDGER_BUILD_DIR": str(tmp_path)}
    result = run_cli("compile", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("solc 0.8.37")
    counter = next(line for line in lines if line.startswith("Counter "))
    assert "bytes" in counter
    assert "(cached)" in run_cli("compile", env=env).stdout.splitlines()[0]


def test_cli_reports_an_unreachable_rpc_in_one_sentence(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli("deploy", "--rpc", url, "--deployments", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"park-ledger: cannot reach a JSON-RPC node at {url}")
    assert "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())


def test_cli_node_runs_in_foreground_and_saves_state_on_ctrl_c(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ledger.cli",
            "node",
            "--no-deploy",
            "--port",
            str(port),
            "--state",
            str(state),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "press Ctrl-C" in line:
                break
        assert any(f"127.0.0.1:{port}" in line for line in lines)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert state.is_file()


@pytest.mark.parametrize("bad", ["--chain=mainnet"])
def test_cli_rejects_unknown_chain_kind_in_one_sentence_with_exit_1(bad: str) -> None:
    result = run_cli("deploy", bad)
    assert result.returncode == 1
    assert result.stderr.startswith("park-ledger: argument --chain: invalid choice")
    assert result.stderr.count("\n") == 1


def test_cli_prints_its_version_when_asked() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("park-ledger 0.")
