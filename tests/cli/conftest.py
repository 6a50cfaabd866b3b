"""CLI fixtures: one managed anvil per test module, its deployment written by `park-ledger
deploy` into a temporary deployments directory, and a runner for `park-ledger` subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger.client import Ledger
from ledger.infra.chain import AnvilChain
from ledger.infra.deploy import manifest_path

TIMEOUT_S = 120


@dataclass
class Cli:
    """Runs `park-ledger` with the test's data and deployments directories."""

    env: dict[str, str]
    rpc: str | None = None

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `park-ledger ARGS` (on the module's node when `rpc` is set) in a subprocess."""
        chain = ["--rpc", self.rpc] if self.rpc and args[0] not in ("outbox",) else []
        return subprocess.run(
            [sys.executable, "-m", "ledger.cli", *args, *chain],
            capture_output=True,
            text=True,
            env={**os.environ, **self.env},
            timeout=TIMEOUT_S,
            check=False,
        )

    def json(self, *args: str) -> Any:
        """Run a command with `--json`; assert success and return the parsed output."""
        result = self.run(*args, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


def cli_env(tmp: Path) -> dict[str, str]:
    """Environment pointing the CLI at fresh data and deployments directories."""
    return {
        "PARK_LEDGER_DATA_DIR": str(tmp / "data"),
        "PARK_LEDGER_DEPLOYMENTS_DIR": str(tmp / "deployments"),
    }


@dataclass
class Node:
    """The module's anvil, the CLI bound to it and the client of its deployment."""

    chain: AnvilChain
    cli: Cli
    ledger: Ledger


def register_firms(node: Node, *parties: LocalAccount) -> None:
    """Register `parties` as firms (dev account 0, the deployer, made registrar first)."""
    ledger, admin = node.ledger, node.chain.accounts[0]
    ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin)
    for party in parties:
        if not ledger.registry.is_active(party.address):
            ledger.registry.register(
                account=party.address, kind="firm", profile_hash=keccak(text="p"), sender=admin
            )


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """A managed anvil with the suite deployed by `park-ledger deploy --rpc`."""
    tmp = tmp_path_factory.mktemp("cli")
    with AnvilChain(log_file=tmp / "anvil.log") as chain:
        cli = Cli(cli_env(tmp), rpc=chain.url)
        deployed = cli.run("deploy")
        assert deployed.returncode == 0, deployed.stderr
        ledger = Ledger.connect(
            deployment=manifest_path(tmp / "deployments", chain.chain_id), chain=chain
        )
        yield Node(chain, cli, ledger)
