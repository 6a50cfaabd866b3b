"""The park's demo exhibition (ledger/dev/demo.py) on the session chain, indexed and served by
the real app over real sockets: shared by the API's HTTP-level tests and the dashboard's
browser tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import uvicorn
from eth_account.signers.local import LocalAccount
from fastapi import FastAPI

from api.app import create_app
from api.serve import uvicorn_options
from api.settings import ApiSettings
from ledger.app.services import ParkServices
from ledger.client import Ledger
from ledger.dev.demo import DemoCast, DemoSummary, run_demo, text_hash
from ledger.domain.structs import ParticipantKind
from ledger.infra.chain import MemoryChain
from ledger.infra.chain.anvil import free_port
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment
from ledger.infra.revert import ErrorDecoder
from ledger.infra.runtime import ParkRuntime


def served_settings(port: int) -> ApiSettings:
    """Settings for the app served on loopback `port`: a fuzzer or a burst of concurrent
    clients stays under the rate limit (the limiter itself is tested in test_basics.py)."""
    return ApiSettings(
        public_url=f"http://127.0.0.1:{port}",
        rate_limit_per_minute=1_000_000,
        rate_limit_burst=100_000,
    )


@contextmanager
def served(app: FastAPI, port: int, settings: ApiSettings | None = None) -> Iterator[str]:
    """`app` served by uvicorn over real sockets on loopback `port`, configured as
    `park-ledger serve` configures it for `settings`; yields its base URL."""
    options = {
        **uvicorn_options(settings or served_settings(port)),
        "host": "127.0.0.1",
        "port": port,
        "log_level": "warning",
    }
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", **options))
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
