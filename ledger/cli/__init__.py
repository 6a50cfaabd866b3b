"""`park-ledger`: the command line. Errors print as one sentence with a non-zero exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points, version
from typing import NoReturn

from ledger.cli import (
    audit_commands,
    chain_commands,
    evidence_commands,
    index_commands,
    keys_commands,
    workflow_commands,
)
from ledger.errors import LedgerError

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130
PLUGIN_GROUP = "park_ledger.commands"


class OneSentenceParser(argparse.ArgumentParser):
    """argparse whose usage errors are one sentence with exit code 1, like every other error."""

    def error(self, message: str) -> NoReturn:
        """Print `prog: message` and a pointer to `--help`, then exit 1."""
        self.exit(EXIT_ERROR, f"park-ledger: {message} (see `{self.prog} --help`)\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered.

    Plugin commands (the API's `serve`) are imported only when `argv` asks for one, so the
    core commands start fast and keep working whatever state the layers above are in.
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
    chain_commands.register(commands)
    evidence_commands.register(commands)
    index_commands.register(commands)
    audit_commands.register(commands)
    keys_commands.register(commands)
    workflow_commands.register(commands)
    words = set(sys.argv[1:] if argv is None else argv)
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
