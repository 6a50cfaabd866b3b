"""The authorization matrix: every route of the served app by five callers, over HTTP.

Callers: anonymous (no token), a signed-in participant who is party of nothing (non_party), a
party of the demo agreement (the lab), a registry auditor, and the park operator who deployed
the suite (admin). Every cell of `MATRIX` names the status the caller gets; the routes are read
from the app itself, so a route without a row fails `test_every_route_has_a_row_...`.

Private data (docs/security.md): the pending intents of an agreement, outbox entries, evidence
metadata and audits. Each is seen by the party and the auditor only; no other caller's response
carries any trace of it. Writes are signed intents: every caller but the party signs the party's
intent with its own key (an impersonation), and only the party's is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from fastapi.routing import iter_route_contexts

from ledger.dev.demo import DAY, SHARES_BPS, text_hash
from ledger.domain import signing
from ledger.domain.structs import AgreementParams
from tests.api.conftest import sign_in
from tests.api.test_private import public_key, sealed_upload
from tests.demo_park import DemoPark, DemoServer

CALLERS = ("anonymous", "non_party", "party", "auditor", "admin")
# Who may see the party's private data (the rest must never get a trace of it); audits are the
# auditor's alone (their row says so).
ENTITLED = {"party", "auditor"}
OK = (200, 200, 200, 200, 200)
SIGNED_WRITE = (400, 400, 202, 400, 400)


@dataclass(frozen=True)
class Row:
    """One route's expected status per caller (in `CALLERS` order) and the private data its
    answer carries for the entitled callers."""

    statuses: tuple[int, int, int, int, int]
    private: str | None = None


MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/openapi.json"): Row(OK),
    ("GET", "/docs"): Row(OK),
    ("GET", "/docs/oauth2-redirect"): Row(OK),
    ("GET", "/"): Row((307, 307, 307, 307, 307)),
    ("GET", "/dashboard/"): Row(OK),
    ("GET", "/docs/assets/"): Row(OK),
    ("GET", "/health"): Row(OK),
    ("GET", "/ready"): Row(OK),
    ("POST", "/auth/challenge"): Row(OK),
    ("POST", "/auth/token"): Row((401, 401, 200, 401, 401)),
    ("GET", "/auth/me"): Row((401, 200, 200, 200, 200)),
    ("GET", "/participants"): Row(OK),
    ("GET", "/participants/{account}"): Row(OK),
    ("GET", "/agreements"): Row(OK),
    ("GET", "/agreements/{agreement_id}"): Row(OK, private="pending_intents"),
    ("GET", "/agreements/{agreement_id}/consents/typed-data"): Row(OK),
    ("POST", "/agreements/{agreement_id}/consents"): Row(SIGNED_WRITE),
    ("GET", "/agreements/{agreement_id}/calls/claim"): Row(OK),
    ("GET", "/contributions"): Row(OK),
    ("GET", "/contributions/{record_id}"): Row(OK),
    ("POST", "/contributions/typed-data"): Row(OK),
    ("POST", "/contributions"): Row(SIGNED_WRITE),
    ("GET", "/contributions/{record_id}/calls/confirm"): Row(OK),
    ("GET", "/contributions/{record_id}/calls/mature"): Row(OK),
    ("GET", "/contributions/{record_id}/calls/dispute"): Row(OK),
    ("GET", "/revenue/deposits"): Row(OK),
    ("GET", "/revenue/claims"): Row(OK),
    ("GET", "/revenue/balances"): Row(OK),
    ("GET", "/commitments"): Row(OK),
    ("GET", "/proposals"): Row(OK),
    ("GET", "/proposals/{proposal_id}"): Row(OK),
    ("GET", "/proposals/{proposal_id}/votes/typed-data"): Row(OK),
    ("POST", "/proposals/{proposal_id}/votes"): Row(SIGNED_WRITE),
    ("GET", "/outbox/{entry_id}"): Row((401, 404, 200, 200, 404), private="outbox"),
    # One agreement's audit reads only public chain data: open to all (POST /audit {} is not).
    ("POST", "/audit"): Row(OK, private="audit"),
    ("GET", "/evidence"): Row((401, 200, 200, 200, 200), private="evidence"),
    ("GET", "/evidence/{document_id}"): Row((401, 404, 200, 200, 404), private="evidence"),
    ("POST", "/evidence"): Row((401, 403, 201, 403, 403)),
    ("GET", "/contracts"): Row(OK),
    ("GET", "/events"): Row(OK),
}


@dataclass(frozen=True)
class World:
    """The demo park plus what the matrix reads and writes: an agreement still waiting for the
    lab's consent, an open proposal, a pending intent and an evidence document of the lab's."""

    park: DemoPark
    server: DemoServer
    accounts: dict[str, LocalAccount]
    tokens: dict[str, dict[str, str]]
    proposed_id: str
    proposal_id: int
    record_id: str
    entry: dict[str, Any]
    document: dict[str, Any]

    @property
    def party(self) -> LocalAccount:
        """The party whose data is private and whose intents the others try to sign."""
        return self.accounts["party"]


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def _sealed(world: World, text: str) -> dict[str, Any]:
    """An upload body: `text` sealed by the party for itself and the studio, its co-party."""
    party, studio = world.party, world.park.cast.studio
    readers = [public_key(party), public_key(studio)]
    return sealed_upload(party, readers, world.park.agreement_id, text.encode())


def _records_draft(world: World, tag: str) -> dict[str, Any]:
    return {
        "agreement_id": world.park.agreement_id,
        "contributor": world.party.address,
        "records": [{"kind": "Data", "weight": 5, "evidence_hash": _hex(text_hash(tag))}],
        "deadline": world.park.ledger.timestamp() + DAY,
    }


def _sign_records(
    client: httpx.Client, world: World, signer: LocalAccount, tag: str = "the matrix's batch"
) -> dict[str, Any]:
    """The party's record batch (`tag` its evidence), signed by `signer`."""
    draft = _records_draft(world, tag)
    typed = client.post("/contributions/typed-data", json=draft).json()
    signature = _hex(signing.sign(typed, signer))
    return {**draft, "nonce": typed["message"]["nonce"], "signature": signature}


