"""`park-ledger evidence upload|read|grant|revoke|verify|show|key`: the evidence vault.

Private keys are read from a file (`--key-file`): a 0x-hex private key, or an eth-account
keystore JSON whose password comes from `PARK_LEDGER_KEY_PASSWORD` or a prompt.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ledger.domain.errors import ValidationError
from ledger.evidence import (
    EvidenceStore,
    ParticipantKey,
    envelope,
    grant,
    load_private_key,
    read,
    revoke,
    upload,
    verify,
)
from ledger.evidence.codec import to_hex
from ledger.infra import keys

EXIT_MISMATCH = 1


def register(commands: Any) -> None:
    """Add `evidence` and its subcommands to the parser."""
    evidence = commands.add_parser("evidence", help="encrypted evidence documents")
    sub = evidence.add_subparsers(dest="evidence_command", required=True, metavar="ACTION")

    upload_cmd = _command(sub, "upload", "encrypt a document for the agreement's parties")
    upload_cmd.add_argument("file", type=Path, help="the document")
    upload_cmd.add_argument(
        "--reader", action="append", required=True, help="a reader's public key (repeat)"
    )
    upload_cmd.add_argument("--id", default=None, help="document id (0x + 64 hex; random)")
    upload_cmd.set_defaults(handler=run_upload)

    read_cmd = _command(sub, "read", "decrypt a document")
    read_cmd.add_argument("document_id")
    read_cmd.add_argument("--out", type=Path, default=None, help="write here (default stdout)")
    read_cmd.set_defaults(handler=run_read)

    grant_cmd = _command(sub, "grant", "give a new reader (e.g. an auditor) a key")
    grant_cmd.add_argument("document_id")
    grant_cmd.add_argument("--reader", required=True, help="the new reader's public key")
    grant_cmd.set_defaults(handler=run_grant)

    revoke_cmd = _command(sub, "revoke", "remove a granted reader's key")
    revoke_cmd.add_argument("document_id")
    revoke_cmd.add_argument("--reader", required=True, help="the reader's address")
    revoke_cmd.set_defaults(handler=run_revoke)

    verify_cmd = _command(sub, "verify", "check a document against its on-chain commitment")
    verify_cmd.add_argument("document_id")
    verify_cmd.add_argument("--commitment", required=True, help="the bytes32 on chain")
    verify_cmd.add_argument("--document", type=Path, default=None, help="a copy to check")
    verify_cmd.set_defaults(handler=run_verify)

    show_cmd = _command(sub, "show", "print a document's envelope (no secret)", key=False)
    show_cmd.add_argument("document_id")
    show_cmd.set_defaults(handler=run_show)

    key_cmd = _command(sub, "key", "print the public key and address to share with others")
    key_cmd.set_defaults(handler=run_key)


def _command(sub: Any, name: str, help_text: str, *, key: bool = True) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
    parser.add_argument("--store", type=Path, default=None, help="store folder")
    if key:
        parser.add_argument("--key-file", type=Path, required=True, help="your private key")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def run_upload(args: argparse.Namespace) -> int:
    """Encrypt and store a document; print its id and the commitment to record on chain."""
    sealed = upload(
        store=_store(args),
        document=_read_file(args.file),
        reader_public_keys=args.reader,
        uploader_private_key=load_key_file(args.key_file),
        document_id=args.id,
    )
    _print(
        args,
        {
            "document_id": to_hex(sealed.document_id),
            "commitment": to_hex(sealed.commitment),
            "ciphertextSha256": to_hex(sealed.envelope.content_sha256),
            "readers": sorted(sealed.envelope.readers),
        },
    )
    return 0


def run_read(args: argparse.Namespace) -> int:
    """Decrypt a document to a file or stdout."""
    opened = read(
        store=_store(args),
        document_id=args.document_id,
        reader_private_key=load_key_file(args.key_file),
    )
    if args.out is None:
        sys.stdout.buffer.write(opened.document)
        sys.stdout.flush()
    else:
        args.out.write_bytes(opened.document)
    return 0


def run_grant(args: argparse.Namespace) -> int:
    """Grant a reader access and print the signed grant."""
    entry = grant(
        store=_store(args),
        document_id=args.document_id,
        granter_private_key=load_key_file(args.key_file),
        reader_public_key=args.reader,
    )
    _print(args, entry.to_json())
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke a granted reader and print the signed revocation."""
    entry = revoke(
        store=_store(args),
        document_id=args.document_id,
        revoker_private_key=load_key_file(args.key_file),
        reader=args.reader,
    )
    _print(args, entry.to_json())
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the document matches the commitment, 1 otherwise."""
    matched = verify(
        store=_store(args),
        document_id=args.document_id,
        commitment=args.commitment,
        reader_private_key=load_key_file(args.key_file),
        document=None if args.document is None else _read_file(args.document),
    )
    _print(args, {"document_id": args.document_id, "matches": matched})
    return 0 if matched else EXIT_MISMATCH


def run_show(args: argparse.Namespace) -> int:
    """Print the envelope JSON."""
    print(
        json.dumps(envelope(store=_store(args), document_id=args.document_id).to_json(), indent=2)
    )
    return 0


def run_key(args: argparse.Namespace) -> int:
    """Print the key file's public key and address."""
    key = load_key_file(args.key_file)
    _print(args, {"address": key.address, "public_key": to_hex(key.public_key)})
    return 0


def load_key_file(path: Path) -> ParticipantKey:
    """The participant key in a 0x-hex private key file or an eth-account keystore JSON."""
    return load_private_key(bytes(keys.load_key_file(path).key))


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise ValidationError(f"cannot read {path}: {err.strerror}") from err


def _store(args: argparse.Namespace) -> EvidenceStore:
    return EvidenceStore.default(root=args.store)


def _print(args: argparse.Namespace, data: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(data, indent=2))
        return
    for name, value in data.items():
        print(f"{name}: {', '.join(value) if isinstance(value, list) else value}")
