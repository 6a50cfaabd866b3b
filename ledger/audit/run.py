"""Run every check over a collected history and assemble the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from web3 import Web3

from ledger.audit.checks import check_agreement, check_code, check_conservation
from ledger.audit.collect import Abi, History, collect
from ledger.audit.model import build_model
from ledger.audit.report import AuditReport, CheckResult, Finding
from ledger.domain.errors import NotFoundError
from ledger.evidence import EvidenceCheck
from ledger.infra.deploy import Deployment
from ledger.infra.events.stream import ProgressCallback


def run_audit(
    *,
    w3: Web3,
    deployment: Deployment,
    abis: Mapping[str, Abi],
    agreement: str | None = None,
    evidence: Sequence[EvidenceCheck] = (),
    on_progress: ProgressCallback | None = None,
) -> AuditReport:
    """Audit one agreement (or all) from the chain and the manifest alone."""
    history = collect(w3=w3, deployment=deployment, abis=abis, on_progress=on_progress)
    return audit_history(history, agreement=agreement, evidence=evidence)


def audit_history(
    history: History, *, agreement: str | None = None, evidence: Sequence[EvidenceCheck] = ()
) -> AuditReport:
    """Every check over an already collected history."""
    models = {aid: build_model(aid, events) for aid, events in history.by_agreement.items()}
    agreements = sorted(aid for aid, model in models.items() if model.versions)
    if agreement is not None:
        agreement = agreement.lower()
        if agreement not in models or not models[agreement].versions:
            raise NotFoundError(f"agreement {agreement} has no history on this chain.")
        agreements = [agreement]
    w3 = history.w3
    checks: list[CheckResult] = [
        check_code(w3=w3, deployment=history.deployment, block=history.block)
    ]
    grace = int(history.call("Commitments", "GRACE_PERIOD"))
    review = int(history.call("Commitments", "REVIEW_PERIOD"))
    summaries = []
    for aid in agreements:
        results, summary = check_agreement(
            history, aid, history.by_agreement[aid], models[aid], grace=grace, review=review
        )
        checks += results
        summaries.append(summary)
    checks.append(check_conservation(history, models))
    checks += [_evidence_check(e) for e in evidence]
    return AuditReport(
        chain_id=history.chain_id,
        block=history.block,
        block_hash=history.block_hash,
        contracts={
            name: {"address": c.address, "runtimeCodeHash": c.runtime_code_hash}
            for name, c in history.deployment.contracts.items()
        },
        agreements=summaries,
        checks=checks,
        events=len(history.events),
        stats={
            "collectSeconds": round(history.elapsed, 3),
            "eventsPerSecond": round(len(history.events) / history.elapsed, 1)
            if history.elapsed
            else 0.0,
        },
    )


def _evidence_check(check: EvidenceCheck) -> CheckResult:
    findings = (
        ()
        if check.passed
        else (
            Finding(
                f"evidence {check.outcome}: {check.detail}", expected="0x" + check.commitment.hex()
            ),
        )
    )
    return CheckResult("evidence", "0x" + check.document_id.hex(), 1, findings)


__all__ = ["audit_history", "run_audit"]
