"""`park-ledger outbox status ID`: reads the relayer's outbox in the data dir, no chain needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.app.services import OUTBOX_FILE
from ledger.cli import main
from ledger.writes.relayer import Intent
from ledger.writes.relayer.outbox import Outbox
from tests.cli.conftest import Cli, cli_env

TARGET = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def test_outbox_status_reports_a_journaled_intent_and_refuses_an_unknown_id_when_queried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = Outbox(tmp_path / "data" / OUTBOX_FILE)
    try:
        entry = outbox.submit(
            Intent(kind="contributions.record", target=TARGET, data=b"\x01\x02"),
            idempotency_key="cli-test",
        )
    finally:
        outbox.close()
    cli = Cli(cli_env(tmp_path))

    shown = cli.json("outbox", "status", str(entry.id))
    assert shown["id"] == entry.id
    assert shown["kind"] == "contributions.record"
    assert shown["status"] == "queued"
    assert shown["tx_hash"] is None

    monkeypatch.setenv("PARK_LEDGER_DATA_DIR", str(tmp_path / "data"))
    assert main(["outbox", "status", str(entry.id + 1)]) == 1
    assert capsys.readouterr().err == f"park-ledger: no outbox entry with id {entry.id + 1}\n"
