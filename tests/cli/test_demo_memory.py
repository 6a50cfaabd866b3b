"""`park-ledger demo` on the in-process chain: the whole example runs and summarises itself."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli, cli_env

ETHER = 10**18


def test_cli_demo_summarises_a_balanced_exhibition_when_run_on_the_memory_chain(
    tmp_path: Path,
) -> None:
    summary = Cli(cli_env(tmp_path)).json("demo", "--chain", "memory")
    assert summary["run"] == 1
    assert summary["status"] == "active"
    assert set(summary["records"].values()) == {"confirmed"}
    assert len(summary["records"]) == 5
    assert summary["proposal_status"] == "executed"
    assert summary["commitment_status"] == "fulfilled"
    # Fixed shares 40/35/25 of 95 % of 3 ETH; the culture fund gets 5 %; the firm's bond is back.
    # NOTE: wei as decimal strings, as the API serves uint256 values.
    assert summary["claimed"] == {
        "studio": str(1_140_000_000_000_000_000),
        "lab": str(997_500_000_000_000_000),
        "firm": str(712_500_000_000_000_000 + ETHER // 2),
    }
    assert summary["fund_claimed"] == str(150_000_000_000_000_000)
    assert summary["balanced"] is True
    assert not (tmp_path / "deployments").exists()
