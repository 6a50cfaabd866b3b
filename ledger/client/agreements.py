"""Agreements: propose, consent (by call or relayed EIP-712 signatures), expire, nonces, views."""

from __future__ import annotations

from collections.abc import Sequence

from eth_account.signers.local import LocalAccount

from ledger.client.base import ContractClient, Sender
from ledger.client.views import Agreement, AgreementTerms, Party, TxResult, build
from ledger.domain import signing
from ledger.domain import validation as v
from ledger.domain.structs import (
    UINT32,
    AgreementParams,
    AgreementStatus,
    ConsentSignature,
    agreement_id_of,
)


class AgreementsClient(ContractClient):
    """Multi-party agreements and their consents."""

    name = "Agreements"

    def propose(self, *, params: AgreementParams, salt: bytes | str, sender: Sender) -> TxResult:
        """Propose an agreement (the sender, a party, consents by proposing)."""
        fn = self.contract.functions.propose(params.as_abi(), v.bytes32(salt, field="salt"))
        return self._send(fn, sender)

    def propose_with_signatures(
        self,
        *,
        params: AgreementParams,
        salt: bytes | str,
        signatures: Sequence[ConsentSignature],
        sender: Sender,
    ) -> TxResult:
        """Propose and submit the co-parties' signed consents in one transaction."""
        fn = self.contract.functions.proposeWithSignatures(
            params.as_abi(), v.bytes32(salt, field="salt"), [s.as_abi() for s in signatures]
        )
        return self._send(fn, sender)

    def consent(
        self,
        *,
        agreement_id: bytes | str,
        sender: Sender,
        version: int | None = None,
        params_hash: bytes | str | None = None,
    ) -> TxResult:
        """Consent by call to the given (default: the current) version and parameters."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        terms = self.terms(aid) if version is None or params_hash is None else None
        fn = self.contract.functions.consent(
            aid,
            v.integer(version, field="version", high=UINT32) if terms is None else terms.version,
            v.bytes32(params_hash, field="params_hash") if terms is None else terms.params_hash,
        )
        return self._send(fn, sender)

    def consent_by_signatures(
        self, *, agreement_id: bytes | str, signatures: Sequence[ConsentSignature], sender: Sender
    ) -> TxResult:
        """Relay signed consents (anyone may send)."""
        fn = self.contract.functions.consentBySignatures(
            v.bytes32(agreement_id, field="agreement_id"), [s.as_abi() for s in signatures]
        )
        return self._send(fn, sender)

    def mark_expired(self, *, agreement_id: bytes | str, sender: Sender) -> TxResult:
        """Write the Expired status of a Proposed agreement past its consent deadline."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return self._send(self.contract.functions.markExpired(aid), sender)

    def invalidate_nonce(self, *, agreement_id: bytes | str, sender: Sender) -> TxResult:
        """Cancel every outstanding signature the sender gave in the agreement."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return self._send(self.contract.functions.invalidateNonce(aid), sender)

    # -- signing --------------------------------------------------------------------------

    def consent_typed_data(
        self,
        *,
        agreement_id: bytes | str,
        signer: str,
        deadline: int,
        params: AgreementParams | None = None,
    ) -> signing.TypedData:
        """The payload `signer` signs to consent: to the current version of a proposed
        agreement, or — with `params`, before it is proposed — to version 1 of `params`."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        if params is not None:
            version, params_hash = 1, params.params_hash()
        else:
            terms = self.terms(aid)
            version, params_hash = terms.version, terms.params_hash
        return signing.consent_typed_data(
            chain_id=self.ledger.chain_id,
            agreements=self.address,
            agreement_id=aid,
            version=version,
            params_hash=params_hash,
            nonce=self.nonce(aid, signer),
            deadline=deadline,
        )

    def sign_consent(
        self,
        *,
        agreement_id: bytes | str,
        account: LocalAccount,
        deadline: int,
        params: AgreementParams | None = None,
    ) -> ConsentSignature:
        """`account`'s relayable consent (see `consent_typed_data`)."""
        typed = self.consent_typed_data(
            agreement_id=agreement_id, signer=account.address, deadline=deadline, params=params
        )
        nonce = int(typed["message"]["nonce"])
        return ConsentSignature(account.address, nonce, deadline, signing.sign(typed, account))

    # -- views ----------------------------------------------------------------------------

    def agreement_id_of(self, *, proposer: str, salt: bytes | str) -> bytes:
        """The id `propose` gives `proposer` with `salt` (known before mining)."""
        return agreement_id_of(proposer=proposer, salt=salt)

    def terms(self, agreement_id: bytes | str) -> AgreementTerms:
        """The current version's terms and state (status NONE when unknown)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return build(AgreementTerms, self._call(self.contract.functions.termsOf(aid)))

    def status(self, agreement_id: bytes | str) -> AgreementStatus:
        """The agreement's status (Expired derived from the consent deadline)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return AgreementStatus(self._call(self.contract.functions.statusOf(aid)))

    def parties(self, agreement_id: bytes | str) -> tuple[Party, ...]:
        """The current parties with their index and share."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        accounts, shares = self._call(self.contract.functions.partiesOf(aid))
        return tuple(
            Party(v.address(a), i, int(s))
            for i, (a, s) in enumerate(zip(accounts, shares, strict=True))
        )

    def party(self, agreement_id: bytes | str, account: str) -> Party | None:
        """`account` as a current party, or None."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        who = v.address(account, field="account")
        is_party, index, share = self._call(self.contract.functions.partyOf(aid, who))
        return Party(who, int(index), int(share)) if is_party else None

    def nonce(self, agreement_id: bytes | str, account: str) -> int:
        """`account`'s current nonce in the agreement (what its next signature must carry)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        who = v.address(account, field="account")
        return int(self._call(self.contract.functions.nonceOf(aid, who)))

    def consent_version(self, agreement_id: bytes | str, account: str) -> int:
        """The last version `account` consented to (0 if none)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        who = v.address(account, field="account")
        return int(self._call(self.contract.functions.consentVersionOf(aid, who)))

    def head(self, agreement_id: bytes | str) -> bytes:
        """The agreement's hash-chain head."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return bytes(self._call(self.contract.functions.headOf(aid)))

    def get(self, agreement_id: bytes | str) -> Agreement:
        """The agreement: terms, parties and head."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return Agreement(aid, self.terms(aid), self.parties(aid), self.head(aid))
