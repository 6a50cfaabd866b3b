"""`park-ledger contributions|revenue|commitments|proposals`: recording and confirming work,
money in and out, bonded commitments, and governance proposals with their votes."""

from __future__ import annotations

import argparse
import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ledger import validation as v
from ledger.cli.progress import ProgressBar
from ledger.cli.session import (
    Session,
    add_ledger_options,
    hash_arg,
    human,
    load_json,
    open_session,
    print_tx,
    signature_items,
)
from ledger.client import SignedRecords, batch_from_event
from ledger.errors import NotFoundError, ValidationError
from ledger.merkle import RecordedBatch
from ledger.structs import MAX_BATCH, ZERO_ADDRESS, AiProvenance, Contribution, VoteSignature

DAY = 86_400
ETHER = 10**18
UNITS = {"ether": ETHER, "eth": ETHER, "gwei": 10**9, "wei": 1}


def _cmd(sub: Any, name: str, help_text: str, handler: Any, *args: str, acting: bool = True) -> Any:
    """A subcommand with the common options and positional `args`."""
    cmd = sub.add_parser(name, help=help_text)
    add_ledger_options(cmd, acting=acting)
    for arg in args:
        cmd.add_argument(arg, type=int if arg in ("commitment", "proposal") else str)
    cmd.set_defaults(handler=handler)
    return cmd


