"""`park-ledger participants|agreements|sign`: the registry, agreements and their consents, and
EIP-712 payloads and signatures for offline signing (wallets, Safes, other machines)."""

from __future__ import annotations

import argparse
import json
import secrets
from pathlib import Path
from typing import Any

from ledger.cli.record_commands import read_records
from ledger.cli.session import (
    Session,
    emit_view,
    hash_arg,
    human,
    open_session,
    percent,
    print_tx,
    signature_items,
    subcommand,
    tx_command,
)
from ledger.domain import signing
from ledger.domain import validation as v
from ledger.domain.errors import NotFoundError, ValidationError
from ledger.domain.structs import (
    DEFAULT_CHALLENGE_WINDOW,
    ZERO_HASH,
    AgreementParams,
    AgreementStatus,
    ConsentSignature,
    ParticipantKind,
    ParticipantStatus,
    RevenueMode,
    VotingMode,
)

DAY = 86_400
SIGNATURE_TTL_S = DAY


def register(commands: Any) -> None:
    """Add `participants`, `agreements` and `sign` to the parser."""
    _register_participants(commands)
    _register_agreements(commands)
    _register_sign(commands)


def _register_participants(commands: Any) -> None:
    """`participants`: the registry's commands."""
    people = commands.add_parser("participants", help="the park registry")
    sub = people.add_subparsers(dest="participants_command", required=True, metavar="ACTION")
    cmd = subcommand(sub, "register", "register a participant (registrar)", run_register)
    cmd.add_argument("account", help="the participant's address")
    cmd.add_argument(
        "--kind", required=True, help=", ".join(k.name.lower() for k in ParticipantKind)
    )
    cmd.add_argument("--profile", required=True, help="profile text, file or 0x-hash")
    subcommand(sub, "list", "registered participants", run_participants, acting=False)
    cmd = subcommand(sub, "show", "one participant", run_participant, acting=False)
    cmd.add_argument("account")
    cmd = subcommand(sub, "suspend", "suspend a participant (registrar)", run_suspend)
    cmd.add_argument("account")
    cmd.add_argument("--reason", default=None, help="reason text, file or 0x-hash")
    cmd = subcommand(sub, "reinstate", "reinstate a participant (registrar)", run_reinstate)
    cmd.add_argument("account")

    cmd = subcommand(sub, "grant-role", "grant a park role (admin)", run_grant_role)
    cmd.add_argument("role", choices=("registrar", "auditor", "arbiter"))
    cmd.add_argument("account")
    cmd = subcommand(sub, "set-fund", "set the park culture-fund address (admin)", run_set_fund)
    cmd.add_argument("fund")
    cmd = subcommand(sub, "admit-token", "admit an ERC-20 for deposits (admin)", run_admit)
    cmd.add_argument("token")
    cmd.add_argument("--withdraw", action="store_true", help="withdraw the admission instead")


def _register_agreements(commands: Any) -> None:
    """`agreements`: propose, read and consent."""
    agreements = commands.add_parser("agreements", help="multi-party agreements")
    sub = agreements.add_subparsers(dest="agreements_command", required=True, metavar="ACTION")
    cmd = subcommand(sub, "propose", "propose an agreement (you consent by proposing)", run_propose)
    cmd.add_argument(
        "--party", action="append", required=True, metavar="ADDRESS:BPS", help="repeat per party"
    )
    cmd.add_argument("--terms", required=True, help="terms text, file or 0x-hash")
    cmd.add_argument("--salt", default=None, help="salt text or 0x-hash (default: random)")
    cmd.add_argument("--fund-share", type=int, default=0, help="culture-fund share in bps")
    cmd.add_argument("--confirmations", type=int, default=1, help="confirmations per record")
    cmd.add_argument("--mode", default="fixed_shares", help="fixed_shares|contribution_weighted")
    cmd.add_argument(
        "--voting", default="one_party_one_vote", help="one_party_one_vote|share_weighted"
    )
    cmd.add_argument("--voting-period", type=int, default=3 * DAY, help="seconds")
    cmd.add_argument(
        "--challenge-window",
        type=int,
        default=DEFAULT_CHALLENGE_WINDOW,
        help="seconds a confirmed record stays disputable before its weight counts",
    )
    cmd.add_argument("--max-record-weight", type=int, default=0, help="0 = no per-record cap")
    cmd.add_argument(
        "--max-period-weight", type=int, default=0, help="per contributor and period; 0 = none"
    )
    cmd.add_argument("--cap-period", type=int, default=0, help="seconds (with --max-period-weight)")
    cmd.add_argument("--consent-days", type=int, default=7, help="days to gather consents")
    cmd.add_argument("--token", default=None, help="ERC-20 address (default: ETH)")
    subcommand(
        sub, "show", "an agreement's terms and parties", run_agreement, "agreement", acting=False
    )
    cmd = subcommand(
        sub, "list", "agreements, optionally of one party", run_agreements, acting=False
    )
    cmd.add_argument("--party", default=None, help="only agreements with this party")
    cmd = subcommand(
        sub, "consent", "consent by call, or relay signed consents", run_consent, "agreement"
    )
    cmd.add_argument(
        "--signatures",
        type=Path,
        nargs="+",
        default=None,
        help="files written by `sign consent` (relay them)",
    )


