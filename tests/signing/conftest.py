"""Signing fixtures: registered parties and a proposed agreement on the session suite."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger.domain import signing
from ledger.domain.structs import AgreementParams, ConsentSignature, agreement_id_of
from tests.conftest import Suite

SALT = keccak(text="signing-salt")


@dataclass
class Proposed:
    """A proposed agreement among three fresh parties (parties[0] proposed it)."""

    suite: Suite
    parties: list[LocalAccount]
    params: AgreementParams
    agreement_id: bytes


def fresh_accounts(count: int, seed: str) -> list[LocalAccount]:
    """Deterministic keys that only sign (never send)."""
    return [Account.from_key(keccak(text=f"{seed}:{i}")) for i in range(count)]


def register(suite: Suite, addresses: list[str]) -> None:
    """Register `addresses` as Active participants (the admin becomes registrar)."""
    registry = suite["ParkRegistry"]
    admin = suite.accounts[0].address
    role = registry.functions.REGISTRAR_ROLE().call()
    suite.transact(registry.functions.grantRole(role, admin), admin)
    for address in addresses:
        suite.transact(registry.functions.register(address, 0, keccak(text=address)), admin)


@pytest.fixture
def proposed(suite: Suite) -> Proposed:
    """Dev accounts 1..3 registered; accounts[1] proposed an agreement among them."""
    parties = list(suite.accounts[1:4])
    register(suite, [p.address for p in parties])
    params = AgreementParams(
        parties=[p.address for p in parties],
        shares_bps=[5000, 3000, 2000],
        terms_hash=keccak(text="terms v1"),
        consent_deadline=suite.chain.timestamp() + 86_400,
        voting_period=3600,
    )
    suite.transact(suite["Agreements"].functions.propose(params.as_abi(), SALT), parties[0].address)
    return Proposed(suite, parties, params, agreement_id_of(proposer=parties[0].address, salt=SALT))


def consent_of(proposed: Proposed, party: LocalAccount, deadline: int) -> ConsentSignature:
    """`party`'s relayable consent to version 1 of the proposed agreement, signed here."""
    suite = proposed.suite
    typed = signing.consent_typed_data(
        chain_id=suite.w3.eth.chain_id,
        agreements=suite["Agreements"].address,
        agreement_id=proposed.agreement_id,
        version=1,
        params_hash=proposed.params.params_hash(),
        nonce=0,
        deadline=deadline,
    )
    return ConsentSignature(party.address, 0, deadline, signing.sign(typed, party))
