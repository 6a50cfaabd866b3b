"""The managed anvil node and the RPC backend: durability, and one clear error per bad setup."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ledger.domain.errors import (
    ChainMismatchError,
    ChainUnavailableError,
    ConfigurationError,
    ToolchainError,
)
from ledger.infra.chain import AnvilChain, RpcChain
from ledger.infra.chain.anvil import free_port
from ledger.infra.config import LedgerSettings


def test_anvil_state_survives_a_restart_when_stopped_cleanly(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with AnvilChain(state_file=state) as node:
        sender, receiver = node.accounts[0].address, node.accounts[5].address
        tx = node.w3.eth.send_transaction({"from": sender, "to": receiver, "value": 424242})
        node.w3.eth.wait_for_transaction_receipt(tx)
        balance = node.w3.eth.get_balance(receiver)
        block = node.w3.eth.block_number
    assert state.is_file()
    with AnvilChain(state_file=state) as node:
        assert node.w3.eth.get_balance(receiver) == balance
        assert node.w3.eth.block_number == block
        assert node.w3.eth.get_transaction(tx)["value"] == 424242


def test_anvil_process_is_stopped_when_the_context_exits(tmp_path: Path) -> None:
    with AnvilChain(state_file=tmp_path / "state.json") as node:
        process = node.process
        assert node.running
    assert process.poll() is not None


def test_anvil_refuses_a_corrupt_state_file_and_leaves_it_untouched(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"block": {"number": ')
    with pytest.raises(ConfigurationError, match="is corrupt"):
        AnvilChain(state_file=state)
    assert state.read_text() == '{"block": {"number": '


def test_anvil_refuses_a_port_already_in_use(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConfigurationError, match=rf"port {port} .* already in use"):
            AnvilChain(state_file=tmp_path / "state.json", port=port)
    assert not (tmp_path / "state.json").exists()


def test_anvil_says_what_to_run_when_node_modules_is_missing(tmp_path: Path) -> None:
    settings = LedgerSettings(node_modules=tmp_path / "node_modules", data_dir=tmp_path)
    with pytest.raises(ToolchainError, match="npm ci"):
        AnvilChain(state_file=tmp_path / "state.json", settings=settings)


def test_rpc_reports_an_unreachable_node_in_one_sentence() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ChainUnavailableError, match=f"cannot reach a JSON-RPC node at {url}"):
        RpcChain(url, timeout=2)


def test_rpc_refuses_a_node_with_another_chain_id(tmp_path: Path) -> None:
    expected = "is chain 31337, but chain 1 was expected"
    with (
        AnvilChain(state_file=tmp_path / "state.json") as node,
        pytest.raises(ChainMismatchError, match=expected),
    ):
        RpcChain(node.url, expected_chain_id=1)
