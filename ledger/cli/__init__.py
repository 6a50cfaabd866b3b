"""`park-ledger`: the command line. Errors print as one sentence with a non-zero exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from importlib.metadata import entry_points, version
from typing import NoReturn

from ledger.domain.errors import LedgerError

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130
PLUGIN_GROUP = "park_ledger.commands"

# NOTE: each module of ledger.cli with the commands it registers and their one-line help, in
# `--help` order. Only the module of the command being run is imported (they pull in web3,
# eth-tester, py-evm, SQLAlchemy); the others are listed from here. A test keeps this table
# equal to what the modules register.
COMMANDS: dict[str, dict[str, str]] = {
    "chain_commands": {
        "compile": "compile the contracts (cached)",
        "deploy": "deploy the suite (or verify an existing deployment)",
        "node": "run the managed anvil node in the foreground (state kept in the data dir)",
    },
    "evidence_commands": {"evidence": "encrypted evidence documents"},
    "index_commands": {"index": "index the suite's events into SQL (resumable, reorg-safe)"},
    "audit_commands": {"audit": "audit agreements from the chain alone"},
    "keys_commands": {"keys": "encrypted keystores of local signers"},
    "agreement_commands": {
        "participants": "the park registry",
        "agreements": "multi-party agreements",
        "sign": "EIP-712 payloads and signatures for offline signing",
    },
    "record_commands": {"contributions": "record, confirm and dispute work"},
    "revenue_commands": {
        "revenue": "deposits, claims and balances",
        "commitments": "responsibility commitments with bonds",
    },
    "proposal_commands": {"proposals": "governance proposals and votes"},
    "workflow_commands": {
        "outbox": "the relayer's durable outbox",
        "status": "the chain, the deployment and its block",
        "demo": "populate a digital heritage exhibition example on a local chain (dev accounts)",
    },
}


class OneSentenceParser(argparse.ArgumentParser):
    """argparse whose usage errors are one sentence with exit code 1, like every other error."""

    def error(self, message: str) -> NoReturn:
        """Print `prog: message` and a pointer to `--help`, then exit 1."""
        self.exit(EXIT_ERROR, f"park-ledger: {message} (see `{self.prog} --help`)\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered.

    A command's module (and plugin commands, the API's `serve`) is imported only when `argv`
    names one of its commands, so every command starts fast and keeps working whatever state
    the other modules and the layers above are in.
    """
    parser = OneSentenceParser(
        prog="park-ledger",
        description="Park Ledger: collaboration governance ledger for creative-industry parks.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument(
        "--version", action="version", version=f"park-ledger {version('park-ledger')}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    words = set(sys.argv[1:] if argv is None else argv)
    for module, helps in COMMANDS.items():
        if words & set(helps):
            import_module(f"{__name__}.{module}").register(commands)
            continue
        for name, text in helps.items():
            commands.add_parser(name, help=text)
    for plugin in entry_points(group=PLUGIN_GROUP):
        if plugin.name in words:
            plugin.load()(commands)
        else:
            commands.add_parser(plugin.name, help=f"see `park-ledger {plugin.name} --help`")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args) or 0)
    except LedgerError as err:
        print(f"park-ledger: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("park-ledger: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # NOTE: the reader (e.g. `| head`) went away; silence the flush at exit too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
