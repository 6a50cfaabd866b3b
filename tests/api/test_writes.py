"""Non-custodial writes over HTTP: parties sign EIP-712 intents with their own keys, the API
checks them before journaling, the relayer sends them, and reads reflect the chain."""

from __future__ import annotations

import time
from typing import Any

import pytest
from agreement_helpers import default_params, propose
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from module_helpers import register_all

from ledger.app.services import ParkServices
from ledger.client import Ledger
from ledger.domain import signing
from ledger.reads.queries import AUDITOR_ROLE
from tests.api.conftest import client_with, sign_in
from tests.conftest import Suite

PROBLEM = "application/problem+json"
ETH = 10**18
ZERO = "0x" + "00" * 20


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


@pytest.fixture
def proposed(suite: Suite, services: ParkServices) -> dict[str, Any]:
    """An agreement proposed on chain by parties[0] (as a party would, with its own wallet);
    the other parties have not consented yet."""
    parties = list(suite.accounts[1:4])
    register_all(suite, [p.address for p in parties])
    aid = propose(suite, parties[0], default_params(suite, parties), salt=b"\x0a" * 32)
    services.sync()
    return {"aid": _hex(aid), "parties": parties}


def consent_body(
    client: TestClient,
    suite: Suite,
    aid: str,
    signer: LocalAccount,
    *,
    valid_for: int = 3600,
    **overrides: Any,
) -> dict[str, Any]:
    """Fetch the Consent typed data from the API and sign it with `signer`'s own key."""
    deadline = suite.chain.timestamp() + valid_for
    typed = client.get(
        f"/agreements/{aid}/consents/typed-data",
        params={"signer": signer.address, "deadline": deadline},
    )
    assert typed.status_code == 200, typed.text
    data = typed.json()
    body = {
        "signer": signer.address,
        "nonce": data["message"]["nonce"],
        "deadline": deadline,
        "signature": _hex(signing.sign(data, signer)),
    }
    return {**body, **overrides}


def all_consent(client: TestClient, suite: Suite, flow: dict[str, Any]) -> list[int]:
    """Every other party consents through the API; returns the outbox entry ids."""
    ids = []
    for party in flow["parties"][1:]:
        response = client.post(
            f"/agreements/{flow['aid']}/consents",
            json=consent_body(client, suite, flow["aid"], party),
        )
        assert response.status_code == 202, response.text
        assert response.headers["location"] == f"/outbox/{response.json()['id']}"
        ids.append(response.json()["id"])
    return ids


def send_prepared(suite: Suite, account: LocalAccount, prepared: Response) -> None:
    """Sign and send a transaction the API prepared, from the party's own key."""
    assert prepared.status_code == 200, prepared.text
    call = prepared.json()
    w3 = suite.w3
    tx: dict[str, Any] = {
        "from": account.address,
        "to": call["to"],
        "data": call["data"],
        "value": int(call["value"]),
        "nonce": w3.eth.get_transaction_count(account.address),
        "chainId": w3.eth.chain_id,
        "gasPrice": w3.eth.gas_price,
    }
    tx["gas"] = w3.eth.estimate_gas(tx)  # type: ignore[arg-type]
    signed = account.sign_transaction(tx)
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_raw_transaction(signed.raw_transaction)
    )
    assert receipt["status"] == 1


def outbox_size(services: ParkServices) -> int:
    """How many entries were ever journaled."""
    return sum(services.relayer.outbox.counts().values())


