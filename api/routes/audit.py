"""Audits from the chain alone: of one agreement for anyone (it reads only what the chain makes
public), of every agreement for auditors (registry AUDITOR_ROLE)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import SIGN_IN_OPTIONAL, AuditScopeDep, RuntimeDep, ServicesDep
from api.models.audit import AuditRead
from api.problems import problem_responses
from ledger.audit import run_audit

router = APIRouter(prefix="/audit", tags=["audit"])


@router.post(
    "",
    summary="Audit an agreement (or all) from the chain alone",
    response_model=AuditRead,
    responses=problem_responses(400, 401, 403, 404, 413, 422, 429, 503),
    openapi_extra=SIGN_IN_OPTIONAL,
)
def create_audit(scope: AuditScopeDep, runtime: RuntimeDep, services: ServicesDep) -> Any:
    """Re-reads every event from the node (not from the index) and runs every check; one
    agreement for anyone, every agreement only for signed-in auditors."""
    # NOTE: the audit reads the node from this request's thread, like /ready: the guard keeps it
    # off the in-process chain while the background round uses it.
    with services.chain_guard:
        report = run_audit(
            w3=runtime.w3,
            deployment=runtime.deployment,
            abis={name: runtime.artifacts[name].abi for name in runtime.deployment.contracts},
            agreement=scope,
        )
    return report.to_json()
