"""The first hour of a newcomer, as real subprocesses: one writer per state file, refusals in
one sentence, nothing lost by following the README."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ledger.chain.anvil import free_port
from tests.cli.conftest import TIMEOUT_S, Cli, cli_env

STUDIO = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"
DEV0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


@contextmanager
def running(env: dict[str, str], *args: str, ready: str) -> Iterator[subprocess.Popen[str]]:
    """`park-ledger ARGS` in the background until it prints `ready`; SIGINT and wait on exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + TIMEOUT_S
        seen = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            seen.append(line)
            if ready in line or (not line and process.poll() is not None):
                break
        assert any(ready in line for line in seen), "".join(seen)
        yield process
    finally:
        process.send_signal(2)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_commands_use_the_running_node_and_keep_its_writes_when_it_holds_the_state_file(
    tmp_path: Path,
) -> None:
    cli = Cli(cli_env(tmp_path))
    port = free_port()
    with running(cli.env, "node", "--port", str(port), ready="press Ctrl-C"):
        second = cli.run("node", "--port", str(free_port()), "--no-deploy")
        assert second.returncode == 1
        assert second.stderr.count("\n") == 1, second.stderr
        assert f"in use by the node at http://127.0.0.1:{port}" in second.stderr
        granted = cli.run("participants", "grant-role", "registrar", DEV0, "--as", "dev:0")
        assert granted.returncode == 0, granted.stderr
        registered = cli.run(
            "participants",
            "register",
            STUDIO,
            "--kind",
            "design_studio",
            "--profile",
            "Lantern",
            "--as",
            "dev:0",
        )
        assert registered.returncode == 0, registered.stderr
    # NOTE: after the node stopped, the command starts its own node on the state file it saved.
    shown = cli.json("participants", "show", STUDIO)
    assert shown["kind"] == "design_studio"
    assert shown["status"] == "active"