def test_workflow_over_http_reaches_the_chain_and_the_index_when_parties_sign_and_send(
    client: TestClient, suite: Suite, services: ParkServices, proposed: dict[str, Any]
) -> None:
    aid, parties = proposed["aid"], proposed["parties"]
    ids = all_consent(client, suite, proposed)
    services.sync()
    agreement = client.get(f"/agreements/{aid}").json()
    assert agreement["status"] == "Active"
    assert {c["party"] for c in agreement["consents"]} == {p.address for p in parties}
    token = sign_in(client, parties[1])
    entry = client.get(f"/outbox/{ids[0]}", headers={"Authorization": f"Bearer {token}"}).json()
    assert entry["status"] == "confirmed"
    assert entry["submitter"] == parties[1].address

    records = [
        {"kind": "Design", "weight": 30, "evidence_hash": _hex(keccak(text="sketches"))},
        {
            "kind": "Technology",
            "weight": 20,
            "evidence_hash": _hex(keccak(text="model")),
            "provenance": "Assisted",
            "accountable": parties[0].address,
        },
    ]
    draft = {
        "agreement_id": aid,
        "contributor": parties[0].address,
        "records": records,
        "deadline": suite.chain.timestamp() + 3600,
    }
    typed = client.post("/contributions/typed-data", json=draft).json()
    signed = {
        **draft,
        "nonce": typed["message"]["nonce"],
        "signature": _hex(signing.sign(typed, parties[0])),
    }
    recorded = client.post("/contributions", json=signed, headers={"Idempotency-Key": "rec-1"})
    assert recorded.status_code == 202, recorded.text
    services.sync()
    listing = client.get("/contributions", params={"agreement_id": aid}).json()["items"]
    assert [(c["weight"], c["relay_nonce"]) for c in listing] == [
        (30, str(typed["message"]["nonce"])),
        (20, str(typed["message"]["nonce"])),
    ]

    # Parties confirm, deposit, claim, commit and propose themselves: the contracts take these
    # only from the acting account (docs/api.md), so each sends its own transaction.
    # The API prepares the calldata (with the Merkle proof rebuilt from the index).
    first_record = listing[0]["record_id"]
    send_prepared(suite, parties[1], client.get(f"/contributions/{first_record}/calls/confirm"))
    ledger = Ledger.from_runtime(services.runtime)
    ledger.revenue.deposit(agreement_id=aid, amount=3 * ETH, sender=suite.accounts[0])
    send_prepared(suite, parties[1], client.get(f"/agreements/{aid}/calls/claim"))
    ledger.commitments.commit(
        agreement_id=aid,
        kind="deliverable",
        description_hash=keccak(text="catalogue"),
        deadline=suite.chain.timestamp() + 86_400,
        bond=ETH,
        sender=parties[2],
    )
    services.sync()
    confirmed = client.get("/contributions", params={"agreement_id": aid, "status": "Confirmed"})
    assert [c["record_id"] for c in confirmed.json()["items"]] == [first_record]
    claims = client.get("/revenue/claims", params={"agreement_id": aid}).json()["items"]
    assert [(c["account"], int(c["amount"]) > 0) for c in claims] == [(parties[1].address, True)]
    balances = client.get("/revenue/balances", params={"account": parties[1].address}).json()
    assert balances["items"][0]["claimable"] == "0"
    commitment = client.get("/commitments", params={"committer": parties[2].address}).json()
    assert [(c["bond"], c["status"]) for c in commitment["items"]] == [(str(ETH), "Open")]

    governance = suite["Governance"]
    raw_aid = bytes.fromhex(aid[2:])
    suite.transact(
        governance.functions.proposeAmend(raw_aid, keccak(text="terms v2"), [3334, 3333, 3333]),
        parties[0].address,
    )
    services.sync()
    proposal = client.get("/proposals", params={"agreement_id": aid}).json()["items"][0]
    pid = int(proposal["proposal_id"])
    for voter in parties:
        deadline = suite.chain.timestamp() + 600
        typed_vote = client.get(
            f"/proposals/{pid}/votes/typed-data",
            params={"voter": voter.address, "support": "For", "deadline": deadline},
        ).json()
        vote = {
            "voter": voter.address,
            "support": "For",
            "nonce": typed_vote["message"]["nonce"],
            "deadline": deadline,
            "signature": _hex(signing.sign(typed_vote, voter)),
        }
        assert client.post(f"/proposals/{pid}/votes", json=vote).status_code == 202
    services.sync()
    detail = client.get(f"/proposals/{pid}").json()
    assert {v["voter"] for v in detail["votes"]} == {p.address for p in parties}
    assert detail["vote_count"] == 3


