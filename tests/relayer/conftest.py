"""Relayer fixtures: the Journal fixture contract on a real chain, and relayers on temp outboxes.

The relayer is generic, so these tests compile only the test fixtures (not `contracts/`):
they exercise the outbox against real chains without depending on the business contracts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3
from web3.contract import Contract

from ledger.infra.chain import ChainBackend, MemoryChain
from ledger.infra.compiler import CompileResult, compile_sources
from ledger.infra.config import get_settings
from ledger.infra.revert import ErrorDecoder
from ledger.infra.tx import transact
from ledger.writes.relayer import Call, Intent, OutboxEntry, Relayer, RelayerConfig

FIXTURES = Path(__file__).resolve().parent.parent / "contracts" / "fixtures"
RELAYER_ACCOUNT = 9  # a dev account no other fixture sends from
RECORD = "journal.record"

MakeRelayer = Callable[..., Relayer]


@pytest.fixture(scope="session")
def fixture_artifacts() -> CompileResult:
    """Journal and Counter, compiled once (cached on disk)."""
    root = get_settings().project_root
    sources = {
        path.resolve().relative_to(root).as_posix(): path.read_text()
        for path in (FIXTURES / "Journal.sol", FIXTURES / "Counter.sol")
    }
    return compile_sources(sources)


@pytest.fixture(scope="session")
def fixture_decoder(fixture_artifacts: CompileResult) -> ErrorDecoder:
    """Decodes the fixtures' custom errors."""
    return ErrorDecoder(a.abi for a in fixture_artifacts.artifacts.values())


def deploy_journal(
    chain: ChainBackend, artifacts: CompileResult, decoder: ErrorDecoder
) -> Contract:
    """Deploy a fresh Journal from dev account 0."""
    artifact = artifacts["Journal"]
    factory = chain.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = transact(factory.constructor(), sender=chain.accounts[0].address, decoder=decoder)
    return chain.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


def record_id(label: str | int) -> bytes:
    """A distinct non-zero bytes32 record id."""
    return Web3.keccak(text=str(label))


def record_intent(journal: Contract, rid: bytes, *, batch_key: str | None = None) -> Intent:
    """An intent to call `journal.record(rid)`."""
    return Intent(
        kind=RECORD,
        target=journal.address,
        data=bytes.fromhex(journal.encode_abi("record", [rid])[2:]),
        batch_key=batch_key,
    )


def journal_batcher(journal: Contract) -> Callable[[Sequence[OutboxEntry]], Call]:
    """The batcher a contract client would register: N `record(id)` → one `recordBatch(ids)`."""

    def batch(entries: Sequence[OutboxEntry]) -> Call:
        ids = [entry.intent.data[4:36] for entry in entries]
        data = journal.encode_abi("recordBatch", [ids])
        return Call(journal.address, bytes.fromhex(data[2:]))

    return batch


class SimulatedCrash(BaseException):
    """Raised by a crash hook: the relayer stops dead at that point, as if killed."""


def crash_after_signing(make_relayer: MakeRelayer, chain: ChainBackend, intent: Intent) -> int:
    """Journal `intent` and die right after its transaction is signed and stored, unsent.

    Returns the entry id; the crashed relayer is closed, as the OS would on process death.
    """

    def crash(point: str) -> None:
        if point == "signed":
            raise SimulatedCrash(point)

    crashing = make_relayer(chain, crash_hook=crash)
    entry = crashing.submit(intent)
    with pytest.raises(SimulatedCrash):
        crashing.process_once()
    crashing.close()
    return entry.id


@pytest.fixture
def journal(
    chain: MemoryChain, fixture_artifacts: CompileResult, fixture_decoder: ErrorDecoder
) -> Contract:
    """A Journal on the snapshot-isolated in-process chain."""
    return deploy_journal(chain, fixture_artifacts, fixture_decoder)


@pytest.fixture
def make_relayer(tmp_path: Path, fixture_decoder: ErrorDecoder) -> Iterator[MakeRelayer]:
    """Build relayers on `tmp_path/outbox.sqlite3` (closed at the end of the test)."""
    made: list[Relayer] = []

    def make(chain: ChainBackend, **kwargs: Any) -> Relayer:
        kwargs.setdefault("config", RelayerConfig(confirmations=1, poll_interval=0.05))
        kwargs.setdefault("accounts", [chain.accounts[RELAYER_ACCOUNT]])
        kwargs.setdefault("outbox", tmp_path / "outbox.sqlite3")
        relayer = Relayer(w3=chain.w3, decoder=fixture_decoder, **kwargs)
        made.append(relayer)
        return relayer

    yield make
    for relayer in made:
        relayer.close()
