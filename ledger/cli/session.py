"""What every workflow command shares: the common options, opening the typed client on the
chosen chain, resolving the acting party (`--as`), parsing hashes, and human or JSON output."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger.cli.chain_commands import add_chain_options
from ledger.client import Ledger, TxResult
from ledger.domain import validation as v
from ledger.domain.amounts import uint256_fields
from ledger.domain.errors import ConfigurationError, RevertError, ValidationError
from ledger.infra.chain import ChainBackend
from ledger.infra.chain.base import DEV_CHAIN_IDS, dev_accounts
from ledger.infra.chain.factory import default_sender, open_chain
from ledger.infra.compiler import compile_project
from ledger.infra.config import LedgerSettings, get_settings
from ledger.infra.deploy import deploy_suite, load_manifest, manifest_path
from ledger.infra.keys import KeyStore, load_key_file, read_password

DEV_PREFIX = "dev:"
_HEX32 = re.compile(r"^0x[0-9a-fA-F]{64}$")


def add_ledger_options(parser: argparse.ArgumentParser, *, acting: bool = True) -> None:
    """`--chain/--rpc`, `--deployments`, `--json` and (for writes) `--as`."""
    add_chain_options(parser)
    parser.add_argument(
        "--deployments", type=Path, default=None, help="manifest directory (default: ./deployments)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    if acting:
        parser.add_argument(
            "--as",
            "--private-key",
            dest="acting",
            metavar="WHO",
            default=None,
            help="the acting party: a keystore ADDRESS (<data dir>/keys), a KEYFILE, "
            "dev:N (development account N on a local chain) or a 0x private key",
        )


def subcommand(
    sub: Any, name: str, help_text: str, handler: Any, *positionals: str, acting: bool = True
) -> argparse.ArgumentParser:
    """A subcommand with the common options, `positionals` (ids of commitments and proposals
    are integers) and its handler."""
    cmd: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
    add_ledger_options(cmd, acting=acting)
    for positional in positionals:
        cmd.add_argument(positional, type=int if positional in ("commitment", "proposal") else str)
    cmd.set_defaults(handler=handler)
    return cmd


def hash_arg(value: str) -> bytes:
    """A 32-byte commitment from the command line: 0x + 64 hex digits as is, the keccak of a
    file's bytes when `value` names a file, else the keccak of the text itself."""
    if _HEX32.match(value):
        return bytes.fromhex(value[2:])
    path = Path(value)
    if path.is_file():
        return bytes(keccak(path.read_bytes()))
    return bytes(keccak(text=value))


def to_json(value: Any) -> Any:
    """Client values as JSON: dataclasses as objects, `Uint256` fields as decimal strings (as the
    API serves them), enums by name, bytes as 0x-hex."""
    if is_dataclass(value) and not isinstance(value, type):
        wide = uint256_fields(type(value))
        return {
            f.name: _wide(getattr(value, f.name))
            if f.name in wide
            else to_json(getattr(value, f.name))
            for f in fields(value)
        }
    if isinstance(value, IntEnum):
        return value.name.lower()
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): to_json(item) for k, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


def _wide(value: Any) -> Any:
    """A uint256 (or the uint256 values of a dict or list) as decimal strings; None stays null."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _wide(item) for k, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_wide(item) for item in value]
    return str(int(value))


def human(value: Any) -> str:
    """One value as a person reads it (enums by name, bytes as hex)."""
    rendered = to_json(value)
    return rendered if isinstance(rendered, str) else json.dumps(rendered, ensure_ascii=False)


def percent(bps: int) -> str:
    """Basis points as the dashboard shows them: percent with two decimals."""
    return f"{bps / 100:.2f}%"


@dataclass
class Session:
    """An open chain, the client of the deployed suite on it, and the command's arguments."""

    chain: ChainBackend
    ledger: Ledger
    settings: LedgerSettings
    args: argparse.Namespace

    @property
    def is_dev_chain(self) -> bool:
        """Whether this is a local development chain, whose dev accounts are public."""
        return self.args.rpc is None or self.chain.chain_id in DEV_CHAIN_IDS

    def dev_account(self, index: int) -> LocalAccount:
        """Development account `index` (only on a local chain)."""
        if not self.is_dev_chain:
            raise ConfigurationError(
                f"dev accounts exist only on a local chain; chain {self.chain.chain_id} is not one."
            )
        if not 0 <= index < self.settings.dev_accounts:
            raise ValidationError(f"dev:{index}: use 0 to {self.settings.dev_accounts - 1}")
        return dev_accounts(index + 1)[index]

    def account(self, who: str) -> LocalAccount:
        """An account to sign with: `dev:N`, a key file, or a keystore address."""
        if who.startswith(DEV_PREFIX):
            index = who.removeprefix(DEV_PREFIX)
            if not index.isdigit():
                raise ValidationError(f"--as {who}: expected dev:N with N a number")
            return self.dev_account(int(index))
        if _HEX32.match(who):
            # NOTE: a raw key, as Foundry's and Hardhat's --private-key take it.
            key: LocalAccount = Account.from_key(who)
            return key
        path = Path(who)
        if path.is_file():
            return load_key_file(path)
        address = v.address(who, field="--as")
        store = KeyStore(self.settings.data_dir / "keys")
        return store.unlock(address=address, password=read_password(f"password for {address}: "))

    def actor(self) -> LocalAccount:
        """The acting party given by `--as` (required for writes)."""
        if not self.args.acting:
            raise ValidationError("this command sends a transaction: say who acts with --as")
        return self.account(self.args.acting)

    def emit(self, data: Any, lines: Iterable[str] | str) -> None:
        """Print `data` as JSON with `--json`, else the human `lines`."""
        if self.args.json:
            print(json.dumps(to_json(data), indent=2, ensure_ascii=False))
            return
        print(lines if isinstance(lines, str) else "\n".join(lines))


