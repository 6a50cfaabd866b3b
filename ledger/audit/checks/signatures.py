"""The `signatures` check: every consent and vote came from a party of the right version.

Digests, recovery and the typed data are the domain's (`ledger.domain.signing`, the contracts'
own rules); what stays here is reading the chain: the senders of direct consents and votes, and
a contract party's ERC-1271 answer at the audited block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from eth_abi import decode
from eth_abi.exceptions import DecodingError
from web3 import Web3

from ledger.audit.checks.common import at, unhex
from ledger.audit.collect import History
from ledger.audit.model import AgreementModel
from ledger.audit.report import CheckResult, Finding
from ledger.domain.errors import SignatureError
from ledger.domain.signing import (
    ERC1271_ABI,
    ERC1271_MAGIC,
    TypedData,
    consent_typed_data,
    digest,
    recover,
    vote_typed_data,
)
from ledger.domain.structs import ProposalKind
from ledger.infra.events import DecodedEvent


@dataclass
class _SignatureContext:
    history: History
    agreement: str
    senders: dict[bytes, tuple[str, str | None]] = field(default_factory=dict)
    proposals: dict[int, tuple[int, str | None]] = field(default_factory=dict)  # base, joiner

    def prefetch(self, events: Sequence[DecodedEvent]) -> None:
        """Fetch the transactions of every direct consent and vote in one batch."""
        direct = [
            e.tx_hash
            for e in events
            if e.name in ("ConsentGiven", "VoteCast") and not unhex(e.args["signature"])
        ]
        for tx_hash, tx in self.history.transactions(direct).items():
            to = tx.get("to")
            self.senders[tx_hash] = (str(tx["from"]), str(to) if to else None)

    def wallet_accepts(self, signer: str, message: TypedData, signature: bytes) -> bool:
        """Whether `signer` is a contract whose `isValidSignature` accepts at the audited block."""
        # NOTE: unlike the relayer's check (domain `verify`), the audit asks the wallet at the
        # audited block, as every other view it reads, and with the node's gas cap.
        w3, block = self.history.w3, self.history.block
        address = Web3.to_checksum_address(signer)
        if not w3.eth.get_code(address, block_identifier=block):
            return False
        wallet = w3.eth.contract(address=address, abi=ERC1271_ABI)
        try:
            magic = wallet.functions.isValidSignature(digest(message), signature).call(
                block_identifier=block
            )
        except Exception:
            return False
        return bytes(magic) == ERC1271_MAGIC


def check_signatures(
    history: History, agreement: str, events: Sequence[DecodedEvent], model: AgreementModel
) -> CheckResult:
    """Every consent and vote was given by a party of the right version (signature or sender)."""
    ctx = _SignatureContext(history, agreement)
    ctx.prefetch(events)
    findings: list[Finding] = []
    if model.params_mismatch is not None:
        findings.append(
            at(model.params_mismatch, "AgreementProposed params do not hash to its paramsHash")
        )
    checked = 0
    for event in events:
        if event.name == "ProposalCreated":
            args = event.args
            adds = int(args["kind"]) == ProposalKind.ADD_PARTY
            joiner = _joiner(args["payload"]) if adds else None
            ctx.proposals[int(args["proposalId"])] = (int(args["baseVersion"]), joiner)
        elif event.name == "ConsentGiven":
            checked += 1
            findings += _consent(ctx, event, model)
        elif event.name == "VoteCast":
            checked += 1
            findings += _vote(ctx, event, model)
    return CheckResult("signatures", agreement, checked, tuple(findings))


def _consent(ctx: _SignatureContext, event: DecodedEvent, model: AgreementModel) -> list[Finding]:
    """A consent is by a party of the consented version, signed for Agreements."""
    args = event.args
    version = model.versions.get(int(args["version"]))
    party = args["party"]
    if version is None or party not in version.parties:
        return [at(event, f"{party} consented to a version it is not a party of")]

    def message() -> TypedData:
        return consent_typed_data(
            chain_id=ctx.history.chain_id,
            agreements=ctx.history.deployment.address("Agreements"),
            agreement_id=ctx.agreement,
            version=version.number,
            params_hash=version.params_hash,
            nonce=int(args["nonce"]),
            deadline=int(args["deadline"]),
        )

    return _verify(ctx, event, party, message, "consent")


def _vote(ctx: _SignatureContext, event: DecodedEvent, model: AgreementModel) -> list[Finding]:
    """A vote is by a party of the proposal's base version (or its joiner, with weight 0),
    signed for Governance."""
    args = event.args
    proposal_id = int(args["proposalId"])
    voter = args["voter"]
    base, joiner = ctx.proposals.get(proposal_id, (-1, None))
    version = model.versions.get(base)
    findings: list[Finding] = []
    if voter == joiner:
        # NOTE: the party an AddParty proposal adds answers with a vote of weight 0.
        if int(args["weight"]) != 0:
            findings.append(
                at(event, f"the joiner {voter} voted with a weight", found=args["weight"])
            )
    elif version is None or voter not in version.parties:
        return [at(event, f"{voter} voted on proposal {proposal_id} without being a party")]

    def message() -> TypedData:
        return vote_typed_data(
            chain_id=ctx.history.chain_id,
            governance=ctx.history.deployment.address("Governance"),
            agreement_id=ctx.agreement,
            proposal_id=proposal_id,
            support=int(args["support"]),
            nonce=int(args["nonce"]),
            deadline=int(args["deadline"]),
        )

    return findings + _verify(ctx, event, voter, message, "vote")


def _joiner(payload: str) -> str | None:
    """The party an AddParty payload `abi.encode(party, sharesBps)` adds (None if malformed)."""
    try:
        party, _ = decode(["address", "uint16[]"], unhex(payload))
    except (DecodingError, ValueError):
        return None
    return Web3.to_checksum_address(party)


def _verify(
    ctx: _SignatureContext,
    event: DecodedEvent,
    signer: str,
    message: Callable[[], TypedData],
    what: str,
) -> list[Finding]:
    """`signer` sent the event's transaction (empty signature) or signed `message()`."""
    signature = unhex(event.args["signature"])
    if not signature:
        sender, to = ctx.senders[event.tx_hash]
        # NOTE: a contract party (a wallet) consents by a call its owner sends through it.
        if signer in (sender, to):
            return []
        return [
            at(
                event,
                f"direct {what} of {signer} sent by someone else",
                expected=signer,
                found=sender,
            )
        ]
    # NOTE: the typed data is built only for signed events: a direct one signs nothing.
    typed = message()
    recovered = _recovered(typed, signature)
    if recovered == signer or ctx.wallet_accepts(signer, typed, signature):
        return []
    return [
        at(
            event,
            f"the {what} signature does not recover to {signer}",
            expected=signer,
            found=recovered,
        )
    ]


def _recovered(typed: TypedData, signature: bytes) -> str | None:
    """The EOA whose canonical signature of `typed` this is, or None."""
    try:
        return recover(typed, signature)
    except SignatureError:
        return None


__all__ = ["check_signatures"]
