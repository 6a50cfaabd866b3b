"""`park-ledger keys new|import|list|export-public`: encrypted keystores in `<data_dir>/keys/`.

Passwords come from `PARK_LEDGER_KEY_PASSWORD` or a prompt that does not echo; they are never
printed or logged. `import` reads the private key from standard input, never from argv.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ledger.infra.config import get_settings
from ledger.infra.keys import KeyInfo, KeyStore, read_password


def register(commands: Any) -> None:
    """Add `keys` and its subcommands to the parser."""
    keys = commands.add_parser("keys", help="encrypted keystores of local signers")
    sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    for name, help_text, handler in (
        ("new", "create a key, encrypted with a password", run_new),
        ("import", "encrypt an existing private key read from stdin", run_import),
        ("list", "list the stored keys' addresses", run_list),
        ("export-public", "print a key's address and public key", run_export_public),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--dir", type=Path, default=None, help="keystore folder")
        cmd.add_argument("--json", action="store_true", help="machine-readable output")
        if name == "export-public":
            cmd.add_argument("address", help="the key's address")
        cmd.set_defaults(handler=handler)


def _store(args: argparse.Namespace) -> KeyStore:
    return KeyStore(args.dir or get_settings().data_dir / "keys")


def _show(args: argparse.Namespace, info: KeyInfo, extra: dict[str, str] | None = None) -> None:
    data = {"address": info.address, "path": str(info.path), **(extra or {})}
    if args.json:
        print(json.dumps(data))
    else:
        print("  ".join(data.values()))


def run_new(args: argparse.Namespace) -> int:
    """Create and store a new key."""
    password = read_password("password for the new key: ", confirm=True)
    _show(args, _store(args).new(password=password))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Encrypt a private key read from stdin."""
    if sys.stdin.isatty():
        print("paste the private key (0x…) and press Enter:", file=sys.stderr)
    private_key = sys.stdin.readline()
    password = read_password("password for the key: ", confirm=True)
    _show(args, _store(args).import_key(private_key=private_key, password=password))
    return 0


def run_list(args: argparse.Namespace) -> int:
    """List the stored keys."""
    found = _store(args).list()
    if args.json:
        print(json.dumps([{"address": k.address, "path": str(k.path)} for k in found]))
    else:
        for info in found:
            print(f"{info.address}  {info.path}")
    return 0


def run_export_public(args: argparse.Namespace) -> int:
    """Print a key's address and uncompressed public key (for evidence readers)."""
    store = _store(args)
    account = store.unlock(address=args.address, password=read_password("password: "))
    from eth_keys.datatypes import PrivateKey  # noqa: PLC0415 - deferred (start-up time)

    public = "0x" + PrivateKey(bytes(account.key)).public_key.to_bytes().hex()
    _show(args, KeyInfo(account.address, store.path_of(account.address)), {"public_key": public})
    return 0
