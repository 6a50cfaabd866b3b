"""`park-ledger evidence …` subcommands, run through their own parser (wiring is the lead's)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from eth_account import Account

from ledger.cli import evidence_commands
from ledger.domain.errors import NotAuthorisedReaderError
from ledger.evidence import ParticipantKey
from ledger.infra import keys
from tests.evidence.conftest import DOCUMENT


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="park-ledger")
    evidence_commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


def _key_file(tmp_path: Path, key: ParticipantKey) -> str:
    path = tmp_path / f"{key.address}.key"
    path.write_text("0x" + key.secret.hex() + "\n")
    return str(path)


def test_cli_uploads_grants_reads_and_verifies_when_used_end_to_end(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    party_a: ParticipantKey,
    party_b: ParticipantKey,
    auditor: ParticipantKey,
) -> None:
    store = str(tmp_path / "store")
    doc = tmp_path / "brief.txt"
    doc.write_bytes(DOCUMENT)
    a_key, auditor_key = _key_file(tmp_path, party_a), _key_file(tmp_path, auditor)

    assert _run("evidence", "key", "--key-file", auditor_key, "--json") == 0
    auditor_public = json.loads(capsys.readouterr().out)["public_key"]
    assert _run(
        "evidence", "upload", str(doc), "--store", store, "--key-file", a_key, "--json",
        "--reader", "0x" + party_a.public_key.hex(), "--reader", "0x" + party_b.public_key.hex(),
    ) == 0  # fmt: skip
    receipt = json.loads(capsys.readouterr().out)
    doc_id, commitment = receipt["document_id"], receipt["commitment"]

    with pytest.raises(NotAuthorisedReaderError):
        _run("evidence", "read", doc_id, "--store", store, "--key-file", auditor_key)
    grant_args = ("--store", store, "--key-file", a_key, "--reader", auditor_public)
    assert _run("evidence", "grant", doc_id, *grant_args) == 0
    assert "action: grant" in capsys.readouterr().out

    out = tmp_path / "copy.txt"
    read_args = ("--store", store, "--key-file", auditor_key, "--out", str(out))
    assert _run("evidence", "read", doc_id, *read_args) == 0
    assert out.read_bytes() == DOCUMENT
    verify_args = ("--store", store, "--key-file", auditor_key, "--commitment")
    assert _run("evidence", "verify", doc_id, *verify_args, commitment) == 0
    assert _run("evidence", "verify", doc_id, *verify_args, "0x" + "00" * 32) == 1
    assert _run("evidence", "show", doc_id, "--store", store) == 0
    shown = capsys.readouterr().out
    assert json.loads(shown[shown.index("{") :])["documentId"] == doc_id


def test_cli_reads_keystore_when_key_file_is_encrypted_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, party_b: ParticipantKey
) -> None:
    keystore = Account.encrypt(party_b.secret, "pw", kdf="pbkdf2", iterations=2)
    path = tmp_path / "keystore.json"
    path.write_text(json.dumps(keystore))
    monkeypatch.setenv(keys.PASSWORD_ENV, "pw")
    assert evidence_commands.load_key_file(path).address == party_b.address
