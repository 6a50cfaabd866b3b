"""ParkRegistry: participants, roles (two-step admin handover), culture fund, breaches, audits."""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import events, grant_registrar, register
from eth_utils import keccak
from module_helpers import open_agreement, record, reverts

from ledger.domain.errors import RevertError

FIRM, DESIGN_STUDIO, UNIVERSITY = 0, 1, 2
NONE, ACTIVE, SUSPENDED = 0, 1, 2
PROFILE = keccak(text="profile document")


@pytest.fixture
def registry(suite: Any) -> Any:
    """The registry, with accounts[0] (the admin) also a registrar."""
    grant_registrar(suite)
    return suite["ParkRegistry"]


def _participant(registry: Any, address: str) -> dict[str, Any]:
    kind, status, registered_at, updated_at, breaches, profile = registry.functions.participantOf(
        address
    ).call()
    return {
        "kind": kind,
        "status": status,
        "registeredAt": registered_at,
        "updatedAt": updated_at,
        "breachCount": breaches,
        "profileHash": profile,
    }


def test_register_records_participant_when_registrar_registers(suite: Any, registry: Any) -> None:
    admin, who = suite.accounts[0].address, suite.accounts[5].address
    receipt = suite.transact(registry.functions.register(who, UNIVERSITY, PROFILE), admin)
    record = _participant(registry, who)
    assert record["kind"] == UNIVERSITY
    assert record["status"] == ACTIVE
    assert record["profileHash"] == PROFILE
    assert record["registeredAt"] == suite.w3.eth.get_block(receipt["blockNumber"])["timestamp"]
    assert registry.functions.isActiveParticipant(who).call()
    (event,) = events(registry, receipt, "ParticipantRegistered")
    assert event["args"]["account"] == who
    assert event["args"]["registrar"] == admin
    assert event["args"]["kind"] == UNIVERSITY
    assert event["args"]["profileHash"] == PROFILE


def test_register_rejected_when_caller_lacks_registrar_role(suite: Any, registry: Any) -> None:
    outsider, who = suite.accounts[4].address, suite.accounts[5].address
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.register(who, FIRM, PROFILE), outsider)
    assert err.value.name == "AccessControlUnauthorizedAccount"
    assert err.value.arguments["account"] == outsider
    assert _participant(registry, who)["status"] == NONE


@pytest.mark.parametrize(
    ("who_index", "profile", "error"),
    [
        (None, PROFILE, "RegistryZeroAddress"),
        (5, b"\x00" * 32, "ParticipantEmptyProfileHash"),
    ],
)
def test_register_rejected_when_input_is_empty(
    suite: Any, registry: Any, who_index: int | None, profile: bytes, error: str
) -> None:
    who = "0x" + "00" * 20 if who_index is None else suite.accounts[who_index].address
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.register(who, FIRM, profile), suite.accounts[0].address)
    assert err.value.name == error


def test_register_rejected_when_already_registered(suite: Any, registry: Any) -> None:
    who = suite.accounts[5].address
    register(suite, [who])
    with pytest.raises(RevertError) as err:
        suite.transact(
            registry.functions.register(who, DESIGN_STUDIO, PROFILE), suite.accounts[0].address
        )
    assert err.value.name == "ParticipantAlreadyRegistered"
    assert err.value.arguments["account"] == who
    assert _participant(registry, who)["kind"] == FIRM


def test_update_changes_kind_and_profile_when_registered(suite: Any, registry: Any) -> None:
    who = suite.accounts[5].address
    register(suite, [who])
    new_profile = keccak(text="profile v2")
    receipt = suite.transact(
        registry.functions.update(who, DESIGN_STUDIO, new_profile), suite.accounts[0].address
    )
    record = _participant(registry, who)
    assert (record["kind"], record["profileHash"], record["status"]) == (
        DESIGN_STUDIO,
        new_profile,
        ACTIVE,
    )
    (event,) = events(registry, receipt, "ParticipantUpdated")
    assert event["args"]["profileHash"] == new_profile


@pytest.mark.parametrize(
    ("registered", "profile", "error"),
    [
        (False, PROFILE, "ParticipantNotRegistered"),
        (True, b"\x00" * 32, "ParticipantEmptyProfileHash"),
    ],
)
def test_update_rejected_when_unregistered_or_empty(
    suite: Any, registry: Any, registered: bool, profile: bytes, error: str
) -> None:
    who = suite.accounts[5].address
    if registered:
        register(suite, [who])
    with pytest.raises(RevertError) as err:
        suite.transact(
            registry.functions.update(who, UNIVERSITY, profile), suite.accounts[0].address
        )
    assert err.value.name == error