def register(commands: Any) -> None:
    """Add `contributions`, `revenue`, `commitments` and `proposals` to the parser."""
    group = commands.add_parser("contributions", help="record, confirm and dispute work")
    sub = group.add_subparsers(dest="contributions_command", required=True, metavar="ACTION")
    cmd = _cmd(
        sub, "record", "record one contribution (you are the contributor)", run_record, "agreement"
    )
    cmd.add_argument("--kind", required=True, help="design, content_ip, technology, data, …")
    cmd.add_argument("--weight", type=int, required=True)
    cmd.add_argument("--evidence", required=True, help="evidence text, file or 0x-hash")
    cmd.add_argument("--ai", default="none", help="none|assisted|generated")
    cmd.add_argument("--accountable", default=None, help="the human party accountable for AI work")
    cmd = _cmd(
        sub,
        "record-batch",
        "record many contributions from a JSON or CSV file",
        run_record_batch,
        "agreement",
    )
    cmd.add_argument("file", type=Path, help="rows: kind, weight, evidence[, ai, accountable]")
    cmd.add_argument(
        "--batch-size", type=int, default=64, help=f"records per transaction (≤ {MAX_BATCH})"
    )
    cmd.add_argument(
        "--signed", action="store_true", help="FILE is a `sign records` output: relay it"
    )
    for name, help_text, handler in (
        ("confirm", "confirm a co-party's pending record", run_confirm),
        ("dispute", "dispute a co-party's pending record", run_dispute),
    ):
        cmd = _cmd(sub, name, help_text, handler, "agreement", "record")
    cmd.add_argument("--reason", required=True, help="reason text, file or 0x-hash")
    cmd = _cmd(
        sub,
        "show",
        "an agreement's records and their status",
        run_records,
        "agreement",
        acting=False,
    )
    cmd.add_argument("record", nargs="?", default=None, help="only this record id")

    group = commands.add_parser("revenue", help="deposits, claims and balances")
    sub = group.add_subparsers(dest="revenue_command", required=True, metavar="ACTION")
    cmd = _cmd(
        sub, "deposit", "deposit revenue (ETH, or the agreement's ERC-20)", run_deposit, "agreement"
    )
    cmd.add_argument("--amount", required=True, help="base units, or e.g. 1.5ether / 20gwei")
    cmd = _cmd(sub, "claim", "claim what you are owed", run_claim, "agreement")
    cmd.add_argument("--fund", action="store_true", help="pay the culture fund its share instead")
    cmd = _cmd(
        sub, "balance", "what parties are owed and claimed", run_balance, "agreement", acting=False
    )
    cmd.add_argument("account", nargs="?", default=None, help="default: every party")
    cmd = _cmd(
        sub, "set-payout", "send your future claims to another address", run_set_payout, "agreement"
    )
    cmd.add_argument("payout")

    group = commands.add_parser("commitments", help="responsibility commitments with bonds")
    sub = group.add_subparsers(dest="commitments_command", required=True, metavar="ACTION")
    cmd = _cmd(sub, "commit", "commit to a deliverable, optionally bonded", run_commit, "agreement")
    cmd.add_argument("--kind", default="deliverable", help="deliverable, quality_standard, …")
    cmd.add_argument("--description", required=True, help="description text, file or 0x-hash")
    cmd.add_argument("--deadline-days", type=int, required=True)
    cmd.add_argument("--bond", default="0", help="base units, or e.g. 0.5ether")
    cmd = _cmd(sub, "submit", "submit your deliverable", run_submit, "agreement", "commitment")
    cmd.add_argument("--deliverable", required=True, help="deliverable text, file or 0x-hash")
    _cmd(sub, "accept", "accept a co-party's deliverable", run_accept, "agreement", "commitment")
    _cmd(
        sub,
        "breach",
        "mark a commitment breached (after deadline + grace)",
        run_breach,
        "agreement",
        "commitment",
    )
    _cmd(sub, "show", "one commitment", run_commitment, "agreement", "commitment", acting=False)

    group = commands.add_parser("proposals", help="governance proposals and votes")
    sub = group.add_subparsers(dest="proposals_command", required=True, metavar="ACTION")
    cmd = _cmd(sub, "propose-amend", "new terms and shares", run_propose_amend, "agreement")
    cmd.add_argument("--terms", required=True)
    cmd.add_argument("--shares", required=True, help="bps per party, comma-separated")
    for name, handler in (
        ("propose-add-party", run_propose_add),
        ("propose-remove-party", run_propose_remove),
    ):
        cmd = _cmd(
            sub,
            name,
            name.removeprefix("propose-").replace("-", " "),
            handler,
            "agreement",
            "party",
        )
        cmd.add_argument("--shares", required=True, help="bps per resulting party, comma-separated")
    cmd = _cmd(
        sub,
        "propose-resolve-dispute",
        "settle a disputed record",
        run_propose_resolve,
        "agreement",
        "record",
    )
    cmd.add_argument("--outcome", required=True, help="accept|reject|accept_with_weight")
    cmd.add_argument("--weight", type=int, default=0, help="the new weight for accept_with_weight")
    cmd = _cmd(
        sub,
        "propose-extend-commitment",
        "move a commitment's deadline",
        run_propose_extend,
        "agreement",
        "commitment",
    )
    cmd.add_argument("--deadline-days", type=int, required=True, help="new deadline from now")
    _cmd(sub, "propose-terminate", "close the agreement", run_propose_terminate, "agreement")
    cmd = _cmd(sub, "vote", "vote by call, or relay signed votes", run_vote, "proposal")
    cmd.add_argument("--support", default=None, help="for|against|abstain (vote by call)")
    cmd.add_argument(
        "--signatures", type=Path, nargs="+", default=None, help="files from `sign vote`"
    )
    _cmd(sub, "execute", "execute a passed proposal", run_execute, "proposal")
    _cmd(sub, "show", "a proposal and its tallies", run_proposal, "proposal", acting=False)


def amount_arg(value: str) -> int:
    """An amount in base units: an integer, or a decimal with a unit (`1.5ether`, `20gwei`)."""
    text = value.strip().lower().replace("_", "")
    unit = next((u for u in UNITS if text.endswith(u)), "wei")
    try:
        amount = Decimal(text.removesuffix(unit) if text.endswith(unit) else text) * UNITS[unit]
    except InvalidOperation as err:
        raise ValidationError(f"amount {value!r}: expected e.g. 1000, 1.5ether or 20gwei") from err
    if amount != amount.to_integral_value() or amount < 0:
        raise ValidationError(f"amount {value!r} is not a whole number of base units")
    return int(amount)


def _hex_bytes(value: object, *, field: str) -> bytes:
    try:
        return bytes.fromhex(str(value).removeprefix("0x"))
    except ValueError as err:
        raise ValidationError(f"{field}: not valid hex") from err


def _shares(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",")]
    except ValueError as err:
        raise ValidationError(
            f"--shares {value}: expected bps per party, e.g. 5000,3000,2000"
        ) from err


