"""Signed intents as relayer work: encoders that turn a verified intent into a relayer `Intent`
(target + calldata of the function that accepts the signature), batchers that combine queued
intents into one call where the contract takes many, and pre-flight checks the API runs before
journaling, so that a bad intent never reaches the chain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector, keccak
from web3 import Web3

from ledger.client import AgreementTerms, Ledger, Proposal, SignedRecords
from ledger.domain import signing
from ledger.domain import validation as v
from ledger.domain.encoding import prefixed_hex
from ledger.domain.errors import (
    IntentConflictError,
    NonceMismatchError,
    NotAPartyError,
    SignatureExpiredError,
    ValidationError,
)
from ledger.domain.structs import (
    CONSENT_SIGNATURE_ABI,
    CONTRIBUTION_ABI,
    MAX_BATCH,
    MAX_WEIGHT,
    VOTE_SIGNATURE_ABI,
    ZERO_ADDRESS,
    ZERO_HASH,
    AgreementStatus,
    AiProvenance,
    ConsentSignature,
    Contribution,
    ProposalKind,
    ProposalStatus,
    VoteSignature,
)
from ledger.writes.relayer.models import Call, Intent, OutboxEntry

CONSENT_KIND = "agreements.consent"
VOTE_KIND = "governance.vote"
RECORD_KIND = "contributions.record"

_CONSENT_ARGS = ["bytes32", f"{CONSENT_SIGNATURE_ABI}[]"]
_VOTE_ARGS = ["uint256", f"{VOTE_SIGNATURE_ABI}[]"]
_RECORD_ARGS = ["bytes32", "address", f"{CONTRIBUTION_ABI}[]", "uint256", "uint256", "bytes"]


def _selector(name: str, args: Sequence[str]) -> bytes:
    return bytes(function_signature_to_4byte_selector(f"{name}({','.join(args)})"))


CONSENT_SELECTOR = _selector("consentBySignatures", _CONSENT_ARGS)
VOTE_SELECTOR = _selector("voteBySignatures", _VOTE_ARGS)
RECORD_SELECTOR = _selector("recordBySignature", _RECORD_ARGS)


def encode_consent(
    *, agreements: str, agreement_id: bytes | str, consent: ConsentSignature
) -> Intent:
    """`consentBySignatures(agreementId, [consent])`; consents of one agreement batch together."""
    agreement = v.bytes32(agreement_id, field="agreement_id")
    data = CONSENT_SELECTOR + encode(_CONSENT_ARGS, [agreement, [consent.as_abi()]])
    return Intent(
        kind=CONSENT_KIND,
        target=v.address(agreements, field="agreements"),
        data=data,
        batch_key=prefixed_hex(agreement),
    )


def encode_vote(*, governance: str, proposal_id: int, vote: VoteSignature) -> Intent:
    """`voteBySignatures(proposalId, [vote])`; votes on one proposal batch together."""
    proposal = v.integer(proposal_id, field="proposal_id")
    data = VOTE_SELECTOR + encode(_VOTE_ARGS, [proposal, [vote.as_abi()]])
    return Intent(
        kind=VOTE_KIND,
        target=v.address(governance, field="governance"),
        data=data,
        batch_key=str(proposal),
    )


def encode_record(*, contributions: str, signed: SignedRecords) -> Intent:
    """`recordBySignature(...)` of one signed batch.

    NOTE: no batch key: the contract takes one contributor's signed batch per call, so two
    signed batches cannot share a transaction (a contributor batches by signing more records).
    """
    args = signed.call_args()
    return Intent(
        kind=RECORD_KIND,
        target=v.address(contributions, field="contributions"),
        data=RECORD_SELECTOR + encode(_RECORD_ARGS, args),
    )


def _combine(
    entries: Sequence[OutboxEntry], selector: bytes, types: list[str]
) -> tuple[str, Any, list[Any]]:
    """Target, first argument and concatenated signature lists of same-call entries."""
    if not entries:
        raise ValidationError("nothing to batch")
    target = entries[0].intent.target
    head: Any = None
    signatures: list[Any] = []
    for entry in entries:
        data = entry.intent.data
        if entry.intent.target != target or data[:4] != selector:
            raise ValidationError(f"entry {entry.id} is not a {entry.kind} call to {target}")
        first, items = decode(types, data[4:])
        if head is not None and first != head:
            raise ValidationError(f"entry {entry.id} belongs to another batch")
        head = first
        signatures.extend(items)
    return target, head, signatures


def batch_consents(entries: Sequence[OutboxEntry]) -> Call:
    """One `consentBySignatures` call carrying every queued consent of one agreement."""
    target, agreement, signatures = _combine(entries, CONSENT_SELECTOR, _CONSENT_ARGS)
    return Call(target, CONSENT_SELECTOR + encode(_CONSENT_ARGS, [agreement, signatures]))


def batch_votes(entries: Sequence[OutboxEntry]) -> Call:
    """One `voteBySignatures` call carrying every queued vote on one proposal."""
    target, proposal, votes = _combine(entries, VOTE_SELECTOR, _VOTE_ARGS)
    return Call(target, VOTE_SELECTOR + encode(_VOTE_ARGS, [proposal, votes]))


BATCHERS = {CONSENT_KIND: batch_consents, VOTE_KIND: batch_votes}
"""Batchers by intent kind, for `Relayer(batchers=BATCHERS)` or `register_batcher`."""

RECORDED_TOPIC = keccak(
    text=f"ContributionsRecorded(bytes32,address,bytes32,bytes32,uint256,{CONTRIBUTION_ABI}[])"
)
_RECORDED_DATA = ["bytes32", "bytes32", "uint256", f"{CONTRIBUTION_ABI}[]"]


def record_applied(w3: Web3, entry: OutboxEntry) -> int | None:
    """The block whose `ContributionsRecorded` holds the entry's signed batch (the same
    contributor, nonce and records: someone sent the signature first), if any."""
    agreement, contributor, records, nonce, _deadline, _signature = decode(
        _RECORD_ARGS, entry.intent.data[4:]
    )
    # NOTE: the two indexed topics narrow the search to this contributor in this agreement;
    # a signed nonce is consumed once, so at most one event can match.
    logs = w3.eth.get_logs(
        {
            "address": entry.intent.target,  # type: ignore[typeddict-item]
            "fromBlock": 0,
            "toBlock": "latest",
            "topics": [
                prefixed_hex(RECORDED_TOPIC),
                prefixed_hex(agreement),
                prefixed_hex(encode(["address"], [contributor])),
            ],
        }
    )
    for log in logs:
        _root, _pre_head, logged_nonce, logged = decode(_RECORDED_DATA, bytes(log["data"]))
        if logged_nonce == nonce and list(logged) == list(records) and not log.get("removed"):
            return int(log["blockNumber"])
    return None


APPLIED_CHECKS = {RECORD_KIND: record_applied}
"""Applied checks by intent kind, for `Relayer(applied=APPLIED_CHECKS)`: a record batch that a
front-runner sent first is confirmed, as the consent and vote batches' skips already make them."""