def _sign_consent(client: httpx.Client, world: World, signer: LocalAccount) -> dict[str, Any]:
    """The party's consent to the proposed agreement, signed by `signer`."""
    deadline = world.park.ledger.timestamp() + DAY
    typed = client.get(
        f"/agreements/{world.proposed_id}/consents/typed-data",
        params={"signer": world.party.address, "deadline": deadline},
    ).json()
    return {
        "signer": world.party.address,
        "nonce": typed["message"]["nonce"],
        "deadline": deadline,
        "signature": _hex(signing.sign(typed, signer)),
    }


def _sign_vote(client: httpx.Client, world: World, signer: LocalAccount) -> dict[str, Any]:
    """The party's vote on the open proposal, signed by `signer`."""
    deadline = world.park.ledger.timestamp() + DAY
    typed = client.get(
        f"/proposals/{world.proposal_id}/votes/typed-data",
        params={"voter": world.party.address, "support": "For", "deadline": deadline},
    ).json()
    return {
        "voter": world.party.address,
        "support": "For",
        "nonce": typed["message"]["nonce"],
        "deadline": deadline,
        "signature": _hex(signing.sign(typed, signer)),
    }


def _token_body(client: httpx.Client, world: World, signer: LocalAccount) -> dict[str, Any]:
    """The party's sign-in challenge, signed by `signer`."""
    challenge = client.post("/auth/challenge", json={"address": world.party.address}).json()
    signed = Account.sign_message(encode_defunct(text=challenge["message"]), bytes(signer.key))
    return {"message": challenge["message"], "signature": _hex(bytes(signed.signature))}


Request = tuple[str, dict[str, Any]]
Builder = Callable[[httpx.Client, World, LocalAccount], Request]


def _get(path: str, **params: Any) -> Builder:
    return lambda _client, _world, _signer: (path, {"params": params})


def _post(path: str, sign: Callable[[httpx.Client, World, LocalAccount], Any]) -> Builder:
    return lambda client, world, signer: (path, {"json": sign(client, world, signer)})


