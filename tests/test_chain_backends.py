"""One shared suite run against every chain backend: in-process, managed anvil, plain RPC."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web3.contract import Contract

from ledger.domain.errors import RevertError
from ledger.infra.chain import AnvilChain, ChainBackend, MemoryChain, RpcChain
from ledger.infra.compiler import CompileResult
from ledger.infra.revert import ErrorDecoder
from ledger.infra.tx import call, transact


@pytest.fixture(scope="module", params=["memory", "anvil", "rpc"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ChainBackend]:
    """Each backend in turn; anvil runs as a real separate process."""
    if request.param == "memory":
        yield MemoryChain()
        return
    state = tmp_path_factory.mktemp("anvil") / "state.json"
    with AnvilChain(state_file=state) as anvil:
        if request.param == "anvil":
            yield anvil
        else:
            # NOTE: keys given to RpcChain sign locally (eth_sendRawTransaction), the path
            # a remote node without unlocked accounts needs.
            yield RpcChain(anvil.url, accounts=anvil.accounts[:3], expected_chain_id=31337)


@pytest.fixture
def counter(backend: ChainBackend, artifacts: CompileResult, decoder: ErrorDecoder) -> Contract:
    """A freshly deployed Counter(5) on the backend."""
    artifact = artifacts["Counter"]
    factory = backend.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = transact(factory.constructor(5), sender=backend.accounts[0].address, decoder=decoder)
    return backend.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


def test_backend_funds_the_dev_accounts(backend: ChainBackend) -> None:
    assert len(backend.accounts) >= 3
    for account in backend.accounts[:3]:
        assert backend.w3.eth.get_balance(account.address) > 10**21


def test_backend_deploys_and_runs_a_contract(
    backend: ChainBackend, counter: Contract, decoder: ErrorDecoder
) -> None:
    sender = backend.accounts[1].address
    receipt = transact(counter.functions.increment(3), sender=sender, decoder=decoder)
    assert receipt["status"] == 1
    assert counter.functions.count().call() == 8
    (event,) = counter.events.CounterIncremented().process_receipt(receipt)
    assert event["args"]["caller"] == sender
    assert event["args"]["count"] == 8


def test_backend_decodes_custom_error_when_transaction_reverts(
    backend: ChainBackend, counter: Contract, decoder: ErrorDecoder
) -> None:
    sender = backend.accounts[2].address
    with pytest.raises(RevertError) as raised:
        transact(counter.functions.increment(0), sender=sender, decoder=decoder)
    assert raised.value.name == "CounterZeroIncrement"
    assert raised.value.arguments == {"caller": sender}
    with pytest.raises(RevertError, match="CounterZeroIncrement"):
        call(counter.functions.increment(0), decoder=decoder, sender=sender)
    assert counter.functions.count().call() == 5


def test_backend_snapshot_revert_restores_state(
    backend: ChainBackend, counter: Contract, decoder: ErrorDecoder
) -> None:
    snapshot = backend.snapshot()
    transact(counter.functions.increment(10), sender=backend.accounts[0].address, decoder=decoder)
    assert counter.functions.count().call() == 15
    backend.revert(snapshot)
    assert counter.functions.count().call() == 5


def test_backend_moves_the_clock_forward(backend: ChainBackend) -> None:
    before = backend.timestamp()
    backend.increase_time(3600)
    assert 3600 <= backend.timestamp() - before <= 3602


def test_backend_mines_blocks(backend: ChainBackend) -> None:
    before = backend.w3.eth.block_number
    backend.mine(3)
    assert backend.w3.eth.block_number == before + 3


def test_backends_share_the_dev_accounts(backend: ChainBackend, tmp_path: Path) -> None:
    assert backend.accounts[0].address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def test_backend_accepts_transactions_signed_locally(
    backend: ChainBackend, counter: Contract, decoder: ErrorDecoder
) -> None:
    account = backend.accounts[2]
    nonce = backend.w3.eth.get_transaction_count(account.address)
    receipt = transact(counter.functions.increment(2), sender=account, decoder=decoder)
    assert receipt["status"] == 1
    assert backend.w3.eth.get_transaction_count(account.address) == nonce + 1
    assert counter.functions.count().call() == 7
    with pytest.raises(RevertError, match="CounterZeroIncrement"):
        transact(counter.functions.increment(0), sender=account, decoder=decoder)
    assert backend.w3.eth.get_transaction_count(account.address) == nonce + 1
