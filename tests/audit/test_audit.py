"""The auditor on eth-tester: an honest history passes; each tampering is named."""

from __future__ import annotations

import ast
import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak
from sqlalchemy import text

from ledger.audit import AuditReport, audit_history, collect, run_audit, to_html, to_markdown
from ledger.dev.sandbox import Sandbox as Suite
from ledger.domain.errors import RevertError
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.config import get_settings
from ledger.infra.deploy import Deployment, deploy_suite
from ledger.infra.revert import ErrorDecoder
from ledger.infra.suite import PARK_SUITE
from ledger.reads.indexer import Indexer, IndexerConfig, create_index_engine, park_projectors
from tests.audit.faulty import compile_faulty_project

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "contracts"))

from agreement_helpers import consent_signature, default_params, new_accounts
from module_helpers import (
    C_BREACHED,
    C_FULFILLED,
    DAY,
    GRACE,
    REVIEW,
    WEIGHTED,
    confirm_one_resolve_one,
    open_agreement,
    register_all,
)

ETH = 10**18
AUDIT_PACKAGE = Path(__file__).resolve().parents[2] / "ledger" / "audit"
ZERO = "0x" + "00" * 20


def _suite(
    chain: MemoryChain, artifacts: CompileResult, deployment: Deployment, decoder: ErrorDecoder
) -> Suite:
    return Suite.on(chain=chain, artifacts=artifacts, deployment=deployment)


def _abis(suite: Suite) -> dict[str, Any]:
    return {name: suite.artifacts[name].abi for name in suite.deployment.contracts}


def _audit(suite: Suite, **options: Any) -> AuditReport:
    return run_audit(w3=suite.w3, deployment=suite.deployment, abis=_abis(suite), **options)


def _workflow(suite: Suite) -> dict[str, Any]:
    """Fixed and weighted agreements: records confirmed, one disputed and resolved by vote, an
    AI-assisted record, deposits and claims, a bonded commitment fulfilled and one breached."""
    parties = list(suite.accounts[1:4])
    admin = suite.accounts[0].address
    suite.transact(suite["ParkRegistry"].functions.setCultureFund(suite.accounts[9].address), admin)
    fixed = open_agreement(suite, parties, fund_share_bps=500)
    weighted = open_agreement(suite, parties, salt=b"\x09" * 32, revenue_mode=WEIGHTED)
    revenue = suite["Revenue"]
    commitments = suite["Commitments"]
    for aid in (fixed, weighted):
        confirm_one_resolve_one(suite, aid, parties)
        suite.transact(revenue.functions.deposit(aid, ZERO, 3 * ETH + 7), admin, value=3 * ETH + 7)
        suite.transact(revenue.functions.claim(aid), parties[0].address)
    deliverable = keccak(text="deliverable")
    deadline = suite.chain.timestamp() + 2 * DAY
    for who in (parties[2], parties[1]):
        suite.transact(
            commitments.functions.commit(fixed, 0, keccak(text="catalogue"), deadline, ETH),
            who.address,
            value=ETH,
        )
    count = int(commitments.functions.commitmentCount().call())
    suite.transact(
        commitments.functions.submitDeliverable(fixed, count - 1, deliverable), parties[2].address
    )
    suite.transact(
        commitments.functions.acceptDeliverable(fixed, count - 1, deliverable), parties[0].address
    )
    suite.chain.increase_time(2 * DAY + GRACE + 10)
    suite.transact(commitments.functions.markBreached(fixed, count), admin)
    suite.transact(revenue.functions.claim(fixed), parties[2].address)
    _review_and_arbitrate(suite, weighted, parties)
    return {"fixed": "0x" + fixed.hex(), "weighted": "0x" + weighted.hex(), "parties": parties}


