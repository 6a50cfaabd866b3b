"""`park-ledger keys` through a real subprocess: keystores are scrypt-encrypted, the password
comes from the environment and never appears in the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from eth_account import Account

from ledger.infra.keys import KeyStore

PASSWORD = "correct horse battery"
KEY = "0x" + "4c" * 32
RUN_KEYS = (
    "import argparse, sys\n"
    "from ledger.cli import keys_commands\n"
    "from ledger.domain.errors import LedgerError\n"
    "parser = argparse.ArgumentParser(prog='park-ledger')\n"
    "keys_commands.register(parser.add_subparsers(dest='command', required=True))\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "try:\n"
    "    sys.exit(args.handler(args))\n"
    "except LedgerError as err:\n"
    "    print(f'park-ledger: {err}', file=sys.stderr); sys.exit(1)\n"
)


def keys(
    tmp_path: Path, *argv: str, stdin: str = "", password: str = PASSWORD
) -> subprocess.CompletedProcess[str]:
    """Run `park-ledger keys ARGV --dir tmp/keys --json` with the password in the environment."""
    env = {**os.environ, "PARK_LEDGER_KEY_PASSWORD": password}
    command = [sys.executable, "-c", RUN_KEYS, "keys", *argv, "--dir", str(tmp_path / "keys")]
    return subprocess.run(
        [*command, "--json"],
        check=False,
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_keys_import_list_export_roundtrip_without_printing_the_password(tmp_path: Path) -> None:
    address = Account.from_key(KEY).address
    imported = keys(tmp_path, "import", stdin=KEY + "\n")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["address"] == address
    created = keys(tmp_path, "new")
    assert created.returncode == 0, created.stderr
    listed = json.loads(keys(tmp_path, "list").stdout)
    assert {k["address"] for k in listed} == {address, json.loads(created.stdout)["address"]}
    exported = keys(tmp_path, "export-public", address)
    assert json.loads(exported.stdout)["public_key"].startswith("0x")
    path = tmp_path / "keys" / f"{address.lower()[2:]}.json"
    stored = json.loads(path.read_text())
    assert stored["crypto"]["kdf"] == "scrypt"
    assert path.stat().st_mode & 0o077 == 0
    for result in (imported, created, exported):
        assert PASSWORD not in result.stdout + result.stderr
        assert KEY[2:] not in result.stdout + result.stderr
    assert (
        KeyStore(tmp_path / "keys").unlock(address=address, password=PASSWORD).key.hex() == KEY[2:]
    )


def test_export_public_fails_with_one_sentence_when_the_password_is_wrong(tmp_path: Path) -> None:
    address = Account.from_key(KEY).address
    assert keys(tmp_path, "import", stdin=KEY + "\n").returncode == 0
    refused = keys(tmp_path, "export-public", address, password="not the password")
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"park-ledger: cannot unlock {address}: wrong password"
    assert "not the password" not in refused.stdout + refused.stderr
