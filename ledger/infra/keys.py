"""Encrypted keystores for parties who sign from this machine: eth-account scrypt keystore
JSON files in `<data_dir>/keys/`, one per address, readable by the owner only."""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eth_typing import ChecksumAddress

from ledger.domain import validation as v
from ledger.domain.errors import NotFoundError, ValidationError
from ledger.infra.files import write_atomically

if TYPE_CHECKING:
    from eth_account import Account
    from eth_account.signers.local import LocalAccount

PASSWORD_ENV = "PARK_LEDGER_KEY_PASSWORD"
MIN_PASSWORD = 8
KEYSTORE_MODE = 0o600


@dataclass(frozen=True)
class KeyInfo:
    """A stored key: its address and keystore file (never the key itself)."""

    address: ChecksumAddress
    path: Path


def _accounts() -> type[Account]:
    """eth-account's `Account`, imported on first use: its import costs ~0.7 s (py_ecc) that
    `park-ledger keys list` need not pay."""
    from eth_account import Account  # noqa: PLC0415 - deferred on purpose (start-up time)

    return Account


def read_password(prompt: str, *, confirm: bool = False) -> str:
    """The password from `PARK_LEDGER_KEY_PASSWORD`, else a prompt that does not echo."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("repeat the password: ") != password:
        raise ValidationError("the passwords differ")
    return password


class KeyStore:
    """The keystore folder: create, import, list and unlock keys."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_of(self, address: str) -> Path:
        """The keystore file of `address` (whether or not it exists)."""
        return self.directory / f"{v.address(address).lower()[2:]}.json"

    def _save(self, account: LocalAccount, password: str) -> KeyInfo:
        if len(password) < MIN_PASSWORD:
            raise ValidationError(f"password: at least {MIN_PASSWORD} characters")
        path = self.path_of(account.address)
        if path.exists():
            raise ValidationError(f"{account.address} is already in the keystore")
        keystore = _accounts().encrypt(account.key, password)  # scrypt KDF by default
        write_atomically(path, json.dumps(keystore).encode(), mode=KEYSTORE_MODE)
        return KeyInfo(v.address(account.address), path)

    def new(self, *, password: str) -> KeyInfo:
        """Create a random key, stored encrypted under `password`."""
        return self._save(_accounts().create(), password)

    def import_key(self, *, private_key: str, password: str) -> KeyInfo:
        """Store an existing 0x-hex private key encrypted under `password`."""
        try:
            account = _accounts().from_key(private_key.strip())
        except (ValueError, TypeError) as err:
            raise ValidationError("private key: expected 32 bytes as 0x + 64 hex digits") from err
        return self._save(account, password)

    def list(self) -> list[KeyInfo]:
        """Every stored key, by address."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob("*.json")):
            try:
                address = json.loads(path.read_text())["address"]
                found.append(KeyInfo(v.address("0x" + str(address).removeprefix("0x")), path))
            except (ValueError, KeyError, OSError):
                continue  # not a keystore: ignore foreign files rather than fail the listing
        return found

    def unlock(self, *, address: str, password: str) -> LocalAccount:
        """The account of a stored key; ValidationError for a wrong password."""
        path = self.path_of(address)
        if not path.exists():
            raise NotFoundError(f"no key for {v.address(address)} in {self.directory}")
        try:
            key = _accounts().decrypt(path.read_text(), password)
        except ValueError as err:
            raise ValidationError(f"cannot unlock {v.address(address)}: wrong password") from err
        account: LocalAccount = _accounts().from_key(key)
        return account


def load_key_file(path: Path) -> LocalAccount:
    """An account from a file holding a 0x-hex private key or an eth-account keystore JSON."""
    try:
        text = path.read_text(errors="replace").strip()
    except OSError as err:
        raise ValidationError(f"cannot read {path}: {err.strerror}") from err
    try:
        if text.startswith("{"):
            password = read_password(f"password for {path}: ")
            text = "0x" + bytes(_accounts().decrypt(text, password)).hex()
        account: LocalAccount = _accounts().from_key(text)
    except ValueError as err:
        raise ValidationError(f"cannot load a key from {path}: {err}") from err
    return account
