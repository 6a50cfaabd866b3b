"""Security review of the API and the relayer (issue #15, items 2, 6, 9, 10, 11, 14 and 15):
one regression test per finding, each over HTTP against the real app on the session chain
(or the real uvicorn server), each failing without its mitigation (docs/security.md)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from fastapi import FastAPI
from fastapi.testclient import TestClient
from module_helpers import open_agreement_with_contract, register_all

from api.app import create_app
from api.middleware import JsonDepthScanner, JsonTooDeepError, RateLimitMiddleware
from api.settings import ApiSettings
from ledger.app.services import ParkServices
from ledger.domain import signing
from ledger.domain.errors import IntentConflictError
from ledger.infra.chain.anvil import free_port
from ledger.writes.relayer import EntryStatus, Failure, Intent, Outbox
from tests.api import conftest as api_fixtures
from tests.api import test_writes
from tests.api.conftest import sign_in
from tests.api.test_writes import consent_body
from tests.conftest import Suite
from tests.demo_park import served

# NOTE: the API tests' fixtures (the real app on the session chain), shared by name.
api_settings = api_fixtures.api_settings
runtime = api_fixtures.runtime
services = api_fixtures.services
app = api_fixtures.app
client = api_fixtures.client
proposed = test_writes.proposed

PROBLEM = "application/problem+json"
GARBAGE_SIGNATURE = "0x" + "11" * 65


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# -- item 2: deeply nested JSON ---------------------------------------------------------------


def test_nested_json_is_refused_with_400_when_deeper_than_the_limit(client: TestClient) -> None:
    response = client.post(
        "/contributions", content=_nested(65), headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "/problems/json-too-deep"


def test_nested_json_reaches_validation_when_within_the_limit(client: TestClient) -> None:
    response = client.post(
        "/contributions", content=_nested(64), headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text


def test_json_depth_scan_ignores_brackets_when_inside_strings_or_escaped() -> None:
    text = b'{"a": "' + b"[{" * 200 + b'\\"[[[\\\\", "b": [1, "]]]"]}'
    scanner = JsonDepthScanner(2)
    # NOTE: fed one byte at a time, so every escape straddles a chunk boundary.
    for at in range(len(text)):
        scanner.feed(text[at : at + 1])
    assert scanner.depth == 0
    with pytest.raises(JsonTooDeepError):
        JsonDepthScanner(2).feed(b'{"a": [[1]]}')


# -- item 6: X-Forwarded-For and the rate limit -----------------------------------------------


def _spoofed_statuses(app: FastAPI, **settings: Any) -> list[int]:
    """40 requests, each claiming another client address, to the app served by uvicorn as
    `park-ledger serve` configures it."""
    port = free_port()
    options = ApiSettings(
        public_url=f"http://127.0.0.1:{port}",
        rate_limit_per_minute=1,
        rate_limit_burst=5,
        **settings,
    )
    limited = create_app(app.state.runtime, options, app.state.services)
    with served(limited, port, options) as url:
        return [
            httpx.get(
                f"{url}/participants", headers={"X-Forwarded-For": f"203.0.113.{n}"}
            ).status_code
            for n in range(40)
        ]


def test_rate_limit_holds_when_clients_spoof_x_forwarded_for(app: FastAPI) -> None:
    statuses = _spoofed_statuses(app)
    assert statuses.count(200) == 5
    assert statuses.count(429) == 35


def test_rate_limit_counts_forwarded_clients_when_the_proxy_is_trusted(app: FastAPI) -> None:
    statuses = _spoofed_statuses(app, trusted_proxies="127.0.0.1")
    assert statuses == [200] * 40


def test_rate_limit_table_stays_bounded_when_many_clients_call() -> None:
    async def nothing(*_args: Any) -> None:
        return None

    limiter = RateLimitMiddleware(nothing, per_minute=60, burst=5, max_clients=100)
    for n in range(10_000):
        limiter._take(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter._buckets) == 100
    # the most recent clients keep their buckets
    assert "10.0.39.15" in limiter._buckets


# -- item 9: idempotency keys are not an oracle -----------------------------------------------


def test_idempotency_key_use_is_not_revealed_when_the_signature_is_forged(
    client: TestClient, suite: Suite, proposed: dict[str, Any]
) -> None:
    aid, victim = proposed["aid"], proposed["parties"][1]
    url = f"/agreements/{aid}/consents"
    used = client.post(
        url, json=consent_body(client, suite, aid, victim), headers={"Idempotency-Key": "v-1"}
    )
    assert used.status_code == 202
    forged = {**consent_body(client, suite, aid, victim), "signature": GARBAGE_SIGNATURE}
    answers = [
        client.post(url, json=forged, headers={"Idempotency-Key": key}) for key in ("v-1", "v-2")
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert {a.json()["type"] for a in answers} == {"/problems/invalid-signature"}


# -- item 10: one pending intent per signer and nonce -----------------------------------------


def _post_records(
    client: TestClient, suite: Suite, agreement: dict[str, Any], tag: str
) -> httpx.Response:
    """POST a one-record batch signed by the agreement's first party at its current nonce."""
    contributor: LocalAccount = agreement["parties"][0]
    draft = {
        "agreement_id": agreement["aid"],
        "contributor": contributor.address,
        "records": [{"kind": "Design", "weight": 5, "evidence_hash": _hex(keccak(text=tag))}],
        "deadline": suite.chain.timestamp() + 3600,
    }
    typed = client.post("/contributions/typed-data", json=draft)
    assert typed.status_code == 200, typed.text
    data = typed.json()
    signed = {
        **draft,
        "nonce": data["message"]["nonce"],
        "signature": _hex(signing.sign(data, contributor)),
    }
    return client.post("/contributions", json=signed)


