"""The auditor: verifies agreements from the chain and the deployment manifest alone.

collect (events via eth_getLogs), checks (one module per check family), report (JSON schema,
canonical hash, Markdown/HTML), attest (ParkRegistry.attest). See docs/audit.md.
"""

from ledger.audit.attest import attest
from ledger.audit.collect import History, collect
from ledger.audit.report import AuditReport, CheckResult, Finding, to_html, to_markdown
from ledger.audit.run import audit_history, run_audit

__all__ = [
    "AuditReport",
    "CheckResult",
    "Finding",
    "History",
    "attest",
    "audit_history",
    "collect",
    "run_audit",
    "to_html",
    "to_markdown",
]
