"""The typed client on eth-tester: every sub-client's writes and views, decoded reverts,
validation on entry, and the pre-flight checks of signed intents."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from ledger.client import Ledger
from ledger.domain.errors import (
    IntentConflictError,
    NonceMismatchError,
    NotAPartyError,
    RevertError,
    SignatureError,
    SignatureExpiredError,
    ValidationError,
)
from ledger.domain.structs import (
    DEFAULT_CHALLENGE_WINDOW,
    AgreementParams,
    AgreementStatus,
    AiProvenance,
    CommitmentKind,
    CommitmentStatus,
    ConsentSignature,
    Contribution,
    ContributionKind,
    ContributionStatus,
    ParticipantStatus,
    ProposalStatus,
    ResolutionOutcome,
    VoteSupport,
)
from ledger.writes.intents import check_consent, check_records, check_vote
from tests.client.conftest import Park
from tests.conftest import Suite


def test_agreement_is_active_with_typed_views_when_proposed_with_signatures(park: Park) -> None:
    agreement = park.ledger.agreements.get(park.agreement_id)
    assert agreement.status is AgreementStatus.ACTIVE
    assert [p.account for p in agreement.parties] == [p.address for p in park.parties]
    assert [p.share_bps for p in agreement.parties] == [5000, 3000, 2000]
    assert agreement.terms.consent_count == 3
    assert agreement.head != b"\x00" * 32
    participant = park.ledger.registry.participant(park.parties[1].address)
    assert participant.status is ParticipantStatus.ACTIVE
    assert participant.kind.name == "UNIVERSITY"


def test_batches_signed_ahead_are_recorded_in_nonce_order_when_relayed(park: Park) -> None:
    ledger, studio, aid = park.ledger, park.parties[0], park.agreement_id
    deadline = ledger.timestamp() + 600
    first, second = (
        ledger.contributions.sign_records(
            agreement_id=aid,
            account=studio,
            records=[Contribution(ContributionKind.DESIGN, 10, keccak(text=f"ahead {n}"))],
            deadline=deadline,
            nonce=n,
        )
        for n in (0, 1)
    )
    with pytest.raises(RevertError, match="AgreementInvalidNonce"):
        ledger.contributions.record_by_signature(signed=second, sender=park.admin)
    for signed in (first, second):
        ledger.contributions.record_by_signature(signed=signed, sender=park.admin)
    assert ledger.agreements.nonce(aid, studio.address) == 2


def test_contributions_confirm_and_resolve_when_proofs_are_computed_client_side(
    park: Park, suite: Suite
) -> None:
    ledger, (studio, lab, firm) = park.ledger, park.parties
    aid = park.agreement_id
    records = [
        Contribution(ContributionKind.DESIGN, 40, keccak(text="layout")),
        Contribution(
            ContributionKind.TECHNOLOGY,
            30,
            keccak(text="ar"),
            AiProvenance.ASSISTED,
            studio.address,
        ),
        Contribution(ContributionKind.CONTENT_IP, 20, keccak(text="texts")),
    ]
    signed = ledger.contributions.sign_records(
        agreement_id=aid, account=studio, records=records, deadline=ledger.timestamp() + 600
    )
    check_records(ledger, signed=signed)
    result = ledger.contributions.record_by_signature(signed=signed, sender=park.admin)
    (batch,) = ledger.contributions.batches_in(result)
    assert ledger.contributions.batch(batch.root) == batch
    ledger.contributions.confirm(agreement_id=aid, proof=batch.proof(0), sender=lab)
    ledger.contributions.confirm(agreement_id=aid, proof=batch.proof(1), sender=firm)
    assert ledger.contributions.status(aid, batch.record_ids[0]) is ContributionStatus.CONFIRMED
    assert ledger.contributions.confirmed_weight(aid, studio.address) == 0
    suite.chain.increase_time(DEFAULT_CHALLENGE_WINDOW)
    ledger.contributions.mature(
        agreement_id=aid, proofs=[batch.proof(0), batch.proof(1)], sender=park.admin
    )
    assert ledger.contributions.confirmed_weight(aid, studio.address) == 70
    ledger.contributions.dispute(
        agreement_id=aid, proof=batch.proof(2), reason_hash=keccak(text="not ours"), sender=lab
    )
    proposed = ledger.governance.propose_resolve_dispute(
        agreement_id=aid,
        record_id=batch.record_ids[2],
        outcome=ResolutionOutcome.ACCEPT_WITH_WEIGHT,
        new_weight=10,
        sender=lab,
    )
    proposal_id = int(proposed.event("ProposalCreated").args["proposalId"])
    deadline = ledger.timestamp() + 600
    votes = [
        ledger.governance.sign_vote(
            proposal_id=proposal_id, account=p, support=VoteSupport.FOR, deadline=deadline
        )
        for p in (lab, firm)  # the studio's record: it does not vote on it
    ]
    for vote in votes:
        check_vote(ledger, proposal_id=proposal_id, vote=vote)
    ledger.governance.vote_by_signatures(proposal_id=proposal_id, votes=votes, sender=park.admin)
    with pytest.raises(IntentConflictError):
        check_vote(ledger, proposal_id=proposal_id, vote=votes[0])
    assert ledger.governance.proposal(proposal_id).status is ProposalStatus.PASSED
    executed = ledger.governance.execute(proposal_id=proposal_id, sender=firm)
    assert executed.event("ContributionResolved").args["weight"] == 10
    assert ledger.contributions.total_confirmed_weight(aid) == 80


def test_revenue_is_conserved_to_the_wei_when_deposited_and_claimed(
    park: Park, suite: Suite
) -> None:
    ledger, (studio, lab, _) = park.ledger, park.parties
    aid = park.agreement_id
    result = ledger.revenue.deposit(agreement_id=aid, amount=10**18 + 7, sender=park.admin)
    assert result.event("RevenueDeposited").args["amount"] == 10**18 + 7
    assert result.gas_used > 0
    assert ledger.revenue.balance(aid, studio.address).claimable == (10**18 + 7) * 5000 // 10_000
    before = suite.w3.eth.get_balance(lab.address)
    ledger.revenue.set_payout(agreement_id=aid, payout=park.admin.address, sender=studio)
    ledger.revenue.claim(agreement_id=aid, sender=studio)
    assert ledger.revenue.balance(aid, studio.address).claimable == 0
    assert suite.w3.eth.get_balance(lab.address) == before
    books = ledger.revenue.conservation(aid)
    assert books.balanced
    assert books.owed == suite.w3.eth.get_balance(ledger.revenue.address)


def test_commitment_is_fulfilled_and_bond_returned_when_accepted(park: Park) -> None:
    ledger, (studio, lab, firm) = park.ledger, park.parties
    aid = park.agreement_id
    made = ledger.commitments.commit(
        agreement_id=aid,
        kind=CommitmentKind.CULTURAL_HERITAGE_CARE,
        description_hash=keccak(text="handle scans with care"),
        deadline=ledger.timestamp() + 7 * 86_400,
        bond=10**17,
        sender=firm,
    )
    cid = int(made.event("CommitmentMade").args["commitmentId"])
    ledger.commitments.submit(
        agreement_id=aid, commitment_id=cid, deliverable_hash=keccak(text="report"), sender=firm
    )
    ledger.commitments.accept(agreement_id=aid, commitment_id=cid, sender=studio)
    commitment = ledger.commitments.get(aid, cid)
    assert commitment.status is CommitmentStatus.FULFILLED
    assert ledger.revenue.balance(aid, firm.address).claimable == 10**17
    assert ledger.revenue.conservation(aid).balanced
    assert ledger.revenue.balance(aid, lab.address).claimable == 0


def test_write_raises_decoded_revert_and_changes_nothing_when_the_sender_lacks_the_role(
    park: Park, suite: Suite
) -> None:
    block = suite.w3.eth.block_number
    with pytest.raises(RevertError) as caught:
        park.ledger.registry.suspend(account=park.parties[0].address, sender=park.parties[1])
    assert caught.value.name == "AccessControlUnauthorizedAccount"
    assert caught.value.arguments["account"] == park.parties[1].address
    assert suite.w3.eth.block_number == block


def test_input_raises_validation_error_when_an_address_has_a_bad_checksum(park: Park) -> None:
    bad = park.parties[0].address.lower()[:-1] + "A"
    with pytest.raises(ValidationError, match=r"checksum|hex address"):
        park.ledger.registry.participant(bad[:2] + bad[2:].swapcase())
    with pytest.raises(ValidationError, match="shares_bps"):
        AgreementParams(
            parties=[p.address for p in park.parties],
            shares_bps=[1, 2],
            terms_hash=keccak(text="t"),
            consent_deadline=1,
        )


def test_check_consent_raises_conflict_when_the_agreement_is_already_active(park: Park) -> None:
    ledger = park.ledger
    # NOTE: a genuine signature: the signer is authenticated before the state is checked.
    consent = ledger.agreements.sign_consent(
        agreement_id=park.agreement_id, account=park.parties[1], deadline=ledger.timestamp() + 60
    )
    with pytest.raises(IntentConflictError, match="active, not proposed"):
        check_consent(ledger, agreement_id=park.agreement_id, consent=consent)


def test_check_consent_refuses_bad_signer_outsider_stale_nonce_and_expiry(
    ledger: Ledger, suite: Suite
) -> None:
    admin, (proposer, other, third, outsider) = suite.accounts[0], suite.accounts[4:8]
    ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin)
    for who in (proposer, other, third, outsider):
        ledger.registry.register(
            account=who.address, kind="firm", profile_hash=keccak(text=who.address), sender=admin
        )
    params = AgreementParams(
        parties=[proposer.address, other.address, third.address],
        shares_bps=[4000, 3000, 3000],
        terms_hash=keccak(text="t"),
        consent_deadline=ledger.timestamp() + 86_400,
    )
    salt = keccak(text="check")
    ledger.agreements.propose(params=params, salt=salt, sender=proposer)
    aid = ledger.agreements.agreement_id_of(proposer=proposer.address, salt=salt)
    deadline = ledger.timestamp() + 600
    good = ledger.agreements.sign_consent(agreement_id=aid, account=other, deadline=deadline)
    check_consent(ledger, agreement_id=aid, consent=good)
    forged = ConsentSignature(third.address, 0, deadline, good.signature)
    with pytest.raises(SignatureError):
        check_consent(ledger, agreement_id=aid, consent=forged)
    stranger = ledger.agreements.sign_consent(agreement_id=aid, account=outsider, deadline=deadline)
    with pytest.raises(NotAPartyError):
        check_consent(ledger, agreement_id=aid, consent=stranger)
    ledger.agreements.invalidate_nonce(agreement_id=aid, sender=other)
    with pytest.raises(NonceMismatchError):
        check_consent(ledger, agreement_id=aid, consent=good)
    expired = ledger.agreements.sign_consent(
        agreement_id=aid, account=third, deadline=ledger.timestamp() - 1
    )
    with pytest.raises(SignatureExpiredError):
        check_consent(ledger, agreement_id=aid, consent=expired)
    assert ledger.agreements.status(aid) is AgreementStatus.PROPOSED