def test_suspend_and_reinstate_toggle_status_when_registrar_acts(suite: Any, registry: Any) -> None:
    admin, who = suite.accounts[0].address, suite.accounts[5].address
    register(suite, [who])
    reason = keccak(text="reason")
    receipt = suite.transact(registry.functions.suspend(who, reason), admin)
    assert _participant(registry, who)["status"] == SUSPENDED
    assert not registry.functions.isActiveParticipant(who).call()
    (event,) = events(registry, receipt, "ParticipantSuspended")
    assert event["args"]["reasonHash"] == reason
    receipt = suite.transact(registry.functions.reinstate(who), admin)
    assert _participant(registry, who)["status"] == ACTIVE
    assert events(registry, receipt, "ParticipantReinstated")[0]["args"]["account"] == who


def test_suspend_rejected_when_not_active(suite: Any, registry: Any) -> None:
    admin, who = suite.accounts[0].address, suite.accounts[5].address
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.suspend(who, b"\x00" * 32), admin)
    assert err.value.name == "ParticipantNotRegistered"
    register(suite, [who])
    suite.transact(registry.functions.suspend(who, b"\x00" * 32), admin)
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.suspend(who, b"\x00" * 32), admin)
    assert err.value.name == "ParticipantNotActive"
    assert err.value.arguments == {"account": who, "status": SUSPENDED}


def test_reinstate_rejected_when_not_suspended(suite: Any, registry: Any) -> None:
    admin, who = suite.accounts[0].address, suite.accounts[5].address
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.reinstate(who), admin)
    assert err.value.name == "ParticipantNotRegistered"
    register(suite, [who])
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.reinstate(who), admin)
    assert err.value.name == "ParticipantNotSuspended"
    assert err.value.arguments == {"account": who, "status": ACTIVE}


@pytest.mark.parametrize("function", ["update", "suspend", "reinstate"])
def test_registrar_functions_rejected_when_caller_lacks_role(
    suite: Any, registry: Any, function: str
) -> None:
    who, outsider = suite.accounts[5].address, suite.accounts[6].address
    register(suite, [who])
    fn = getattr(registry.functions, function)
    call = {
        "update": lambda: fn(who, FIRM, PROFILE),
        "suspend": lambda: fn(who, b"\x00" * 32),
        "reinstate": lambda: fn(who),
    }[function]()
    with pytest.raises(RevertError) as err:
        suite.transact(call, outsider)
    assert err.value.name == "AccessControlUnauthorizedAccount"


def test_first_inactive_returns_index_of_first_non_active_account(
    suite: Any, registry: Any
) -> None:
    a, b, c = (suite.accounts[i].address for i in (5, 6, 7))
    register(suite, [a, b])
    assert registry.functions.firstInactive([a, b]).call() == 2
    assert registry.functions.firstInactive([a, c, b]).call() == 1
    suite.transact(registry.functions.suspend(a, b"\x00" * 32), suite.accounts[0].address)
    assert registry.functions.firstInactive([a, b]).call() == 0
    assert registry.functions.firstInactive([]).call() == 0


def test_set_culture_fund_records_address_when_admin_sets_it(suite: Any, registry: Any) -> None:
    fund = suite.accounts[9].address
    receipt = suite.transact(registry.functions.setCultureFund(fund), suite.accounts[0].address)
    assert registry.functions.cultureFund().call() == fund
    (event,) = events(registry, receipt, "CultureFundSet")
    assert event["args"]["previousFund"] == "0x" + "00" * 20
    assert event["args"]["newFund"] == fund


def test_set_culture_fund_rejected_when_not_admin_or_zero(suite: Any, registry: Any) -> None:
    with pytest.raises(RevertError) as err:
        suite.transact(
            registry.functions.setCultureFund(suite.accounts[9].address), suite.accounts[1].address
        )
    assert err.value.name == "AccessControlUnauthorizedAccount"
    with pytest.raises(RevertError) as err:
        suite.transact(
            registry.functions.setCultureFund("0x" + "00" * 20), suite.accounts[0].address
        )
    assert err.value.name == "RegistryZeroAddress"
    assert registry.functions.cultureFund().call() == "0x" + "00" * 20


def test_party_acts_again_when_registrar_reinstates_after_suspension(
    suite: Any, registry: Any
) -> None:
    # Agreements mirrors the registry's statuses (one local read per action): the mirror must
    # follow suspend and reinstate in the same transaction.
    admin, parties = suite.accounts[0].address, list(suite.accounts[1:4])
    aid = open_agreement(suite, parties)
    contributions = suite["Contributions"]
    suite.transact(registry.functions.suspend(parties[1].address, keccak(text="r")), admin)
    reverts(
        suite,
        contributions.functions.record(aid, record(1)),
        parties[1].address,
        "AgreementParticipantNotActive",
        agreement=aid,
    )
    suite.transact(registry.functions.reinstate(parties[1].address), admin)
    suite.transact(contributions.functions.record(aid, record(1)), parties[1].address)


