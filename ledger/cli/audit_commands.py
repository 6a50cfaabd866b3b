"""`park-ledger audit`: verify agreements from the chain and the deployment manifest alone."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import HTTPProvider, Web3

from ledger.audit import attest, run_audit, to_html, to_markdown
from ledger.cli.evidence_commands import load_key_file
from ledger.cli.progress import ProgressBar
from ledger.domain.errors import AuditError
from ledger.evidence.codec import parse_bytes32
from ledger.infra.compiler import compile_project
from ledger.infra.deploy import load_manifest
from ledger.infra.files import write_atomically
from ledger.infra.revert import ErrorDecoder

EXIT_FAILED = 2


def register(commands: Any) -> None:
    """Add `audit` to the parser."""
    cmd = commands.add_parser("audit", help="audit agreements from the chain alone")
    cmd.add_argument("--rpc", required=True, help="JSON-RPC URL of the node")
    cmd.add_argument("--deployment", type=Path, required=True, help="deployments/<chainId>.json")
    cmd.add_argument("--agreement", default=None, help="audit only this agreement id")
    cmd.add_argument("--out", type=Path, default=None, help="write the JSON report here")
    cmd.add_argument("--html", type=Path, default=None, help="write an HTML rendering here")
    cmd.add_argument("--attest", action="store_true", help="attest the result on chain")
    cmd.add_argument("--key-file", type=Path, default=None, help="auditor key (with --attest)")
    cmd.set_defaults(handler=run_audit_command)


def run_audit_command(args: argparse.Namespace) -> int:
    """Audit, write the report, optionally attest; 0 only when every check passed."""
    if args.attest and args.key_file is None:
        raise AuditError("--attest needs --key-file with the auditor's private key.")
    agreement = (
        "0x" + parse_bytes32(args.agreement, what="agreement id").hex() if args.agreement else None
    )
    deployment = load_manifest(args.deployment)
    w3 = Web3(HTTPProvider(args.rpc, request_kwargs={"timeout": 60}))
    artifacts = compile_project()
    abis = {name: artifacts[name].abi for name in deployment.contracts}
    bar = ProgressBar(label="auditing")
    try:
        report = run_audit(
            w3=w3, deployment=deployment, abis=abis, agreement=agreement, on_progress=bar
        )
    finally:
        bar.close()
    document = json.dumps(report.to_json(), indent=2) + "\n"
    if args.out:
        write_atomically(args.out, document.encode())
    if args.html:
        write_atomically(args.html, to_html(report).encode())
    print(to_markdown(report), end="")
    if args.attest and report.passed:
        auditor = Account.from_key(load_key_file(args.key_file).secret)
        decoder = ErrorDecoder(a.abi for a in artifacts.artifacts.values())
        for tx in attest(
            w3=w3, deployment=deployment, report=report, auditor=auditor, decoder=decoder
        ):
            print(f"attested in {tx}")
    return 0 if report.passed else EXIT_FAILED
