"""`park-ledger revenue|commitments`: deposits, claims, balances and payout addresses; bonded
commitments with deliverables, acceptances, rejections, arbitration, settlement and breaches."""

from __future__ import annotations

import argparse
from typing import Any

from ledger.cli.session import (
    emit_view,
    hash_arg,
    human,
    open_session,
    print_tx,
    subcommand,
    tx_command,
)
from ledger.domain import validation as v
from ledger.domain.amounts import format_amount, parse_amount
from ledger.domain.structs import ZERO_ADDRESS

DAY = 86_400


def register(commands: Any) -> None:
    """Add `revenue` and `commitments` to the parser."""
    group = commands.add_parser("revenue", help="deposits, claims and balances")
    sub = group.add_subparsers(dest="revenue_command", required=True, metavar="ACTION")
    cmd = subcommand(
        sub, "deposit", "deposit revenue (ETH, or the agreement's ERC-20)", run_deposit, "agreement"
    )
    cmd.add_argument(
        "--amount",
        required=True,
        help="with its unit: 2ether, 2.5 ETH, 20gwei, 1000wei; a token's: 2.5 MNT, 1000base",
    )
    cmd = subcommand(sub, "claim", "claim what you are owed", run_claim, "agreement")
    cmd.add_argument("--fund", action="store_true", help="pay the culture fund its share instead")
    cmd = subcommand(
        sub, "balance", "what parties are owed and claimed", run_balance, "agreement", acting=False
    )
    cmd.add_argument("account", nargs="?", default=None, help="default: every party")
    cmd = subcommand(
        sub, "set-payout", "send your future claims to another address", run_set_payout, "agreement"
    )
    cmd.add_argument("payout")

    group = commands.add_parser("commitments", help="responsibility commitments with bonds")
    sub = group.add_subparsers(dest="commitments_command", required=True, metavar="ACTION")
    cmd = subcommand(
        sub, "commit", "commit to a deliverable, optionally bonded", run_commit, "agreement"
    )
    cmd.add_argument("--kind", default="deliverable", help="deliverable, quality_standard, …")
    cmd.add_argument("--description", required=True, help="description text, file or 0x-hash")
    cmd.add_argument("--deadline-days", type=int, required=True)
    cmd.add_argument(
        "--bond", default="0", help="with its unit, e.g. 0.5ether or 10 MNT (default 0)"
    )
    cmd = subcommand(
        sub, "submit", "submit your deliverable", run_submit, "agreement", "commitment"
    )
    cmd.add_argument("--deliverable", required=True, help="deliverable text, file or 0x-hash")
    subcommand(
        sub, "accept", "accept a co-party's deliverable", run_accept, "agreement", "commitment"
    )
    cmd = subcommand(
        sub,
        "reject",
        "reject a co-party's deliverable within its review period (goes to arbitration)",
        run_reject,
        "agreement",
        "commitment",
    )
    cmd.add_argument("--reason", required=True, help="reason text, file or 0x-hash")
    subcommand(
        sub,
        "settle",
        "fulfil a deliverable nobody rejected within its review period",
        run_settle,
        "agreement",
        "commitment",
    )
    cmd = subcommand(
        sub,
        "arbitrate",
        "rule on a rejected deliverable (arbiter)",
        run_arbitrate,
        "agreement",
        "commitment",
    )
    cmd.add_argument("--ruling", required=True, choices=("fulfilled", "breached"))
    cmd.add_argument("--reason", required=True, help="ruling text, file or 0x-hash")
    subcommand(
        sub,
        "breach",
        "mark a commitment without a deliverable breached (after deadline + grace)",
        run_breach,
        "agreement",
        "commitment",
    )
    subcommand(
        sub, "show", "one commitment", run_commitment, "agreement", "commitment", acting=False
    )


# -- revenue ------------------------------------------------------------------------------


def run_deposit(args: argparse.Namespace) -> int:
    """Deposit revenue."""
    with open_session(args) as s:
        currency = s.ledger.revenue.currency(args.agreement)
        amount = parse_amount(args.amount, currency)
        result = s.ledger.revenue.deposit(
            agreement_id=args.agreement, amount=amount, sender=s.actor()
        )
        print_tx(s, f"deposited {format_amount(amount, currency)}", result, amount=str(amount))
    return 0


