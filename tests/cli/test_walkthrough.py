"""The README's walk-throughs are scripts in the repository, run here as a reader runs them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ledger.infra.chain.anvil import free_port
from ledger.infra.chain.base import dev_accounts
from tests.cli.conftest import cli_env
from tests.cli.test_first_hour import running

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "walkthrough-cli.sh"


def sh_block(document: Path, heading: str) -> str:
    """The first ```sh block after `heading` in `document`."""
    text = document.read_text()
    start = text.index("```sh\n", text.index(heading)) + len("```sh\n")
    return text[start : text.index("```\n", start)]


def script_body(script: Path) -> str:
    """A walk-through script as a reader pastes it: what follows its `set -euo pipefail`."""
    return script.read_text().split("set -euo pipefail\n", 1)[1]


def run_script(
    script: Path, tmp_path: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """`bash SCRIPT` in `tmp_path` with `env` added and this checkout's CLI first on PATH."""
    bin_dir = cli_on_path(tmp_path)
    return subprocess.run(
        ["bash", str(script)],
        cwd=tmp_path,
        env={**os.environ, **env, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def cli_on_path(tmp_path: Path) -> Path:
    """A folder holding `park-ledger` (this checkout's CLI) and `python3` (this interpreter),
    to put first on a script's PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # NOTE: wrappers, not symlinks: a symlinked venv interpreter would not find its venv.
    for name, command in (("park-ledger", "-m ledger.cli "), ("python3", "")):
        wrapper = bin_dir / name
        wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} {command}"$@"\n')
        wrapper.chmod(0o755)
    return bin_dir


def test_readme_cli_workflow_is_the_script_verbatim_when_read_from_the_top() -> None:
    assert script_body(SCRIPT) == sh_block(ROOT / "README.md", "## CLI workflow")


def test_readme_cli_workflow_runs_to_the_end_when_a_node_runs(tmp_path: Path) -> None:
    port = free_port()
    env = {**cli_env(tmp_path), "PYTHONPATH": str(ROOT)}
    with running(env, "node", "--port", str(port), ready="press Ctrl-C"):
        result = run_script(SCRIPT, tmp_path, {**env, "RPC": f"http://127.0.0.1:{port}"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Active" in result.stdout or "active" in result.stdout


def test_readme_dev_account_table_matches_the_dev_mnemonic_when_read() -> None:
    text = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `dev:(\d+)` \| [^|]+ \| `(0x\w{40})` \| `(0x\w{64})` \|$", text, re.M)
    assert len(rows) == 5
    accounts = dev_accounts(10)
    for index, address, key in rows:
        assert accounts[int(index)].address == address
        assert "0x" + bytes(accounts[int(index)].key).hex() == key
