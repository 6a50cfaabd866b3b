"""EIP-712 payloads: what the builders produce is what eth-account signs, what the contracts
hash and accept, and survives a JSON round trip; recovery refuses what the contracts refuse."""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from eth_utils import keccak

from ledger.domain import signing
from ledger.domain.errors import SignatureError
from ledger.domain.merkle import RecordedBatch
from ledger.domain.structs import (
    AgreementParams,
    AiProvenance,
    ConsentSignature,
    Contribution,
    ContributionKind,
    VoteSignature,
    VoteSupport,
    agreement_id_of,
)
from tests.conftest import Suite
from tests.signing.conftest import Proposed, consent_of, fresh_accounts

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
DOC_KEY = "0x1d31ac70cad9692927350b137c4fd1ae308c75e0a6798f5274fbe7e3f600483b"


def _doc_consent() -> signing.TypedData:
    proposer = Account.from_key(DOC_KEY).address
    params = AgreementParams(
        parties=[
            proposer,
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        ],
        shares_bps=[5000, 3000, 2000],
        fund_share_bps=500,
        terms_hash=keccak(text="terms v1"),
        consent_deadline=1767225600,
    )
    return signing.consent_typed_data(
        chain_id=31337,
        agreements="0x5FbDB2315678afecb367f032d93F642f64180aa3",
        agreement_id=agreement_id_of(proposer=proposer, salt=keccak(text="salt-1")),
        version=1,
        params_hash=params.params_hash(),
        nonce=0,
        deadline=1767225600,
    )


def test_consent_digest_and_signature_match_the_docs_when_built_for_the_worked_example() -> None:
    typed = _doc_consent()
    signature = signing.sign(typed, Account.from_key(DOC_KEY))
    assert typed["message"]["paramsHash"] == (
        "0xe2cbba3c9df48d060cb3a7fed66d7f2d8f444bcd10286c8a3953d3a768a15829"
    )
    assert signing.digest(typed).hex() == (
        "43ebac00c0084e74727a16cfeddb0a34b26bb256ef852a5c83d220b3be531f66"
    )
    assert signature.hex().startswith("7a936684a9db445762d2256a1892286794d6")
    assert signature.hex().endswith("1c")


def test_payload_equals_eth_account_signature_when_round_tripped_through_json() -> None:
    typed = _doc_consent()
    account = Account.from_key(DOC_KEY)
    text = json.dumps(typed)
    restored = json.loads(text)
    assert restored == typed
    expected = Account.sign_typed_data(account.key, full_message=restored).signature
    assert signing.sign(restored, account) == bytes(expected)
    assert signing.recover(restored, bytes(expected)) == account.address


def test_consents_built_here_activate_the_agreement_when_relayed(proposed: Proposed) -> None:
    suite, agreements = proposed.suite, proposed.suite["Agreements"]
    deadline = suite.chain.timestamp() + 600
    consents = []
    for party in proposed.parties[1:]:
        typed = signing.consent_typed_data(
            chain_id=suite.w3.eth.chain_id,
            agreements=agreements.address,
            agreement_id=proposed.agreement_id,
            version=1,
            params_hash=proposed.params.params_hash(),
            nonce=0,
            deadline=deadline,
        )
        view = agreements.functions.consentDigest(
            proposed.agreement_id, 1, proposed.params.params_hash(), 0, deadline
        ).call()
        assert signing.digest(typed) == bytes(view)
        consents.append(ConsentSignature(party.address, 0, deadline, signing.sign(typed, party)))
    relayer = suite.accounts[9].address
    suite.transact(
        agreements.functions.consentBySignatures(
            proposed.agreement_id, [c.as_abi() for c in consents]
        ),
        relayer,
    )
    assert agreements.functions.statusOf(proposed.agreement_id).call() == 2


def test_vote_digest_equals_the_contract_view_when_built_here(suite: Suite) -> None:
    governance = suite["Governance"]
    agreement = keccak(text="any agreement")
    typed = signing.vote_typed_data(
        chain_id=suite.w3.eth.chain_id,
        governance=governance.address,
        agreement_id=agreement,
        proposal_id=7,
        support=VoteSupport.FOR,
        nonce=3,
        deadline=1_900_000_000,
    )
    view = governance.functions.voteDigest(agreement, 7, 1, 3, 1_900_000_000).call()
    assert signing.digest(typed) == bytes(view)
    vote = VoteSignature(suite.accounts[1].address, "for", 3, 1_900_000_000, b"\x01")
    assert vote.support is VoteSupport.FOR