def _has_deployment(chain: ChainBackend, path: Path) -> bool:
    """Whether the manifest at `path` exists and its registry has code on the chain."""
    if not path.is_file():
        return False
    return bool(chain.w3.eth.get_code(load_manifest(path).address("ParkRegistry")))


@contextmanager
def open_session(args: argparse.Namespace, *, deploy: bool = False) -> Iterator[Session]:
    """Open the chain and the client of its deployment; with `deploy`, deploy the suite when
    the chain has none (the in-process chain always starts empty and is deployed to)."""
    settings = get_settings()
    manifest_dir = args.deployments or settings.deployments_dir
    in_memory = args.chain == "memory" and not args.rpc
    with open_chain(kind=args.chain, rpc=args.rpc, settings=settings) as chain:
        artifacts = compile_project(settings=settings)
        if deploy and not in_memory and args.rpc and chain.chain_id not in DEV_CHAIN_IDS:
            raise ConfigurationError(
                f"chain {chain.chain_id} is not a local development chain: "
                "this command only deploys and writes to local chains."
            )
        path = manifest_path(manifest_dir, chain.chain_id)
        # NOTE: an existing deployment is used as is (its code hashes are verified below);
        # only a chain without one gets the suite deployed, when the command asks for it.
        if in_memory or (deploy and not _has_deployment(chain, path)):
            deployment = deploy_suite(
                chain.w3,
                artifacts,
                deployer=default_sender(chain),
                manifest_dir=None if in_memory else manifest_dir,
            )
        else:
            deployment = load_manifest(path)
        ledger = Ledger.connect(deployment=deployment, chain=chain, artifacts=artifacts)
        try:
            yield Session(chain=chain, ledger=ledger, settings=settings, args=args)
        except RevertError as err:
            raise RevertError(
                err.name,
                err.arguments,
                data=err.data,
                message=f"the contracts refused the transaction: {err}",
            ) from err


TxCall = Callable[[Session, argparse.Namespace, LocalAccount], TxResult]
"""One client write, given the session, the command's arguments and the acting account."""


def tx_command(
    call: TxCall, message: Callable[[argparse.Namespace], str]
) -> Callable[[argparse.Namespace], int]:
    """A command handler that sends `call` as `--as` and reports it with `message(args)`."""

    def handler(args: argparse.Namespace) -> int:
        """Send the transaction and print it."""
        with open_session(args) as session:
            print_tx(session, message(args), call(session, args, session.actor()))
        return 0

    return handler


def emit_view(session: Session, view: Any) -> None:
    """Print a client view (a frozen dataclass): one `field: value` line each, or JSON."""
    session.emit(view, [f"{f.name}: {human(getattr(view, f.name))}" for f in fields(view)])


def print_tx(session: Session, what: str, result: TxResult, **extra: Any) -> None:
    """Report a mined transaction: what it did, its hash and block (and `extra` fields)."""
    data = {"tx_hash": result.tx_hash, "block": result.block_number, "gas_used": result.gas_used}
    data.update(extra)
    details = "".join(f"\n  {k}: {human(val)}" for k, val in extra.items())
    session.emit(data, f"{what} (tx {result.tx_hash}, block {result.block_number}){details}")


def load_json(path: Path) -> Any:
    """A JSON file's content; ValidationError naming the file when unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ValidationError(f"cannot read JSON from {path}: {err}") from err


def signature_items(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The signature objects in files written by `sign …` (each one object or a list)."""
    items: list[dict[str, Any]] = []
    for path in paths:
        data = load_json(path)
        found = data if isinstance(data, list) else [data]
        if not all(isinstance(i, dict) and "signature" in i for i in found):
            raise ValidationError(f"{path}: expected the JSON that `park-ledger sign` prints")
        items.extend(found)
    return items
