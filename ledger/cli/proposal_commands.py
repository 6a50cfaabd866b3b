"""`park-ledger proposals`: governance proposals of every kind, votes by call or relayed
signatures, execution and tallies."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount

from ledger.cli.session import (
    Session,
    emit_view,
    hash_arg,
    human,
    open_session,
    print_tx,
    signature_items,
    subcommand,
    tx_command,
)
from ledger.client import TxResult
from ledger.domain.errors import ValidationError
from ledger.domain.structs import VoteSignature

DAY = 86_400


def register(commands: Any) -> None:
    """Add `proposals` to the parser."""
    group = commands.add_parser("proposals", help="governance proposals and votes")
    sub = group.add_subparsers(dest="proposals_command", required=True, metavar="ACTION")
    cmd = subcommand(sub, "propose-amend", "new terms and shares", run_propose, "agreement")
    cmd.add_argument("--terms", required=True)
    cmd.add_argument("--shares", required=True, help="bps per party, comma-separated")
    for name in ("propose-add-party", "propose-remove-party"):
        help_text = name.removeprefix("propose-").replace("-", " ")
        cmd = subcommand(sub, name, help_text, run_propose, "agreement", "party")
        cmd.add_argument("--shares", required=True, help="bps per resulting party, comma-separated")
    cmd = subcommand(
        sub,
        "propose-resolve-dispute",
        "settle a disputed record",
        run_propose,
        "agreement",
        "record",
    )
    cmd.add_argument("--outcome", required=True, help="accept|reject|accept_with_weight")
    cmd.add_argument("--weight", type=int, default=0, help="the new weight for accept_with_weight")
    cmd = subcommand(
        sub,
        "propose-extend-commitment",
        "move a commitment's deadline",
        run_propose,
        "agreement",
        "commitment",
    )
    cmd.add_argument("--deadline-days", type=int, required=True, help="new deadline from now")
    subcommand(sub, "propose-terminate", "close the agreement", run_propose, "agreement")
    cmd = subcommand(sub, "vote", "vote by call, or relay signed votes", run_vote, "proposal")
    cmd.add_argument("--support", default=None, help="for|against|abstain (vote by call)")
    cmd.add_argument(
        "--signatures", type=Path, nargs="+", default=None, help="files from `sign vote`"
    )
    subcommand(sub, "execute", "execute a passed proposal", run_execute, "proposal")
    subcommand(sub, "show", "a proposal and its tallies", run_proposal, "proposal", acting=False)


def _shares(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",")]
    except ValueError as err:
        raise ValidationError(
            f"--shares {value}: expected bps per party, e.g. 5000,3000,2000"
        ) from err


# NOTE: every kind of proposal is one client call; the subcommand's name picks it.
PROPOSERS: dict[str, Callable[[Session, argparse.Namespace, LocalAccount], TxResult]] = {
    "propose-amend": lambda s, a, sender: s.ledger.governance.propose_amend(
        agreement_id=a.agreement,
        terms_hash=hash_arg(a.terms),
        shares_bps=_shares(a.shares),
        sender=sender,
    ),
    "propose-add-party": lambda s, a, sender: s.ledger.governance.propose_add_party(
        agreement_id=a.agreement, party=a.party, shares_bps=_shares(a.shares), sender=sender
    ),
    "propose-remove-party": lambda s, a, sender: s.ledger.governance.propose_remove_party(
        agreement_id=a.agreement, party=a.party, shares_bps=_shares(a.shares), sender=sender
    ),
    "propose-resolve-dispute": lambda s, a, sender: s.ledger.governance.propose_resolve_dispute(
        agreement_id=a.agreement,
        record_id=a.record,
        outcome=a.outcome,
        new_weight=a.weight,
        sender=sender,
    ),
    "propose-extend-commitment": lambda s, a, sender: s.ledger.governance.propose_extend_commitment(
        agreement_id=a.agreement,
        commitment_id=a.commitment,
        new_deadline=s.ledger.timestamp() + a.deadline_days * DAY,
        sender=sender,
    ),
    "propose-terminate": lambda s, a, sender: s.ledger.governance.propose_terminate(
        agreement_id=a.agreement, sender=sender
    ),
}


def run_propose(args: argparse.Namespace) -> int:
    """Create the proposal the subcommand names and print its id."""
    with open_session(args) as s:
        result = PROPOSERS[args.proposals_command](s, args, s.actor())
        pid = int(result.event("ProposalCreated").args["proposalId"])
        print_tx(s, f"proposal {pid} created", result, proposal_id=str(pid))
    return 0


def run_vote(args: argparse.Namespace) -> int:
    """Vote by call or relay signed votes."""
    with open_session(args) as s:
        governance = s.ledger.governance
        if args.signatures:
            votes = [
                VoteSignature(
                    i["voter"], i["support"], int(i["nonce"]), int(i["deadline"]), i["signature"]
                )
                for i in signature_items(args.signatures)
            ]
            result = governance.vote_by_signatures(
                proposal_id=args.proposal, votes=votes, sender=s.actor()
            )
        elif args.support:
            result = governance.vote(
                proposal_id=args.proposal, support=args.support, sender=s.actor()
            )
        else:
            raise ValidationError(
                "say how to vote: --support for|against|abstain, or --signatures FILE"
            )
        status = governance.proposal(args.proposal).status
        print_tx(s, f"vote recorded; proposal {human(status)}", result, status=status)
    return 0


run_execute = tx_command(
    lambda s, a, sender: s.ledger.governance.execute(proposal_id=a.proposal, sender=sender),
    lambda a: f"proposal {a.proposal} executed",
)


def run_proposal(args: argparse.Namespace) -> int:
    """Show a proposal."""
    with open_session(args) as s:
        emit_view(s, s.ledger.governance.proposal(args.proposal))
    return 0