def _review_and_arbitrate(suite: Suite, aid: bytes, parties: list[Any]) -> None:
    """Three bonded deliverables on `aid`: one settled unrejected after its review, two rejected
    and ruled by the park's arbiter — Fulfilled and Breached."""
    commitments, registry = suite["Commitments"], suite["ParkRegistry"]
    arbiter = suite.accounts[10].address
    role = registry.functions.ARBITER_ROLE().call()
    suite.transact(registry.functions.grantRole(role, arbiter), suite.accounts[0].address)
    deadline = suite.chain.timestamp() + 30 * DAY
    first = int(commitments.functions.commitmentCount().call()) + 1
    for cid in range(first, first + 3):
        committer = parties[cid % 3].address
        suite.transact(
            commitments.functions.commit(aid, 0, keccak(text=f"review {cid}"), deadline, ETH),
            committer,
            value=ETH,
        )
        suite.transact(
            commitments.functions.submitDeliverable(aid, cid, keccak(text=f"work {cid}")),
            committer,
        )
    for cid in (first + 1, first + 2):
        reason = keccak(text=f"reason {cid}")
        rejector = parties[(cid + 1) % 3].address
        suite.transact(commitments.functions.rejectDeliverable(aid, cid, reason), rejector)
    for cid, ruling in ((first + 1, C_FULFILLED), (first + 2, C_BREACHED)):
        fn = commitments.functions.arbitrate(aid, cid, ruling, keccak(text=f"ruling {cid}"))
        suite.transact(fn, arbiter)
    suite.chain.increase_time(REVIEW + 1)
    suite.transact(commitments.functions.settle(aid, first), arbiter)


@pytest.fixture(scope="module")
def park(
    memory_chain: MemoryChain,
    artifacts: CompileResult,
    deployment: Deployment,
    decoder: ErrorDecoder,
) -> Iterator[tuple[Suite, dict[str, Any]]]:
    """The honest workflow, run once for the module and removed from the chain afterwards."""
    before = memory_chain.snapshot()
    suite = _suite(memory_chain, artifacts, deployment, decoder)
    yield suite, _workflow(suite)
    memory_chain.revert(before)


def _failed(report: AuditReport) -> dict[str, list[Any]]:
    return {f"{c.check}:{c.subject}": list(c.findings) for c in report.checks if not c.passed}


def test_audit_passes_when_the_history_is_honest(park: tuple[Suite, dict[str, Any]]) -> None:
    suite, flow = park
    report = _audit(suite)
    assert _failed(report) == {}
    assert report.passed
    checks = {c.check for c in report.checks}
    assert checks >= {
        "code",
        "hash-chain",
        "signatures",
        "confirmations",
        "revenue",
        "commitments",
        "ai-provenance",
        "conservation",
    }
    subjects = {a.agreement_id for a in report.agreements}
    assert {flow["fixed"], flow["weighted"]} <= subjects
    assert all(a.onchain_head == a.recomputed_head for a in report.agreements)
    body = report.to_json()
    assert body["result"] == "pass"
    assert body["reportHash"] == report.report_hash()
    assert "PASS" in to_markdown(report)
    assert "PASS" in to_html(report)
    one = _audit(suite, agreement=flow["fixed"])
    assert [a.agreement_id for a in one.agreements] == [flow["fixed"]]


