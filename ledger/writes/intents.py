"""Signed intents as relayer work: encoders that turn a verified intent into a relayer `Intent`
(target + calldata of the function that accepts the signature), batchers that combine queued
intents into one call where the contract takes many, and pre-flight checks the API runs before
journaling (the signature off-chain, then the contract's own verdict on the very call), so that a
bad intent never reaches the chain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector, keccak
from hexbytes import HexBytes
from web3 import Web3
from web3.types import TxParams

from ledger.client import Ledger, SignedRecords
from ledger.domain import signing
from ledger.domain import validation as v
from ledger.domain.encoding import prefixed_hex
from ledger.domain.errors import (
    IntentConflictError,
    LedgerError,
    NonceMismatchError,
    NotAPartyError,
    NotFoundError,
    SignatureError,
    SignatureExpiredError,
    ValidationError,
)
from ledger.domain.signing.signatures import ERC1271_GAS_CAP
from ledger.domain.structs import (
    CONSENT_SIGNATURE_ABI,
    CONTRIBUTION_ABI,
    VOTE_SIGNATURE_ABI,
    ConsentSignature,
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
# NOTE: the contract is the judge of a signed intent: `preflight` runs the very call the relayer
# would send (`eth_call`; these functions take any relayer, so no sender is needed) and raises the
# LedgerError its custom error means for the API (REFUSALS). Python restates none of the
# contracts' rules (membership, joiners, votes cast, nonces, record limits). What stays off-chain
# is the signature check (`authenticate_*`), run before anything private (an idempotency key's
# use) is answered: a forged request answers 400 whatever the key.

REFUSALS: dict[str, type[LedgerError]] = {
    "AgreementInvalidSignature": SignatureError,
    "VoteInvalidSignature": SignatureError,
    "ContributionInvalidSignature": SignatureError,
    "AgreementSignatureExpired": SignatureExpiredError,
    "VoteSignatureExpired": SignatureExpiredError,
    "ContributionSignatureExpired": SignatureExpiredError,
    "AgreementNotAParty": NotAPartyError,
    "AgreementParticipantNotActive": NotAPartyError,
    "ContributionContributorNotAParty": NotAPartyError,
    "VoteByRemovedParty": NotAPartyError,
    "VoteByAccusedParty": NotAPartyError,
    "AgreementNotFound": NotFoundError,
    "ProposalNotFound": NotFoundError,
    "AgreementInvalidNonce": NonceMismatchError,
    "AgreementAlreadyConsented": IntentConflictError,
    "VoteAlreadyCast": IntentConflictError,
    "AgreementNotProposed": IntentConflictError,
    "AgreementNotActive": IntentConflictError,
    "AgreementVersionMismatch": IntentConflictError,
    "ProposalVotingClosed": IntentConflictError,
    "ProposalAlreadyExecuted": IntentConflictError,
    "ContributionBatchExists": IntentConflictError,
    "ContributionPeriodCapExceeded": IntentConflictError,
    "VoteInvalidSupport": ValidationError,
    "ContributionEmptyBatch": ValidationError,
    "ContributionBatchTooLarge": ValidationError,
    "ContributionInvalidWeight": ValidationError,
    "ContributionWeightAboveCap": ValidationError,
    "ContributionEmptyEvidence": ValidationError,
    "ContributionInvalidAccountable": ValidationError,
    "ContributionAccountableNotAParty": ValidationError,
}
"""What the contracts' refusal of a signed intent means for its sender, by custom error: 400
signature, 403 right, 404 unknown, 409 state or nonce, 422 content. The message is the error's
sentence (ledger.domain.sentences); an error not listed is raised as its RevertError (409)."""


def preflight(ledger: Ledger, intent: Intent, *, gas: int | None = None) -> None:
    """Raise the LedgerError of REFUSALS (else the RevertError) if the intent's call would revert
    if sent now; `gas` caps the call."""
    params: TxParams = {"to": intent.target, "data": HexBytes(intent.data)}
    if gas is not None:
        params["gas"] = gas
    try:
        ledger.w3.eth.call(params)
    except Exception as err:
        revert = ledger.decoder.from_exception(err)
        if revert is None:
            raise
        kind = REFUSALS.get(revert.name)
        if kind is None:
            raise revert from err
        raise kind(str(revert)) from revert


def _authenticate(
    ledger: Ledger, intent: Intent, typed: signing.TypedData, signer: str, signature: bytes
) -> None:
    """Raise unless `signer` signed `typed` (the payload whose signature `intent` relays)."""
    try:
        if signing.recover(typed, signature) == signer:
            return
    except SignatureError:
        pass  # NOTE: not ECDSA: a contract wallet may still accept the bytes (below).
    if ledger.w3.eth.get_code(v.address(signer, field="signer")):
        _refuse_outsider_wallet(ledger, intent)
    signing.verify(typed, signature, signer=signer, w3=ledger.w3)


def _refuse_outsider_wallet(ledger: Ledger, intent: Intent) -> None:
    """Raise when the contract refuses a contract wallet's right or signature outright.

    NOTE: asked before the wallet's ERC-1271 check runs off-chain, so an outsider's wallet is
    refused without being run wherever the contract checks the right first (consents); the call
    is capped at ERC1271_GAS_CAP gas, as the off-chain check is, so a wallet that spins costs no
    more. Any other answer (a state refusal, a batch that needs more gas) is left to the
    signature check and the full pre-flight that follow.
    """
    try:
        preflight(ledger, intent, gas=ERC1271_GAS_CAP)
    except (NotAPartyError, SignatureError) as refusal:
        if not isinstance(refusal, SignatureExpiredError):
            raise
    except Exception:  # any other answer: the full pre-flight decides (see the NOTE)
        return


def check_consent(ledger: Ledger, *, agreement_id: bytes | str, consent: ConsentSignature) -> None:
    """Raise unless `consent` would be accepted by `consentBySignatures` now."""
    preflight(ledger, authenticate_consent(ledger, agreement_id, consent))


def authenticate_consent(
    ledger: Ledger, agreement_id: bytes | str, consent: ConsentSignature
) -> Intent:
    """The `consentBySignatures` intent of `consent` once its signer signed it."""
    aid = v.bytes32(agreement_id, field="agreement_id")
    intent = encode_consent(agreements=ledger.agreements.address, agreement_id=aid, consent=consent)
    terms = ledger.agreements.terms(aid)
    typed = signing.consent_typed_data(
        chain_id=ledger.chain_id,
        agreements=ledger.agreements.address,
        agreement_id=aid,
        version=terms.version,
        params_hash=terms.params_hash,
        nonce=consent.nonce,
        deadline=consent.deadline,
    )
    _authenticate(ledger, intent, typed, consent.signer, consent.signature)
    return intent


def check_vote(ledger: Ledger, *, proposal_id: int, vote: VoteSignature) -> None:
    """Raise unless `vote` would be accepted by `voteBySignatures` now."""
    preflight(ledger, authenticate_vote(ledger, proposal_id, vote)[0])


def authenticate_vote(
    ledger: Ledger, proposal_id: int, vote: VoteSignature
) -> tuple[Intent, bytes]:
    """The `voteBySignatures` intent of `vote` and the proposal's agreement id, once its voter
    signed this vote on the proposal."""
    proposal = ledger.governance.proposal(proposal_id)
    intent = encode_vote(
        governance=ledger.governance.address, proposal_id=proposal.proposal_id, vote=vote
    )
    typed = signing.vote_typed_data(
        chain_id=ledger.chain_id,
        governance=ledger.governance.address,
        agreement_id=proposal.agreement_id,
        proposal_id=proposal.proposal_id,
        support=vote.support,
        nonce=vote.nonce,
        deadline=vote.deadline,
    )
    _authenticate(ledger, intent, typed, vote.voter, vote.signature)
    return intent, proposal.agreement_id


def check_records(ledger: Ledger, *, signed: SignedRecords) -> None:
    """Raise unless the signed batch would be accepted by `recordBySignature` now."""
    preflight(ledger, authenticate_records(ledger, signed))


def authenticate_records(ledger: Ledger, signed: SignedRecords) -> Intent:
    """The `recordBySignature` intent of the batch once its contributor signed it."""
    intent = encode_record(contributions=ledger.contributions.address, signed=signed)
    typed = signing.record_typed_data(
        chain_id=ledger.chain_id,
        contributions=ledger.contributions.address,
        agreement_id=signed.agreement_id,
        contributor=signed.contributor,
        records=signed.records,
        nonce=signed.nonce,
        deadline=signed.deadline,
    )
    _authenticate(ledger, intent, typed, signed.contributor, signed.signature)
    return intent