def run_claim(args: argparse.Namespace) -> int:
    """Claim (for the sender or the culture fund)."""
    with open_session(args) as s:
        revenue = s.ledger.revenue
        claim = revenue.claim_fund if args.fund else revenue.claim
        result = claim(agreement_id=args.agreement, sender=s.actor())
        event = result.event("RevenueFundClaimed" if args.fund else "RevenueClaimed")
        paid = int(event.args["amount"])
        currency = revenue.currency(args.agreement)
        print_tx(s, f"claimed {format_amount(paid, currency)}", result, amount=str(paid))
    return 0


def run_balance(args: argparse.Namespace) -> int:
    """Show balances."""
    with open_session(args) as s:
        aid = v.bytes32(args.agreement, field="agreement")
        accounts = (
            [args.account]
            if args.account
            else [p.account for p in s.ledger.agreements.parties(aid)]
        )
        balances = [s.ledger.revenue.balance(aid, a) for a in accounts]
        currency = s.ledger.revenue.currency(aid)

        def amount(units: int) -> str:
            return format_amount(units, currency)

        lines = [
            f"{b.account}  claimable {amount(b.claimable)}  claimed {amount(b.claimed)}  "
            f"allocated {amount(b.allocated)}"
            + (f"  payout {b.payout}" if b.payout not in (b.account, ZERO_ADDRESS) else "")
            for b in balances
        ]
        fund = s.ledger.revenue.fund_balance(aid)
        lines.append(
            f"culture fund  claimable {amount(fund.claimable)}  claimed {amount(fund.claimed)}  "
            f"allocated {amount(fund.allocated)}"
        )
        s.emit({"parties": balances, "culture_fund": fund}, lines)
    return 0


run_set_payout = tx_command(
    lambda s, a, sender: s.ledger.revenue.set_payout(
        agreement_id=a.agreement, payout=a.payout, sender=sender
    ),
    lambda a: f"claims now paid to {v.address(a.payout)}",
)


# -- commitments --------------------------------------------------------------------------


def run_commit(args: argparse.Namespace) -> int:
    """Make a commitment."""
    with open_session(args) as s:
        result = s.ledger.commitments.commit(
            agreement_id=args.agreement,
            kind=args.kind,
            description_hash=hash_arg(args.description),
            deadline=s.ledger.timestamp() + args.deadline_days * DAY,
            bond=parse_amount(args.bond, s.ledger.revenue.currency(args.agreement)),
            sender=s.actor(),
        )
        cid = int(result.event("CommitmentMade").args["commitmentId"])
        print_tx(s, f"commitment {cid} made", result, commitment_id=str(cid))
    return 0


def run_accept(args: argparse.Namespace) -> int:
    """Accept a deliverable."""
    with open_session(args) as s:
        commitments = s.ledger.commitments
        result = commitments.accept(
            agreement_id=args.agreement, commitment_id=args.commitment, sender=s.actor()
        )
        status = commitments.get(args.agreement, args.commitment).status
        print_tx(s, f"accepted; commitment {human(status)}", result, status=status)
    return 0


def run_commitment(args: argparse.Namespace) -> int:
    """Show a commitment."""
    with open_session(args) as s:
        emit_view(s, s.ledger.commitments.get(args.agreement, args.commitment))
    return 0


run_submit = tx_command(
    lambda s, a, sender: s.ledger.commitments.submit(
        agreement_id=a.agreement,
        commitment_id=a.commitment,
        deliverable_hash=hash_arg(a.deliverable),
        sender=sender,
    ),
    lambda a: f"deliverable for commitment {a.commitment} submitted",
)
run_reject = tx_command(
    lambda s, a, sender: s.ledger.commitments.reject(
        agreement_id=a.agreement,
        commitment_id=a.commitment,
        reason_hash=hash_arg(a.reason),
        sender=sender,
    ),
    lambda a: f"deliverable of commitment {a.commitment} rejected; it goes to arbitration",
)
run_settle = tx_command(
    lambda s, a, sender: s.ledger.commitments.settle(
        agreement_id=a.agreement, commitment_id=a.commitment, sender=sender
    ),
    lambda a: f"commitment {a.commitment} fulfilled after its review; its bond is released",
)
run_arbitrate = tx_command(
    lambda s, a, sender: s.ledger.commitments.arbitrate(
        agreement_id=a.agreement,
        commitment_id=a.commitment,
        ruling=a.ruling,
        ruling_hash=hash_arg(a.reason),
        sender=sender,
    ),
    lambda a: f"commitment {a.commitment} ruled {a.ruling}",
)
run_breach = tx_command(
    lambda s, a, sender: s.ledger.commitments.breach(
        agreement_id=a.agreement, commitment_id=a.commitment, sender=sender
    ),
    lambda a: f"commitment {a.commitment} breached; its bond goes to the co-parties",
)
