"""`park-ledger serve` as a subprocess on loopback ports with its managed anvil, for the
throughput benchmarks (the load comes from the benchmark's own process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ledger.client import Ledger
from ledger.infra.chain.anvil import free_port

READY_TIMEOUT_S = 180
# NOTE: the per-client rate limit (600/min) protects a public API; a benchmark from one
# loopback client measures the server, so the limit is lifted far above what it can send.
UNLIMITED = {"PARK_API_RATE_LIMIT_PER_MINUTE": "100000000", "PARK_API_RATE_LIMIT_BURST": "1000000"}


@dataclass(frozen=True)
class Served:
    """A running server: its base URL, its node's URL, and its data directory."""

    url: str
    rpc: str
    data: Path

    @property
    def index_file(self) -> Path:
        """The server's SQLite index."""
        return self.data / "data" / "index.sqlite"

    def ledger(self) -> Ledger:
        """A client of the served deployment over the node's JSON-RPC."""
        return Ledger.connect(deployment=self.data / "deployments" / "31337.json", rpc=self.rpc)


def ready(http: httpx.Client, url: str = "") -> dict[str, Any]:
    """The server's `/ready` body (chain head, indexed block, outbox counts)."""
    response = http.get(f"{url}/ready")
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


@contextmanager
def served(data: Path, *, workers: int = 1) -> Iterator[Served]:
    """Serve with `workers` HTTP processes on free loopback ports with state under `data`;
    stop it (Ctrl-C) on exit."""
    port, anvil_port = free_port(), free_port()
    env = {
        **os.environ,
        **UNLIMITED,
        "PARK_LEDGER_DATA_DIR": str(data / "data"),
        "PARK_LEDGER_DEPLOYMENTS_DIR": str(data / "deployments"),
    }
    command = [sys.executable, "-m", "ledger.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(
        [*command, "--anvil-port", str(anvil_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield Served(url=url, rpc=f"http://127.0.0.1:{anvil_port}", data=data)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"park-ledger serve exited early ({process.returncode})")
            try:
                if http.get(f"{url}/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
    raise RuntimeError(f"{url}/ready never answered 200")