def requests_of(world: World) -> dict[tuple[str, str], Builder]:
    """How each row's request is made, with the world's ids in its path."""
    park = world.park
    aid, record, proposal = park.agreement_id, world.record_id, world.proposal_id
    party = world.party.address
    until = park.ledger.timestamp() + DAY
    return {
        ("GET", "/openapi.json"): _get("/openapi.json"),
        ("GET", "/docs"): _get("/docs"),
        ("GET", "/docs/oauth2-redirect"): _get("/docs/oauth2-redirect"),
        ("GET", "/"): _get("/"),
        ("GET", "/dashboard/"): _get("/dashboard/"),
        ("GET", "/docs/assets/"): _get("/docs/assets/swagger-ui.css"),
        ("GET", "/health"): _get("/health"),
        ("GET", "/ready"): _get("/ready"),
        ("POST", "/auth/challenge"): _post(
            "/auth/challenge", lambda _c, w, _s: {"address": w.party.address}
        ),
        ("POST", "/auth/token"): _post("/auth/token", _token_body),
        ("GET", "/auth/me"): _get("/auth/me"),
        ("GET", "/participants"): _get("/participants"),
        ("GET", "/participants/{account}"): _get(f"/participants/{party}"),
        ("GET", "/agreements"): _get("/agreements", party=party),
        ("GET", "/agreements/{agreement_id}"): _get(f"/agreements/{aid}"),
        ("GET", "/agreements/{agreement_id}/consents/typed-data"): _get(
            f"/agreements/{world.proposed_id}/consents/typed-data", signer=party, deadline=until
        ),
        ("POST", "/agreements/{agreement_id}/consents"): _post(
            f"/agreements/{world.proposed_id}/consents", _sign_consent
        ),
        ("GET", "/agreements/{agreement_id}/calls/claim"): _get(f"/agreements/{aid}/calls/claim"),
        ("GET", "/contributions"): _get("/contributions", agreement_id=aid),
        ("GET", "/contributions/{record_id}"): _get(f"/contributions/{record}"),
        ("POST", "/contributions/typed-data"): _post(
            "/contributions/typed-data", lambda _c, w, _s: _records_draft(w, "draft")
        ),
        ("POST", "/contributions"): _post("/contributions", _sign_records),
        ("GET", "/contributions/{record_id}/calls/confirm"): _get(
            f"/contributions/{record}/calls/confirm"
        ),
        ("GET", "/contributions/{record_id}/calls/mature"): _get(
            f"/contributions/{record}/calls/mature"
        ),
        ("GET", "/contributions/{record_id}/calls/dispute"): _get(
            f"/contributions/{record}/calls/dispute", reason_hash=_hex(text_hash("reason"))
        ),
        ("GET", "/revenue/deposits"): _get("/revenue/deposits", agreement_id=aid),
        ("GET", "/revenue/claims"): _get("/revenue/claims", agreement_id=aid),
        ("GET", "/revenue/balances"): _get("/revenue/balances", agreement_id=aid),
        ("GET", "/commitments"): _get("/commitments", agreement_id=aid),
        ("GET", "/proposals"): _get("/proposals", agreement_id=aid),
        ("GET", "/proposals/{proposal_id}"): _get(f"/proposals/{proposal}"),
        ("GET", "/proposals/{proposal_id}/votes/typed-data"): _get(
            f"/proposals/{proposal}/votes/typed-data", voter=party, support="For", deadline=until
        ),
        ("POST", "/proposals/{proposal_id}/votes"): _post(
            f"/proposals/{proposal}/votes", _sign_vote
        ),
        ("GET", "/outbox/{entry_id}"): _get(f"/outbox/{world.entry['id']}"),
        ("POST", "/audit"): _post("/audit", lambda _c, _w, _s: {"agreement_id": aid}),
        ("GET", "/evidence"): _get("/evidence"),
        ("GET", "/evidence/{document_id}"): _get(f"/evidence/{world.document['id']}"),
        ("POST", "/evidence"): _post(
            "/evidence",
            lambda _c, w, _s: _sealed(w, "matrix upload"),
        ),
        ("GET", "/contracts"): _get("/contracts"),
        ("GET", "/events"): _get("/events", agreement_id=aid),
    }


@pytest.fixture(scope="module")
def world(demo_park: DemoPark, demo_server: DemoServer) -> World:
    """The matrix's world; nothing is relayed after it is built, so its intents stay pending."""
    park, cast = demo_park, demo_park.cast
    ledger = park.ledger
    now = ledger.timestamp()
    parties = [cast.studio, cast.lab, cast.firm]
    params = AgreementParams(
        parties=[p.address for p in parties],
        shares_bps=list(SHARES_BPS),
        terms_hash=text_hash("authorization matrix: terms the lab has not consented to"),
        consent_deadline=now + 7 * DAY,
        fund_share_bps=0,
        confirmations_required=1,
        voting_period=3 * DAY,
    )
    salt = text_hash("authorization matrix")
    ledger.agreements.propose(params=params, salt=salt, sender=cast.studio)
    proposed = ledger.agreements.agreement_id_of(proposer=cast.studio.address, salt=salt)
    amend = ledger.governance.propose_amend(
        agreement_id=park.agreement_id,
        terms_hash=text_hash("authorization matrix: amended terms"),
        shares_bps=SHARES_BPS,
        sender=cast.studio,
    )
    park.services.sync()
    accounts = {
        "anonymous": Account.from_key(text_hash("an anonymous caller's throwaway key")),
        "non_party": park.outsider,
        "party": cast.lab,
        "auditor": park.auditor,
        "admin": cast.admin,
    }
    with httpx.Client(base_url=demo_server.url) as client:
        tokens = {
            name: {}
            if name == "anonymous"
            else {"Authorization": f"Bearer {sign_in(client, account)}"}
            for name, account in accounts.items()
        }
        record_id = client.get("/contributions", params={"agreement_id": park.agreement_id}).json()[
            "items"
        ][0]["record_id"]
        world = World(
            park=park,
            server=demo_server,
            accounts=accounts,
            tokens=tokens,
            proposed_id=_hex(proposed),
            proposal_id=int(amend.event("ProposalCreated").args["proposalId"]),
            record_id=record_id,
            entry={},
            document={},
        )
        pending = client.post(
            "/contributions", json=_sign_records(client, world, cast.lab, "the pending batch")
        )
        assert pending.status_code == 202, pending.text
        body = _sealed(world, "the lab's scan licence")
        uploaded = client.post("/evidence", json=body, headers=tokens["party"])
        assert uploaded.status_code == 201, uploaded.text
    world.entry.update(pending.json())
    world.document.update(id=uploaded.json()["document_id"], sha=uploaded.json()["content_sha256"])
    return world


