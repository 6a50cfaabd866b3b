"""Non-custodial writes: the typed data a party signs, and its signed intent verified, checked
and journaled in the relayer outbox — so a bad intent never reaches the chain.

Each entry's idempotency key is namespaced by the signer (`<signer>:<client key>`), which makes
the signer the entry's owner (`owner_of`) and keeps two callers' keys from colliding.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from eth_utils import to_bytes

from ledger.client import Ledger, SignedRecords
from ledger.domain import validation as v
from ledger.domain.errors import IdempotencyConflictError, NotFoundError
from ledger.domain.signing import TypedData
from ledger.domain.structs import (
    AgreementStatus,
    ConsentSignature,
    Contribution,
    RecordProof,
    VoteSignature,
    VoteSupport,
)
from ledger.writes import intents
from ledger.writes.relayer import Call, EntryStatus, Intent, Outbox, OutboxEntry

KEY_SEPARATOR = ":"
# The outbox slot a signed intent takes (one pending intent per signer and nonce in an
# agreement) and the pre-flight still to run once its signature was verified.
Checked = tuple[str, Callable[[], Intent]]
MAX_PENDING = 500  # per status: an operator's backlog beyond this is not a party's view


def request_hash(action: str, body: Mapping[str, Any]) -> str:
    """SHA-256 of an action and its canonical JSON body: what an idempotency key is bound to."""
    canonical = json.dumps({"action": action, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def owner_of(entry: OutboxEntry) -> str | None:
    """The signer who submitted `entry` through this service (None for other entries)."""
    owner, separator, _ = entry.idempotency_key.partition(KEY_SEPARATOR)
    return owner if separator and owner.startswith("0x") and len(owner) == 42 else None


class Submissions:
    """Builds typed data for parties to sign, and journals their signed intents once the
    pre-flight checks (`ledger.writes.intents`: the signature, then the contract's own verdict on
    the call by `eth_call`) say the contract would accept them now."""

    def __init__(
        self,
        *,
        ledger: Ledger,
        outbox: Outbox,
        guard: AbstractContextManager[Any] | None = None,
    ) -> None:
        self.ledger = ledger
        # NOTE: only the journal: whichever process holds the relayer lock sends what lands
        # here, so any number of API workers can submit.
        self.outbox = outbox
        # NOTE: held around every chain read, for chains that cannot serve two threads at once.
        self.guard = guard or nullcontext()

    # -- what to sign ------------------------------------------------------------------------

    def consent_typed_data(self, *, agreement_id: str, signer: str, deadline: int) -> TypedData:
        """`Consent` to the agreement's current version and parameters, at the current nonce."""
        with self.guard:
            if self.ledger.agreements.terms(agreement_id).status is AgreementStatus.NONE:
                # NOTE: version 0 of nothing is not signable; a party signing before the
                # proposal is mined builds the payload from the parameters (ledger.domain.signing).
                raise NotFoundError(f"no agreement {agreement_id} on chain yet")
            return self.ledger.agreements.consent_typed_data(
                agreement_id=agreement_id,
                signer=v.address(signer, field="signer"),
                deadline=deadline,
            )

    def vote_typed_data(
        self, *, proposal_id: int, support: VoteSupport | int | str, voter: str, deadline: int
    ) -> TypedData:
        """`Vote` on a proposal at the voter's current nonce in its agreement."""
        with self.guard:
            return self.ledger.governance.vote_typed_data(
                proposal_id=proposal_id,
                voter=v.address(voter, field="voter"),
                support=support,
                deadline=deadline,
            )

    def record_typed_data(
        self,
        *,
        agreement_id: str,
        contributor: str,
        records: Sequence[Contribution],
        deadline: int,
    ) -> TypedData:
        """`RecordContributions` of `records` by `contributor` at its current nonce."""
        with self.guard:
            return self.ledger.contributions.records_typed_data(
                agreement_id=agreement_id,
                contributor=contributor,
                records=records,
                deadline=deadline,
            )

    # -- calls a party sends itself (no signed form in the contracts) ------------------------

    def confirm_call(self, *, agreement_id: bytes, proof: RecordProof) -> Call:
        """`Contributions.confirm(agreementId, proof)`: calldata for the confirming party."""
        return self._record_call("confirm", agreement_id, proof)

    def dispute_call(self, *, agreement_id: bytes, proof: RecordProof, reason_hash: str) -> Call:
        """`Contributions.dispute(agreementId, proof, reasonHash)`: calldata for the disputer."""
        reason = v.bytes32(reason_hash, field="reason_hash")
        return self._record_call("dispute", agreement_id, proof, reason)

    def mature_call(self, *, agreement_id: bytes, proof: RecordProof) -> Call:
        """`Contributions.mature(agreementId, [proof])`: calldata anyone may send once the
        record's challenge window ended."""
        contract = self.ledger.contributions.contract
        data = contract.encode_abi("mature", args=[agreement_id, [proof.as_abi()]])
        return Call(contract.address, to_bytes(hexstr=data))

    def claim_call(self, *, agreement_id: str) -> Call:
        """`Revenue.claim(agreementId)`: calldata for a party claiming its share."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        contract = self.ledger.revenue.contract
        return Call(contract.address, to_bytes(hexstr=contract.encode_abi("claim", args=[aid])))

    def _record_call(
        self, function: str, agreement_id: bytes, proof: RecordProof, *extra: Any
    ) -> Call:
        contract = self.ledger.contributions.contract
        data = contract.encode_abi(function, args=[agreement_id, proof.as_abi(), *extra])
        return Call(contract.address, to_bytes(hexstr=data))

    # -- signed intents ----------------------------------------------------------------------

    def submit_consent(
        self,
        *,
        agreement_id: str,
        consent: ConsentSignature,
        client_key: str | None,
        content_hash: str,
    ) -> OutboxEntry:
        """Check a signed consent, then journal `consentBySignatures` for it."""

        def authenticated() -> Checked:
            intent = intents.authenticate_consent(self.ledger, agreement_id, consent)
            return _slot(agreement_id, consent.signer, consent.nonce), self._checked(intent)

        return self._submit(consent.signer, client_key, content_hash, authenticated)

    def submit_vote(
        self, *, proposal_id: int, vote: VoteSignature, client_key: str | None, content_hash: str
    ) -> OutboxEntry:
        """Check a signed vote, then journal `voteBySignatures` for it."""

        def authenticated() -> Checked:
            intent, agreement_id = intents.authenticate_vote(self.ledger, proposal_id, vote)
            return _slot(agreement_id, vote.voter, vote.nonce), self._checked(intent)

        return self._submit(vote.voter, client_key, content_hash, authenticated)

    def submit_records(
        self, *, signed: SignedRecords, client_key: str | None, content_hash: str
    ) -> OutboxEntry:
        """Check a contributor's signed batch, then journal `recordBySignature` for it."""

        def authenticated() -> Checked:
            intent = intents.authenticate_records(self.ledger, signed)
            return _slot(signed.agreement_id, signed.contributor, signed.nonce), self._checked(
                intent
            )

        return self._submit(signed.contributor, client_key, content_hash, authenticated)

    def pending(self, *, agreement_id: str, proposal_ids: Iterable[int]) -> list[OutboxEntry]:
        """Relayed intents of one agreement not yet confirmed (consents and record batches
        name it; votes name one of its `proposal_ids`), oldest first."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        proposals = set(proposal_ids)
        found = [
            entry
            for status in (EntryStatus.QUEUED, EntryStatus.SENT, EntryStatus.MINED)
            for entry in self.outbox.entries(status=status, limit=MAX_PENDING)
            if _concerns(entry, aid, proposals)
        ]
        return sorted(found, key=lambda entry: entry.id)

    def _submit(
        self,
        signer: str,
        client_key: str | None,
        content_hash: str,
        authenticated: Callable[[], Checked],
    ) -> OutboxEntry:
        """The signature is checked first; then a retry answers with its first entry; otherwise
        the contract is asked (raising on a bad intent) and the intent is journaled, unless
        another intent at the signer's nonce is still pending (409)."""
        key = _key(signer, client_key, content_hash)
        # NOTE: authenticated before the key is looked up: a caller who cannot sign as the
        # signer must not learn which keys the signer used (409 against 400).
        with self.guard:
            slot, checked = authenticated()
        if (known := self._known(key, content_hash)) is not None:
            return known
        with self.guard:
            intent = checked()
        return self.outbox.submit(intent, idempotency_key=key, content_hash=content_hash, slot=slot)

    def _checked(self, intent: Intent) -> Callable[[], Intent]:
        """The state half of a submission: the contract's verdict on `intent` as it is now."""

        def checked() -> Intent:
            intents.preflight(self.ledger, intent)
            return intent

        return checked

    def _known(self, key: str, content_hash: str) -> OutboxEntry | None:
        """The entry already journaled under `key` (a retry), checked before the chain's state
        is: a retried intent that has since been mined must still answer with its first entry."""
        entry = self.outbox.find(key)
        if entry is not None and entry.content_hash != content_hash:
            raise IdempotencyConflictError(
                f"Idempotency-Key was already used for a different request (entry {entry.id}); "
                "use a new key for a new request."
            )
        return entry


