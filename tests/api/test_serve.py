"""`park-ledger serve` as `make run` starts it: uvicorn and anvil as separate processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ledger.chain.anvil import free_port


def wait_ready(url: str, process: subprocess.Popen[str], timeout: float = 180) -> httpx.Response:
    """Poll /ready until it answers 200 (or the server dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "park-ledger serve exited early"
        try:
            response = httpx.get(f"{url}/ready", timeout=2)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url}/ready never answered 200")


def start_server(data: Path, port: int, anvil_port: int) -> subprocess.Popen[str]:
    """`park-ledger serve` on loopback ports with its data in `data`."""
    env = {
        **os.environ,
        "PARK_LEDGER_DATA_DIR": str(data / "data"),
        "PARK_LEDGER_DEPLOYMENTS_DIR": str(data / "deployments"),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ledger.cli",
            "serve",
            "--port",
            str(port),
            "--anvil-port",
            str(anvil_port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> str:
    """Ctrl-C the server and return what it printed."""
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


def test_serve_deploys_on_first_start_and_reuses_the_durable_chain(tmp_path: Path) -> None:
    port, anvil_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    first = start_server(tmp_path, port, anvil_port)
    try:
        contracts = wait_ready(url, first).json()["contracts"]
        assert set(contracts) >= {"ParkRegistry", "Agreements", "Revenue"}
        assert httpx.get(f"{url}/openapi.json").json()["info"]["title"] == "Park Ledger API"
    finally:
        output = stop(first)
    assert first.returncode == 0, output
    assert (tmp_path / "data" / "anvil-state.json").is_file()
    assert (tmp_path / "deployments" / "31337.json").is_file()

    second = start_server(tmp_path, port, anvil_port)
    try:
        assert wait_ready(url, second).json()["contracts"] == contracts
    finally:
        stop(second)
    assert second.returncode == 0
