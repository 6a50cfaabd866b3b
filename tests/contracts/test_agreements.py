"""Agreements: proposal, consent by call and by EIP-712 signature (eth-account), activation,
expiry, nonces, module-only entry points and the hash chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from agreement_helpers import (
    BPS,
    STATUS_ACTIVE,
    STATUS_EXPIRED,
    STATUS_NONE,
    STATUS_PROPOSED,
    ZERO_ADDRESS,
    Params,
    activate,
    agreement_id,
    chain_head,
    compact,
    consent_signature,
    consent_typed_data,
    default_params,
    events,
    expect_revert,
    high_s,
    new_accounts,
    propose,
    register,
    sign_typed,
    typed_digest,
    vote_typed_data,
)
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import deploy_suite
from ledger.infra.suite import PARK_SUITE

SALT = b"\x01" * 32

DOCS = Path(__file__).resolve().parents[2] / "docs"
ANVIL_CHAIN_ID = 31_337


@pytest.fixture
def parties(suite: Any) -> list[LocalAccount]:
    """Four registered participants (accounts 1..4)."""
    accounts = suite.accounts[1:5]
    register(suite, accounts)
    return list(accounts)


@pytest.fixture
def proposed(suite: Any, parties: list[LocalAccount]) -> tuple[bytes, Params]:
    """A Proposed agreement among parties 0..2, proposed by party 0."""
    params = default_params(suite, parties[:3])
    return propose(suite, parties[0], params, SALT), params


def _terms(suite: Any, aid: bytes) -> dict[str, Any]:
    names = [
        "token",
        "revenueMode",
        "fundShareBps",
        "confirmationsRequired",
        "consentThresholdBps",
        "partyCount",
        "version",
        "termsHash",
        "votingMode",
        "votingPeriod",
        "quorumBps",
        "status",
        "consentDeadline",
        "consentCount",
        "paramsHash",
    ]
    return dict(zip(names, suite["Agreements"].functions.termsOf(aid).call(), strict=True))


# --------------------------------------------------------------------------------------
# propose
# --------------------------------------------------------------------------------------


def test_propose_records_agreement_when_params_valid(
    suite: Any, parties: list[LocalAccount]
) -> None:
    agreements = suite["Agreements"]
    params = default_params(
        suite, parties[:3], fund_share_bps=500, confirmations_required=2, voting_mode=1
    ).with_(shares=[5_000, 3_000, 2_000])
    receipt = suite.transact(
        agreements.functions.propose(params.as_tuple(), SALT), parties[0].address
    )
    aid = agreement_id(parties[0].address, SALT)
    assert agreements.functions.agreementIdOf(parties[0].address, SALT).call() == aid
    assert agreements.functions.statusOf(aid).call() == STATUS_PROPOSED
    terms = _terms(suite, aid)
    assert terms["partyCount"] == 3
    assert terms["version"] == 1
    assert terms["consentCount"] == 1
    assert terms["fundShareBps"] == 500
    assert terms["confirmationsRequired"] == 2
    assert terms["votingMode"] == 1
    assert terms["termsHash"] == params.terms_hash
    assert terms["paramsHash"] == params.hash()
    assert terms["consentDeadline"] == params.consent_deadline
    assert agreements.functions.partiesOf(aid).call() == [params.parties, [5_000, 3_000, 2_000]]
    assert agreements.functions.partyOf(aid, parties[1].address).call() == [True, 1, 3_000]
    assert agreements.functions.partyOf(aid, parties[3].address).call() == [False, 0, 0]
    assert agreements.functions.consentVersionOf(aid, parties[0].address).call() == 1
    assert agreements.functions.consentVersionOf(aid, parties[1].address).call() == 0
    (proposed_event,) = events(agreements, receipt, "AgreementProposed")
    assert proposed_event["args"]["paramsHash"] == params.hash()
    assert proposed_event["args"]["proposer"] == parties[0].address
    assert next(iter(proposed_event["args"]["params"].values())) == params.parties
    (consent_event,) = events(agreements, receipt, "ConsentGiven")
    assert consent_event["args"]["party"] == parties[0].address
    assert consent_event["args"]["signature"] == b""
    assert agreements.functions.headOf(aid).call() == chain_head([agreements], [receipt], aid)


RULE_CASES = [
    "one party", "shares length", "shares sum", "zero share", "zero address", "duplicate",
    "unregistered", "proposer absent", "fund share", "threshold zero", "threshold high",
    "confirmations zero", "confirmations all", "quorum", "period short", "period long",
    "deadline past", "deadline far", "token not contract", "empty terms",
]  # fmt: skip


# NOTE: a table of cases, one return per broken rule: its length is the number of rules.
def _broken(  # noqa: C901, PLR0911, PLR0912
    case: str, p: Params, a: list[LocalAccount], suite: Any
) -> tuple[Params, str, Any]:
    """Params breaking one rule, the expected error and its arguments (None: not checked)."""
    now = suite.chain.timestamp()
    outsider = suite.accounts[9].address
    match case:
        case "one party":
            return (
                p.with_(parties=p.parties[:1], shares=[BPS]),
                "AgreementPartyCountOutOfRange",
                {"count": 1},
            )
        case "shares length":
            return (
                p.with_(shares=[5_000, 5_000]),
                "AgreementSharesLengthMismatch",
                {
                    "parties": 3,
                    "shares": 2,
                },
            )
        case "shares sum":
            return p.with_(shares=[3_333] * 3), "AgreementSharesDoNotSumTo", {"total": 9_999}
        case "zero share":
            return p.with_(shares=[BPS, 0, 0]), "AgreementZeroShare", {"party": a[1].address}
        case "zero address":
            parties = [*p.parties[:2], ZERO_ADDRESS]
            return p.with_(parties=parties), "AgreementZeroAddressParty", {"index": 2}
        case "duplicate":
            parties = [p.parties[0], p.parties[1], p.parties[1]]
            return p.with_(parties=parties), "AgreementDuplicateParty", {"party": a[1].address}
        case "unregistered":
            parties = [*p.parties[:2], outsider]
            return p.with_(parties=parties), "AgreementParticipantNotActive", {"account": outsider}
        case "proposer absent":
            parties = [x.address for x in a[1:4]]
            return (
                p.with_(parties=parties),
                "AgreementProposerNotAParty",
                {"proposer": a[0].address},
            )
        case "fund share":
            return (
                p.with_(fund_share_bps=5_001),
                "AgreementFundShareTooHigh",
                {
                    "fundShareBps": 5_001,
                    "maximum": 5_000,
                },
            )
        case "threshold zero" | "threshold high":
            bps = 0 if case == "threshold zero" else 10_001
            return (
                p.with_(consent_threshold_bps=bps),
                "AgreementInvalidConsentThreshold",
                {"consentThresholdBps": bps},
            )
        case "confirmations zero" | "confirmations all":
            n = 0 if case == "confirmations zero" else 3
            return (
                p.with_(confirmations_required=n),
                "AgreementInvalidConfirmations",
                {
                    "confirmationsRequired": n,
                    "partyCount": 3,
                },
            )
        case "quorum":
            return p.with_(quorum_bps=10_001), "AgreementInvalidQuorum", {"quorumBps": 10_001}
        case "period short" | "period long":
            period = 3_599 if case == "period short" else 180 * 86_400 + 1
            return (
                p.with_(voting_period=period),
                "AgreementInvalidVotingPeriod",
                {"votingPeriod": period},
            )
        case "deadline past" | "deadline far":
            deadline = now - 1 if case == "deadline past" else now + 400 * 86_400
            return (
                p.with_(consent_deadline=deadline),
                "AgreementInvalidConsentDeadline",
                {"consentDeadline": deadline},
            )
        case "token not contract":
            return p.with_(token=outsider), "AgreementTokenNotContract", {"token": outsider}
        case _:
            return p.with_(terms_hash=b"\x00" * 32), "AgreementEmptyTermsHash", {}


@pytest.mark.parametrize("case", RULE_CASES)
def test_propose_rejected_when_rule_broken(
    suite: Any, parties: list[LocalAccount], case: str
) -> None:
    params, error, arguments = _broken(case, default_params(suite, parties[:3]), parties, suite)
    expect_revert(
        suite,
        suite["Agreements"].functions.propose(params.as_tuple(), SALT),
        parties[0].address,
        error,
        arguments,
    )
    aid = agreement_id(parties[0].address, SALT)
    assert suite["Agreements"].functions.statusOf(aid).call() == STATUS_NONE


def test_propose_rejected_when_more_than_64_parties(
    suite: Any, parties: list[LocalAccount]
) -> None:
    extra = [a.address for a in new_accounts(64, "too-many")]
    params = default_params(suite, [parties[0].address, *extra])
    expect_revert(
        suite,
        suite["Agreements"].functions.propose(params.as_tuple(), SALT),
        parties[0].address,
        "AgreementPartyCountOutOfRange",
        {"count": 65},
    )


def test_propose_rejected_when_id_reused(suite: Any, proposed: tuple[bytes, Params]) -> None:
    aid, params = proposed
    proposer = params.parties[0]
    expect_revert(
        suite,
        suite["Agreements"].functions.propose(params.as_tuple(), SALT),
        proposer,
        "AgreementExists",
        {"agreementId": aid},
        agreement=aid,
    )


def test_propose_rejected_when_party_suspended(suite: Any, parties: list[LocalAccount]) -> None:
    registry = suite["ParkRegistry"]
    suite.transact(
        registry.functions.suspend(parties[2].address, b"\x00" * 32), suite.accounts[0].address
    )
    params = default_params(suite, parties[:3])
    expect_revert(
        suite,
        suite["Agreements"].functions.propose(params.as_tuple(), SALT),
        parties[0].address,
        "AgreementParticipantNotActive",
        {"account": parties[2].address},
    )


def test_propose_accepts_erc20_style_token_when_token_has_code(
    suite: Any, parties: list[LocalAccount]
) -> None:
    token = suite["ParkRegistry"].address  # any contract passes the code check
    aid = propose(suite, parties[0], default_params(suite, parties[:2], token=token), SALT)
    assert _terms(suite, aid)["token"] == token


# --------------------------------------------------------------------------------------
# consent by call
# --------------------------------------------------------------------------------------


def test_consent_activates_agreement_when_every_party_consents_by_call(
    suite: Any, proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    agreements = suite["Agreements"]
    first = suite.transact(agreements.functions.consent(aid, 1, params.hash()), params.parties[1])
    assert agreements.functions.statusOf(aid).call() == STATUS_PROPOSED
    assert _terms(suite, aid)["consentCount"] == 2
    assert not events(agreements, first, "AgreementActivated")
    last = suite.transact(agreements.functions.consent(aid, 1, params.hash()), params.parties[2])
    assert agreements.functions.statusOf(aid).call() == STATUS_ACTIVE
    (activated,) = events(agreements, last, "AgreementActivated")
    assert activated["args"]["version"] == 1
    assert agreements.functions.consentVersionOf(aid, params.parties[2]).call() == 1
    assert agreements.functions.nonceOf(aid, params.parties[2]).call() == 0


def test_consent_rejected_when_caller_cannot_consent(
    suite: Any, parties: list[LocalAccount], proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    consent = suite["Agreements"].functions.consent
    h = params.hash()
    expect_revert(
        suite,
        consent(aid, 1, h),
        parties[3].address,
        "AgreementNotAParty",
        {"agreementId": aid, "account": parties[3].address},
        agreement=aid,
    )
    expect_revert(
        suite,
        consent(aid, 1, h),
        parties[0].address,
        "AgreementAlreadyConsented",
        {"agreementId": aid, "party": parties[0].address, "version": 1},
        agreement=aid,
    )
    expect_revert(
        suite,
        consent(aid, 2, h),
        parties[1].address,
        "AgreementVersionMismatch",
        {"agreementId": aid, "expected": 2, "current": 1},
        agreement=aid,
    )
    wrong = keccak(text="other params")
    expect_revert(
        suite,
        consent(aid, 1, wrong),
        parties[1].address,
        "AgreementParamsMismatch",
        {"agreementId": aid, "expected": h, "given": wrong},
        agreement=aid,
    )
    missing = b"\x09" * 32
    expect_revert(
        suite,
        consent(missing, 1, h),
        parties[1].address,
        "AgreementNotFound",
        {"agreementId": missing},
    )
    suite.transact(
        suite["ParkRegistry"].functions.suspend(parties[1].address, b"\x00" * 32),
        suite.accounts[0].address,
    )
    expect_revert(
        suite,
        consent(aid, 1, h),
        parties[1].address,
        "AgreementParticipantNotActive",
        {"account": parties[1].address},
        agreement=aid,
    )


def test_consent_rejected_when_agreement_expired_or_active(
    suite: Any, proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    agreements = suite["Agreements"]
    suite.chain.increase_time(params.consent_deadline - suite.chain.timestamp() + 1)
    assert agreements.functions.statusOf(aid).call() == STATUS_EXPIRED
    expect_revert(
        suite,
        agreements.functions.consent(aid, 1, params.hash()),
        params.parties[1],
        "AgreementNotProposed",
        {"agreementId": aid, "status": STATUS_EXPIRED},
        agreement=aid,
    )


def test_consent_rejected_when_agreement_already_active(
    suite: Any, parties: list[LocalAccount]
) -> None:
    aid, params = activate(suite, parties[:2])
    expect_revert(
        suite,
        suite["Agreements"].functions.consent(aid, 1, params.hash()),
        parties[1].address,
        "AgreementNotProposed",
        {"agreementId": aid, "status": STATUS_ACTIVE},
        agreement=aid,
    )


# --------------------------------------------------------------------------------------
# consent by signature
# --------------------------------------------------------------------------------------


def test_consent_by_signatures_activates_when_relayed_in_any_order(
    suite: Any, parties: list[LocalAccount], proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    agreements = suite["Agreements"]
    relayer = suite.accounts[10].address
    sigs = [consent_signature(suite, parties[i], aid, params.hash()) for i in (2, 1)]
    receipt = suite.transact(agreements.functions.consentBySignatures(aid, sigs), relayer)
    assert agreements.functions.statusOf(aid).call() == STATUS_ACTIVE
    given = events(agreements, receipt, "ConsentGiven")
    assert [e["args"]["party"] for e in given] == [parties[2].address, parties[1].address]
    assert given[0]["args"]["signature"] == sigs[0][3]
    assert given[0]["args"]["deadline"] == sigs[0][2]
    for p in parties[1:3]:
        assert agreements.functions.nonceOf(aid, p.address).call() == 1
        assert agreements.functions.consentVersionOf(aid, p.address).call() == 1
    # the head folds every event, from the proposal on
    first = suite.w3.eth.get_transaction_receipt(
        suite.w3.eth.get_block(receipt["blockNumber"] - 1)["transactions"][0]
    )
    assert agreements.functions.headOf(aid).call() == chain_head(
        [agreements], [first, receipt], aid
    )


def test_consent_digest_matches_eth_account_when_cross_checked(
    suite: Any, proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    agreements = suite["Agreements"]
    typed = consent_typed_data(
        chain_id=suite.w3.eth.chain_id,
        contract=agreements.address,
        agreement=aid,
        version=1,
        params_hash=params.hash(),
        nonce=7,
        deadline=123,
    )
    assert agreements.functions.consentDigest(aid, 1, params.hash(), 7, 123).call() == typed_digest(
        typed
    )


def _bad_signature_cases() -> list[tuple[str, dict[str, Any], str]]:
    return [
        ("other chain", {"chain_id": 1}, "AgreementInvalidSignature"),
        ("other contract", {"contract": "governance"}, "AgreementInvalidSignature"),
        ("other version", {"version": 2}, "AgreementInvalidSignature"),
        ("other params", {"params_hash": keccak(text="x")}, "AgreementInvalidSignature"),
        ("other signer", {"signer": 2}, "AgreementInvalidSignature"),
        ("high s", {"mangle": high_s}, "AgreementInvalidSignature"),
        ("64 bytes", {"mangle": compact}, "AgreementInvalidSignature"),
        ("66 bytes", {"mangle": lambda s: s + b"\x00"}, "AgreementInvalidSignature"),
        ("bad v", {"mangle": lambda s: s[:64] + b"\x1d"}, "AgreementInvalidSignature"),
        ("expired", {"deadline": -1}, "AgreementSignatureExpired"),
        ("wrong nonce", {"nonce": 1}, "AgreementInvalidNonce"),
    ]


@pytest.mark.parametrize(
    ("case", "change", "error"),
    _bad_signature_cases(),
    ids=lambda c: c if isinstance(c, str) else "",
)
def test_consent_by_signatures_rejected_when_signature_invalid(
    suite: Any,
    parties: list[LocalAccount],
    proposed: tuple[bytes, Params],
    case: str,
    change: dict[str, Any],
    error: str,
) -> None:
    aid, params = proposed
    agreements = suite["Agreements"]
    signer = parties[change.get("signer", 1)]
    deadline = suite.chain.timestamp() - 1 if change.get("deadline") == -1 else None
    contract = suite["Governance"].address if change.get("contract") == "governance" else None
    _, nonce, dl, signature = consent_signature(
        suite,
        signer,
        aid,
        change.get("params_hash", params.hash()),
        version=change.get("version", 1),
        nonce=change.get("nonce"),
        deadline=deadline,
        chain_id=change.get("chain_id"),
        contract=contract,
    )
    if "mangle" in change:
        signature = change["mangle"](signature)
    entry = (parties[1].address, nonce, dl, signature)
    expect_revert(
        suite,
        agreements.functions.consentBySignatures(aid, [entry]),
        suite.accounts[10].address,
        error,
        agreement=aid,
    )
    assert agreements.functions.nonceOf(aid, parties[1].address).call() == 0
    assert agreements.functions.consentVersionOf(aid, parties[1].address).call() == 0


def test_consent_by_signatures_rejected_when_signer_not_party_or_batch_empty(
    suite: Any, parties: list[LocalAccount], proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    fn = suite["Agreements"].functions.consentBySignatures
    outsider = consent_signature(suite, parties[3], aid, params.hash())
    expect_revert(
        suite,
        fn(aid, [outsider]),
        suite.accounts[10].address,
        "AgreementNotAParty",
        {"agreementId": aid, "account": parties[3].address},
        agreement=aid,
    )
    expect_revert(suite, fn(aid, []), suite.accounts[10].address, "AgreementNoSignatures", {})


def test_consent_signature_rejected_when_replayed(
    suite: Any, parties: list[LocalAccount], proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    fn = suite["Agreements"].functions.consentBySignatures
    sig = consent_signature(suite, parties[1], aid, params.hash())
    suite.transact(fn(aid, [sig]), suite.accounts[10].address)
    expect_revert(
        suite,
        fn(aid, [sig]),
        suite.accounts[10].address,
        "AgreementAlreadyConsented",
        {"agreementId": aid, "party": parties[1].address, "version": 1},
        agreement=aid,
    )


def test_consent_batch_succeeds_when_front_runner_submitted_one_signature(
    suite: Any, parties: list[LocalAccount], proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    agreements = suite["Agreements"]
    sigs = [consent_signature(suite, parties[i], aid, params.hash()) for i in (1, 2)]
    suite.transact(
        agreements.functions.consentBySignatures(aid, sigs[:1]), suite.accounts[11].address
    )
    receipt = suite.transact(
        agreements.functions.consentBySignatures(aid, sigs), suite.accounts[10].address
    )
    assert [e["args"]["party"] for e in events(agreements, receipt, "ConsentGiven")] == [
        parties[2].address
    ]
    assert agreements.functions.statusOf(aid).call() == STATUS_ACTIVE


def test_consent_signature_rejected_when_signer_invalidated_nonce(
    suite: Any, parties: list[LocalAccount], proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    agreements = suite["Agreements"]
    sig = consent_signature(suite, parties[1], aid, params.hash())
    receipt = suite.transact(agreements.functions.invalidateNonce(aid), parties[1].address)
    (event,) = events(agreements, receipt, "NonceInvalidated")
    assert event["args"]["newNonce"] == 1
    assert agreements.functions.nonceOf(aid, parties[1].address).call() == 1
    expect_revert(
        suite,
        agreements.functions.consentBySignatures(aid, [sig]),
        suite.accounts[10].address,
        "AgreementInvalidNonce",
        {"agreementId": aid, "signer": parties[1].address, "expected": 1, "given": 0},
        agreement=aid,
    )


def test_consent_signature_rejected_when_signer_suspended(
    suite: Any, parties: list[LocalAccount], proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    sig = consent_signature(suite, parties[1], aid, params.hash())
    suite.transact(
        suite["ParkRegistry"].functions.suspend(parties[1].address, b"\x00" * 32),
        suite.accounts[0].address,
    )
    expect_revert(
        suite,
        suite["Agreements"].functions.consentBySignatures(aid, [sig]),
        suite.accounts[10].address,
        "AgreementParticipantNotActive",
        {"account": parties[1].address},
        agreement=aid,
    )


def test_invalidate_nonce_rejected_when_caller_is_an_outsider(
    suite: Any, proposed: tuple[bytes, Params]
) -> None:
    aid, _ = proposed
    outsider = suite.accounts[15].address
    expect_revert(
        suite,
        suite["Agreements"].functions.invalidateNonce(aid),
        outsider,
        "AgreementParticipantNotActive",
        {"account": outsider},
        agreement=aid,
    )


def test_invalidate_nonce_rejected_when_agreement_missing(
    suite: Any, parties: list[LocalAccount]
) -> None:
    missing = b"\x07" * 32
    expect_revert(
        suite,
        suite["Agreements"].functions.invalidateNonce(missing),
        parties[0].address,
        "AgreementNotFound",
        {"agreementId": missing},
    )


def test_contract_wallet_consents_when_erc1271_accepts_owner_signature(
    suite: Any, parties: list[LocalAccount]
) -> None:
    owner = parties[3]
    wallet = suite.deploy_fixture("ERC1271Wallet", owner.address)
    register(suite, [wallet.address])
    params = default_params(suite, [parties[0].address, wallet.address])
    aid = propose(suite, parties[0], params, SALT)
    agreements = suite["Agreements"]
    _, nonce, deadline, signature = consent_signature(suite, owner, aid, params.hash())
    entry = (wallet.address, nonce, deadline, signature)
    suite.transact(wallet.functions.setRefuseAll(True), owner.address)
    expect_revert(
        suite,
        agreements.functions.consentBySignatures(aid, [entry]),
        suite.accounts[10].address,
        "AgreementInvalidSignature",
        {"signer": wallet.address},
        agreement=aid,
    )
    suite.transact(wallet.functions.setRefuseAll(False), owner.address)
    suite.transact(
        agreements.functions.consentBySignatures(aid, [entry]), suite.accounts[10].address
    )
    assert agreements.functions.statusOf(aid).call() == STATUS_ACTIVE


def test_contract_wallet_consents_when_it_calls_directly(
    suite: Any, parties: list[LocalAccount]
) -> None:
    owner = parties[3]
    wallet = suite.deploy_fixture("ERC1271Wallet", owner.address)
    register(suite, [wallet.address])
    params = default_params(suite, [parties[0].address, wallet.address])
    aid = propose(suite, parties[0], params, SALT)
    agreements = suite["Agreements"]
    data = agreements.encode_abi("consent", [aid, 1, params.hash()])
    suite.transact(wallet.functions.execute(agreements.address, data), owner.address)
    assert agreements.functions.statusOf(aid).call() == STATUS_ACTIVE


def test_propose_with_signatures_activates_64_parties_when_all_signed(
    suite: Any, parties: list[LocalAccount]
) -> None:
    others = new_accounts(63, "party64")
    register(suite, others)
    everyone = [parties[0], *others]
    aid, params = activate(suite, everyone, salt=b"\x64" * 32)
    agreements = suite["Agreements"]
    assert agreements.functions.statusOf(aid).call() == STATUS_ACTIVE
    listed, shares = agreements.functions.partiesOf(aid).call()
    assert listed == [p.address for p in everyone]
    assert shares == params.shares
    assert sum(shares) == BPS
    assert agreements.functions.partyOf(aid, others[-1].address).call() == [
        True,
        63,
        params.shares[63],
    ]


# --------------------------------------------------------------------------------------
# expiry, module-only functions, views
# --------------------------------------------------------------------------------------


def test_mark_expired_writes_status_when_deadline_passed(
    suite: Any, proposed: tuple[bytes, Params]
) -> None:
    aid, params = proposed
    agreements = suite["Agreements"]
    expect_revert(
        suite,
        agreements.functions.markExpired(aid),
        suite.accounts[10].address,
        "AgreementNotExpired",
        {"agreementId": aid, "consentDeadline": params.consent_deadline},
        agreement=aid,
    )
    suite.chain.increase_time(params.consent_deadline - suite.chain.timestamp() + 1)
    receipt = suite.transact(agreements.functions.markExpired(aid), suite.accounts[10].address)
    assert agreements.functions.statusOf(aid).call() == STATUS_EXPIRED
    (event,) = events(agreements, receipt, "AgreementExpired")
    assert event["args"]["consentDeadline"] == params.consent_deadline
    expect_revert(
        suite,
        agreements.functions.markExpired(aid),
        suite.accounts[10].address,
        "AgreementNotProposed",
        {"agreementId": aid, "status": STATUS_EXPIRED},
    )


def test_mark_expired_rejected_when_missing_or_active(
    suite: Any, parties: list[LocalAccount]
) -> None:
    agreements = suite["Agreements"]
    missing = b"\x05" * 32
    expect_revert(
        suite,
        agreements.functions.markExpired(missing),
        parties[0].address,
        "AgreementNotFound",
        {"agreementId": missing},
    )
    aid, _ = activate(suite, parties[:2])
    expect_revert(
        suite,
        agreements.functions.markExpired(aid),
        parties[0].address,
        "AgreementNotProposed",
        {"agreementId": aid, "status": STATUS_ACTIVE},
    )


@pytest.mark.parametrize(
    "function", ["journal", "journalSigned", "amend", "addParty", "removeParty", "close"]
)
def test_module_functions_rejected_when_caller_is_not_a_module(
    suite: Any, parties: list[LocalAccount], function: str
) -> None:
    aid, _ = activate(suite, parties[:3])
    fns = suite["Agreements"].functions
    zero = b"\x00" * 32
    call = {
        "journal": lambda: fns.journal(aid, parties[0].address, 0, zero, zero),
        "journalSigned": lambda: fns.journalSigned(aid, parties[0].address, 0, 0, zero, zero),
        "amend": lambda: fns.amend(aid, keccak(text="t"), [5_000, 3_000, 2_000]),
        "addParty": lambda: fns.addParty(aid, parties[3].address, [2_500] * 4),
        "removeParty": lambda: fns.removeParty(aid, parties[2].address, [5_000, 5_000]),
        "close": lambda: fns.close(aid),
    }[function]()
    expect_revert(
        suite,
        call,
        parties[0].address,
        "AgreementUnauthorizedModule",
        {"caller": parties[0].address},
        agreement=aid,
    )


def test_views_return_zeros_when_agreement_missing(suite: Any) -> None:
    agreements = suite["Agreements"]
    missing = b"\x03" * 32
    assert agreements.functions.statusOf(missing).call() == STATUS_NONE
    assert agreements.functions.headOf(missing).call() == b"\x00" * 32
    assert agreements.functions.partiesOf(missing).call() == [[], []]
    assert _terms(suite, missing)["partyCount"] == 0
    assert agreements.functions.nonceOf(missing, suite.accounts[1].address).call() == 0


def test_wiring_points_at_suite_when_deployed(suite: Any) -> None:
    agreements = suite["Agreements"]
    for name in ("ParkRegistry", "Contributions", "Revenue", "Commitments", "Governance"):
        getter = "REGISTRY" if name == "ParkRegistry" else name.upper()
        assert getattr(agreements.functions, getter)().call() == suite[name].address
    expected = keccak(
        text="Consent(bytes32 agreementId,uint32 version,bytes32 paramsHash,"
        "uint256 nonce,uint256 deadline)"
    )
    assert agreements.functions.CONSENT_TYPEHASH().call() == expected
    assert agreements.functions.eip712Domain().call()[1:5] == [
        "Park Ledger Agreements",
        "1",
        suite.w3.eth.chain_id,
        agreements.address,
    ]


def test_eip712_doc_example_matches_when_recomputed(artifacts: CompileResult) -> None:
    """The worked example of docs/eip712.md, recomputed against a real deployment of the suite.

    The addresses are those of a fresh chain with the dev deployer (`park-ledger node`, the
    in-process chain), taken from an actual deployment, not typed in; the chain id is anvil's.
    """
    doc = " ".join((DOCS / "eip712.md").read_text().split())
    fresh = MemoryChain()
    deployment = deploy_suite(
        fresh.w3, artifacts, deployer=fresh.accounts[0].address, suite=PARK_SUITE
    )
    agreements, governance = deployment.address("Agreements"), deployment.address("Governance")
    assert f"Agreements at `{agreements}`" in doc
    assert f"Governance at `{governance}`" in doc
    assert f'"verifyingContract": "{agreements}"' in doc

    signer = Account.from_key(keccak(text="park ledger example key"))
    assert f"address `{signer.address}`; chain id {ANVIL_CHAIN_ID};" in doc
    params = Params(
        parties=[
            signer.address,
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        ],
        shares=[5_000, 3_000, 2_000],
        consent_deadline=1_767_225_600,
        fund_share_bps=500,
        voting_period=86_400,
        challenge_window=259_200,
    )
    aid = agreement_id(signer.address, keccak(text="salt-1"))
    consent = consent_typed_data(
        chain_id=ANVIL_CHAIN_ID,
        contract=agreements,
        agreement=aid,
        version=1,
        params_hash=params.hash(),
        nonce=0,
        deadline=1_767_225_600,
    )
    vote = vote_typed_data(
        chain_id=ANVIL_CHAIN_ID,
        contract=governance,
        agreement=aid,
        proposal_id=1,
        support=1,
        nonce=0,
        deadline=1_767_225_600,
    )
    expected = {"paramsHash": params.hash(), "agreementId": aid}
    for label, typed in (("consent", consent), ("vote", vote)):
        encoded = encode_typed_data(full_message=typed)
        expected[f"{label} domainSeparator"] = encoded.header
        expected[f"{label} structHash"] = encoded.body
        expected[f"{label} digest"] = typed_digest(typed)
    for name, value in expected.items():
        assert "0x" + value.hex() in doc, f"docs/eip712.md: {name} should be 0x{value.hex()}"
    for typed in (consent, vote):
        signature = sign_typed(signer, typed).hex()
        # NOTE: the page prints r and s on one line each and v apart, after a space.
        assert f"0x{signature[:64]} {signature[64:128]} {signature[128:]}" in doc, signature
