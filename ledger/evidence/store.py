"""The evidence store on disk: content-addressed ciphertexts and their envelopes.

    <root>/objects/<sha256 of the ciphertext, hex>     the ciphertext (AES-GCM output)
    <root>/envelopes/<0x documentId>.json              the envelope (JSON)
    <root>/locks/<0x documentId>.lock                  serialises updates of one envelope

Every file is written atomically (temporary file, fsync, os.replace, fsync of the folder),
so a crash leaves either the old or the new version, never half of one.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ledger.domain.errors import EvidenceError, EvidenceTamperedError, NotFoundError
from ledger.evidence.codec import to_hex
from ledger.evidence.envelope import DEFAULT_LIMITS, Envelope, EvidenceLimits
from ledger.infra.config import LedgerSettings, get_settings
from ledger.infra.files import write_atomically


class EvidenceStore:
    """Ciphertexts and envelopes under one root folder (default `<data dir>/evidence`)."""

    def __init__(self, root: Path, *, limits: EvidenceLimits = DEFAULT_LIMITS) -> None:
        self.root = root
        self.limits = limits
        self.objects = root / "objects"
        self.envelopes = root / "envelopes"
        self.locks = root / "locks"

    @classmethod
    def default(
        cls, settings: LedgerSettings | None = None, *, root: Path | None = None
    ) -> EvidenceStore:
        """The store at `root` (default `<data dir>/evidence`) with the configured limits."""
        settings = settings or get_settings()
        return cls(
            root or settings.data_dir / "evidence",
            limits=EvidenceLimits.from_settings(settings),
        )

    def put_ciphertext(self, ciphertext: bytes) -> bytes:
        """Store a ciphertext under its sha256 (idempotent); returns the digest."""
        digest = hashlib.sha256(ciphertext).digest()
        path = self.objects / digest.hex()
        if not path.exists():
            write_atomically(path, ciphertext)
        return digest

    def get_ciphertext(self, digest: bytes) -> bytes:
        """Read a ciphertext, checking that it still hashes to its address."""
        try:
            data = (self.objects / digest.hex()).read_bytes()
        except FileNotFoundError as err:
            raise NotFoundError(f"no evidence ciphertext {digest.hex()}") from err
        if not hmac.compare_digest(hashlib.sha256(data).digest(), digest):
            raise EvidenceTamperedError(f"the evidence ciphertext {digest.hex()} was altered")
        return data

    def has_envelope(self, document_id: bytes) -> bool:
        """True when an envelope exists for the document."""
        return self._envelope_path(document_id).exists()

    def load_envelope(self, document_id: bytes) -> Envelope:
        """Read and check an envelope (NotFoundError / EvidenceTamperedError)."""
        path = self._envelope_path(document_id)
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError as err:
            raise NotFoundError(f"no evidence document {to_hex(document_id)}") from err
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise EvidenceTamperedError(
                f"the envelope of {to_hex(document_id)} is not JSON"
            ) from err
        envelope = Envelope.from_json(data, limits=self.limits)
        if envelope.document_id != document_id:
            raise EvidenceTamperedError(f"the envelope at {path.name} names another document")
        return envelope

    def save_envelope(self, envelope: Envelope, *, new: bool = False) -> None:
        """Write an envelope atomically; `new` refuses to replace an existing document."""
        self.limits.check(readers=len(envelope.readers), log_entries=len(envelope.log))
        if new and self.has_envelope(envelope.document_id):
            raise EvidenceError(f"evidence document {to_hex(envelope.document_id)} exists")
        text = json.dumps(envelope.to_json(), indent=2, sort_keys=True) + "\n"
        write_atomically(self._envelope_path(envelope.document_id), text.encode())

    def document_ids(self) -> list[bytes]:
        """Ids of every stored document, sorted."""
        if not self.envelopes.is_dir():
            return []
        return sorted(bytes.fromhex(p.stem[2:]) for p in self.envelopes.glob("0x*.json"))

    @contextmanager
    def locked(self, document_id: bytes) -> Iterator[None]:
        """Hold an exclusive lock on one document's envelope (read-modify-write)."""
        self.locks.mkdir(parents=True, exist_ok=True)
        with (self.locks / f"{to_hex(document_id)}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _envelope_path(self, document_id: bytes) -> Path:
        return self.envelopes / f"{to_hex(document_id)}.json"
