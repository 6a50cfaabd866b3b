"""Idempotency under concurrency through the HTTP API: 32 clients, each on its own socket, send
one `Idempotency-Key` at the same instant. Pass: one outbox entry and, once the relayer has run,
one transaction on chain (read from the blocks, not from the responses); the same key with
other content is a 409 for every request but the one journaled."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from ledger.app.services import ParkServices
from ledger.dev.demo import DAY, text_hash
from ledger.domain import signing
from tests.demo_park import DemoPark, DemoServer

CLIENTS = 32
KEY_HEADER = "Idempotency-Key"


def _signed_batch(client: httpx.Client, park: DemoPark, evidence: str) -> dict[str, Any]:
    """A one-record batch of the lab's, signed with its own key at its current nonce."""
    lab = park.cast.lab
    draft = {
        "agreement_id": park.agreement_id,
        "contributor": lab.address,
        "records": [
            {"kind": "Data", "weight": 7, "evidence_hash": "0x" + text_hash(evidence).hex()}
        ],
        "deadline": park.ledger.timestamp() + DAY,
    }
    typed = client.post("/contributions/typed-data", json=draft).json()
    signature = "0x" + signing.sign(typed, lab).hex()
    return {**draft, "nonce": typed["message"]["nonce"], "signature": signature}


def _post_all_at_once(url: str, bodies: list[dict[str, Any]], key: str) -> list[httpx.Response]:
    """POST every body to /contributions at the same instant, one connection per request."""
    start = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=url, timeout=120) as client:
            start.wait()
            return client.post("/contributions", json=body, headers={KEY_HEADER: key})

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _journaled(services: ParkServices) -> int:
    return sum(services.outbox.counts().values())


def _relayed_transactions(park: DemoPark, since_block: int) -> list[Any]:
    """The transactions mined after `since_block` that call the Contributions contract."""
    w3 = park.runtime.w3
    target = park.runtime.address("Contributions")
    return [
        tx
        for number in range(since_block + 1, w3.eth.block_number + 1)
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]
        if tx["to"] == target
    ]


def _relay(park: DemoPark) -> list[Any]:
    """Run the relayer and the indexer once; the Contributions transactions it mined."""
    block = park.runtime.w3.eth.block_number
    park.services.sync()
    return _relayed_transactions(park, block)


def test_duplicate_writes_make_one_entry_and_one_transaction_when_32_clients_race(
    demo_park: DemoPark, demo_server: DemoServer
) -> None:
    park = demo_park
    lab = park.cast.lab.address
    with httpx.Client(base_url=demo_server.url) as client:
        body = _signed_batch(client, park, "scans of the east hall, sent 32 times")
    nonce = park.ledger.agreements.nonce(park.agreement_id, lab)
    journaled = _journaled(park.services)

    responses = _post_all_at_once(demo_server.url, [body] * CLIENTS, "east-hall-scans")

    assert [r.status_code for r in responses] == [202] * CLIENTS
    assert len({r.json()["id"] for r in responses}) == 1
    assert _journaled(park.services) == journaled + 1
    mined = _relay(park)
    assert len(mined) == 1
    assert park.ledger.agreements.nonce(park.agreement_id, lab) == nonce + 1
    entry = park.services.outbox.get(responses[0].json()["id"])
    assert (entry.status.value, entry.tx_hash) == ("confirmed", "0x" + mined[0]["hash"].hex())


def test_one_key_with_different_bodies_is_a_409_for_all_but_one_when_32_clients_race(
    demo_park: DemoPark, demo_server: DemoServer
) -> None:
    park = demo_park
    with httpx.Client(base_url=demo_server.url) as client:
        bodies = [_signed_batch(client, park, f"west hall, variant {i}") for i in range(CLIENTS)]
    journaled = _journaled(park.services)

    responses = _post_all_at_once(demo_server.url, bodies, "west-hall-scans")

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [202] + [409] * (CLIENTS - 1)
    conflicts = [r.json()["type"] for r in responses if r.status_code == 409]
    assert set(conflicts) == {"/problems/idempotency-conflict"}
    assert _journaled(park.services) == journaled + 1
    assert len(_relay(park)) == 1
    accepted = next(r for r in responses if r.status_code == 202)
    assert park.services.outbox.get(accepted.json()["id"]).status.value == "confirmed"
