"""GET /events: the indexed event log the dashboard's activity feed reads."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from module_helpers import open_agreement

from ledger.app.services import ParkServices
from tests.conftest import Suite

ETH = 10**18
ZERO = "0x" + "00" * 20


def _park(suite: Suite, services: ParkServices) -> dict[str, str]:
    """Two agreements and a deposit into the first, indexed."""
    aid = open_agreement(suite, list(suite.accounts[1:4]))
    other = open_agreement(suite, list(suite.accounts[4:6]), salt=b"\x09" * 32)
    admin = suite.accounts[0].address
    suite.transact(suite["Revenue"].functions.deposit(aid, ZERO, 3 * ETH), admin, value=3 * ETH)
    services.sync()
    return {"aid": "0x" + aid.hex(), "other": "0x" + other.hex()}


def _all(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = client.get("/events", params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


def test_events_page_newest_first_without_gaps_when_sorted_descending(
    client: TestClient, suite: Suite, services: ParkServices
) -> None:
    _park(suite, services)
    ascending = _all(client, limit=3)
    descending = _all(client, limit=3, sort="-block")
    keys = [(e["block_number"], e["log_index"]) for e in ascending]
    assert keys == sorted(set(keys))
    assert [(e["block_number"], e["log_index"]) for e in descending] == keys[::-1]


def test_events_list_only_the_agreements_rows_when_filtered_by_agreement_and_name(
    client: TestClient, suite: Suite, services: ParkServices
) -> None:
    park = _park(suite, services)
    mine = _all(client, agreement_id=park["aid"])
    assert mine
    assert {e["agreement_id"] for e in mine} == {park["aid"]}
    deposits = _all(client, contract="Revenue", name="RevenueDeposited")
    assert [e["agreement_id"] for e in deposits] == [park["aid"]]
    assert deposits[0]["args"]["amount"] == str(3 * ETH)
    assert _all(client, agreement_id=park["other"], name="RevenueDeposited") == []


def test_events_answer_422_when_a_filter_or_cursor_is_malformed(client: TestClient) -> None:
    for params in (
        {"agreement_id": "0x12"},
        {"sort": "time"},
        {"name": "Revenue Deposited"},
        {"cursor": "not-a-cursor"},
        {"limit": 0},
    ):
        response = client.get("/events", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
