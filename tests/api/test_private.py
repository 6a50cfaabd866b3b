"""Private data over HTTP: evidence metadata for its parties and auditors, client-sealed uploads,
and audits for auditors only — every other caller gets a 401/403 problem (404 for evidence)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_keys import keys
from eth_utils import keccak
from fastapi.testclient import TestClient

from ledger.app.services import ParkServices
from ledger.client import Ledger
from ledger.domain.structs import AgreementParams
from ledger.evidence import seal
from ledger.infra.runtime import ParkRuntime
from ledger.reads.queries import AUDITOR_ROLE
from tests.api.conftest import sign_in
from tests.conftest import Suite


def public_key(account: LocalAccount) -> bytes:
    """The account's uncompressed secp256k1 public key (what evidence is sealed for)."""
    return bytes(keys.PrivateKey(bytes(account.key)).public_key.to_bytes())


def _auth(client: TestClient, account: LocalAccount) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in(client, account)}"}


def propose_between(
    ledger: Ledger, *, admin: LocalAccount, parties: list[LocalAccount], tag: str
) -> str:
    """Register `parties` and propose their agreement (the first proposes); its 0x id."""
    ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin)
    for account in parties:
        ledger.registry.register(
            account=account.address, kind=0, profile_hash=keccak(text=account.address), sender=admin
        )
    params = AgreementParams(
        parties=[p.address for p in parties],
        shares_bps=[10_000 // len(parties)] * (len(parties) - 1)
        + [10_000 - 10_000 // len(parties) * (len(parties) - 1)],
        terms_hash=keccak(text=f"{tag} terms"),
        consent_deadline=ledger.timestamp() + 86_400,
    )
    salt = keccak(text=tag)
    ledger.agreements.propose(params=params, salt=salt, sender=parties[0])
    return "0x" + ledger.agreements.agreement_id_of(proposer=parties[0].address, salt=salt).hex()


def sealed_upload(
    uploader: LocalAccount, readers: list[bytes], agreement_id: str, text: bytes
) -> dict[str, Any]:
    """An upload body: `text` sealed locally by `uploader` for `readers` (public keys)."""
    document = seal(
        document=text, reader_public_keys=readers, uploader_private_key=bytes(uploader.key)
    )
    return {
        "agreement_id": agreement_id,
        "envelope": document.envelope.to_json(),
        "ciphertext": base64.b64encode(document.ciphertext).decode(),
    }


def indexed_pair_agreement(
    suite: Suite, runtime: ParkRuntime, services: ParkServices, *, tag: str
) -> str:
    """An agreement between accounts[1] (the proposer) and accounts[2], indexed; its 0x id."""
    ledger = Ledger.from_runtime(runtime)
    parties = [suite.accounts[1], suite.accounts[2]]
    aid = propose_between(ledger, admin=suite.accounts[0], parties=parties, tag=tag)
    services.sync()
    return aid


@pytest.fixture
def sealed(suite: Suite, runtime: ParkRuntime, services: ParkServices) -> dict[str, Any]:
    """A document sealed locally by accounts[1] for itself and accounts[2], the parties of an
    indexed agreement."""
    uploader, reader = suite.accounts[1], suite.accounts[2]
    aid = indexed_pair_agreement(suite, runtime, services, tag="private evidence")
    body = sealed_upload(uploader, [public_key(uploader), public_key(reader)], aid, b"storyboard")
    return {"body": body, "id": body["envelope"]["documentId"], "uploader": uploader}


def grant_auditor(suite: Suite, services: ParkServices, account: LocalAccount) -> None:
    """The registry admin makes `account` an auditor; the index learns it."""
    suite.transact(
        suite["ParkRegistry"].functions.grantRole(bytes.fromhex(AUDITOR_ROLE[2:]), account.address),
        suite.accounts[0].address,
    )
    services.sync()


def test_evidence_metadata_is_refused_when_the_reader_is_not_a_party_reader_or_auditor(
    client: TestClient, suite: Suite, services: ParkServices, sealed: dict[str, Any]
) -> None:
    created = client.post(
        "/evidence", json=sealed["body"], headers=_auth(client, sealed["uploader"])
    )
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"/evidence/{sealed['id']}"
    url = f"/evidence/{sealed['id']}"
    reader = _auth(client, suite.accounts[2])
    size = sealed["body"]["envelope"]["content"]["size"]
    assert client.get(url, headers=reader).json()["content_size"] == size
    assert [d["document_id"] for d in client.get("/evidence", headers=reader).json()["items"]] == [
        sealed["id"]
    ]
    outsider = _auth(client, suite.accounts[5])
    denied = client.get(url, headers=outsider)
    assert denied.status_code == 404
    assert denied.headers["content-type"] == "application/problem+json"
    assert client.get("/evidence", headers=outsider).json()["items"] == []
    assert client.get(url).status_code == 401
    auditor = suite.accounts[7]
    grant_auditor(suite, services, auditor)
    assert client.get(url, headers=_auth(client, auditor)).status_code == 200


def test_upload_is_refused_when_the_caller_did_not_seal_it_or_the_ciphertext_differs(
    client: TestClient, suite: Suite, sealed: dict[str, Any]
) -> None:
    other = client.post("/evidence", json=sealed["body"], headers=_auth(client, suite.accounts[2]))
    assert other.status_code == 403
    assert other.json()["type"] == "/problems/evidence-not-authorised"
    tampered = {**sealed["body"], "ciphertext": base64.b64encode(b"not it").decode()}
    changed = client.post("/evidence", json=tampered, headers=_auth(client, sealed["uploader"]))
    assert changed.status_code == 422
    assert changed.json()["type"] == "/problems/evidence-tampered"
    stored = client.get(f"/evidence/{sealed['id']}", headers=_auth(client, sealed["uploader"]))
    assert stored.status_code == 404


def test_audit_is_refused_when_the_caller_is_not_an_auditor(
    client: TestClient, suite: Suite, services: ParkServices
) -> None:
    assert client.post("/audit", json={}).status_code == 401
    party = client.post("/audit", json={}, headers=_auth(client, suite.accounts[1]))
    assert party.status_code == 403
    auditor = suite.accounts[7]
    grant_auditor(suite, services, auditor)
    report = client.post("/audit", json={}, headers=_auth(client, auditor))
    assert report.status_code == 200, report.text
    assert report.json()["result"] == "pass"
    assert report.json()["reportHash"].startswith("0x")
