"""The real app over HTTP (httpx against the ASGI app) on the session's deployed suite."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiSettings
from ledger.chain import MemoryChain
from ledger.chain.anvil import free_port
from ledger.client import Ledger
from ledger.compiler import CompileResult
from ledger.demo import DemoCast, DemoSummary, run_demo, text_hash
from ledger.deploy import Deployment
from ledger.revert import ErrorDecoder
from ledger.runtime import ParkRuntime
from ledger.services import ParkServices
from ledger.structs import ParticipantKind

BASE_URL = "http://testserver"

# NOTE: the contract tests' helpers (agreements ready to use, records and proofs) set up the
# chain as a party would, directly; the API is then exercised over HTTP.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "contracts"))


@pytest.fixture
def api_settings() -> ApiSettings:
    """Settings for the app under test (generous limits unless a test lowers them)."""
    return ApiSettings(public_url=BASE_URL, rate_limit_per_minute=100_000, rate_limit_burst=10_000)


@pytest.fixture
def runtime(
    chain: MemoryChain,
    artifacts: CompileResult,
    deployment: Deployment,
    decoder: ErrorDecoder,
    tmp_path: Path,
) -> ParkRuntime:
    """The session chain and suite (snapshot-isolated per test) with a fresh data directory."""
    return ParkRuntime(
        chain=chain,
        artifacts=artifacts,
        deployment=deployment,
        decoder=decoder,
        data_dir=tmp_path,
    )


@pytest.fixture
def services(runtime: ParkRuntime) -> Iterator[ParkServices]:
    """Indexer and relayer driven synchronously by the test (`services.sync()`), never in the
    background, so every read is deterministic."""
    with ParkServices(runtime=runtime) as opened:
        opened.sync()
        yield opened


@pytest.fixture
def app(runtime: ParkRuntime, services: ParkServices, api_settings: ApiSettings) -> FastAPI:
    """The application serving the session chain through the test's services."""
    return create_app(runtime, api_settings, services)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTP client talking to the app in-process."""
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


def client_with(app: FastAPI, **settings: Any) -> TestClient:
    """A client of the same runtime and services served with other settings (limits, TTLs)."""
    variant = create_app(
        app.state.runtime, ApiSettings(public_url=BASE_URL, **settings), app.state.services
    )
    return TestClient(variant, base_url=BASE_URL)


def sign_in(client: httpx.Client, account: LocalAccount) -> str:
    """Run the sign-in flow for `account`; returns the bearer token."""
    challenge = client.post("/auth/challenge", json={"address": account.address}).json()
    signed = Account.sign_message(encode_defunct(text=challenge["message"]), account.key)
    response = client.post(
        "/auth/token",
        json={"message": challenge["message"], "signature": "0x" + bytes(signed.signature).hex()},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def served_settings(port: int) -> ApiSettings:
    """Settings for the app served on loopback `port`: a fuzzer or a burst of concurrent
    clients stays under the rate limit (the limiter itself is tested in test_basics.py)."""
    return ApiSettings(
        public_url=f"http://127.0.0.1:{port}",
        rate_limit_per_minute=1_000_000,
        rate_limit_burst=100_000,
    )


@contextmanager
def served(app: FastAPI, port: int) -> Iterator[str]:
    """`app` served by uvicorn over real sockets on loopback `port`; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError(f"uvicorn did not start on port {port}")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@dataclass(frozen=True)
class DemoPark:
    """The demo exhibition on the session chain, with a registered participant who is party
    of nothing and an auditor; its indexer and relayer are driven by the test (`sync()`)."""

    runtime: ParkRuntime
    services: ParkServices
    cast: DemoCast
    summary: DemoSummary
    outsider: LocalAccount
    auditor: LocalAccount

    @property
    def ledger(self) -> Ledger:
        """A client of the park's chain."""
        return Ledger.from_runtime(self.runtime)

    @property
    def agreement_id(self) -> str:
        """The demo agreement's id, 0x hex."""
        return "0x" + self.summary.agreement_id.hex()


@pytest.fixture(scope="module")
def demo_park(
    memory_chain: MemoryChain,
    artifacts: CompileResult,
    deployment: Deployment,
    decoder: ErrorDecoder,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DemoPark]:
    """The demo run once per module on the session chain, reverted when the module ends."""
    snapshot = memory_chain.snapshot()
    runtime = ParkRuntime(
        chain=memory_chain,
        artifacts=artifacts,
        deployment=deployment,
        decoder=decoder,
        data_dir=tmp_path_factory.mktemp("demo-park"),
    )
    ledger = Ledger.from_runtime(runtime)
    cast = DemoCast.from_accounts(memory_chain.accounts)
    summary = run_demo(ledger=ledger, cast=cast)
    outsider, auditor = memory_chain.accounts[6], memory_chain.accounts[7]
    ledger.registry.register(
        account=outsider.address,
        kind=ParticipantKind.RESEARCH_INSTITUTE,
        profile_hash=text_hash("a research institute in the park, party of nothing"),
        sender=cast.admin,
    )
    ledger.registry.grant_role(role="auditor", account=auditor.address, sender=cast.admin)
    try:
        with ParkServices(runtime=runtime) as services:
            services.sync()
            yield DemoPark(runtime, services, cast, summary, outsider, auditor)
    finally:
        memory_chain.revert(snapshot)


@dataclass(frozen=True)
class DemoServer:
    """The real app on the demo park and the URL it is served on."""

    app: FastAPI
    url: str


@pytest.fixture(scope="module")
def demo_server(demo_park: DemoPark) -> Iterator[DemoServer]:
    """The real app on the demo park, served over HTTP on a loopback port."""
    port = free_port()
    app = create_app(demo_park.runtime, served_settings(port), demo_park.services)
    with served(app, port) as url:
        yield DemoServer(app, url)
