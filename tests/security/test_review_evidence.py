"""Security review of the evidence vault (issue #15, items 3, 12 and the evidence part of 15).

- 3: uploads cost no signature recovery unless the caller is a party of the agreement and the
  envelope is within the limits; each access-log entry is recovered once, however often read.
- 12: every access-log entry signs the content's sha256, size and nonce, so a reader who can
  write the store cannot swap the document under the others.
- 15: an evidence id the caller may not see answers 404, exactly as an unknown one.

Signature recoveries are counted at eth-keys' backend, the one place both the old and the new
code recover a public key; no test measures time.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eth_account.signers.local import LocalAccount
from eth_keys.backends.native.main import NativeECCBackend
from fastapi.testclient import TestClient

from ledger.app.services import ParkServices
from ledger.domain.errors import EvidenceLimitError, EvidenceTamperedError
from ledger.evidence import (
    EvidenceLimits,
    EvidenceStore,
    ParticipantKey,
    envelope,
    grant,
    load_private_key,
    read,
    upload,
)
from ledger.evidence.sealing import content_aad, unwrap_data_key
from ledger.infra.runtime import ParkRuntime
from tests.api.conftest import api_settings, app, client, runtime, services, sign_in  # noqa: F401
from tests.api.test_private import indexed_pair_agreement, public_key, sealed_upload
from tests.conftest import Suite
from tests.evidence.test_tampering import _edit_envelope

PROBLEM = "application/problem+json"


@dataclass
class Recoveries:
    """How many secp256k1 public-key recoveries ran since the fixture started."""

    count: int = 0


@pytest.fixture
def recoveries(monkeypatch: pytest.MonkeyPatch) -> Recoveries:
    """Counts every signature recovery (eth-keys' native backend does them all)."""
    counted = Recoveries()
    original = NativeECCBackend.ecdsa_recover

    def counting(self: NativeECCBackend, msg_hash: bytes, signature: Any) -> Any:
        counted.count += 1
        return original(self, msg_hash, signature)

    monkeypatch.setattr(NativeECCBackend, "ecdsa_recover", counting)
    return counted


@dataclass(frozen=True)
class Agreement:
    """An indexed agreement between two registered parties, and the API to reach it."""

    client: TestClient
    agreement_id: str
    uploader: LocalAccount
    co_party: LocalAccount

    def headers(self, account: LocalAccount) -> dict[str, str]:
        """A bearer token for `account`."""
        return {"Authorization": f"Bearer {sign_in(self.client, account)}"}

    def body(self, uploader: LocalAccount, readers: list[bytes]) -> dict[str, Any]:
        """An upload body for this agreement, sealed by `uploader` for `readers`."""
        return sealed_upload(uploader, readers, self.agreement_id, secrets.token_bytes(64))


@pytest.fixture
def agreement(
    client: TestClient,  # noqa: F811 - the fixture imported above
    suite: Suite,
    runtime: ParkRuntime,  # noqa: F811
    services: ParkServices,  # noqa: F811
) -> Agreement:
    """accounts[1] and accounts[2] are the parties; accounts[5] is never registered."""
    aid = indexed_pair_agreement(suite, runtime, services, tag="evidence review")
    return Agreement(client, aid, suite.accounts[1], suite.accounts[2])


def _keys(count: int) -> list[bytes]:
    return [load_private_key(secrets.token_bytes(32)).public_key for _ in range(count)]


def _refused(
    agreement: Agreement,
    recoveries: Recoveries,
    uploader: LocalAccount,
    readers: list[bytes],
    status: int,
) -> dict[str, Any]:
    """Upload as `uploader` for `readers`: a `status` problem, with no signature recovered."""
    body, headers = agreement.body(uploader, readers), agreement.headers(uploader)
    recoveries.count = 0  # signing in recovered the sign-in signature
    response = agreement.client.post("/evidence", json=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert recoveries.count == 0
    problem: dict[str, Any] = response.json()
    return problem


# -- item 3: who may upload, how large an envelope may be, and verifying once ----------------


def test_upload_is_a_403_problem_without_any_recovery_when_the_caller_is_not_a_party(
    agreement: Agreement, suite: Suite, recoveries: Recoveries
) -> None:
    stranger = suite.accounts[5]  # signed in, but neither registered nor a party
    problem = _refused(agreement, recoveries, stranger, [public_key(stranger)], 403)
    assert problem["type"] == "/problems/not-a-party"


def test_upload_is_a_422_problem_when_it_is_sealed_for_a_reader_outside_the_agreement(
    agreement: Agreement, suite: Suite, recoveries: Recoveries
) -> None:
    uploader = agreement.uploader
    readers = [public_key(uploader), public_key(suite.accounts[5])]
    problem = _refused(agreement, recoveries, uploader, readers, 422)
    assert "not parties of the agreement" in problem["detail"]


def test_upload_is_a_413_problem_without_any_recovery_when_readers_exceed_the_limit(
    agreement: Agreement, recoveries: Recoveries
) -> None:
    uploader = agreement.uploader
    readers = [public_key(uploader), *_keys(EvidenceLimits().max_readers)]
    problem = _refused(agreement, recoveries, uploader, readers, 413)
    assert problem["type"] == "/problems/evidence-too-large"


def test_repost_is_a_409_without_any_recovery_when_the_document_exists(
    agreement: Agreement, recoveries: Recoveries
) -> None:
    uploader = agreement.uploader
    body = agreement.body(uploader, [public_key(uploader), public_key(agreement.co_party)])
    headers = agreement.headers(uploader)
    recoveries.count = 0
    assert agreement.client.post("/evidence", json=body, headers=headers).status_code == 201
    recovered_by_upload = recoveries.count
    again = agreement.client.post("/evidence", json=body, headers=headers)
    assert again.status_code == 409, again.text
    assert recoveries.count == recovered_by_upload == len(body["envelope"]["log"])


def test_log_entries_are_recovered_once_each_when_the_envelope_is_read_repeatedly(
    agreement: Agreement, recoveries: Recoveries
) -> None:
    uploader, co_party = agreement.uploader, agreement.co_party
    body = agreement.body(uploader, [public_key(uploader), public_key(co_party)])
    headers, uploader_headers = agreement.headers(co_party), agreement.headers(uploader)
    recoveries.count = 0
    created = agreement.client.post("/evidence", json=body, headers=uploader_headers).json()
    for _ in range(3):
        assert agreement.client.get("/evidence", headers=headers).status_code == 200
        url = f"/evidence/{created['document_id']}"
        assert agreement.client.get(url, headers=headers).status_code == 200
    assert recoveries.count == len(body["envelope"]["log"])


def test_grant_is_refused_and_nothing_changes_when_the_log_entry_limit_is_reached(
    tmp_path: Path,
) -> None:
    store = EvidenceStore(tmp_path, limits=EvidenceLimits(max_readers=80, max_log_entries=2))
    party, auditor = load_private_key(b"\x01" * 32), load_private_key(b"\x02" * 32)
    sealed = upload(
        store=store,
        document=b"minutes",
        reader_public_keys=[party.public_key, _keys(1)[0]],
        uploader_private_key=party,
    )
    with pytest.raises(EvidenceLimitError):
        grant(
            store=store,
            document_id=sealed.document_id,
            granter_private_key=party,
            reader_public_key=auditor.public_key,
        )
    assert envelope(store=store, document_id=sealed.document_id) == sealed.envelope


# -- item 12: the access log signs the content --------------------------------------------


def test_read_fails_tampered_when_a_reader_swaps_the_document_and_its_content_fields(
    tmp_path: Path,
) -> None:
    store = EvidenceStore(tmp_path)
    party: ParticipantKey = load_private_key(b"\x01" * 32)
    sealed = upload(
        store=store,
        document=b"licence: 10% to the studio",
        reader_public_keys=[party.public_key, _keys(1)[0]],
        uploader_private_key=party,
    )
    # A reader holds the data key and may write the store: it encrypts a forgery under the same
    # key and points the envelope's content fields at it; every tag and digest checks out.
    data_key = unwrap_data_key(envelope=sealed.envelope, reader=party)
    nonce = secrets.token_bytes(12)
    forged = AESGCM(data_key).encrypt(
        nonce, sealed.salt + b"licence: 90% to me", content_aad(sealed.document_id)
    )
    store.put_ciphertext(forged)

    def point_at_forgery(data: dict[str, Any]) -> None:
        data["content"] = {
            "sha256": "0x" + hashlib.sha256(forged).hexdigest(),
            "size": len(forged),
            "nonce": "0x" + nonce.hex(),
        }

    _edit_envelope(store, sealed, point_at_forgery)
    with pytest.raises(EvidenceTamperedError, match="content or readers it signs were changed"):
        read(store=store, document_id=sealed.document_id, reader_private_key=party)


# -- item 15: 404 alike for hidden and unknown ids -----------------------------------------


def test_evidence_id_answers_404_alike_when_the_caller_may_not_see_it_or_it_does_not_exist(
    agreement: Agreement, suite: Suite
) -> None:
    uploader = agreement.uploader
    body = agreement.body(uploader, [public_key(uploader), public_key(agreement.co_party)])
    created = agreement.client.post("/evidence", json=body, headers=agreement.headers(uploader))
    assert created.status_code == 201, created.text
    outsider = agreement.headers(suite.accounts[5])
    unknown_id = "0x" + "ee" * 32
    hidden = agreement.client.get(f"/evidence/{created.json()['document_id']}", headers=outsider)
    unknown = agreement.client.get(f"/evidence/{unknown_id}", headers=outsider)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.headers["content-type"] == unknown.headers["content-type"] == PROBLEM
    shape = {**hidden.json(), "detail": "", "instance": ""}
    assert shape == {**unknown.json(), "detail": "", "instance": ""}
    assert (
        hidden.json()["detail"].replace(created.json()["document_id"], unknown_id)
        == (unknown.json()["detail"])
    )
