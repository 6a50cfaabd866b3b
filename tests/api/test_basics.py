"""Cross-cutting API behaviour: probes, sign-in, problem+json, limits, request ids, OpenAPI."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from ledger.infra.chain import MemoryChain
from tests.api.conftest import client_with, sign_in

PROBLEM = "application/problem+json"


def test_health_and_ready_report_the_deployment(client: TestClient, app: FastAPI) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok"
    assert health["worker"] == client.get("/health").json()["worker"]
    ready = client.get("/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready"
    assert body["contracts"] == {
        name: c.address for name, c in app.state.runtime.deployment.contracts.items()
    }


def test_sign_in_flow_gives_a_token_that_names_the_caller(
    client: TestClient, chain: MemoryChain
) -> None:
    account = chain.accounts[3]
    token = sign_in(client, account)
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["address"] == account.address


def test_protected_route_answers_401_problem_when_anonymous_or_token_is_bad(
    client: TestClient,
) -> None:
    anonymous = client.get("/auth/me")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM
    assert anonymous.json()["type"] == "/problems/authentication-failed"
    bad = client.get("/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    assert bad.json()["detail"] == "the token is invalid"


def test_validation_error_names_the_field(client: TestClient) -> None:
    response = client.post("/auth/challenge", json={"address": "0x123", "extra": 1})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.address", "body.extra"}


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


def test_oversized_body_is_refused_with_413(app: FastAPI) -> None:
    with client_with(app, max_body_bytes=100) as client:
        response = client.post("/auth/challenge", content=b"{" + b" " * 200 + b"}")
    assert response.status_code == 413
    assert response.json()["type"] == "/problems/body-too-large"


def test_rate_limit_answers_429_with_retry_after(app: FastAPI) -> None:
    with client_with(app, rate_limit_per_minute=60, rate_limit_burst=3) as client:
        statuses = [client.get("/auth/me").status_code for _ in range(4)]
        assert statuses[:3] == [401, 401, 401]
        assert statuses[3] == 429
        last = client.get("/auth/me")
        assert last.headers["retry-after"].isdigit()
        assert client.get("/health").status_code == 200


def test_request_id_is_echoed_or_created(client: TestClient) -> None:
    assert client.get("/health", headers={"X-Request-ID": "abc123"}).headers["x-request-id"] == (
        "abc123"
    )
    assert len(client.get("/health").headers["x-request-id"]) == 32


def test_openapi_documents_summaries_and_problem_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
    token = spec["paths"]["/auth/token"]["post"]["responses"]
    assert "application/problem+json" in token["401"]["content"]


def test_openapi_documents_problems_examples_and_idempotency_when_generated(
    client: TestClient,
) -> None:
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            name = f"{method.upper()} {path}"
            if path not in {"/health"}:
                problems = [
                    status
                    for status, response in operation["responses"].items()
                    if PROBLEM in response.get("content", {})
                ]
                assert problems, f"{name} documents no problem response"
            body = operation.get("requestBody")
            if body is not None:
                ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
                schema = spec["components"]["schemas"][ref]
                assert schema.get("examples"), f"{name} has no example body ({ref})"
    writes = [
        ("/agreements/{agreement_id}/consents", "post"),
        ("/proposals/{proposal_id}/votes", "post"),
        ("/contributions", "post"),
    ]
    for path, method in writes:
        operation = spec["paths"][path][method]
        assert "202" in operation["responses"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "Idempotency-Key" in headers