def test_status_mirror_rejected_when_caller_is_not_registry(suite: Any, registry: Any) -> None:
    outsider = suite.accounts[6].address
    agreements = suite["Agreements"]
    assert registry.functions.AGREEMENTS().call() == agreements.address
    err = reverts(
        suite,
        agreements.functions.onParticipantStatusChanged(outsider, True),
        outsider,
        "AgreementUnauthorizedModule",
    )
    assert err.arguments["caller"] == outsider
    assert not registry.functions.isActiveParticipant(outsider).call()


def test_record_breach_rejected_when_caller_is_not_commitments(suite: Any, registry: Any) -> None:
    who = suite.accounts[5].address
    register(suite, [who])
    assert registry.functions.COMMITMENTS().call() == suite["Commitments"].address
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.recordBreach(who), suite.accounts[0].address)
    assert err.value.name == "RegistryUnauthorizedBreachRecorder"
    assert err.value.arguments["caller"] == suite.accounts[0].address
    assert _participant(registry, who)["breachCount"] == 0


def test_attest_records_latest_attestation_when_auditor_attests(suite: Any, registry: Any) -> None:
    admin, auditor = suite.accounts[0].address, suite.accounts[8].address
    suite.transact(
        registry.functions.grantRole(registry.functions.AUDITOR_ROLE().call(), auditor), admin
    )
    agreement, head, report = keccak(text="a"), keccak(text="head"), keccak(text="report")
    block = suite.w3.eth.block_number
    receipt = suite.transact(registry.functions.attest(agreement, head, block, report), auditor)
    stored = registry.functions.latestAttestation(agreement).call()
    assert stored[0] == auditor
    assert stored[1] == block
    assert (stored[3], stored[4]) == (head, report)
    assert registry.functions.attestationCount(agreement).call() == 1
    (event,) = events(registry, receipt, "AuditAttested")
    assert event["args"]["agreementId"] == agreement
    assert event["args"]["auditor"] == auditor
    assert event["args"]["auditedHead"] == head
    assert event["args"]["blockNumber"] == block
    assert event["args"]["reportHash"] == report


def test_attest_rejected_when_not_auditor_or_bad_input(suite: Any, registry: Any) -> None:
    admin, auditor = suite.accounts[0].address, suite.accounts[8].address
    head, report = keccak(text="head"), keccak(text="report")
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.attest(b"\x01" * 32, head, 1, report), auditor)
    assert err.value.name == "AccessControlUnauthorizedAccount"
    suite.transact(
        registry.functions.grantRole(registry.functions.AUDITOR_ROLE().call(), auditor), admin
    )
    future = suite.w3.eth.block_number + 10
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.attest(b"\x01" * 32, head, future, report), auditor)
    assert err.value.name == "AuditBlockInFuture"
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.attest(b"\x01" * 32, b"\x00" * 32, 1, report), auditor)
    assert err.value.name == "AuditEmptyHash"
    assert registry.functions.attestationCount(b"\x01" * 32).call() == 0


def test_admin_handover_takes_effect_only_when_accepted_after_delay(
    suite: Any, registry: Any
) -> None:
    old, new = suite.accounts[0].address, suite.accounts[7].address
    admin_role = registry.functions.DEFAULT_ADMIN_ROLE().call()
    suite.transact(registry.functions.beginDefaultAdminTransfer(new), old)
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.acceptDefaultAdminTransfer(), new)
    assert err.value.name == "AccessControlEnforcedDefaultAdminDelay"
    with pytest.raises(RevertError) as err:
        suite.transact(registry.functions.acceptDefaultAdminTransfer(), suite.accounts[6].address)
    assert err.value.name == "AccessControlInvalidDefaultAdmin"
    suite.chain.increase_time(registry.functions.defaultAdminDelay().call() + 1)
    suite.transact(registry.functions.acceptDefaultAdminTransfer(), new)
    assert registry.functions.defaultAdmin().call() == new
    assert registry.functions.hasRole(admin_role, new).call()
    assert not registry.functions.hasRole(admin_role, old).call()
    with pytest.raises(RevertError):
        suite.transact(registry.functions.setCultureFund(new), old)


def test_admin_role_cannot_be_granted_directly_when_handover_is_two_step(
    suite: Any, registry: Any
) -> None:
    admin_role = registry.functions.DEFAULT_ADMIN_ROLE().call()
    with pytest.raises(RevertError) as err:
        suite.transact(
            registry.functions.grantRole(admin_role, suite.accounts[7].address),
            suite.accounts[0].address,
        )
    assert err.value.name == "AccessControlEnforcedDefaultAdminRules"