# -- pre-flight checks -------------------------------------------------------------------
# NOTE: each check reads the chain once per rule and raises the typed LedgerError the API maps
# to a status (400 signature, 403 right, 404 unknown, 409 state/nonce); a check that passes
# means the call would succeed if sent now. Each has two halves: `authenticate_*` (the right
# to act, then the signature) and `check_*_state` (status, deadline, nonce). The right to act
# comes first, so no outsider makes the node run a contract wallet's ERC-1271 check; the
# signature comes before anything private (an idempotency key's use) is answered.


def _check_deadline(ledger: Ledger, deadline: int) -> None:
    if deadline < ledger.timestamp():
        raise SignatureExpiredError(f"the signature expired at {deadline}")


def _check_nonce(ledger: Ledger, agreement_id: bytes, signer: str, nonce: int) -> None:
    current = ledger.agreements.nonce(agreement_id, signer)
    if nonce != current:
        raise NonceMismatchError(f"{signer} signed nonce {nonce}; its current nonce is {current}")


def check_consent(ledger: Ledger, *, agreement_id: bytes | str, consent: ConsentSignature) -> None:
    """Raise unless `consent` would be accepted by `consentBySignatures` now."""
    terms = authenticate_consent(ledger, agreement_id, consent)
    check_consent_state(ledger, agreement_id=agreement_id, consent=consent, terms=terms)


def authenticate_consent(
    ledger: Ledger, agreement_id: bytes | str, consent: ConsentSignature
) -> AgreementTerms:
    """The agreement's terms once `consent`'s signer is a party that signed this consent."""
    aid = v.bytes32(agreement_id, field="agreement_id")
    terms = ledger.agreements.terms(aid)
    if ledger.agreements.party(aid, consent.signer) is None:
        raise NotAPartyError(f"{consent.signer} is not a party of the agreement")
    typed = signing.consent_typed_data(
        chain_id=ledger.chain_id,
        agreements=ledger.agreements.address,
        agreement_id=aid,
        version=terms.version,
        params_hash=terms.params_hash,
        nonce=consent.nonce,
        deadline=consent.deadline,
    )
    signing.verify(typed, consent.signature, signer=consent.signer, w3=ledger.w3)
    return terms


def check_consent_state(
    ledger: Ledger,
    *,
    agreement_id: bytes | str,
    consent: ConsentSignature,
    terms: AgreementTerms,
) -> None:
    """Raise unless an authenticated `consent` applies to the agreement's current state."""
    aid = v.bytes32(agreement_id, field="agreement_id")
    if terms.status is not AgreementStatus.PROPOSED:
        raise IntentConflictError(f"the agreement is {terms.status.name.lower()}, not proposed")
    _check_deadline(ledger, consent.deadline)
    if ledger.agreements.consent_version(aid, consent.signer) == terms.version:
        raise IntentConflictError(f"{consent.signer} already consented to v{terms.version}")
    _check_nonce(ledger, aid, consent.signer, consent.nonce)