@pytest.fixture
def active(suite: Suite, services: ParkServices, proposed: dict[str, Any]) -> dict[str, Any]:
    """The proposed agreement, made active by its parties' own consents."""
    agreements = suite["Agreements"]
    aid = bytes.fromhex(proposed["aid"][2:])
    version, params_hash = 1, agreements.functions.termsOf(aid).call()[-1]
    for party in proposed["parties"][1:]:
        suite.transact(agreements.functions.consent(aid, version, params_hash), party.address)
    services.sync()
    return proposed


def test_second_intent_at_one_nonce_is_409_when_the_first_is_pending(
    client: TestClient, suite: Suite, services: ParkServices, active: dict[str, Any]
) -> None:
    first = _post_records(client, suite, active, "a")
    assert first.status_code == 202, first.text
    rivals = [_post_records(client, suite, active, tag) for tag in ("b", "c", "d")]
    assert [r.status_code for r in rivals] == [409, 409, 409]
    assert {r.json()["type"] for r in rivals} == {"/problems/intent-conflict"}
    assert sum(services.outbox.counts().values()) == 1
    services.sync()
    assert services.outbox.get(first.json()["id"]).status is EntryStatus.CONFIRMED


def test_outbox_slot_is_free_again_when_its_entry_failed(tmp_path: Any) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    intent = Intent(kind="k", target="0x" + "11" * 20, data=b"\x01")
    first = outbox.submit(intent, idempotency_key="a", slot="s")
    with pytest.raises(IntentConflictError):
        outbox.submit(intent, idempotency_key="b", slot="s")
    outbox.fail([first.id], Failure("Nope"))
    assert outbox.submit(intent, idempotency_key="b", slot="s").status is EntryStatus.QUEUED
    outbox.close()


# -- item 11: a front-run record batch is confirmed, not failed -------------------------------


def test_record_batch_is_confirmed_when_a_front_runner_sent_its_signature_first(
    client: TestClient, suite: Suite, services: ParkServices, active: dict[str, Any]
) -> None:
    posted = _post_records(client, suite, active, "x")
    assert posted.status_code == 202, posted.text
    entry = services.outbox.get(posted.json()["id"])
    front_runner = suite.accounts[9].address
    tx = suite.w3.eth.send_transaction(
        {"from": front_runner, "to": entry.intent.target, "data": entry.intent.data}
    )
    assert suite.w3.eth.wait_for_transaction_receipt(tx)["status"] == 1
    services.sync()
    settled = services.outbox.get(entry.id)
    assert settled.status is EntryStatus.CONFIRMED, settled.failure
    assert settled.failure is None
    services.sync()
    listing = client.get("/contributions", params={"agreement_id": active["aid"]}).json()["items"]
    assert len(listing) == 1


# -- item 14: the ERC-1271 pre-flight -----------------------------------------------------------


def test_outsider_contract_wallet_is_403_without_running_it_when_not_a_party(
    client: TestClient, suite: Suite, proposed: dict[str, Any]
) -> None:
    aid = proposed["aid"]
    burner = suite.deploy_fixture("GasBurningWallet")
    body = {**consent_body(client, suite, aid, proposed["parties"][1]), "signer": burner.address}
    body["signature"] = GARBAGE_SIGNATURE
    started = time.monotonic()
    response = client.post(f"/agreements/{aid}/consents", json=body)
    assert response.status_code == 403, response.text
    assert response.json()["type"] == "/problems/not-a-party"
    assert time.monotonic() - started < 5


def test_party_contract_wallet_check_is_gas_capped_when_it_burns_gas(
    client: TestClient, suite: Suite, services: ParkServices
) -> None:
    burner = suite.deploy_fixture("GasBurningWallet")
    signers = list(suite.accounts[1:3])
    aid = open_agreement_with_contract(suite, signers, burner, salt=b"\x15" * 32)
    register_all(suite, [burner.address])
    services.sync()
    body = {
        "agreement_id": _hex(aid),
        "contributor": burner.address,
        "records": [{"kind": "Design", "weight": 5, "evidence_hash": _hex(keccak(text="w"))}],
        "deadline": suite.chain.timestamp() + 3600,
        "nonce": 0,
        "signature": GARBAGE_SIGNATURE,
    }
    started = time.monotonic()
    response = client.post("/contributions", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "/problems/invalid-signature"
    assert time.monotonic() - started < 5


# -- item 15: security headers and hidden outbox ids -------------------------------------------


@pytest.mark.parametrize("path", ["/health", "/participants", "/dashboard/", "/docs", "/nope"])
def test_security_headers_are_sent_when_any_page_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    if not path.startswith("/docs"):
        assert "script-src 'self';" in csp
        assert "unsafe-inline" not in csp


def test_outbox_entry_of_another_is_404_like_a_missing_one_when_read(
    client: TestClient, suite: Suite, proposed: dict[str, Any]
) -> None:
    aid, owner, other = proposed["aid"], proposed["parties"][1], proposed["parties"][2]
    posted = client.post(
        f"/agreements/{aid}/consents", json=consent_body(client, suite, aid, owner)
    )
    assert posted.status_code == 202
    token = {"Authorization": f"Bearer {sign_in(client, other)}"}
    existing = client.get(f"/outbox/{posted.json()['id']}", headers=token)
    missing = client.get("/outbox/999999", headers=token)
    assert existing.status_code == missing.status_code == 404
    assert existing.json()["type"] == missing.json()["type"]
