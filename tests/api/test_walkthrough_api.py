"""docs/api.md's curl walk-through is scripts/walkthrough-api.sh, run here verbatim against
`park-ledger serve` and its managed anvil, as a reader runs it."""

from __future__ import annotations

from pathlib import Path

from ledger.infra.chain.anvil import free_port
from tests.api.test_serve import start_server, stop, wait_ready
from tests.cli.test_walkthrough import run_script, script_body, sh_block

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "walkthrough-api.sh"


def test_api_walkthrough_in_the_docs_is_the_script_verbatim_when_read() -> None:
    assert script_body(SCRIPT) == sh_block(ROOT / "docs" / "api.md", "## Walk-through")


def test_api_walkthrough_runs_to_the_end_when_served_on_anvil(tmp_path: Path) -> None:
    port, anvil_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port, anvil_port)
    try:
        wait_ready(url, server)
        result = run_script(
            SCRIPT,
            tmp_path,
            {
                "PARK_LEDGER_DATA_DIR": str(tmp_path / "data"),
                "PARK_LEDGER_DEPLOYMENTS_DIR": str(tmp_path / "deployments"),
                "PYTHONPATH": str(ROOT),
                "API": url,
                "RPC": f"http://127.0.0.1:{anvil_port}",
            },
        )
    finally:
        output = stop(server)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:] + output[-2000:]
    assert "Active" in result.stdout.splitlines()
