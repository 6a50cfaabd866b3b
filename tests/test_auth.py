"""Sign-in with Ethereum and bearer tokens."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from ledger.app.auth import AuthenticationError, SignInService, load_or_create_signing_key

ALICE = Account.from_key("0x" + "11" * 32)
MALLORY = Account.from_key("0x" + "22" * 32)


@pytest.fixture
def service(tmp_path: Path) -> SignInService:
    """A sign-in service with a fresh key for chain 31337."""
    key = load_or_create_signing_key(tmp_path / "key.pem")
    return SignInService(
        domain="ledger.park.test", uri="https://ledger.park.test", chain_id=31337, signing_key=key
    )


def sign(account: object, message: str) -> bytes:
    """personal_sign, as a wallet does it."""
    signed = Account.sign_message(encode_defunct(text=message), account.key)  # type: ignore[attr-defined]
    return bytes(signed.signature)


def test_sign_in_issues_a_token_naming_the_signer_when_challenge_is_signed(
    service: SignInService,
) -> None:
    challenge = service.challenge(address=ALICE.address.lower())
    assert challenge.message.startswith(
        "ledger.park.test wants you to sign in with your Ethereum account:\n" + ALICE.address
    )
    assert "Chain ID: 31337" in challenge.message
    issued = service.sign_in(message=challenge.message, signature=sign(ALICE, challenge.message))
    principal = service.verify_token(issued.token)
    assert principal.address == ALICE.address
    assert principal.expires_at == issued.expires_at > time.time()


def test_sign_in_fails_when_another_key_signed(service: SignInService) -> None:
    challenge = service.challenge(address=ALICE.address)
    with pytest.raises(AuthenticationError, match="not signed by the account it names"):
        service.sign_in(message=challenge.message, signature=sign(MALLORY, challenge.message))


def test_sign_in_fails_when_challenge_is_replayed(service: SignInService) -> None:
    challenge = service.challenge(address=ALICE.address)
    signature = sign(ALICE, challenge.message)
    service.sign_in(message=challenge.message, signature=signature)
    with pytest.raises(AuthenticationError, match="unknown, used or expired"):
        service.sign_in(message=challenge.message, signature=signature)


def test_sign_in_fails_when_message_was_altered(service: SignInService) -> None:
    challenge = service.challenge(address=ALICE.address)
    forged = challenge.message.replace(ALICE.address, MALLORY.address)
    with pytest.raises(AuthenticationError, match="not signed by the account"):
        service.sign_in(message=forged, signature=sign(ALICE, challenge.message))
    other_site = challenge.message.replace("ledger.park.test", "evil.test", 1)
    with pytest.raises(AuthenticationError, match="another site"):
        service.sign_in(message=other_site, signature=sign(ALICE, other_site))


def test_sign_in_fails_when_message_was_not_issued_here(service: SignInService) -> None:
    with pytest.raises(AuthenticationError, match="not one this server issued"):
        service.sign_in(message="hello", signature=sign(ALICE, "hello"))


def test_token_is_rejected_when_expired_or_tampered(tmp_path: Path) -> None:
    key = load_or_create_signing_key(tmp_path / "key.pem")
    short = SignInService(
        domain="d.test", uri="https://d.test", chain_id=1, signing_key=key, token_ttl_s=-1
    )
    challenge = short.challenge(address=ALICE.address)
    issued = short.sign_in(message=challenge.message, signature=sign(ALICE, challenge.message))
    with pytest.raises(AuthenticationError, match="expired"):
        short.verify_token(issued.token)
    with pytest.raises(AuthenticationError, match="invalid"):
        short.verify_token(issued.token[:-4] + "AAAA")


def test_token_from_another_server_key_is_rejected(tmp_path: Path, service: SignInService) -> None:
    other = SignInService(
        domain="ledger.park.test",
        uri="https://ledger.park.test",
        chain_id=31337,
        signing_key=load_or_create_signing_key(tmp_path / "other.pem"),
    )
    challenge = other.challenge(address=ALICE.address)
    issued = other.sign_in(message=challenge.message, signature=sign(ALICE, challenge.message))
    with pytest.raises(AuthenticationError, match="invalid"):
        service.verify_token(issued.token)


def test_signing_key_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "api.pem"
    first = load_or_create_signing_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    second = load_or_create_signing_key(path)
    assert first.public_key().public_bytes_raw() == second.public_key().public_bytes_raw()