def test_signed_record_batch_is_recorded_with_the_computed_root_when_relayed(
    proposed: Proposed,
) -> None:
    suite = proposed.suite
    agreements, contributions = suite["Agreements"], suite["Contributions"]
    deadline = suite.chain.timestamp() + 600
    for party in proposed.parties[1:]:
        consent = consent_of(proposed, party, deadline)
        suite.transact(
            agreements.functions.consentBySignatures(proposed.agreement_id, [consent.as_abi()]),
            suite.accounts[9].address,
        )
    contributor = proposed.parties[1]
    records = [
        Contribution(ContributionKind.DESIGN, 40, keccak(text="sketches")),
        Contribution(
            "technology", 25, keccak(text="model"), AiProvenance.ASSISTED, contributor.address
        ),
        Contribution(ContributionKind.DATA, 5, keccak(text="scans")),
    ]
    nonce = agreements.functions.nonceOf(proposed.agreement_id, contributor.address).call()
    typed = signing.record_typed_data(
        chain_id=suite.w3.eth.chain_id,
        contributions=contributions.address,
        agreement_id=proposed.agreement_id,
        contributor=contributor.address,
        records=records,
        nonce=nonce,
        deadline=deadline,
    )
    abi_records = [r.as_abi() for r in records]
    view = contributions.functions.recordDigest(
        proposed.agreement_id, contributor.address, abi_records, nonce, deadline
    ).call()
    assert signing.digest(typed) == bytes(view)
    signature = signing.sign(typed, contributor)
    assert signature == bytes(
        Account.sign_typed_data(
            contributor.key, full_message=json.loads(json.dumps(typed))
        ).signature
    )
    pre_head = agreements.functions.headOf(proposed.agreement_id).call()
    suite.transact(
        contributions.functions.recordBySignature(
            proposed.agreement_id, contributor.address, abi_records, nonce, deadline, signature
        ),
        suite.accounts[9].address,
    )
    batch = RecordedBatch.compute(
        agreement_id=proposed.agreement_id,
        contributor=contributor.address,
        pre_head=bytes(pre_head),
        records=records,
    )
    assert contributions.functions.batchOf(batch.root).call()[1] == 3
    for index in range(3):
        state = suite.call(
            contributions.functions.confirm(proposed.agreement_id, batch.proof(index).as_abi()),
            proposed.parties[2].address,
        )
        assert state == 1  # Confirmed: one confirmation required


def _signed() -> tuple[signing.TypedData, bytes, str]:
    account = fresh_accounts(1, "recover")[0]
    typed = _doc_consent()
    return typed, signing.sign(typed, account), account.address


def test_recover_raises_signature_error_when_s_is_high() -> None:
    typed, signature, _ = _signed()
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    twin = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])
    with pytest.raises(SignatureError, match="high-s"):
        signing.recover(typed, twin)


def test_recover_raises_signature_error_when_the_signature_is_compact() -> None:
    typed, signature, signer = _signed()
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    compact = r + (s | ((v - 27) << 255)).to_bytes(32, "big")
    with pytest.raises(SignatureError, match="65 bytes"):
        signing.recover(typed, compact)
    assert signing.recover(typed, signing.expand_compact(compact)) == signer


def test_recover_raises_signature_error_when_v_is_not_27_or_28() -> None:
    typed, signature, _ = _signed()
    with pytest.raises(SignatureError, match="v must be"):
        signing.recover(typed, signature[:64] + bytes([signature[64] - 27]))


def test_verify_raises_signature_error_when_another_key_signed() -> None:
    typed, signature, _ = _signed()
    with pytest.raises(SignatureError, match="not 0x"):
        signing.verify(typed, signature, signer=fresh_accounts(1, "other")[0].address)


def test_verify_accepts_a_contract_wallet_when_its_owner_signed(suite: Suite) -> None:
    owner = fresh_accounts(1, "owner")[0]
    wallet = suite.deploy_fixture("ERC1271Wallet", owner.address)
    typed = _doc_consent()
    signing.verify(typed, signing.sign(typed, owner), signer=wallet.address, w3=suite.w3)
    with pytest.raises(SignatureError, match="contract wallet"):
        signing.verify(
            typed,
            signing.sign(typed, fresh_accounts(1, "stranger")[0]),
            signer=wallet.address,
            w3=suite.w3,
        )
