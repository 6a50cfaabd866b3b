"""Reads over HTTP from the index: filters, cursors, sorts, ETags, problems for bad input."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils import keccak
from fastapi.testclient import TestClient
from module_helpers import (
    AI_ASSISTED,
    CHALLENGE_WINDOW,
    DAY,
    open_agreement,
    record,
    record_batch,
)

from ledger.app.services import ParkServices
from ledger.reads.queries import encode_cursor
from tests.conftest import Suite

ETH = 10**18
ZERO = "0x" + "00" * 20


@pytest.fixture
def park(suite: Suite, services: ParkServices) -> dict[str, Any]:
    """Two agreements set up on chain by their parties, then indexed."""
    parties = list(suite.accounts[1:4])
    admin = suite.accounts[0].address
    aid = open_agreement(suite, parties)
    other = open_agreement(suite, list(suite.accounts[4:6]), salt=b"\x09" * 32)
    batch = record_batch(
        suite,
        aid,
        parties[0],
        [
            record(1, weight=30),
            record(2, weight=20, ai=AI_ASSISTED, accountable=parties[0].address),
            record(3, weight=5),
        ],
    )
    contributions = suite["Contributions"]
    suite.transact(contributions.functions.confirm(aid, batch.proof(0)), parties[1].address)
    revenue = suite["Revenue"]
    suite.transact(revenue.functions.deposit(aid, ZERO, 3 * ETH), admin, value=3 * ETH)
    suite.transact(revenue.functions.claim(aid), parties[1].address)
    deadline = suite.chain.timestamp() + 10 * DAY
    for days, what in ((0, "catalogue"), (5, "opening")):
        suite.transact(
            suite["Commitments"].functions.commit(
                aid, 0, keccak(text=what), deadline + days * DAY, ETH
            ),
            parties[2].address,
            value=ETH,
        )
    services.sync()
    return {"aid": "0x" + aid.hex(), "other": "0x" + other.hex(), "parties": parties}


def test_participants_page_through_every_registered_account_when_following_cursors(
    client: TestClient, park: dict[str, Any]
) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/participants", params=params).json()
        seen += [p["account"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    one = client.get(f"/participants/{park['parties'][0].address}")
    assert one.status_code == 200
    assert one.json()["status"] == "Active"


def test_agreements_list_only_matching_rows_when_filtered_by_party_status_or_sorted(
    client: TestClient, park: dict[str, Any]
) -> None:
    party = park["parties"][0].address
    mine = client.get("/agreements", params={"party": party}).json()["items"]
    assert [a["agreement_id"] for a in mine] == [park["aid"]]
    active = client.get("/agreements", params={"status": "Active"}).json()["items"]
    assert {a["agreement_id"] for a in active} == {park["aid"], park["other"]}
    newest_first = client.get("/agreements", params={"sort": "-proposed"}).json()["items"]
    assert [a["agreement_id"] for a in newest_first] == [park["other"], park["aid"]]


def test_agreement_detail_carries_parties_consents_head_and_revenue_when_indexed(
    client: TestClient, park: dict[str, Any]
) -> None:
    body = client.get(f"/agreements/{park['aid']}").json()
    assert [p["party"] for p in body["parties"]] == [p.address for p in park["parties"]]
    assert {c["party"] for c in body["consents"]} == {p.address for p in park["parties"]}
    assert body["head"]["head_ok"] is True
    assert body["revenue"]["deposited"] == str(3 * ETH)


def test_contributions_list_only_matching_records_when_filtered(
    client: TestClient, park: dict[str, Any]
) -> None:
    listing = client.get("/contributions", params={"agreement_id": park["aid"]}).json()
    assert [c["weight"] for c in listing["items"]] == [30, 20, 5]
    confirmed = client.get(
        "/contributions", params={"agreement_id": park["aid"], "status": "Confirmed"}
    ).json()["items"]
    assert [c["weight"] for c in confirmed] == [30]
    heaviest = client.get("/contributions", params={"sort": "-weight", "limit": 1}).json()
    assert heaviest["items"][0]["weight"] == 30
    assert heaviest["next_cursor"] is not None
    nobody = client.get("/contributions", params={"contributor": park["parties"][2].address})
    assert nobody.json()["items"] == []
    detail = client.get(f"/contributions/{confirmed[0]['record_id']}").json()
    assert [c["confirmer"] for c in detail["confirmation_log"]] == [park["parties"][1].address]


def test_revenue_and_commitments_equal_the_chain_when_paged(
    client: TestClient, park: dict[str, Any], suite: Suite
) -> None:
    deposits = client.get("/revenue/deposits", params={"agreement_id": park["aid"]}).json()
    assert [d["amount"] for d in deposits["items"] if d["kind"] == "deposit"] == [str(3 * ETH)]
    claimer = park["parties"][1].address
    claims = client.get("/revenue/claims", params={"account": claimer}).json()["items"]
    assert len(claims) == 1
    balances = client.get("/revenue/balances", params={"agreement_id": park["aid"]}).json()
    onchain = {
        p.address: suite["Revenue"]
        .functions.claimableOf(bytes.fromhex(park["aid"][2:]), p.address)
        .call()
        for p in park["parties"]
    }
    assert {b["account"]: int(b["claimable"]) for b in balances["items"]} == onchain
    first = client.get("/commitments", params={"agreement_id": park["aid"], "limit": 1}).json()
    rest = client.get(
        "/commitments", params={"agreement_id": park["aid"], "cursor": first["next_cursor"]}
    ).json()
    ids = [c["commitment_id"] for c in first["items"] + rest["items"]]
    assert ids == ["1", "2"]
    assert rest["next_cursor"] is None


def test_read_answers_304_when_if_none_match_holds_the_current_etag(
    client: TestClient, park: dict[str, Any], suite: Suite, services: ParkServices
) -> None:
    url = f"/agreements/{park['aid']}"
    first = client.get(url)
    tag = first.headers["etag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    suite.transact(
        suite["Revenue"].functions.deposit(bytes.fromhex(park["aid"][2:]), ZERO, ETH),
        suite.accounts[0].address,
        value=ETH,
    )
    services.sync()
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/agreements?party=0x123", "query.party"),
        ("/contributions?sort=colour", "query.sort"),
        ("/agreements?limit=1000", "query.limit"),
        ("/agreements/0xnothex", "path.agreement_id"),
    ],
)
def test_read_is_a_422_problem_naming_the_field_when_a_query_is_bad(
    client: TestClient, url: str, field: str
) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_read_is_a_problem_when_the_cursor_is_forged_or_the_id_unknown(client: TestClient) -> None:
    for cursor in ("bm90LWEtY3Vyc29y", encode_cursor(["not-a-block", "0x12"])):
        forged = client.get("/agreements", params={"cursor": cursor})
        assert forged.status_code == 422
        assert forged.json()["type"] == "/problems/validation-error"
    missing = client.get("/agreements/0x" + "ab" * 32)
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/not-found"


def test_prepared_dispute_is_accepted_on_chain_when_sent_by_a_co_party(
    client: TestClient, park: dict[str, Any], suite: Suite, services: ParkServices
) -> None:
    pending = client.get(
        "/contributions", params={"agreement_id": park["aid"], "status": "Pending"}
    ).json()["items"]
    record_id = pending[0]["record_id"]
    reason = "0x" + keccak(text="not our sketch").hex()
    call = client.get(f"/contributions/{record_id}/calls/dispute", params={"reason_hash": reason})
    assert call.status_code == 200, call.text
    disputer = park["parties"][2]
    suite.w3.eth.send_transaction(
        {"from": disputer.address, "to": call.json()["to"], "data": call.json()["data"]}
    )
    services.sync()
    assert client.get(f"/contributions/{record_id}").json()["dispute"]["disputer"] == (
        disputer.address
    )
    missing = client.get(f"/contributions/0x{'cd' * 32}/calls/confirm")
    assert missing.status_code == 404


def test_prepared_mature_makes_the_weight_count_when_sent_by_anyone_after_the_window(
    client: TestClient, park: dict[str, Any], suite: Suite, services: ParkServices
) -> None:
    confirmed = client.get(
        "/contributions", params={"agreement_id": park["aid"], "status": "Confirmed"}
    ).json()["items"]
    record_id = confirmed[0]["record_id"]
    before = client.get(f"/contributions/{record_id}").json()
    assert before["counted_weight"] == 0
    assert before["challenge_ends_at"] is not None
    call = client.get(f"/contributions/{record_id}/calls/mature")
    assert call.status_code == 200, call.text
    suite.chain.increase_time(CHALLENGE_WINDOW)
    outsider = suite.accounts[7].address
    suite.w3.eth.send_transaction(
        {"from": outsider, "to": call.json()["to"], "data": call.json()["data"]}
    )
    services.sync()
    after = client.get(f"/contributions/{record_id}").json()
    assert after["counted_weight"] == before["weight"]
    assert after["challenge_ends_at"] is None
    missing = client.get(f"/contributions/0x{'cd' * 32}/calls/mature")
    assert missing.status_code == 404