def _register_sign(commands: Any) -> None:
    """`sign`: EIP-712 payloads and signatures for offline signing."""
    sign = commands.add_parser("sign", help="EIP-712 payloads and signatures for offline signing")
    sub = sign.add_subparsers(dest="sign_command", required=True, metavar="INTENT")
    subcommand(sub, "consent", "consent to the current version", run_sign_consent, "agreement")
    cmd = subcommand(sub, "vote", "a vote on a proposal", run_sign_vote, "proposal")
    cmd.add_argument("--support", required=True, help="for|against|abstain")
    cmd = subcommand(sub, "records", "a batch of contributions", run_sign_records, "agreement")
    cmd.add_argument("file", type=Path, help="records file (see `contributions record-batch`)")
    for name in ("consent", "vote", "records"):
        sub.choices[name].add_argument(
            "--signer", default=None, help="print only the typed data this address would sign"
        )
        sub.choices[name].add_argument(
            "--ttl", type=int, default=SIGNATURE_TTL_S, help="seconds the signature stays valid"
        )


# -- participants -------------------------------------------------------------------------


def run_register(args: argparse.Namespace) -> int:
    """Register a participant."""
    with open_session(args) as s:
        result = s.ledger.registry.register(
            account=args.account,
            kind=args.kind,
            profile_hash=hash_arg(args.profile),
            sender=s.actor(),
        )
        print_tx(s, f"registered {v.address(args.account)}", result)
    return 0


def run_participants(args: argparse.Namespace) -> int:
    """List participants from the registry's events, with their current state."""
    with open_session(args) as s:
        seen = dict.fromkeys(
            str(e.args["account"]) for e in s.ledger.logs("ParkRegistry", "ParticipantRegistered")
        )
        found = [s.ledger.registry.participant(a) for a in seen]
        lines = [f"{p.account}  {human(p.kind):<20} {human(p.status)}" for p in found]
        s.emit(found, lines or "no participants")
    return 0


def run_participant(args: argparse.Namespace) -> int:
    """Show one participant."""
    with open_session(args) as s:
        found = s.ledger.registry.participant(args.account)
        if found.status == ParticipantStatus.NONE:
            raise NotFoundError(f"no participant {found.account}")
        emit_view(s, found)
    return 0


def _reason(args: argparse.Namespace) -> bytes:
    return hash_arg(args.reason) if args.reason else ZERO_HASH


run_suspend = tx_command(
    lambda s, a, sender: s.ledger.registry.suspend(
        account=a.account, reason_hash=_reason(a), sender=sender
    ),
    lambda a: f"suspended {v.address(a.account)}",
)
run_reinstate = tx_command(
    lambda s, a, sender: s.ledger.registry.reinstate(account=a.account, sender=sender),
    lambda a: f"reinstated {v.address(a.account)}",
)
run_grant_role = tx_command(
    lambda s, a, sender: s.ledger.registry.grant_role(
        role=a.role, account=a.account, sender=sender
    ),
    lambda a: f"{v.address(a.account)} is now {a.role}",
)
run_set_fund = tx_command(
    lambda s, a, sender: s.ledger.registry.set_culture_fund(fund=a.fund, sender=sender),
    lambda a: f"culture fund set to {v.address(a.fund)}",
)
run_admit = tx_command(
    lambda s, a, sender: s.ledger.registry.set_token_admitted(
        token=a.token, admitted=not a.withdraw, sender=sender
    ),
    lambda a: f"{v.address(a.token)} {'withdrawn' if a.withdraw else 'admitted'}",
)


# -- agreements ---------------------------------------------------------------------------


def _party(value: str) -> tuple[str, int]:
    address, sep, share = value.rpartition(":")
    if not sep or not share.isdigit():
        raise ValidationError(f"--party {value}: expected ADDRESS:BPS, e.g. 0xAbc…:5000")
    return address, int(share)


def _salt(value: str | None) -> bytes:
    return secrets.token_bytes(32) if value is None else hash_arg(value)


def run_propose(args: argparse.Namespace) -> int:
    """Propose an agreement and print its id."""
    parties = [_party(p) for p in args.party]
    with open_session(args) as s:
        sender = s.actor()
        params = AgreementParams(
            parties=[p for p, _ in parties],
            shares_bps=[share for _, share in parties],
            terms_hash=hash_arg(args.terms),
            consent_deadline=s.ledger.timestamp() + args.consent_days * DAY,
            revenue_mode=v.member(RevenueMode, args.mode, field="--mode"),
            fund_share_bps=args.fund_share,
            confirmations_required=args.confirmations,
            voting_mode=v.member(VotingMode, args.voting, field="--voting"),
            voting_period=args.voting_period,
            challenge_window=args.challenge_window,
            max_record_weight=args.max_record_weight,
            max_period_weight=args.max_period_weight,
            cap_period=args.cap_period,
            **({"token": args.token} if args.token else {}),
        )
        salt = _salt(args.salt)
        result = s.ledger.agreements.propose(params=params, salt=salt, sender=sender)
        aid = s.ledger.agreements.agreement_id_of(proposer=sender.address, salt=salt)
        print_tx(
            s, "proposed", result, agreement_id=aid, salt=salt, params_hash=params.params_hash()
        )
    return 0