def test_audit_report_is_identical_when_the_sql_index_is_tampered_or_garbage(
    park: tuple[Suite, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite, _ = park
    monkeypatch.setenv("PARK_LEDGER_DATA_DIR", str(tmp_path / "no-index"))
    without_index = _audit(suite).to_json()
    index_dir = tmp_path / "tampered"
    engine = create_index_engine(f"sqlite:///{index_dir / 'index.sqlite'}")
    indexer = Indexer(
        w3=suite.w3,
        engine=engine,
        config=IndexerConfig.for_deployment(suite.deployment, suite.artifacts),
        projectors=park_projectors(revenue=suite["Revenue"]),
    )
    assert indexer.sync().events > 0
    with engine.begin() as db:
        # A compromised server: inflated balances, forged heads, deleted and altered events.
        assert db.execute(text("UPDATE balances SET claimable = claimable + 1000")).rowcount
        assert db.execute(text(f"UPDATE agreement_heads SET head = '0x{'ee' * 32}'")).rowcount
        assert db.execute(text("DELETE FROM events WHERE name = 'RevenueDeposited'")).rowcount
        assert db.execute(
            text("UPDATE events SET contract = 'Forged' WHERE log_index = 0")
        ).rowcount
    engine.dispose()
    monkeypatch.setenv("PARK_LEDGER_DATA_DIR", str(index_dir))
    assert get_settings().data_dir == index_dir
    with_tampered_index = _audit(suite).to_json()
    (index_dir / "index.sqlite").write_bytes(b"not a database" * 100)
    with_garbage_index = _audit(suite).to_json()

    for body in (without_index, with_tampered_index, with_garbage_index):
        body.pop("stats")  # timings, outside the hashed report
    assert with_tampered_index == without_index
    assert with_garbage_index == without_index
    assert without_index["result"] == "pass"


def test_audit_package_never_imports_the_index_or_the_outbox_when_loaded() -> None:
    modules = [f"ledger.audit.{p.stem}" for p in AUDIT_PACKAGE.glob("*.py")]
    reached = _import_closure(modules)
    assert "ledger.audit.checks" in reached  # the walk follows the package
    assert "ledger.reads.indexer" in _import_closure(
        ["ledger.app.services"]
    )  # and would see a violation
    forbidden = sorted(
        m for m in reached if m.startswith(("ledger.reads.indexer", "ledger.writes.relayer", "api"))
    )
    assert forbidden == []


def _import_closure(roots: list[str]) -> set[str]:
    """Every project module `roots` import, transitively (function-level imports included)."""
    project = Path(__file__).resolve().parents[2]
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        parts = name.split(".")
        # NOTE: importing a.b.c runs the __init__ of a and a.b first.
        pending += [
            ".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]) not in seen
        ]
        if name in seen:
            continue
        base = project.joinpath(*parts)
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if not path.is_file():
            continue
        seen.add(name)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    module = ".".join(
                        [*package.split(".")[: len(package.split(".")) - node.level + 1], module]
                    ).strip(".")
                pending.append(module)
                pending += [f"{module}.{alias.name}" for alias in node.names]
    return seen


def test_audit_names_the_contract_when_the_manifest_points_at_other_code(
    park: tuple[Suite, dict[str, Any]],
) -> None:
    suite, _ = park
    contracts = dict(suite.deployment.contracts)
    contracts["Commitments"] = dataclasses.replace(
        contracts["Commitments"], runtime_code_hash="0x" + "ab" * 32
    )
    forged = dataclasses.replace(suite.deployment, contracts=contracts)
    report = run_audit(w3=suite.w3, deployment=forged, abis=_abis(suite))
    assert not report.passed
    findings = _failed(report)["code:suite"]
    assert "Commitments" in findings[0].message
    assert findings[0].expected == "0x" + "ab" * 32


def test_forged_relayed_consent_reverts_when_a_malicious_relayer_injects_it(suite: Suite) -> None:
    parties = list(suite.accounts[1:3])
    register_all(suite, [p.address for p in parties])
    params = default_params(suite, parties)
    agreements = suite["Agreements"]
    salt = b"\x05" * 32
    suite.transact(agreements.functions.propose(params.as_tuple(), salt), parties[0].address)
    aid = agreements.functions.agreementIdOf(parties[0].address, salt).call()
    impostor = new_accounts(1, "impostor")[0]
    _, nonce, deadline, _ = consent_signature(suite, impostor, aid, params.hash())
    forged = (
        parties[1].address,
        nonce,
        deadline,
        consent_signature(suite, impostor, aid, params.hash())[3],
    )
    head = agreements.functions.headOf(aid).call()
    with pytest.raises(RevertError) as caught:
        suite.transact(
            agreements.functions.consentBySignatures(aid, [forged]), suite.accounts[5].address
        )
    assert caught.value.name == "AgreementInvalidSignature"
    assert agreements.functions.headOf(aid).call() == head
    report = _audit(suite, agreement="0x" + bytes(aid).hex())
    assert report.passed, _failed(report)


@pytest.fixture(scope="module")
def faulty_artifacts() -> CompileResult:
    """The project with Revenue and Commitments replaced by their faulty variants
    (tests/audit/faulty.py)."""
    return compile_faulty_project()


@pytest.fixture
def faulty(chain: MemoryChain, faulty_artifacts: CompileResult) -> Suite:
    """A second suite, deployed by the standard pipeline, with the faulty Revenue and
    Commitments."""
    deployment = deploy_suite(
        chain.w3, faulty_artifacts, deployer=chain.accounts[0].address, suite=PARK_SUITE
    )
    decoder = ErrorDecoder(a.abi for a in faulty_artifacts.artifacts.values())
    return _suite(chain, faulty_artifacts, deployment, decoder)


def test_audit_names_broken_conservation_when_revenue_over_credits(faulty: Suite) -> None:
    parties = list(faulty.accounts[1:4])
    aid = open_agreement(faulty, parties)
    faulty.transact(
        faulty["Revenue"].functions.deposit(aid, ZERO, ETH), parties[0].address, value=ETH
    )
    report = audit_history(collect(w3=faulty.w3, deployment=faulty.deployment, abis=_abis(faulty)))
    failed = _failed(report)
    assert "conservation:suite" in failed
    assert f"revenue:0x{aid.hex()}" in failed
    assert report.checks[0].passed  # the manifest matches the (faulty) code it deployed


def test_audit_names_the_breach_when_a_submitted_deliverable_is_breached_without_a_ruling(
    faulty: Suite,
) -> None:
    parties = list(faulty.accounts[1:3])
    aid = open_agreement(faulty, parties)
    commitments = faulty["Commitments"]
    deadline = faulty.chain.timestamp() + DAY
    fn = commitments.functions.commit(aid, 0, keccak(text="catalogue"), deadline, ETH)
    faulty.transact(fn, parties[0].address, value=ETH)
    cid = int(commitments.functions.commitmentCount().call())
    fn = commitments.functions.submitDeliverable(aid, cid, keccak(text="on time"))
    faulty.transact(fn, parties[0].address)
    faulty.chain.increase_time(DAY + GRACE + 1)
    receipt = faulty.transact(commitments.functions.markBreached(aid, cid), parties[1].address)
    findings = _faulty_findings(faulty, aid, "commitments")
    assert findings[0].block == receipt["blockNumber"]
    assert "without an arbiter's ruling" in findings[0].message


def test_audit_names_the_block_when_the_head_advances_without_an_event(faulty: Suite) -> None:
    parties = list(faulty.accounts[1:4])
    aid = open_agreement(faulty, parties)
    receipt = faulty.transact(faulty["Revenue"].functions.journalQuietly(aid), parties[0].address)
    faulty.transact(faulty["Revenue"].functions.setPayoutAddress(aid, ZERO), parties[1].address)
    findings = _faulty_findings(faulty, aid, "hash-chain")
    assert findings[0].block == receipt["blockNumber"]
    assert "no event" in findings[0].message


def _faulty_findings(faulty: Suite, aid: bytes, check: str) -> list[Any]:
    """The findings of `check` when the faulty suite's agreement `aid` is audited."""
    report = audit_history(
        collect(w3=faulty.w3, deployment=faulty.deployment, abis=_abis(faulty)),
        agreement="0x" + aid.hex(),
    )
    return _failed(report)[f"{check}:0x{aid.hex()}"]
