"""Sign-in with Ethereum (EIP-4361) and short-lived bearer tokens signed by the server's key.

NOTE: the `siwe` package pins web3 < 8 and eth-account < 0.14, so the EIP-4361 message is
built and parsed here; it follows the ABNF of the EIP for the fields we emit and require.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import is_checksum_address, to_checksum_address

from ledger.domain.errors import LedgerError
from ledger.infra.files import write_atomically

CHALLENGE_TTL_S = 300
TOKEN_TTL_S = 900
TOKEN_ALGORITHM = "EdDSA"
STATEMENT = "Sign in to Park Ledger. This request costs nothing and moves no funds."

_MESSAGE = re.compile(
    r"^(?P<domain>[^\n]+) wants you to sign in with your Ethereum account:\n"
    r"(?P<address>0x[0-9a-fA-F]{40})\n\n"
    r"(?P<statement>[^\n]*)\n\n"
    r"URI: (?P<uri>[^\n]+)\n"
    r"Version: 1\n"
    r"Chain ID: (?P<chain_id>[0-9]+)\n"
    r"Nonce: (?P<nonce>[0-9A-Za-z]{8,})\n"
    r"Issued At: (?P<issued_at>[^\n]+)\n"
    r"Expiration Time: (?P<expires_at>[^\n]+)$"
)


class AuthenticationError(LedgerError):
    """A sign-in message, signature or token was not accepted."""

    status_code = 401
    type = "authentication-failed"


@dataclass(frozen=True)
class Challenge:
    """An EIP-4361 message for `address` to sign, valid until `expires_at`."""

    address: str
    nonce: str
    message: str
    expires_at: int


@dataclass(frozen=True)
class Principal:
    """Who a valid token speaks for."""

    address: str
    expires_at: int


@dataclass(frozen=True)
class IssuedToken:
    """A bearer token and when it stops working."""

    token: str
    address: str
    expires_at: int


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> int:
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError as err:
        raise AuthenticationError(f"invalid timestamp {text!r} in sign-in message") from err


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The server's token-signing key, created (mode 0600) on first start."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise LedgerError(f"{path} does not hold an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomically(path, pem, mode=0o600)
    return key


class PendingChallenges:
    """Issued sign-in challenges not redeemed yet, each redeemable once: in memory, or in a
    SQLite file that every API worker process of one server shares (a challenge issued by
    one worker is redeemed by whichever worker the token request reaches)."""

    def __init__(self, path: Path | None = None) -> None:
        self._db = sqlite3.connect(
            ":memory:" if path is None else path,
            timeout=30,
            isolation_level=None,
            check_same_thread=False,  # one connection, used under the lock
        )
        self._lock = threading.Lock()
        with self._lock:
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS challenges "
                "(nonce TEXT PRIMARY KEY, account TEXT NOT NULL, expires INTEGER NOT NULL)"
            )

    def add(self, *, nonce: str, account: str, expires: int, now: int) -> None:
        """Remember a new challenge (and forget the expired ones)."""
        with self._lock:
            self._db.execute("DELETE FROM challenges WHERE expires < ?", (now,))
            self._db.execute("INSERT INTO challenges VALUES (?, ?, ?)", (nonce, account, expires))

    def take(self, nonce: str) -> tuple[str, int] | None:
        """The challenge's (account, expiry), removed so that no one redeems it again."""
        # NOTE: one DELETE ... RETURNING is atomic across processes: two workers racing to
        # redeem one challenge cannot both get its row.
        with self._lock:
            row = self._db.execute(
                "DELETE FROM challenges WHERE nonce = ? RETURNING account, expires", (nonce,)
            ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]))


class SignInService:
    """Issues EIP-4361 challenges, verifies the signed message, and mints/verifies tokens."""

    def __init__(
        self,
        *,
        domain: str,
        uri: str,
        chain_id: int,
        signing_key: Ed25519PrivateKey,
        token_ttl_s: int = TOKEN_TTL_S,
        challenge_ttl_s: int = CHALLENGE_TTL_S,
        pending: PendingChallenges | None = None,
    ) -> None:
        self.domain = domain
        self.uri = uri
        self.chain_id = chain_id
        self._key = signing_key
        self._public = signing_key.public_key()
        self.token_ttl_s = token_ttl_s
        self.challenge_ttl_s = challenge_ttl_s
        self._pending = pending or PendingChallenges()

    def challenge(self, *, address: str) -> Challenge:
        """A fresh single-use sign-in message for `address`."""
        if not is_checksum_address(address) and not re.fullmatch(r"0x[0-9a-f]{40}", address):
            raise AuthenticationError(f"{address!r} is not an Ethereum address")
        account = to_checksum_address(address)
        now = int(time.time())
        nonce = secrets.token_hex(16)
        expires = now + self.challenge_ttl_s
        message = (
            f"{self.domain} wants you to sign in with your Ethereum account:\n"
            f"{account}\n\n{STATEMENT}\n\n"
            f"URI: {self.uri}\nVersion: 1\nChain ID: {self.chain_id}\nNonce: {nonce}\n"
            f"Issued At: {_iso(now)}\nExpiration Time: {_iso(expires)}"
        )
        self._pending.add(nonce=nonce, account=account, expires=expires, now=now)
        return Challenge(address=account, nonce=nonce, message=message, expires_at=expires)

    def sign_in(self, *, message: str, signature: str | bytes) -> IssuedToken:
        """Verify a signed challenge (EIP-191 personal_sign) and issue a bearer token."""
        fields = _MESSAGE.match(message)
        if fields is None:
            raise AuthenticationError("the sign-in message is not one this server issued")
        if fields["domain"] != self.domain or fields["uri"] != self.uri:
            raise AuthenticationError("the sign-in message is for another site")
        if int(fields["chain_id"]) != self.chain_id:
            raise AuthenticationError("the sign-in message is for another chain")
        now = int(time.time())
        if _parse_iso(fields["expires_at"]) < now:
            raise AuthenticationError("the sign-in message has expired: request a new challenge")
        address = to_checksum_address(fields["address"])
        try:
            signer = Account.recover_message(encode_defunct(text=message), signature=signature)
        except Exception as err:
            raise AuthenticationError("the signature is malformed") from err
        if signer != address:
            raise AuthenticationError("the message was not signed by the account it names")
        pending = self._pending.take(fields["nonce"])
        if pending is None or pending[0] != address or pending[1] < now:
            raise AuthenticationError("the sign-in challenge is unknown, used or expired")
        expires = now + self.token_ttl_s
        token = jwt.encode(
            {"sub": address, "iat": now, "exp": expires, "aud": self.uri},
            self._key,
            algorithm=TOKEN_ALGORITHM,
        )
        return IssuedToken(token=token, address=address, expires_at=expires)

    def verify_token(self, token: str) -> Principal:
        """The principal a bearer token names; AuthenticationError when invalid or expired."""
        try:
            claims = jwt.decode(
                token, self._public, algorithms=[TOKEN_ALGORITHM], audience=self.uri
            )
        except jwt.ExpiredSignatureError as err:
            raise AuthenticationError("the token has expired: sign in again") from err
        except jwt.PyJWTError as err:
            raise AuthenticationError("the token is invalid") from err
        return Principal(address=to_checksum_address(claims["sub"]), expires_at=int(claims["exp"]))
