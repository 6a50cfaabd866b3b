"""`park-ledger contributions`: record (one, a batch from a JSON/CSV file with a progress bar,
or a relayed signed batch), confirm and dispute with proofs rebuilt from the chain's events."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from ledger.cli.progress import ProgressBar
from ledger.cli.session import (
    Session,
    hash_arg,
    human,
    load_json,
    open_session,
    print_tx,
    signature_items,
    subcommand,
)
from ledger.client import SignedRecords, batch_from_event
from ledger.domain import validation as v
from ledger.domain.errors import NotFoundError, ValidationError
from ledger.domain.merkle import RecordedBatch
from ledger.domain.structs import (
    MAX_BATCH,
    ZERO_ADDRESS,
    AiProvenance,
    Contribution,
    ContributionKind,
    RecordProof,
)


def register(commands: Any) -> None:
    """Add `contributions` to the parser."""
    group = commands.add_parser("contributions", help="record, confirm and dispute work")
    sub = group.add_subparsers(dest="contributions_command", required=True, metavar="ACTION")
    cmd = subcommand(
        sub, "record", "record one contribution (you are the contributor)", run_record, "agreement"
    )
    cmd.add_argument("--kind", required=True, help="design, content_ip, technology, data, …")
    cmd.add_argument("--weight", type=int, required=True)
    cmd.add_argument("--evidence", required=True, help="evidence text, file or 0x-hash")
    cmd.add_argument("--ai", default="none", help="none|assisted|generated")
    cmd.add_argument("--accountable", default=None, help="the human party accountable for AI work")
    cmd = subcommand(
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
        ("mature", "make a confirmed record count once its challenge window ended", run_mature),
        ("dispute", "dispute a co-party's pending or still-challengeable record", run_dispute),
    ):
        cmd = subcommand(sub, name, help_text, handler, "agreement", "record")
    cmd.add_argument("--reason", required=True, help="reason text, file or 0x-hash")
    cmd = subcommand(
        sub,
        "show",
        "an agreement's records and their status",
        run_records,
        "agreement",
        acting=False,
    )
    cmd.add_argument("record", nargs="?", default=None, help="only this record id")


def _hex_bytes(value: object, *, field: str) -> bytes:
    try:
        return bytes.fromhex(str(value).removeprefix("0x"))
    except ValueError as err:
        raise ValidationError(f"{field}: not valid hex") from err


COLUMNS = {
    "kind": "a contribution kind: " + ", ".join(k.name.lower() for k in ContributionKind),
    "weight": "a whole number of 1 or more",
    "evidence": "text, a file or a 0x-hash",
}


def _cell(row: dict[str, Any], column: str, where: str) -> str:
    value = row.get(column)
    if value is None or str(value).strip() == "":
        raise ValidationError(f"{where}, column {column}: empty; expected {COLUMNS[column]}")
    return str(value).strip()


def _contribution(row: dict[str, Any], where: str) -> Contribution:
    """One record, checked column by column before anything is signed or sent."""
    if not isinstance(row, dict):
        raise ValidationError(f"{where}: expected an object with kind, weight and evidence")
    kind = _cell(row, "kind", where)
    weight = _cell(row, "weight", where)
    if not weight.isdigit() or int(weight) < 1:
        raise ValidationError(f"{where}, column weight: {weight!r} is not {COLUMNS['weight']}")
    evidence = hash_arg(_cell(row, "evidence", where))
    try:
        kind_member = v.member(ContributionKind, kind, field="kind")
        ai = v.member(AiProvenance, row.get("ai") or row.get("provenance") or "none", field="ai")
        accountable = v.address(row.get("accountable") or ZERO_ADDRESS, field="accountable")
        record = Contribution(kind_member, int(weight), evidence, ai, accountable)
    except ValidationError as err:
        raise ValidationError(f"{where}, column {err}") from err
    # NOTE: the contract would refuse either mistake only after the batch was signed and sent.
    if ai != AiProvenance.NONE and accountable == ZERO_ADDRESS:
        raise ValidationError(
            f"{where}, column accountable: an AI-{ai.name.lower()} record needs the address of "
            "the accountable human party"
        )
    if ai == AiProvenance.NONE and accountable != ZERO_ADDRESS:
        raise ValidationError(
            f"{where}, column accountable: only an AI-assisted or AI-generated record names an "
            "accountable party; leave it empty or set the ai column"
        )
    return record


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
    # NOTE: a CSV's first data row is line 2 of the file, below its header.
    label, first = ("row", 2) if path.suffix.lower() == ".csv" else ("record", 1)
    return [_contribution(row, f"{path} {label} {i + first}") for i, row in enumerate(rows)]


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


def record_proof(s: Session) -> tuple[bytes, bytes, RecordProof]:
    """The agreement id, record id and Merkle proof named by the `agreement record` arguments."""
    aid = v.bytes32(s.args.agreement, field="agreement")
    rid = v.bytes32(s.args.record, field="record")
    batch, index = find_record(s, aid, rid)
    return aid, rid, batch.proof(index)


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
        print_tx(s, "recorded", result, record_id=batch.record_ids[0])
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
            print_tx(s, f"relayed {len(relayed)} signed records", result, record_ids=relayed)
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
            {"record_ids": ids, "batches": -(-len(records) // size)},
            [f"recorded {len(ids)} contributions", *(human(r) for r in ids)],
        )
    return 0


def run_confirm(args: argparse.Namespace) -> int:
    """Confirm a record."""
    with open_session(args) as s:
        aid, rid, proof = record_proof(s)
        result = s.ledger.contributions.confirm(agreement_id=aid, proof=proof, sender=s.actor())
        status = s.ledger.contributions.status(aid, rid)
        print_tx(s, f"confirmed; record {human(status)}", result, status=status)
    return 0


def run_mature(args: argparse.Namespace) -> int:
    """Make a confirmed record's weight count after its challenge window (anyone may)."""
    with open_session(args) as s:
        aid, _, proof = record_proof(s)
        result = s.ledger.contributions.mature(agreement_id=aid, proofs=[proof], sender=s.actor())
        print_tx(s, "matured; its weight counts", result)
    return 0


def run_dispute(args: argparse.Namespace) -> int:
    """Dispute a record."""
    with open_session(args) as s:
        aid, _, proof = record_proof(s)
        result = s.ledger.contributions.dispute(
            agreement_id=aid,
            proof=proof,
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
                            "record_id": rid,
                            "contributor": batch.contributor,
                            "record": record,
                            "status": state.status,
                            "confirmations": state.confirmations,
                        }
                    )
        if only is not None and not rows:
            raise NotFoundError(f"agreement 0x{aid.hex()} has no record 0x{only.hex()}")
        lines = [
            f"{human(r['record_id'])}  {r['contributor']}  {human(r['record'].kind)} "
            f"weight {r['record'].weight}"
            + (f" AI {human(r['record'].provenance)}" if r["record"].provenance else "")
            + f"  {human(r['status'])} ({r['confirmations']} confirmations)"
            for r in rows
        ]
        s.emit(rows, lines or "no records")
    return 0