def _contribution(row: dict[str, Any], where: str) -> Contribution:
    try:
        accountable = row.get("accountable") or ZERO_ADDRESS
        return Contribution(
            row["kind"],
            int(row["weight"]),
            hash_arg(str(row["evidence"])),
            v.member(AiProvenance, row.get("ai") or row.get("provenance") or "none", field="ai"),
            accountable,
        )
    except (KeyError, ValueError, TypeError) as err:
        raise ValidationError(f"{where}: needs kind, weight and evidence ({err})") from err
    except ValidationError as err:
        raise ValidationError(f"{where}: {err}") from err


def read_records(path: Path) -> list[Contribution]:
    """Contributions from a JSON list of objects or a CSV with a header row
    (`kind,weight,evidence[,ai,accountable]`); evidence is text, a file or a 0x-hash."""
    if path.suffix.lower() == ".csv":
        try:
            with path.open(newline="") as handle:
                rows: list[Any] = list(csv.DictReader(handle))
        except OSError as err:
            raise ValidationError(f"cannot read {path}: {err.strerror}") from err
    else:
        rows = load_json(path)
        if not isinstance(rows, list):
            raise ValidationError(f"{path}: expected a JSON list of records")
    if not rows:
        raise ValidationError(f"{path} holds no records")
    return [_contribution(row, f"{path} record {i + 1}") for i, row in enumerate(rows)]


# -- contributions ------------------------------------------------------------------------


def recorded_batches(s: Session, agreement_id: bytes) -> list[RecordedBatch]:
    """Every recorded batch of an agreement, rebuilt from its events (ids and proofs)."""
    return [
        batch_from_event(event)
        for event in s.ledger.logs("Contributions", "ContributionsRecorded", topics=[agreement_id])
    ]


def find_record(s: Session, agreement_id: bytes, record_id: bytes) -> tuple[RecordedBatch, int]:
    """The batch holding a record and its index there; NotFoundError when none does."""
    for batch in recorded_batches(s, agreement_id):
        if record_id in batch.record_ids:
            return batch, batch.record_ids.index(record_id)
    raise NotFoundError(f"agreement 0x{agreement_id.hex()} has no record 0x{record_id.hex()}")


def run_record(args: argparse.Namespace) -> int:
    """Record one contribution."""
    record = _contribution(
        {
            "kind": args.kind,
            "weight": args.weight,
            "evidence": args.evidence,
            "ai": args.ai,
            "accountable": args.accountable,
        },
        "the record",
    )
    with open_session(args) as s:
        result = s.ledger.contributions.record(
            agreement_id=args.agreement, record=record, sender=s.actor()
        )
        (batch,) = s.ledger.contributions.batches_in(result)
        print_tx(s, "recorded", result, recordId=batch.record_ids[0])
    return 0


