"""The real app over HTTP (httpx against the ASGI app) on the session's deployed suite."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiSettings
from ledger.app.services import ParkServices
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment
from ledger.infra.revert import ErrorDecoder
from ledger.infra.runtime import ParkRuntime

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