def run_agreement(args: argparse.Namespace) -> int:
    """Show an agreement."""
    with open_session(args) as s:
        found = s.ledger.agreements.get(args.agreement)
        terms = found.terms
        if terms.status == AgreementStatus.NONE:
            raise NotFoundError(f"no agreement {human(found.agreement_id)}")
        lines = [
            f"agreement {human(found.agreement_id)}: {human(terms.status)} "
            f"(version {terms.version})",
            f"  revenue {human(terms.revenue_mode)}, culture fund {percent(terms.fund_share_bps)}, "
            f"token {terms.token}",
            f"  consents {terms.consent_count}/{terms.party_count}, confirmations per record "
            f"{terms.confirmations_required}, voting {human(terms.voting_mode)}",
            *(f"  party {p.index}: {p.account}  {percent(p.share_bps)}" for p in found.parties),
            f"  head {human(found.head)}",
        ]
        s.emit(found, lines)
    return 0


def run_agreements(args: argparse.Namespace) -> int:
    """List agreements (from `AgreementProposed`), optionally those of one party."""
    with open_session(args) as s:
        party = v.address(args.party, field="--party") if args.party else None
        rows = []
        for event in s.ledger.logs("Agreements", "AgreementProposed"):
            aid = v.bytes32(event.args["agreementId"])
            if party is not None and s.ledger.agreements.party(aid, party) is None:
                continue
            rows.append({"agreement_id": aid, "status": s.ledger.agreements.status(aid)})
        lines = [f"{human(r['agreementId'])}  {human(r['status'])}" for r in rows]
        s.emit(rows, lines or "no agreements")
    return 0


def run_consent(args: argparse.Namespace) -> int:
    """Consent by call (as --as) or relay signed consents."""
    with open_session(args) as s:
        agreements = s.ledger.agreements
        if args.signatures is None:
            result = agreements.consent(agreement_id=args.agreement, sender=s.actor())
        else:
            signatures = [
                ConsentSignature(i["signer"], int(i["nonce"]), int(i["deadline"]), i["signature"])
                for i in signature_items(args.signatures)
            ]
            result = agreements.consent_by_signatures(
                agreement_id=args.agreement, signatures=signatures, sender=s.actor()
            )
        status = agreements.status(args.agreement)
        print_tx(s, f"consent recorded; agreement {human(status)}", result, status=status)
    return 0


# -- offline signing ----------------------------------------------------------------------


def _emit_signature(s: Session, typed: signing.TypedData, fields: dict[str, Any]) -> None:
    """Print typed data alone (--signer) or signed by --as, as JSON the relaying commands read."""
    if s.args.signer:
        print(json.dumps(typed, indent=2))
        return
    signature = signing.sign(typed, s.actor())
    data = {**fields, "signature": "0x" + signature.hex(), "typedData": typed}
    print(json.dumps(data, indent=2) if s.args.json else json.dumps(data))


def _signer(s: Session) -> str:
    return v.address(s.args.signer, field="--signer") if s.args.signer else s.actor().address


def run_sign_consent(args: argparse.Namespace) -> int:
    """Sign (or print) a consent to the agreement's current version."""
    with open_session(args) as s:
        signer = _signer(s)
        deadline = s.ledger.timestamp() + args.ttl
        typed = s.ledger.agreements.consent_typed_data(
            agreement_id=args.agreement, signer=signer, deadline=deadline
        )
        nonce = typed["message"]["nonce"]
        _emit_signature(s, typed, {"signer": signer, "nonce": nonce, "deadline": deadline})
    return 0


def run_sign_vote(args: argparse.Namespace) -> int:
    """Sign (or print) a vote on a proposal."""
    with open_session(args) as s:
        voter = _signer(s)
        deadline = s.ledger.timestamp() + args.ttl
        typed = s.ledger.governance.vote_typed_data(
            proposal_id=args.proposal, voter=voter, support=args.support, deadline=deadline
        )
        message = typed["message"]
        fields = {
            "voter": voter,
            "support": int(message["support"]),
            "nonce": message["nonce"],
            "deadline": deadline,
        }
        _emit_signature(s, typed, fields)
    return 0


def run_sign_records(args: argparse.Namespace) -> int:
    """Sign (or print) a batch of contributions for a relayer."""
    records = read_records(args.file)
    with open_session(args) as s:
        contributor = _signer(s)
        aid = v.bytes32(args.agreement, field="agreement")
        deadline = s.ledger.timestamp() + args.ttl
        typed = s.ledger.contributions.records_typed_data(
            agreement_id=aid, contributor=contributor, records=records, deadline=deadline
        )
        fields = {
            "agreementId": "0x" + aid.hex(),
            "contributor": contributor,
            "records": [r.as_eip712() for r in records],
            "nonce": typed["message"]["nonce"],
            "deadline": deadline,
        }
        _emit_signature(s, typed, fields)
    return 0
