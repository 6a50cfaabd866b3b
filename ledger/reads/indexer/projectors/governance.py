"""Governance's events: proposals, votes, excluded accused parties and executions."""

from __future__ import annotations

from ledger.infra.events import DecodedEvent
from ledger.reads.indexer.models import Proposal, Vote, hex_of
from ledger.reads.indexer.projection import Projection, ProjectorSet
from ledger.reads.indexer.projectors.common import PROPOSAL_KIND, VOTE_SUPPORT, enum_name

projectors = ProjectorSet()


@projectors.register("ProposalCreated")
def _proposal_created(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    key = (a["agreementId"], a["proposalId"])
    p.add(
        Proposal(
            agreement_id=a["agreementId"],
            proposal_id=a["proposalId"],
            proposer=a["proposer"],
            kind=enum_name(PROPOSAL_KIND, a["kind"]),
            base_version=a["baseVersion"],
            vote_end=a["voteEnd"],
            payload=a["payload"],
            weight_for=0,
            weight_against=0,
            weight_abstain=0,
            vote_count=0,
            excluded_mask=0,
            status="Voting",
            created_block=e.block_number,
            created_at=e.block_timestamp,
        ),
        key,
    )


@projectors.register("VoteCast")
def _vote_cast(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    support = enum_name(VOTE_SUPPORT, a["support"])
    key = (a["agreementId"], a["proposalId"], a["voter"])
    p.add(
        Vote(
            agreement_id=a["agreementId"],
            proposal_id=a["proposalId"],
            voter=a["voter"],
            support=support,
            weight=a["weight"],
            nonce=a["nonce"],
            signature=a["signature"],
            block_number=e.block_number,
            tx_hash=hex_of(e.tx_hash),
            time=e.block_timestamp,
        ),
        key,
    )
    proposal = p.get(Proposal, (a["agreementId"], a["proposalId"]))
    if proposal is None:
        return
    proposal.vote_count += 1
    if support == "For":
        proposal.weight_for += a["weight"]
    elif support == "Against":
        proposal.weight_against += a["weight"]
    else:
        proposal.weight_abstain += a["weight"]


@projectors.register("ProposalAccusedExcluded")
def _proposal_accused_excluded(p: Projection, e: DecodedEvent) -> None:
    proposal = p.get(Proposal, (e.args["agreementId"], e.args["proposalId"]))
    if proposal is not None:
        proposal.excluded_mask = e.args["excludedMask"]


@projectors.register("ProposalExecuted")
def _proposal_executed(p: Projection, e: DecodedEvent) -> None:
    proposal = p.get(Proposal, (e.args["agreementId"], e.args["proposalId"]))
    if proposal is not None:
        proposal.status = "Executed"
        proposal.executor = e.args["executor"]
        proposal.executed_block = e.block_number
        proposal.executed_at = e.block_timestamp


__all__ = ["projectors"]
