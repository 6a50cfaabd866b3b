"""Client fixtures: a Ledger on the session suite and an Active three-party agreement."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger.client import Ledger
from ledger.domain.structs import AgreementParams, ParticipantKind
from tests.conftest import Suite

SALT = keccak(text="client-salt")


@dataclass
class Park:
    """A Ledger, its admin, three registered parties and their Active agreement."""

    ledger: Ledger
    admin: LocalAccount
    parties: list[LocalAccount]
    agreement_id: bytes


@pytest.fixture
def ledger(suite: Suite) -> Ledger:
    """The typed client on the snapshot-isolated suite."""
    return Ledger(
        w3=suite.w3, deployment=suite.deployment, artifacts=suite.artifacts, decoder=suite.decoder
    )


def open_park(
    ledger: Ledger, admin: LocalAccount, parties: list[LocalAccount], **params: object
) -> bytes:
    """Register `parties` and activate an agreement among them in one transaction."""
    ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin)
    kinds = [ParticipantKind.DESIGN_STUDIO, ParticipantKind.UNIVERSITY, ParticipantKind.FIRM]
    for party, kind in zip(parties, kinds, strict=False):
        ledger.registry.register(
            account=party.address, kind=kind, profile_hash=keccak(text=party.address), sender=admin
        )
    terms = AgreementParams(
        parties=[p.address for p in parties],
        shares_bps=[5000, 3000, 2000],
        terms_hash=keccak(text="exhibition terms"),
        consent_deadline=ledger.timestamp() + 86_400,
        voting_period=3600,
        **params,  # type: ignore[arg-type]
    )
    aid = ledger.agreements.agreement_id_of(proposer=parties[0].address, salt=SALT)
    deadline = ledger.timestamp() + 600
    signatures = [
        ledger.agreements.sign_consent(agreement_id=aid, account=p, deadline=deadline, params=terms)
        for p in parties[1:]
    ]
    ledger.agreements.propose_with_signatures(
        params=terms, salt=SALT, signatures=signatures, sender=parties[0]
    )
    return aid


@pytest.fixture
def park(ledger: Ledger, suite: Suite) -> Park:
    """An Active agreement among dev accounts 1..3 (FixedShares 50/30/20, ETH)."""
    admin, parties = suite.accounts[0], list(suite.accounts[1:4])
    return Park(ledger, admin, parties, open_park(ledger, admin, parties))
