"""`park-ledger index` end to end on a managed anvil with the suite deployed: sync, resume,
rebuild, JSON output, and one-sentence errors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from ledger.cli import index_commands
from ledger.domain.errors import LedgerError
from ledger.infra.chain import AnvilChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import deploy_suite

pytestmark = pytest.mark.anvil


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Parse and run `park-ledger index …` the way `ledger.cli.main` does."""
    parser = argparse.ArgumentParser(prog="park-ledger")
    index_commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        code = int(args.handler(args))
    except LedgerError as err:
        print(f"park-ledger: {err}", file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


def test_index_command_syncs_resumes_and_rebuilds_when_run_against_a_deployed_suite(
    tmp_path: Path, artifacts: CompileResult, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'index.sqlite'}"
    with AnvilChain(state_file=None, log_file=tmp_path / "anvil.log", accounts=3) as anvil:
        deploy_suite(anvil.w3, artifacts, deployer=anvil.accounts[0].address, manifest_dir=tmp_path)
        base = ["index", "--rpc", anvil.url, "--deployments", str(tmp_path), "--db", db, "--json"]

        first = run(base, capsys)
        again = run(base, capsys)
        rebuilt = run([*base, "--rebuild"], capsys)

    assert first[0] == again[0] == rebuilt[0] == 0
    first_json, again_json, rebuilt_json = (json.loads(r[1]) for r in (first, again, rebuilt))
    assert first_json["last_block"] == again_json["last_block"] == rebuilt_json["last_block"]
    assert first_json["events"] == rebuilt_json["events"] > 0
    assert again_json["events"] == 0
    assert first_json["mismatches"] == []


def test_index_command_says_what_is_missing_when_no_manifest_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with AnvilChain(state_file=None, log_file=tmp_path / "anvil.log", accounts=2) as anvil:
        code, out, err = run(
            ["index", "--rpc", anvil.url, "--deployments", str(tmp_path / "none")], capsys
        )

    assert code == 1
    assert out == ""
    assert err.startswith("park-ledger: no deployment manifest")
    assert err.count("\n") == 1


def test_index_command_fails_in_one_sentence_when_the_database_is_unreachable(
    tmp_path: Path, artifacts: CompileResult, capsys: pytest.CaptureFixture[str]
) -> None:
    with AnvilChain(state_file=None, log_file=tmp_path / "anvil.log", accounts=2) as anvil:
        deploy_suite(anvil.w3, artifacts, deployer=anvil.accounts[0].address, manifest_dir=tmp_path)
        code, _, err = run(
            [
                "index",
                "--rpc",
                anvil.url,
                "--deployments",
                str(tmp_path),
                "--db",
                "postgresql://nobody@127.0.0.1:1/none",
            ],
            capsys,
        )

    assert code == 1
    assert err.startswith("park-ledger: the index database cannot be used:")
    assert err.count("\n") == 1
