"""Contributions: single and batch records under one Merkle root, relayed EIP-712 records
(signed by eth-account), confirmation by the agreement's rule, disputes resolved by Governance,
AI provenance, and every rejection leaving nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from agreement_helpers import (
    ZERO_ADDRESS,
    default_params,
    events,
    fold,
    high_s,
    propose,
    sign_typed,
    topic0,
    typed_digest,
)
from eth_abi import encode
from eth_utils import keccak
from module_helpers import (
    AI_ASSISTED,
    AI_GENERATED,
    CONFIRMED,
    DIRECT_NONCE,
    DISPUTED,
    PENDING,
    REJECTED,
    WEIGHTED,
    Batch,
    amend_shares,
    mature,
    open_agreement,
    open_agreement_with_contract,
    record,
    record_batch,
    record_typed_data,
    register_all,
    resolve_dispute,
    reverts,
    sign_records,
)

RECORD_TYPES = "(uint8,uint64,bytes32,uint8,address)[]"


@pytest.fixture
def parties(suite: Any) -> list[Any]:
    return list(suite.accounts[1:4])


@pytest.fixture
def aid(suite: Any, parties: list[Any]) -> bytes:
    return open_agreement(suite, parties, confirmations_required=1)


def state(suite: Any, agreement: bytes, record_id: bytes) -> tuple[Any, ...]:
    return tuple(suite["Contributions"].functions.recordStateOf(agreement, record_id).call())


# ---------------------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------------------


def test_record_stores_root_and_emits_record_when_party_records_one(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    head = suite["Agreements"].functions.headOf(aid).call()
    rec = record(1)
    receipt = suite.transact(contributions.functions.record(aid, rec), parties[0].address)
    batch = Batch(aid, head, parties[0].address, [rec])
    (event,) = events(contributions, receipt, "ContributionsRecorded")
    assert event["args"]["batchRoot"] == batch.root == batch.leaves[0]
    assert event["args"]["preHead"] == head
    assert event["args"]["nonce"] == DIRECT_NONCE
    assert [tuple(r.values()) for r in event["args"]["records"]] == [rec]
    assert contributions.functions.batchOf(batch.root).call()[1] == 1
    assert (
        contributions.functions.recordIdOf(aid, head, 0, parties[0].address, rec).call()
        == batch.root
    )
    data = keccak(
        encode(
            ["address", "bytes32", "bytes32", "uint256", RECORD_TYPES],
            [parties[0].address, batch.root, head, DIRECT_NONCE, [rec]],
        )
    )
    expected = fold(head, topic0(contributions, "ContributionsRecorded"), data)
    assert suite["Agreements"].functions.headOf(aid).call() == expected


def test_record_batch_root_matches_independent_merkle_when_batch_has_odd_size(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    records = [record(i, weight=i + 1) for i in range(7)]
    batch = record_batch(suite, aid, parties[0], records)
    assert contributions.functions.batchOf(batch.root).call()[1] == 7
    for index in (0, 3, 6):
        suite.transact(contributions.functions.confirm(aid, batch.proof(index)), parties[1].address)
        assert state(suite, aid, batch.leaves[index])[2] == CONFIRMED
    assert contributions.functions.confirmedWeightOf(aid, parties[0].address).call() == 0
    mature(suite, aid, [batch.proof(index) for index in (0, 3, 6)], parties[2].address)
    assert contributions.functions.confirmedWeightOf(aid, parties[0].address).call() == 1 + 4 + 7
    assert contributions.functions.totalConfirmedWeightOf(aid).call() == 12


def test_identical_batches_get_distinct_roots_when_recorded_twice(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    records = [record(1), record(2)]
    first = record_batch(suite, aid, parties[0], records)
    second = record_batch(suite, aid, parties[0], records)
    assert first.root != second.root


def test_record_accepts_ai_provenance_when_accountable_is_a_party(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    batch = record_batch(
        suite,
        aid,
        parties[0],
        [
            record(1, ai=AI_ASSISTED, accountable=parties[0].address),
            record(2, ai=AI_GENERATED, accountable=parties[2].address),
        ],
    )
    assert suite["Contributions"].functions.batchOf(batch.root).call()[1] == 2


@pytest.mark.parametrize(
    ("rec", "error"),
    [
        (record(1, weight=0), "ContributionInvalidWeight"),
        (record(1, weight=1_000_000_001), "ContributionInvalidWeight"),
        ((0, 5, b"\x00" * 32, 0, ZERO_ADDRESS), "ContributionEmptyEvidence"),
        (record(1, accountable="0x" + "11" * 20), "ContributionInvalidAccountable"),
        (record(1, ai=AI_GENERATED), "ContributionInvalidAccountable"),
        (
            record(1, ai=AI_ASSISTED, accountable="0x" + "22" * 20),
            "ContributionAccountableNotAParty",
        ),
    ],
)
def test_record_reverts_when_record_is_malformed(
    suite: Any, parties: list[Any], aid: bytes, rec: tuple[Any, ...], error: str
) -> None:
    contributions = suite["Contributions"]
    reverts(
        suite, contributions.functions.record(aid, rec), parties[0].address, error, agreement=aid
    )
    reverts(
        suite,
        contributions.functions.recordBatch(aid, [record(9), rec]),
        parties[0].address,
        error,
        agreement=aid,
    )


def test_record_reverts_when_caller_may_not_record(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    outsider = suite.accounts[7].address
    reverts(
        suite,
        contributions.functions.record(aid, record(1)),
        outsider,
        "AgreementNotAParty",
        agreement=aid,
    )
    reverts(
        suite,
        contributions.functions.recordBatch(aid, []),
        parties[0].address,
        "ContributionEmptyBatch",
    )
    too_many = [record(i) for i in range(257)]
    reverts(
        suite,
        contributions.functions.recordBatch(aid, too_many),
        parties[0].address,
        "ContributionBatchTooLarge",
    )
    suite.transact(
        suite["ParkRegistry"].functions.suspend(parties[1].address, b"\x00" * 32),
        suite.accounts[0].address,
    )
    reverts(
        suite,
        contributions.functions.record(aid, record(1)),
        parties[1].address,
        "AgreementParticipantNotActive",
        agreement=aid,
    )


def test_record_reverts_when_agreement_not_active(suite: Any, parties: list[Any]) -> None:
    register_all(suite, [p.address for p in parties])
    proposed = propose(suite, parties[0], default_params(suite, parties))
    reverts(
        suite,
        suite["Contributions"].functions.record(proposed, record(1)),
        parties[0].address,
        "AgreementNotActive",
    )


# ---------------------------------------------------------------------------------------
# Relayed records (EIP-712)
# ---------------------------------------------------------------------------------------


def test_record_by_signature_records_when_relayed_by_anyone(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    signer = parties[0]
    records = [record(1), record(2, ai=AI_ASSISTED, accountable=parties[1].address)]
    deadline = suite.chain.timestamp() + 3600
    nonce = suite["Agreements"].functions.nonceOf(aid, signer.address).call()
    signature = sign_records(suite, signer, aid, records, nonce, deadline)
    fn = contributions.functions.recordBySignature(
        aid, signer.address, records, nonce, deadline, signature
    )
    receipt = suite.transact(fn, suite.accounts[8].address)
    (event,) = events(contributions, receipt, "ContributionsRecorded")
    assert event["args"]["contributor"] == signer.address
    assert event["args"]["nonce"] == nonce
    assert suite["Agreements"].functions.nonceOf(aid, signer.address).call() == nonce + 1
    reverts(suite, fn, suite.accounts[8].address, "AgreementInvalidNonce", agreement=aid)


def test_record_by_signature_reverts_when_signature_is_bad(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    signer = parties[0]
    records = [record(1)]
    now = suite.chain.timestamp()
    relayer = suite.accounts[8].address
    good = sign_records(suite, signer, aid, records, 0, now + 3600)

    def submit(sig: bytes, *, contributor: str = signer.address, deadline: int = now + 3600) -> Any:
        return contributions.functions.recordBySignature(
            aid, contributor, records, 0, deadline, sig
        )

    expired = sign_records(suite, signer, aid, records, 0, now - 1)
    reverts(suite, submit(expired, deadline=now - 1), relayer, "ContributionSignatureExpired")
    reverts(suite, submit(high_s(good)), relayer, "ContributionInvalidSignature")
    reverts(suite, submit(good[:64]), relayer, "ContributionInvalidSignature")
    reverts(
        suite, submit(good, contributor=parties[1].address), relayer, "ContributionInvalidSignature"
    )
    other = sign_records(suite, signer, aid, [record(2)], 0, now + 3600)
    reverts(suite, submit(other), relayer, "ContributionInvalidSignature")
    digest = contributions.functions.recordDigest(
        aid, signer.address, records, 0, now + 3600
    ).call()

    assert digest == typed_digest(
        record_typed_data(suite, aid, signer.address, records, 0, now + 3600)
    )


def test_record_by_signature_accepts_erc1271_wallet_when_owner_signs(
    suite: Any, parties: list[Any]
) -> None:
    contributions = suite["Contributions"]
    owner = parties[2]
    wallet = suite.deploy_fixture("OwnerWallet1271", owner.address)
    agreement = open_agreement_with_contract(suite, parties[:2], wallet)
    records = [record(5)]
    deadline = suite.chain.timestamp() + 3600

    signature = sign_typed(
        owner, record_typed_data(suite, agreement, wallet.address, records, 0, deadline)
    )
    suite.transact(
        contributions.functions.recordBySignature(
            agreement, wallet.address, records, 0, deadline, signature
        ),
        suite.accounts[8].address,
    )
    assert suite["Agreements"].functions.nonceOf(agreement, wallet.address).call() == 1


# ---------------------------------------------------------------------------------------
# Confirmation
# ---------------------------------------------------------------------------------------


def test_confirm_needs_rule_when_two_confirmations_required(suite: Any, parties: list[Any]) -> None:
    contributions = suite["Contributions"]
    agreement = open_agreement(suite, parties, salt=b"\x0b" * 32, confirmations_required=2)
    batch = record_batch(suite, agreement, parties[0], [record(1, weight=40)])
    receipt = suite.transact(
        contributions.functions.confirm(agreement, batch.proof()), parties[1].address
    )
    assert events(contributions, receipt, "ContributionConfirmed")[0]["args"]["status"] == PENDING
    assert state(suite, agreement, batch.root)[:3] == (1 << 1, 1, PENDING)
    reverts(
        suite,
        contributions.functions.confirm(agreement, batch.proof()),
        parties[1].address,
        "ContributionAlreadyConfirmed",
        agreement=agreement,
    )
    assert contributions.functions.confirmedWeightOf(agreement, parties[0].address).call() == 0
    suite.transact(contributions.functions.confirm(agreement, batch.proof()), parties[2].address)
    assert state(suite, agreement, batch.root)[2] == CONFIRMED
    mature(suite, agreement, [batch.proof()], parties[1].address)
    assert contributions.functions.confirmedWeightOf(agreement, parties[0].address).call() == 40
    reverts(
        suite,
        contributions.functions.confirm(agreement, batch.proof()),
        parties[1].address,
        "ContributionWrongStatus",
    )


def test_confirm_reverts_when_contributor_or_outsider_confirms(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    batch = record_batch(suite, aid, parties[0], [record(1)])
    reverts(
        suite,
        contributions.functions.confirm(aid, batch.proof()),
        parties[0].address,
        "ContributionSelfConfirmation",
        agreement=aid,
    )
    reverts(
        suite,
        contributions.functions.confirm(aid, batch.proof()),
        suite.accounts[7].address,
        "AgreementNotAParty",
        agreement=aid,
    )


def test_confirm_reverts_when_record_or_proof_is_unknown(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    batch = record_batch(suite, aid, parties[0], [record(1), record(2), record(3)])
    forged = list(batch.proof(1))
    forged[4] = record(1, weight=999)
    reverts(
        suite,
        contributions.functions.confirm(aid, tuple(forged)),
        parties[1].address,
        "ContributionUnknownRecord",
    )
    wrong_index = list(batch.proof(1))
    wrong_index[2] = 2
    reverts(
        suite,
        contributions.functions.confirm(aid, tuple(wrong_index)),
        parties[1].address,
        "ContributionUnknownRecord",
    )
    other = open_agreement(suite, parties, salt=b"\x0c" * 32)
    reverts(
        suite,
        contributions.functions.confirm(other, batch.proof(1)),
        parties[1].address,
        "ContributionUnknownRecord",
    )


def test_confirmations_start_over_when_agreement_version_changes(
    suite: Any, parties: list[Any]
) -> None:
    contributions = suite["Contributions"]
    agreement = open_agreement(suite, parties, salt=b"\x0d" * 32, confirmations_required=2)
    batch = record_batch(suite, agreement, parties[0], [record(1)])
    suite.transact(contributions.functions.confirm(agreement, batch.proof()), parties[1].address)
    amend_shares(suite, agreement, parties, [4000, 3000, 3000])
    suite.transact(contributions.functions.confirm(agreement, batch.proof()), parties[1].address)
    assert state(suite, agreement, batch.root)[1:4] == (1, PENDING, 2)
    suite.transact(contributions.functions.confirm(agreement, batch.proof()), parties[2].address)
    assert state(suite, agreement, batch.root)[2] == CONFIRMED


def test_confirm_pushes_weight_to_revenue_when_agreement_is_weighted(
    suite: Any, parties: list[Any]
) -> None:
    agreement = open_agreement(suite, parties, salt=b"\x0e" * 32, revenue_mode=WEIGHTED)
    batch = record_batch(suite, agreement, parties[1], [record(1, weight=25)])
    suite.transact(
        suite["Contributions"].functions.confirm(agreement, batch.proof()), parties[0].address
    )
    assert suite["Revenue"].functions.weightOf(agreement, parties[1].address).call() == 0
    mature(suite, agreement, [batch.proof()], parties[0].address)
    assert suite["Revenue"].functions.weightOf(agreement, parties[1].address).call() == 25
    assert suite["Revenue"].functions.accountOf(agreement).call()[10] == 25


# ---------------------------------------------------------------------------------------
# Disputes
# ---------------------------------------------------------------------------------------


def dispute(suite: Any, agreement: bytes, batch: Batch, who: Any, index: int = 0) -> Any:
    return suite.transact(
        suite["Contributions"].functions.dispute(
            agreement, batch.proof(index), keccak(text="reason")
        ),
        who.address,
    )


def test_dispute_blocks_confirmation_when_co_party_disputes(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    batch = record_batch(suite, aid, parties[0], [record(1, weight=8)])
    receipt = dispute(suite, aid, batch, parties[1])
    args = events(contributions, receipt, "ContributionDisputed")[0]["args"]
    assert (args["contributor"], args["weight"]) == (parties[0].address, 8)
    assert state(suite, aid, batch.root)[2] == DISPUTED
    reverts(
        suite,
        contributions.functions.confirm(aid, batch.proof()),
        parties[2].address,
        "ContributionWrongStatus",
    )
    reverts(
        suite,
        contributions.functions.dispute(aid, batch.proof(), keccak(text="x")),
        parties[2].address,
        "ContributionWrongStatus",
    )


def test_dispute_reverts_when_input_is_bad(suite: Any, parties: list[Any], aid: bytes) -> None:
    contributions = suite["Contributions"]
    batch = record_batch(suite, aid, parties[0], [record(1)])
    reverts(
        suite,
        contributions.functions.dispute(aid, batch.proof(), b"\x00" * 32),
        parties[1].address,
        "ContributionEmptyReason",
    )
    reverts(
        suite,
        contributions.functions.dispute(aid, batch.proof(), keccak(text="r")),
        parties[0].address,
        "ContributionSelfConfirmation",
    )


@pytest.mark.parametrize(
    ("outcome", "weight", "status", "counted"),
    [(0, 0, CONFIRMED, 8), (1, 0, REJECTED, 0), (2, 3, CONFIRMED, 3)],
)
def test_resolve_dispute_sets_outcome_when_governance_executes(
    suite: Any, parties: list[Any], aid: bytes, outcome: int, weight: int, status: int, counted: int
) -> None:
    contributions = suite["Contributions"]
    batch = record_batch(suite, aid, parties[0], [record(1, weight=8)])
    dispute(suite, aid, batch, parties[1])
    resolve_dispute(suite, aid, parties, batch.root, outcome, weight)
    assert state(suite, aid, batch.root)[2] == status
    assert contributions.functions.confirmedWeightOf(aid, parties[0].address).call() == counted
    reverts(
        suite,
        contributions.functions.confirm(aid, batch.proof()),
        parties[2].address,
        "ContributionWrongStatus",
    )


def test_resolve_dispute_reverts_when_not_governance(
    suite: Any, parties: list[Any], aid: bytes
) -> None:
    contributions = suite["Contributions"]
    batch = record_batch(suite, aid, parties[0], [record(1)])
    dispute(suite, aid, batch, parties[1])
    rid = int.from_bytes(batch.root, "big")
    reverts(
        suite,
        contributions.functions.resolveDispute(aid, rid, 0, 0),
        parties[1].address,
        "ContributionUnauthorized",
    )