def test_write_returns_the_first_entry_or_409_when_an_idempotency_key_is_reused(
    client: TestClient, suite: Suite, services: ParkServices, proposed: dict[str, Any]
) -> None:
    aid, party = proposed["aid"], proposed["parties"][1]
    body = consent_body(client, suite, aid, party)
    url = f"/agreements/{aid}/consents"
    first = client.post(url, json=body, headers={"Idempotency-Key": "k1"})
    again = client.post(url, json=body, headers={"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    # NOTE: signed too: an unsigned variant is refused (400) before the key is looked up.
    other = consent_body(client, suite, aid, party, valid_for=3599)
    conflict = client.post(url, json=other, headers={"Idempotency-Key": "k1"})
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == PROBLEM
    assert conflict.json()["type"] == "/problems/idempotency-conflict"
    assert outbox_size(services) == 1


@pytest.mark.parametrize(
    ("case", "status", "problem"),
    [
        ("bad-signature", 400, "invalid-signature"),
        ("wrong-signer", 400, "invalid-signature"),
        ("expired", 400, "signature-expired"),
        ("not-a-party", 403, "not-a-party"),
        ("stale-nonce", 409, "nonce-mismatch"),
        ("unknown-field", 422, "validation-error"),
    ],
)
def test_consent_is_a_problem_and_nothing_queued_when_the_intent_is_bad(
    client: TestClient,
    suite: Suite,
    services: ParkServices,
    proposed: dict[str, Any],
    case: str,
    status: int,
    problem: str,
) -> None:
    aid, party = proposed["aid"], proposed["parties"][1]
    outsider = suite.accounts[8]
    body = consent_body(client, suite, aid, party)
    if case == "bad-signature":
        body["signature"] = "0x" + "11" * 65
    elif case == "wrong-signer":
        body["signature"] = consent_body(client, suite, aid, proposed["parties"][2])["signature"]
    elif case == "expired":
        body = consent_body(client, suite, aid, party, deadline=suite.chain.timestamp() - 1)
        typed = signing.consent_typed_data(
            chain_id=suite.w3.eth.chain_id,
            agreements=suite["Agreements"].address,
            agreement_id=aid,
            version=1,
            params_hash=suite["Agreements"].functions.termsOf(bytes.fromhex(aid[2:])).call()[-1],
            nonce=0,
            deadline=body["deadline"],
        )
        body["signature"] = _hex(signing.sign(typed, party))
    elif case == "not-a-party":
        register_all(suite, [outsider.address])
        body = consent_body(client, suite, aid, outsider)
    elif case == "stale-nonce":
        body = consent_body(client, suite, aid, party)
        suite.transact(
            suite["Agreements"].functions.invalidateNonce(bytes.fromhex(aid[2:])), party.address
        )
    elif case == "unknown-field":
        body["gas_price"] = 1
    block = suite.w3.eth.block_number
    response = client.post(f"/agreements/{aid}/consents", json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == f"/problems/{problem}"
    assert outbox_size(services) == 0
    assert suite.w3.eth.block_number == block


def test_consent_is_refused_when_replayed_after_it_was_mined(
    client: TestClient, suite: Suite, services: ParkServices, proposed: dict[str, Any]
) -> None:
    aid, party = proposed["aid"], proposed["parties"][1]
    body = consent_body(client, suite, aid, party)
    url = f"/agreements/{aid}/consents"
    assert client.post(url, json=body).status_code == 202
    services.sync()
    replay = client.post(url, json=body, headers={"Idempotency-Key": "a-new-key"})
    assert replay.status_code == 409
    assert replay.json()["type"] in {"/problems/intent-conflict", "/problems/nonce-mismatch"}
    assert outbox_size(services) == 1


def test_outbox_entry_is_refused_when_the_reader_is_not_its_signer_or_an_auditor(
    client: TestClient, suite: Suite, services: ParkServices, proposed: dict[str, Any]
) -> None:
    entry_id = all_consent(client, suite, proposed)[0]
    url = f"/outbox/{entry_id}"
    assert client.get(url).status_code == 401
    other = sign_in(client, proposed["parties"][2])
    # NOTE: 404, as for an id that does not exist: a 403 would tell which ids exist.
    hidden = client.get(url, headers={"Authorization": f"Bearer {other}"})
    assert hidden.status_code == 404
    assert hidden.json()["type"] == "/problems/outbox-entry-not-found"
    auditor = suite.accounts[7]
    registry = suite["ParkRegistry"]
    suite.transact(
        registry.functions.grantRole(bytes.fromhex(AUDITOR_ROLE[2:]), auditor.address),
        suite.accounts[0].address,
    )
    services.sync()
    token = sign_in(client, auditor)
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    missing = client.get("/outbox/999", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404


def test_private_read_is_a_401_problem_when_the_token_expired(app: FastAPI) -> None:
    with client_with(app, token_ttl_s=1) as client:
        token = sign_in(client, app.state.runtime.chain.accounts[2])
        time.sleep(2.1)
        response = client.get("/outbox/1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


def test_write_is_refused_with_413_when_the_body_is_oversized(
    app: FastAPI, services: ParkServices, proposed: dict[str, Any]
) -> None:
    records = [{"kind": "Design", "weight": 1, "evidence_hash": "0x" + "11" * 32}] * 40
    body = {
        "agreement_id": proposed["aid"],
        "contributor": proposed["parties"][0].address,
        "records": records,
        "nonce": 0,
        "deadline": 2**40,
        "signature": "0x" + "11" * 65,
    }
    with client_with(app, max_body_bytes=2048) as client:
        response = client.post("/contributions", json=body)
    assert response.status_code == 413
    assert outbox_size(services) == 0


def test_pending_intents_are_hidden_when_the_reader_is_not_a_party(
    client: TestClient, suite: Suite, services: ParkServices, proposed: dict[str, Any]
) -> None:
    aid, parties = proposed["aid"], proposed["parties"]
    entry_id = all_consent(client, suite, proposed)[0]
    url = f"/agreements/{aid}"
    party = {"Authorization": f"Bearer {sign_in(client, parties[0])}"}
    seen = client.get(url, headers=party).json()["pending_intents"]
    assert [e["id"] for e in seen] == [entry_id, entry_id + 1]
    outsider = {"Authorization": f"Bearer {sign_in(client, suite.accounts[5])}"}
    assert client.get(url, headers=outsider).json()["pending_intents"] is None
    assert client.get(url).json()["pending_intents"] is None
    services.sync()
    assert client.get(url, headers=party).json()["pending_intents"] == []


UNKNOWN = "0x" + "ab" * 32
SOMEONE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", f"/agreements/{UNKNOWN}/consents/typed-data?signer={SOMEONE}&deadline=9", None),
        ("get", f"/proposals/77/votes/typed-data?voter={SOMEONE}&support=For&deadline=9", None),
        (
            "post",
            f"/agreements/{UNKNOWN}/consents",
            {"signer": SOMEONE, "nonce": 0, "deadline": 2**40, "signature": "0x" + "1b" * 65},
        ),
        (
            "post",
            "/proposals/77/votes",
            {
                "voter": SOMEONE,
                "support": "Against",
                "nonce": 0,
                "deadline": 2**40,
                "signature": "0x" + "1b" * 65,
            },
        ),
        (
            "post",
            "/contributions",
            {
                "agreement_id": UNKNOWN,
                "contributor": SOMEONE,
                "records": [{"kind": "Data", "weight": 1, "evidence_hash": UNKNOWN}],
                "nonce": 0,
                "deadline": 2**40,
                "signature": "0x" + "1b" * 65,
            },
        ),
    ],
)
def test_write_routes_answer_a_4xx_problem_when_the_object_does_not_exist(
    client: TestClient, services: ParkServices, method: str, url: str, body: Any
) -> None:
    response = client.request(method, url, json=body)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == PROBLEM
    assert outbox_size(services) == 0
