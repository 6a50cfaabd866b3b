"""Governance: proposals (amend, add/remove party, resolve dispute, extend commitment,
terminate), votes by call or relayed EIP-712 signatures, execution, views."""

from __future__ import annotations

from collections.abc import Sequence

from eth_abi import encode
from eth_account.signers.local import LocalAccount

from ledger.client.base import ContractClient, Sender
from ledger.client.views import Proposal, TxResult, build
from ledger.domain import signing
from ledger.domain import validation as v
from ledger.domain.errors import NotFoundError
from ledger.domain.structs import (
    UINT16,
    UINT64,
    ProposalStatus,
    ResolutionOutcome,
    VoteSignature,
    VoteSupport,
)

RESOLVE_DISPUTE_SIGNATURE = "resolveDispute(bytes32,uint256,uint8,uint256)"


def _shares(shares_bps: Sequence[int]) -> list[int]:
    return [v.integer(s, field="shares_bps", high=UINT16) for s in shares_bps]


class GovernanceClient(ContractClient):
    """Proposals and votes among the parties of one agreement."""

    name = "Governance"

    def propose_amend(
        self,
        *,
        agreement_id: bytes | str,
        terms_hash: bytes | str,
        shares_bps: Sequence[int],
        sender: Sender,
    ) -> TxResult:
        """Propose new terms and shares for the current parties."""
        fn = self.contract.functions.proposeAmend(
            v.bytes32(agreement_id, field="agreement_id"),
            v.bytes32(terms_hash, field="terms_hash"),
            _shares(shares_bps),
        )
        return self._send(fn, sender)

    def propose_add_party(
        self, *, agreement_id: bytes | str, party: str, shares_bps: Sequence[int], sender: Sender
    ) -> TxResult:
        """Propose adding `party` (it accepts by voting For) with new shares for all."""
        fn = self.contract.functions.proposeAddParty(
            v.bytes32(agreement_id, field="agreement_id"),
            v.address(party, field="party"),
            _shares(shares_bps),
        )
        return self._send(fn, sender)

    def propose_remove_party(
        self, *, agreement_id: bytes | str, party: str, shares_bps: Sequence[int], sender: Sender
    ) -> TxResult:
        """Propose removing `party` with new shares for the remaining parties."""
        fn = self.contract.functions.proposeRemoveParty(
            v.bytes32(agreement_id, field="agreement_id"),
            v.address(party, field="party"),
            _shares(shares_bps),
        )
        return self._send(fn, sender)

    def propose_remove_for_cause(
        self,
        *,
        agreement_id: bytes | str,
        party: str,
        shares_bps: Sequence[int],
        record_id: bytes | str,
        sender: Sender,
    ) -> TxResult:
        """Propose removing `party` for cause (Rejected record `record_id`); accused do not vote."""
        fn = self.contract.functions.proposeRemoveForCause(
            v.bytes32(agreement_id, field="agreement_id"),
            v.address(party, field="party"),
            _shares(shares_bps),
            v.bytes32(record_id, field="record_id"),
        )
        return self._send(fn, sender)

    def propose_resolve_dispute(
        self,
        *,
        agreement_id: bytes | str,
        record_id: bytes | str,
        outcome: ResolutionOutcome | int | str,
        sender: Sender,
        new_weight: int = 0,
    ) -> TxResult:
        """Propose resolving a disputed record (accept, reject, or accept with `new_weight`)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        call = self.ledger.contributions.contract.encode_abi(
            "resolveDispute",
            args=[
                aid,
                int.from_bytes(v.bytes32(record_id, field="record_id"), "big"),
                int(v.member(ResolutionOutcome, outcome, field="outcome")),
                v.integer(new_weight, field="new_weight"),
            ],
        )
        fn = self.contract.functions.proposeResolveDispute(aid, bytes.fromhex(call[2:]))
        return self._send(fn, sender)

    def propose_extend_commitment(
        self,
        *,
        agreement_id: bytes | str,
        commitment_id: int,
        new_deadline: int,
        sender: Sender,
    ) -> TxResult:
        """Propose extending a commitment's deadline."""
        fn = self.contract.functions.proposeExtendCommitment(
            v.bytes32(agreement_id, field="agreement_id"),
            v.integer(commitment_id, field="commitment_id"),
            v.integer(new_deadline, field="new_deadline", high=UINT64),
        )
        return self._send(fn, sender)

    def propose_terminate(self, *, agreement_id: bytes | str, sender: Sender) -> TxResult:
        """Propose closing the agreement."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return self._send(self.contract.functions.proposeTerminate(aid), sender)

    def vote(
        self, *, proposal_id: int, support: VoteSupport | int | str, sender: Sender
    ) -> TxResult:
        """Vote by call."""
        fn = self.contract.functions.vote(
            v.integer(proposal_id, field="proposal_id"),
            int(v.member(VoteSupport, support, field="support")),
        )
        return self._send(fn, sender)

    def vote_by_signatures(
        self, *, proposal_id: int, votes: Sequence[VoteSignature], sender: Sender
    ) -> TxResult:
        """Relay signed votes (anyone may send)."""
        fn = self.contract.functions.voteBySignatures(
            v.integer(proposal_id, field="proposal_id"), [x.as_abi() for x in votes]
        )
        return self._send(fn, sender)

    def execute(
        self, *, proposal_id: int, sender: Sender, payload: bytes | None = None
    ) -> TxResult:
        """Execute a passed proposal; the payload defaults to the one its event carries."""
        pid = v.integer(proposal_id, field="proposal_id")
        data = self.payload(pid) if payload is None else payload
        return self._send(self.contract.functions.execute(pid, data), sender)

    # -- signing --------------------------------------------------------------------------

    def vote_typed_data(
        self, *, proposal_id: int, voter: str, support: VoteSupport | int | str, deadline: int
    ) -> signing.TypedData:
        """The payload `voter` signs to vote `support` on a proposal."""
        proposal = self.proposal(proposal_id)
        return signing.vote_typed_data(
            chain_id=self.ledger.chain_id,
            governance=self.address,
            agreement_id=proposal.agreement_id,
            proposal_id=proposal.proposal_id,
            support=support,
            nonce=self.ledger.agreements.nonce(proposal.agreement_id, voter),
            deadline=deadline,
        )

    def sign_vote(
        self,
        *,
        proposal_id: int,
        account: LocalAccount,
        support: VoteSupport | int | str,
        deadline: int,
    ) -> VoteSignature:
        """`account`'s relayable vote."""
        typed = self.vote_typed_data(
            proposal_id=proposal_id, voter=account.address, support=support, deadline=deadline
        )
        message = typed["message"]
        return VoteSignature(
            account.address,
            message["support"],
            message["nonce"],
            deadline,
            signing.sign(typed, account),
        )

    # -- views ----------------------------------------------------------------------------

    def proposal(self, proposal_id: int) -> Proposal:
        """A proposal and its derived status; NotFoundError for an unknown id."""
        pid = v.integer(proposal_id, field="proposal_id")
        found = build(Proposal, self._call(self.contract.functions.proposalOf(pid)), pid)
        if found.status is ProposalStatus.NONE:
            raise NotFoundError(f"no proposal {pid}")
        return found

    def count(self) -> int:
        """How many proposals exist (ids 1..count)."""
        return int(self._call(self.contract.functions.proposalCount()))

    def payload(self, proposal_id: int) -> bytes:
        """The proposal's payload, from its `ProposalCreated` event."""
        pid = v.integer(proposal_id, field="proposal_id")
        topic = encode(["uint256"], [pid])
        for event in self.ledger.logs("Governance", "ProposalCreated", topics=[None, topic]):
            return bytes.fromhex(str(event.args["payload"])[2:])
        raise NotFoundError(f"no proposal {pid}")
