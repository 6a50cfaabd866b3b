"""`park-ledger serve` as `make run` starts it, under attack and killed (issue #15, item 2):
a body of deeply nested JSON must not crash it, and a crashed server must not orphan anvil."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ledger.infra.chain.anvil import free_port, port_in_use
from tests.api.test_serve import children_of, start_server, stop, wait_ready

NESTING = 99_000  # 198 KB, well under the 1 MiB body limit: the crash the review found
Server = tuple[str, int, subprocess.Popen[str]]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """One `park-ledger serve` on anvil for the module: its URL, anvil's port, the process."""
    port, anvil_port = free_port(), free_port()
    process = start_server(tmp_path_factory.mktemp("serve-crash"), port, anvil_port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield url, anvil_port, process
    finally:
        if process.poll() is None:
            stop(process)


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie nobody reaped yet has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_serve_answers_400_and_lives_when_a_body_nests_100k_arrays(
    server: Server,
) -> None:
    url, _, process = server
    body = b"[" * NESTING + b"]" * NESTING
    response = httpx.post(
        f"{url}/contributions",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "/problems/json-too-deep"
    assert httpx.get(f"{url}/health", timeout=10).status_code == 200
    assert process.poll() is None


def test_anvil_stops_when_the_serve_process_is_killed(
    server: Server,
) -> None:
    _, anvil_port, process = server
    anvils = [
        pid
        for pid in children_of(process.pid)
        if b"anvil" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(anvils) == 1
    assert port_in_use(anvil_port)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 20
    while (_alive(anvils[0]) or port_in_use(anvil_port)) and time.monotonic() < deadline:
        time.sleep(0.1)
    orphaned = _alive(anvils[0])
    if orphaned:  # NOTE: never leave it running for the next test
        os.kill(anvils[0], signal.SIGKILL)
    assert not orphaned
    assert not port_in_use(anvil_port)
