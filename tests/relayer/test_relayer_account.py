"""Which account the relayer sends from when `serve --rpc` points at a node it did not start."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.app.services import relayer_account
from ledger.domain.errors import ConfigurationError
from ledger.infra.chain import AnvilChain
from ledger.infra.chain.base import dev_accounts
from ledger.infra.config import LedgerSettings
from ledger.infra.runtime import ParkRuntime

pytestmark = pytest.mark.anvil


def _runtime_over_rpc(node: AnvilChain, tmp_path: Path) -> ParkRuntime:
    settings = LedgerSettings(data_dir=tmp_path / "data", deployments_dir=tmp_path / "deployments")
    return ParkRuntime.start(rpc=f"http://127.0.0.1:{node.port}", settings=settings)


def test_a_dev_node_over_rpc_relays_from_its_last_funded_dev_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARK_LEDGER_RELAYER_KEY", raising=False)
    with AnvilChain(log_file=tmp_path / "anvil.log") as node:
        runtime = _runtime_over_rpc(node, tmp_path)
        try:
            assert runtime.chain.accounts == []  # nothing local: the node's own accounts
            assert relayer_account(runtime).address == dev_accounts(20)[-1].address
        finally:
            runtime.close()


def test_a_dev_node_that_does_not_fund_the_dev_account_needs_a_relayer_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARK_LEDGER_RELAYER_KEY", raising=False)
    with AnvilChain(accounts=5, log_file=tmp_path / "anvil.log") as node:
        runtime = _runtime_over_rpc(node, tmp_path)
        try:
            with pytest.raises(ConfigurationError, match="PARK_LEDGER_RELAYER_KEY"):
                relayer_account(runtime)
        finally:
            runtime.close()