def check_vote(ledger: Ledger, *, proposal_id: int, vote: VoteSignature) -> None:
    """Raise unless `vote` would be accepted by `voteBySignatures` now."""
    check_vote_state(ledger, vote=vote, proposal=authenticate_vote(ledger, proposal_id, vote))


def authenticate_vote(ledger: Ledger, proposal_id: int, vote: VoteSignature) -> Proposal:
    """The proposal once `vote`'s voter may vote on it and signed this vote."""
    proposal = ledger.governance.proposal(proposal_id)
    is_joiner = proposal.kind is ProposalKind.ADD_PARTY and proposal.target == vote.voter
    party = ledger.agreements.party(proposal.agreement_id, vote.voter)
    if not is_joiner and (
        party is None
        or (proposal.kind is ProposalKind.REMOVE_PARTY and proposal.target == vote.voter)
    ):
        raise NotAPartyError(f"{vote.voter} may not vote on proposal {proposal_id}")
    typed = signing.vote_typed_data(
        chain_id=ledger.chain_id,
        governance=ledger.governance.address,
        agreement_id=proposal.agreement_id,
        proposal_id=proposal.proposal_id,
        support=vote.support,
        nonce=vote.nonce,
        deadline=vote.deadline,
    )
    signing.verify(typed, vote.signature, signer=vote.voter, w3=ledger.w3)
    return proposal


def check_vote_state(ledger: Ledger, *, vote: VoteSignature, proposal: Proposal) -> None:
    """Raise unless an authenticated `vote` applies to the proposal's current state."""
    proposal_id = proposal.proposal_id
    if proposal.status is not ProposalStatus.VOTING or ledger.timestamp() >= proposal.vote_end:
        raise IntentConflictError(f"proposal {proposal_id} is not open for votes")
    _check_deadline(ledger, vote.deadline)
    if proposal.kind is ProposalKind.ADD_PARTY and proposal.target == vote.voter:
        if proposal.joiner_answer:
            raise IntentConflictError(f"{vote.voter} already answered proposal {proposal_id}")
    else:
        party = ledger.agreements.party(proposal.agreement_id, vote.voter)
        if party is not None and proposal.voted_mask >> party.index & 1:
            raise IntentConflictError(f"{vote.voter} already voted on proposal {proposal_id}")
    _check_nonce(ledger, proposal.agreement_id, vote.voter, vote.nonce)


def check_records(ledger: Ledger, *, signed: SignedRecords) -> None:
    """Raise unless the signed batch would be accepted by `recordBySignature` now."""
    authenticate_records(ledger, signed)
    check_records_state(ledger, signed=signed)


def authenticate_records(ledger: Ledger, signed: SignedRecords) -> None:
    """Raise unless the contributor is a party that signed this batch."""
    aid = signed.agreement_id
    if ledger.agreements.party(aid, signed.contributor) is None:
        raise NotAPartyError(f"{signed.contributor} is not a party of the agreement")
    typed = signing.record_typed_data(
        chain_id=ledger.chain_id,
        contributions=ledger.contributions.address,
        agreement_id=aid,
        contributor=signed.contributor,
        records=signed.records,
        nonce=signed.nonce,
        deadline=signed.deadline,
    )
    signing.verify(typed, signed.signature, signer=signed.contributor, w3=ledger.w3)


def check_records_state(ledger: Ledger, *, signed: SignedRecords) -> None:
    """Raise unless an authenticated batch applies to the agreement's current state."""
    aid = signed.agreement_id
    status = ledger.agreements.status(aid)
    if status is not AgreementStatus.ACTIVE:
        raise IntentConflictError(f"the agreement is {status.name.lower()}, not active")
    _check_deadline(ledger, signed.deadline)
    _check_record_rules(ledger, aid, signed.records)
    _check_nonce(ledger, aid, signed.contributor, signed.nonce)


def _check_record_rules(ledger: Ledger, aid: bytes, records: Sequence[Contribution]) -> None:
    """The per-record rules Contributions enforces (docs/contributions.md)."""
    if not 0 < len(records) <= MAX_BATCH:
        raise ValidationError(f"records: 1 to {MAX_BATCH} records per batch")
    for index, record in enumerate(records):
        if not 0 < record.weight <= MAX_WEIGHT:
            raise ValidationError(f"records[{index}].weight: 1 to {MAX_WEIGHT}")
        if record.evidence_hash == ZERO_HASH:
            raise ValidationError(f"records[{index}].evidence_hash: must not be zero")
        ai = record.provenance is not AiProvenance.NONE
        if ai != (record.accountable != ZERO_ADDRESS):
            raise ValidationError(
                f"records[{index}].accountable: required exactly when AI took part"
            )
        if ai and ledger.agreements.party(aid, record.accountable) is None:
            raise ValidationError(f"records[{index}].accountable: not a party")
