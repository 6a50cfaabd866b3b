"""What schemathesis found (tests/api/test_openapi_fuzz.py), pinned one behaviour per test: every
answer to odd input is a documented 4xx problem, never a 500 or an undocumented status."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.routes.params import ADDRESS_PATTERN, MAX_SAFE_INTEGER
from ledger.app.services import ParkServices
from tests.api.conftest import sign_in
from tests.api.test_private import grant_auditor
from tests.conftest import Suite

PROBLEM = "application/problem+json"
UNKNOWN = "0x" + "ab" * 32
SOMEONE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def _signed_vote(**overrides: Any) -> dict[str, Any]:
    body = {
        "voter": SOMEONE,
        "support": "For",
        "nonce": 0,
        "deadline": 2**40,
        "signature": "0x" + "1b" * 65,
    }
    return {**body, **overrides}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside `node`."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    return body


def test_evidence_upload_is_a_422_problem_when_the_ciphertext_has_a_non_ascii_character(
    client: TestClient, suite: Suite
) -> None:
    headers = {"Authorization": f"Bearer {sign_in(client, suite.accounts[1])}"}
    body = {"agreement_id": UNKNOWN, "envelope": {}, "ciphertext": "\u0091\u00b4\u009f"}
    response = client.post("/evidence", json=body, headers=headers)
    assert _problem(response, 422)["detail"] == "ciphertext: not base64"


@pytest.mark.parametrize("field", ["since", "until"])
def test_time_filter_is_a_422_problem_when_it_is_beyond_the_json_safe_range(
    client: TestClient, field: str
) -> None:
    response = client.get("/contributions", params={field: MAX_SAFE_INTEGER + 1})
    assert [e["field"] for e in _problem(response, 422)["errors"]] == [f"query.{field}"]
    assert client.get("/contributions", params={field: MAX_SAFE_INTEGER}).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"deadline": True}, "body.deadline"),
        ({"nonce": False}, "body.nonce"),
        ({"nonce": MAX_SAFE_INTEGER + 1}, "body.nonce"),
        ({"deadline": 2**256 - 1}, "body.deadline"),
    ],
)
def test_signed_write_is_a_422_problem_when_a_number_is_a_boolean_or_unsafe(
    client: TestClient, services: ParkServices, overrides: dict[str, Any], field: str
) -> None:
    response = client.post("/proposals/7/votes", json=_signed_vote(**overrides))
    assert [e["field"] for e in _problem(response, 422)["errors"]] == [field]
    assert sum(services.relayer.outbox.counts().values()) == 0


def test_signed_write_reads_an_integral_float_as_an_integer_when_json_schema_does(
    client: TestClient,
) -> None:
    # JSON Schema counts 3.0 as an integer: it must reach the handler (an unknown proposal).
    response = client.post("/proposals/7/votes", json=_signed_vote(nonce=0.0, deadline=2.0**40))
    assert _problem(response, 404)["type"] == "/problems/not-found"


def test_method_not_allowed_names_every_method_served_at_the_path_when_routes_share_it(
    client: TestClient,
) -> None:
    shared = client.request("OPTIONS", "/contributions")
    assert _problem(shared, 405)["type"] == "/problems/method-not-allowed"
    assert shared.headers["allow"] == "GET, POST"
    # `/contributions/typed-data` also fits `/contributions/{record_id}` (a GET): the literal
    # resource only takes POST, so a GET is a 405, not a malformed record id.
    literal = client.get("/contributions/typed-data")
    _problem(literal, 405)
    assert literal.headers["allow"] == "POST"


def test_audit_is_a_404_problem_when_the_agreement_has_no_history(
    client: TestClient, suite: Suite, services: ParkServices
) -> None:
    auditor = suite.accounts[7]
    grant_auditor(suite, services, auditor)
    headers = {"Authorization": f"Bearer {sign_in(client, auditor)}"}
    response = client.post("/audit", json={"agreement_id": UNKNOWN}, headers=headers)
    assert _problem(response, 404)["type"] == "/problems/not-found"


def test_body_route_documents_the_400_it_answers_when_the_body_is_not_json(
    client: TestClient,
) -> None:
    response = client.post(
        "/auth/token", content=b"\x8f\xa9y\xc0", headers={"content-type": "application/json"}
    )
    _problem(response, 400)
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in [
        ("/auth/challenge", "post"),
        ("/auth/token", "post"),
        ("/audit", "post"),
        ("/evidence", "post"),
        ("/contributions/typed-data", "post"),
        ("/contributions", "post"),
    ]:
        assert {"400", "413", "422"} <= set(paths[path][method]["responses"]), path


def test_every_address_in_the_openapi_document_declares_the_eth_address_format_when_served(
    client: TestClient,
) -> None:
    addresses = [
        node
        for node in _walk(client.get("/openapi.json").json())
        if node.get("pattern") == (ADDRESS_PATTERN)
    ]
    assert len(addresses) >= 10
    assert all(node.get("format") == "eth-address" for node in addresses)


def test_sign_in_is_documented_as_optional_only_where_anonymous_callers_are_answered(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    bearer = {"HTTPBearer": []}
    # Anonymous callers get the agreement without its pending intents: a token is optional.
    assert paths["/agreements/{agreement_id}"]["get"]["security"] == [bearer, {}]
    assert client.get(f"/agreements/{UNKNOWN}").status_code == 404
    for path, url in [
        ("/outbox/{entry_id}", "/outbox/1"),
        ("/evidence/{document_id}", f"/evidence/{UNKNOWN}"),
        ("/auth/me", "/auth/me"),
    ]:
        assert paths[path]["get"]["security"] == [bearer], path
        assert client.get(url).status_code == 401