def _concerns(entry: OutboxEntry, agreement_id: bytes, proposal_ids: set[int]) -> bool:
    """Whether a relayed call is about the agreement: its first argument is the agreement id
    (`consentBySignatures`, `recordBySignature`) or one of its proposals (`voteBySignatures`)."""
    data = entry.intent.data
    selector, first = data[:4], data[4:36]
    if selector in (intents.CONSENT_SELECTOR, intents.RECORD_SELECTOR):
        return first == agreement_id
    return selector == intents.VOTE_SELECTOR and int.from_bytes(first, "big") in proposal_ids


def _slot(agreement_id: bytes | str, signer: str, nonce: int) -> str:
    """The outbox slot of a signer's nonce in an agreement: one pending intent may hold it."""
    aid = v.bytes32(agreement_id, field="agreement_id")
    return f"nonce:0x{aid.hex()}:{v.address(signer, field='signer')}:{nonce}"


def _key(signer: str, client_key: str | None, content_hash: str) -> str:
    """The outbox key: namespaced by the signer, so the signer owns the entry (`owner_of`).

    NOTE: without a client key the request itself is the key: resending the same signed
    intent returns its first entry instead of queuing a doomed duplicate.
    """
    suffix = client_key or "request-" + content_hash
    return f"{v.address(signer, field='signer')}{KEY_SEPARATOR}{suffix}"
