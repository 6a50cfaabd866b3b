"""The collaboration workflow on the command line: `participants`, `agreements`, `sign`,
`contributions`, `revenue`, `commitments`, `proposals`, `outbox status`, `status` and `demo`.

Each command opens the chain (`--chain memory|anvil` or `--rpc URL`) and the deployment in
`--deployments`, acts as `--as` (keystore address, key file or `dev:N`) and prints human lines,
or JSON with `--json`. Errors are one sentence with exit code 1 (ledger/cli/__init__.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ledger.app.services import OUTBOX_FILE
from ledger.cli.session import add_ledger_options, human, open_session
from ledger.dev.demo import CAST_SIZE, DemoCast, run_demo
from ledger.domain.amounts import format_amount
from ledger.domain.errors import ConfigurationError
from ledger.infra.config import get_settings
from ledger.writes.relayer.outbox import Outbox


def register(commands: Any) -> None:
    """Add `outbox`, `status` and `demo` to the parser."""
    outbox = commands.add_parser("outbox", help="the relayer's durable outbox")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    status_cmd = outbox_sub.add_parser("status", help="status of one journaled intent")
    status_cmd.add_argument("entry_id", type=int, metavar="ID", help="the outbox entry id")
    status_cmd.add_argument(
        "--outbox", type=Path, default=None, help=f"outbox file (default: <data dir>/{OUTBOX_FILE})"
    )
    status_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    status_cmd.set_defaults(handler=run_outbox_status)

    chain_status = commands.add_parser("status", help="the chain, the deployment and its block")
    add_ledger_options(chain_status, acting=False)
    chain_status.set_defaults(handler=run_status)

    demo = commands.add_parser(
        "demo",
        help="populate a digital heritage exhibition example on a local chain (dev accounts)",
    )
    add_ledger_options(demo, acting=False)
    demo.set_defaults(handler=run_demo_command)


def run_outbox_status(args: argparse.Namespace) -> int:
    """Print one outbox entry: status, transaction, failure."""
    path = args.outbox or get_settings().data_dir / OUTBOX_FILE
    if not path.is_file():
        raise ConfigurationError(f"no outbox at {path}: nothing was submitted through the relayer")
    outbox = Outbox(path)
    try:
        entry = outbox.get(args.entry_id)
    finally:
        outbox.close()
    data = {
        "id": entry.id,
        "kind": entry.kind,
        "status": entry.status.value,
        "attempts": entry.attempts,
        "tx_hash": entry.tx_hash,
        "sender": entry.sender,
        "nonce": entry.nonce,
        "block_number": entry.block_number,
        "failure": None
        if entry.failure is None
        else {"name": entry.failure.name, "arguments": entry.failure.arguments},
    }
    if args.json:
        print(human(data))
        return 0
    line = f"entry {entry.id} ({entry.kind}): {entry.status.value}"
    if entry.tx_hash:
        line += f", tx {entry.tx_hash} from {entry.sender} nonce {entry.nonce}"
    if entry.block_number is not None:
        line += f", block {entry.block_number}"
    if entry.failure is not None:
        line += f", failed: {entry.failure.name}({human(entry.failure.arguments)})"
    print(line)
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Print the chain id, head block and the deployed contracts."""
    with open_session(args) as session:
        ledger = session.ledger
        block = session.chain.w3.eth.get_block("latest")
        data: dict[str, Any] = {
            "chain_id": ledger.chain_id,
            "block": int(block["number"]),
            "timestamp": int(block["timestamp"]),
            "deployer": ledger.deployment.deployer,
            "contracts": {name: c.address for name, c in ledger.deployment.contracts.items()},
        }
        lines = [
            f"chain {data['chain_id']} at block {data['block']} (time {data['timestamp']})",
            f"deployment by {data['deployer']}, verified:",
            *(f"  {name:<16} {address}" for name, address in data["contracts"].items()),
        ]
        session.emit(data, lines)
    return 0


def run_demo_command(args: argparse.Namespace) -> int:
    """Run the digital heritage exhibition example and print its summary."""
    with open_session(args, deploy=True) as session:
        cast = DemoCast.from_accounts([session.dev_account(i) for i in range(CAST_SIZE)])
        summary = run_demo(ledger=session.ledger, cast=cast)
        confirmed = sum(1 for s in summary.records.values() if s.name == "CONFIRMED")
        lines = [
            f"Digital Heritage Exhibition 数字文化遗产展 — run {summary.run}",
            f"agreement  {human(summary.agreement_id)}  ({human(summary.status)})",
            f"head       {human(summary.head)}",
            *(f"party      {role:<7}{address}" for role, address in summary.parties.items()),
            f"records    {confirmed}/{len(summary.records)} confirmed "
            f"(dispute settled by proposal {summary.proposal_id}: "
            f"{human(summary.proposal_status)})",
            f"commitment {summary.commitment_id}: {human(summary.commitment_status)} "
            "(bond returned to the firm)",
            f"revenue    {format_amount(summary.deposited)} deposited; claimed: "
            + ", ".join(f"{role} {format_amount(wei)}" for role, wei in summary.claimed.items())
            + f", culture fund {format_amount(summary.fund_claimed)}",
            f"books      {'balanced' if summary.balanced else 'NOT balanced'}",
        ]
        session.emit(summary, lines)
    return 0