def run_record_batch(args: argparse.Namespace) -> int:
    """Record the file's contributions in batches (or relay a signed batch)."""
    with open_session(args) as s:
        contributions = s.ledger.contributions
        if args.signed:
            (item,) = signature_items([args.file])
            signed = SignedRecords(
                v.bytes32(item["agreementId"], field="agreementId"),
                v.address(item["contributor"], field="contributor"),
                tuple(
                    Contribution(
                        r["kind"], r["weight"], r["evidenceHash"], r["provenance"], r["accountable"]
                    )
                    for r in item["records"]
                ),
                int(item["nonce"]),
                int(item["deadline"]),
                _hex_bytes(item["signature"], field="signature"),
            )
            result = contributions.record_by_signature(signed=signed, sender=s.actor())
            relayed = [rid for b in contributions.batches_in(result) for rid in b.record_ids]
            print_tx(s, f"relayed {len(relayed)} signed records", result, recordIds=relayed)
            return 0
        records = read_records(args.file)
        size = v.integer(args.batch_size, field="--batch-size", low=1, high=MAX_BATCH)
        sender = s.actor()
        bar = ProgressBar(label="recording")
        ids: list[bytes] = []
        try:
            for start in range(0, len(records), size):
                result = contributions.record_batch(
                    agreement_id=args.agreement,
                    records=records[start : start + size],
                    sender=sender,
                )
                ids += [rid for b in contributions.batches_in(result) for rid in b.record_ids]
                bar.count(done=len(ids), total=len(records), unit="records")
        finally:
            bar.close()
        s.emit(
            {"recordIds": ids, "batches": -(-len(records) // size)},
            [f"recorded {len(ids)} contributions", *(human(r) for r in ids)],
        )
    return 0


def run_confirm(args: argparse.Namespace) -> int:
    """Confirm a record."""
    with open_session(args) as s:
        aid, rid = (
            v.bytes32(args.agreement, field="agreement"),
            v.bytes32(args.record, field="record"),
        )
        batch, index = find_record(s, aid, rid)
        result = s.ledger.contributions.confirm(
            agreement_id=aid, proof=batch.proof(index), sender=s.actor()
        )
        status = s.ledger.contributions.status(aid, rid)
        print_tx(s, f"confirmed; record {human(status)}", result, status=status)
    return 0


def run_dispute(args: argparse.Namespace) -> int:
    """Dispute a record."""
    with open_session(args) as s:
        aid, rid = (
            v.bytes32(args.agreement, field="agreement"),
            v.bytes32(args.record, field="record"),
        )
        batch, index = find_record(s, aid, rid)
        result = s.ledger.contributions.dispute(
            agreement_id=aid,
            proof=batch.proof(index),
            reason_hash=hash_arg(args.reason),
            sender=s.actor(),
        )
        print_tx(s, "disputed; a resolve-dispute proposal settles it", result)
    return 0


def run_records(args: argparse.Namespace) -> int:
    """List an agreement's records (or one) with their state."""
    with open_session(args) as s:
        aid = v.bytes32(args.agreement, field="agreement")
        only = v.bytes32(args.record, field="record") if args.record else None
        rows: list[dict[str, Any]] = []
        for batch in recorded_batches(s, aid):
            for rid, record in zip(batch.record_ids, batch.records, strict=True):
                if only is None or rid == only:
                    state = s.ledger.contributions.record_state(aid, rid)
                    rows.append(
                        {
                            "recordId": rid,
                            "contributor": batch.contributor,
                            "record": record,
                            "status": state.status,
                            "confirmations": state.confirmations,
                        }
                    )
        if only is not None and not rows:
            raise NotFoundError(f"agreement 0x{aid.hex()} has no record 0x{only.hex()}")
        lines = [
            f"{human(r['recordId'])}  {r['contributor']}  {human(r['record'].kind)} "
            f"weight {r['record'].weight}"
            + (f" AI {human(r['record'].provenance)}" if r["record"].provenance else "")
            + f"  {human(r['status'])} ({r['confirmations']} confirmations)"
            for r in rows
        ]
        s.emit(rows, lines or "no records")
    return 0


# -- revenue ------------------------------------------------------------------------------


def run_deposit(args: argparse.Namespace) -> int:
    """Deposit revenue."""
    with open_session(args) as s:
        amount = amount_arg(args.amount)
        result = s.ledger.revenue.deposit(
            agreement_id=args.agreement, amount=amount, sender=s.actor()
        )
        print_tx(s, f"deposited {amount} base units", result, amount=amount)
    return 0


def run_claim(args: argparse.Namespace) -> int:
    """Claim (for the sender or the culture fund)."""
    with open_session(args) as s:
        revenue = s.ledger.revenue
        claim = revenue.claim_fund if args.fund else revenue.claim
        result = claim(agreement_id=args.agreement, sender=s.actor())
        event = result.event("RevenueFundClaimed" if args.fund else "RevenueClaimed")
        paid = int(event.args["amount"])
        print_tx(s, f"claimed {paid} base units", result, amount=paid)
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
        lines = [
            f"{b.account}  claimable {b.claimable}  claimed {b.claimed}  allocated {b.allocated}"
            + (f"  payout {b.payout}" if b.payout not in (b.account, ZERO_ADDRESS) else "")
            for b in balances
        ]
        lines.append(f"culture fund claimable {s.ledger.revenue.fund_claimable(aid)}")
        s.emit(balances, lines)
    return 0


def run_set_payout(args: argparse.Namespace) -> int:
    """Set the sender's payout address."""
    with open_session(args) as s:
        result = s.ledger.revenue.set_payout(
            agreement_id=args.agreement, payout=args.payout, sender=s.actor()
        )
        print_tx(s, f"claims now paid to {v.address(args.payout)}", result)
    return 0


# -- commitments --------------------------------------------------------------------------


def run_commit(args: argparse.Namespace) -> int:
    """Make a commitment."""
    with open_session(args) as s:
        result = s.ledger.commitments.commit(
            agreement_id=args.agreement,
            kind=args.kind,
            description_hash=hash_arg(args.description),
            deadline=s.ledger.timestamp() + args.deadline_days * DAY,
            bond=amount_arg(args.bond),
            sender=s.actor(),
        )
        cid = int(result.event("CommitmentMade").args["commitmentId"])
        print_tx(s, f"commitment {cid} made", result, commitmentId=cid)
    return 0


def run_submit(args: argparse.Namespace) -> int:
    """Submit a deliverable."""
    with open_session(args) as s:
        result = s.ledger.commitments.submit(
            agreement_id=args.agreement,
            commitment_id=args.commitment,
            deliverable_hash=hash_arg(args.deliverable),
            sender=s.actor(),
        )
        print_tx(s, "deliverable submitted", result)
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


def run_breach(args: argparse.Namespace) -> int:
    """Mark a commitment breached."""
    with open_session(args) as s:
        result = s.ledger.commitments.breach(
            agreement_id=args.agreement, commitment_id=args.commitment, sender=s.actor()
        )
        print_tx(s, "commitment breached; its bond goes to the co-parties", result)
    return 0


def run_commitment(args: argparse.Namespace) -> int:
    """Show a commitment."""
    with open_session(args) as s:
        found = s.ledger.commitments.get(args.agreement, args.commitment)
        s.emit(found, [f"{k}: {human(val)}" for k, val in vars(found).items()])
    return 0


# -- proposals ----------------------------------------------------------------------------


def _proposed(s: Session, result: Any) -> None:
    pid = int(result.event("ProposalCreated").args["proposalId"])
    print_tx(s, f"proposal {pid} created", result, proposalId=pid)


def run_propose_amend(args: argparse.Namespace) -> int:
    """Propose an amendment."""
    with open_session(args) as s:
        _proposed(
            s,
            s.ledger.governance.propose_amend(
                agreement_id=args.agreement,
                terms_hash=hash_arg(args.terms),
                shares_bps=_shares(args.shares),
                sender=s.actor(),
            ),
        )
    return 0


def run_propose_add(args: argparse.Namespace) -> int:
    """Propose adding a party."""
    with open_session(args) as s:
        _proposed(
            s,
            s.ledger.governance.propose_add_party(
                agreement_id=args.agreement,
                party=args.party,
                shares_bps=_shares(args.shares),
                sender=s.actor(),
            ),
        )
    return 0


def run_propose_remove(args: argparse.Namespace) -> int:
    """Propose removing a party."""
    with open_session(args) as s:
        _proposed(
            s,
            s.ledger.governance.propose_remove_party(
                agreement_id=args.agreement,
                party=args.party,
                shares_bps=_shares(args.shares),
                sender=s.actor(),
            ),
        )
    return 0


def run_propose_resolve(args: argparse.Namespace) -> int:
    """Propose a dispute resolution."""
    with open_session(args) as s:
        _proposed(
            s,
            s.ledger.governance.propose_resolve_dispute(
                agreement_id=args.agreement,
                record_id=args.record,
                outcome=args.outcome,
                new_weight=args.weight,
                sender=s.actor(),
            ),
        )
    return 0


def run_propose_extend(args: argparse.Namespace) -> int:
    """Propose extending a commitment."""
    with open_session(args) as s:
        _proposed(
            s,
            s.ledger.governance.propose_extend_commitment(
                agreement_id=args.agreement,
                commitment_id=args.commitment,
                new_deadline=s.ledger.timestamp() + args.deadline_days * DAY,
                sender=s.actor(),
            ),
        )
    return 0


def run_propose_terminate(args: argparse.Namespace) -> int:
    """Propose terminating the agreement."""
    with open_session(args) as s:
        _proposed(
            s, s.ledger.governance.propose_terminate(agreement_id=args.agreement, sender=s.actor())
        )
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


def run_execute(args: argparse.Namespace) -> int:
    """Execute a passed proposal."""
    with open_session(args) as s:
        result = s.ledger.governance.execute(proposal_id=args.proposal, sender=s.actor())
        print_tx(s, f"proposal {args.proposal} executed", result)
    return 0


def run_proposal(args: argparse.Namespace) -> int:
    """Show a proposal."""
    with open_session(args) as s:
        found = s.ledger.governance.proposal(args.proposal)
        s.emit(found, [f"{k}: {human(val)}" for k, val in vars(found).items()])
    return 0
