"""Signed intents as relayer work: encoders that turn a verified intent into a relayer `Intent`
(target + calldata of the function that accepts the signature), batchers that combine queued
intents into one call where the contract takes many, and pre-flight checks the API runs before
journaling, so that a bad intent never reaches the chain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector

from ledger import validation as v
from ledger.errors import ValidationError
from ledger.relayer.models import Call, Intent, OutboxEntry
from ledger.structs import (
    CONSENT_SIGNATURE_ABI,
    CONTRIBUTION_ABI,
    VOTE_SIGNATURE_ABI,
    ConsentSignature,
    Contribution,
    VoteSignature,
)

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
        batch_key="0x" + agreement.hex(),
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


def encode_record(
    *,
    contributions: str,
    agreement_id: bytes | str,
    contributor: str,
    records: Sequence[Contribution],
    nonce: int,
    deadline: int,
    signature: bytes,
) -> Intent:
    """`recordBySignature(...)` of one signed batch.

    NOTE: no batch key: the contract takes one contributor's signed batch per call, so two
    signed batches cannot share a transaction (a contributor batches by signing more records).
    """
    args = [
        v.bytes32(agreement_id, field="agreement_id"),
        v.address(contributor, field="contributor"),
        [r.as_abi() for r in records],
        v.integer(nonce, field="nonce"),
        v.integer(deadline, field="deadline"),
        bytes(signature),
    ]
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