def served_routes(world: World) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves; a mount counts as `GET path/`."""
    routes: set[tuple[str, str]] = set()
    for route in iter_route_contexts(world.server.app.routes):
        if route.methods:
            routes |= {(method, route.path) for method in route.methods if method != "HEAD"}
        else:
            routes.add(("GET", route.path + "/"))
    return routes


def outbox_size(world: World) -> int:
    """How many intents were ever journaled."""
    return sum(world.park.services.outbox.counts().values())


def assert_no_leak(world: World, response: httpx.Response) -> None:
    """No trace of the party's private data: the evidence digest, the pending entry."""
    text = response.text
    assert world.document["sha"] not in text
    assert repr(world.entry["created_at"]) not in text
    body = response.json() if "json" in response.headers.get("content-type", "") else None
    if isinstance(body, dict):
        assert body.get("pending_intents") is None
        assert world.document["id"] not in [d.get("document_id") for d in body.get("items", [])]


def assert_private_shown(world: World, kind: str, body: dict[str, Any]) -> None:
    """The entitled caller gets the private data the row carries."""
    if kind == "pending_intents":
        assert world.entry["id"] in [e["id"] for e in body["pending_intents"]]
    elif kind == "outbox":
        assert (body["id"], body["submitter"]) == (world.entry["id"], world.party.address)
    elif kind == "evidence":
        items = body.get("items", [body])
        assert world.document["sha"] in [d["content_sha256"] for d in items]
    elif kind == "audit":
        assert body["result"] == "pass"


def test_every_route_has_a_row_in_the_matrix_when_the_app_serves_it(world: World) -> None:
    served = served_routes(world)
    assert not served - set(MATRIX), f"routes without a row in MATRIX: {served - set(MATRIX)}"
    assert not set(MATRIX) - served, f"rows for routes not served: {set(MATRIX) - served}"
    assert set(requests_of(world)) == set(MATRIX)


# NOTE: the party goes last, so a write accepted from it cannot turn the others' into 409s.
ORDER = ("anonymous", "non_party", "auditor", "admin", "party")
# NOTE: one pending intent per signer and nonce (docs/api.md), and nothing is relayed here: the
# party moves to a fresh nonce in the write's agreement first, as a party replacing a pending
# intent would, so the world's pending batch and earlier rows' writes do not make it a 409.
WRITE_AGREEMENT: dict[tuple[str, str], Callable[[World], str]] = {
    ("POST", "/agreements/{agreement_id}/consents"): lambda world: world.proposed_id,
    ("POST", "/contributions"): lambda world: world.park.agreement_id,
    ("POST", "/proposals/{proposal_id}/votes"): lambda world: world.park.agreement_id,
}


@pytest.mark.parametrize("route", list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
def test_route_answers_every_caller_as_the_matrix_says_without_leaking_private_data(
    world: World, route: tuple[str, str]
) -> None:
    row, build = MATRIX[route], requests_of(world)[route]
    if route in WRITE_AGREEMENT:
        world.park.ledger.agreements.invalidate_nonce(
            agreement_id=WRITE_AGREEMENT[route](world), sender=world.party
        )
    journaled = outbox_size(world)
    with httpx.Client(base_url=world.server.url, timeout=60) as client:
        for caller in ORDER:
            path, kwargs = build(client, world, world.accounts[caller])
            response = client.request(route[0], path, headers=world.tokens[caller], **kwargs)
            expected = row.statuses[CALLERS.index(caller)]
            assert response.status_code == expected, (caller, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
            if caller not in ENTITLED:
                assert_no_leak(world, response)
            elif row.private is not None and response.is_success:
                assert_private_shown(world, row.private, response.json())
    # A signed write is journaled once, for the party's own signature, never for another's.
    assert outbox_size(world) - journaled == (1 if row.statuses == SIGNED_WRITE else 0)
