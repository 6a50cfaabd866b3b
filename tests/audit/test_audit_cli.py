"""`python -m ledger.cli audit` as a real process against a managed anvil: report files, exit
codes, and an on-chain attestation equal to the report it wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.audit_speed import record_history
from ledger.dev.sandbox import Sandbox
from ledger.infra.chain import AnvilChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import deploy_suite, manifest_path

pytestmark = pytest.mark.anvil

REPORT_FIELDS = {
    "schema",
    "chainId",
    "block",
    "blockHash",
    "contracts",
    "agreements",
    "events",
    "checks",
    "result",
    "summary",
    "reportHash",
    "stats",
}


def _audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledger.cli", "audit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_audit_command_writes_reports_attests_and_exits_2_when_run_against_anvil(
    tmp_path: Path, artifacts: CompileResult
) -> None:
    with AnvilChain(state_file=None, log_file=tmp_path / "anvil.log", accounts=5) as anvil:
        admin, auditor = anvil.accounts[0], anvil.accounts[4]
        deployment = deploy_suite(
            anvil.w3, artifacts, deployer=admin.address, manifest_dir=tmp_path
        )
        manifest = manifest_path(tmp_path, deployment.chain_id)
        ctx = Sandbox.on(chain=anvil, artifacts=artifacts, deployment=deployment)
        agreement = record_history(ctx, records=12, batch=5)
        registry = ctx["ParkRegistry"]
        ctx.transact(
            registry.functions.grantRole(
                ctx.call(registry.functions.AUDITOR_ROLE()), auditor.address
            ),
            admin,
        )
        key_file = tmp_path / "auditor.key"
        key_file.write_text("0x" + bytes(auditor.key).hex())
        out, html = tmp_path / "r.json", tmp_path / "r.html"
        base = ["--rpc", anvil.url, "--deployment", str(manifest)]

        plain = _audit(*base, "--out", str(out), "--html", str(html))
        report = json.loads(out.read_text())
        attested = _audit(*base, "--out", str(out), "--attest", "--key-file", str(key_file))
        attested_report = json.loads(out.read_text())
        latest = ctx.call(registry.functions.latestAttestation(agreement))
        events = registry.events.AuditAttested().get_logs(from_block=0)

        forged = json.loads(manifest.read_text())
        forged["contracts"]["Revenue"]["runtimeCodeHash"] = "0x" + "ab" * 32
        forged_path = tmp_path / "forged.json"
        forged_path.write_text(json.dumps(forged))
        failing = _audit("--rpc", anvil.url, "--deployment", str(forged_path))

    assert plain.returncode == 0, plain.stderr
    assert set(report) == REPORT_FIELDS
    assert report["schema"] == "park-ledger/audit-report@1"
    assert report["result"] == "pass"
    assert [a["agreementId"] for a in report["agreements"]] == ["0x" + agreement.hex()]
    assert all(c["status"] == "pass" for c in report["checks"])
    assert "PASS" in html.read_text()
    assert "PASS" in plain.stdout

    assert attested.returncode == 0, attested.stderr
    summary = attested_report["agreements"][0]
    expected = (
        auditor.address,
        attested_report["block"],
        bytes.fromhex(summary["onchainHead"][2:]),
        bytes.fromhex(attested_report["reportHash"][2:]),
    )
    assert (latest[0], latest[1], bytes(latest[3]), bytes(latest[4])) == expected
    assert len(events) == 1
    event = events[0]["args"]
    assert (event["auditor"], event["blockNumber"], bytes(event["auditedHead"])) == expected[:3]
    assert bytes(event["reportHash"]) == expected[3]

    assert failing.returncode == 2, failing.stderr
    assert "FAIL" in failing.stdout
