"""The audit report: findings and check results, the JSON schema (docs/audit.md), its canonical
hash, and Markdown/HTML renderings for people."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_hash.auto import keccak

SCHEMA = "park-ledger/audit-report@1"
SUITE = "suite"


@dataclass(frozen=True)
class Finding:
    """Evidence of one failure: where on chain (block, tx, log index) and expected vs found."""

    message: str
    block: int | None = None
    tx: str | None = None
    log_index: int | None = None
    expected: str | None = None
    found: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The finding as in the report (absent locations are null)."""
        return {
            "message": self.message,
            "block": self.block,
            "tx": self.tx,
            "logIndex": self.log_index,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass(frozen=True)
class CheckResult:
    """One check on one subject (an agreement id, or "suite"): pass/fail, what it covered."""

    check: str
    subject: str
    checked: int
    findings: tuple[Finding, ...] = ()
    note: str = ""

    @property
    def passed(self) -> bool:
        """True when the check found nothing wrong."""
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        """The check as in the report."""
        return {
            "check": self.check,
            "subject": self.subject,
            "status": "pass" if self.passed else "fail",
            "checked": self.checked,
            "note": self.note,
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class AgreementSummary:
    """The audited state of one agreement: its on-chain head and recomputed head."""

    agreement_id: str
    onchain_head: str
    recomputed_head: str
    events: int


@dataclass
class AuditReport:
    """Everything the auditor concluded, as of one block."""

    chain_id: int
    block: int
    block_hash: str
    contracts: dict[str, dict[str, str]]
    agreements: list[AgreementSummary]
    checks: list[CheckResult]
    events: int
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True only when every check passed."""
        return all(c.passed for c in self.checks)

    def body(self) -> dict[str, Any]:
        """The hashed part of the report (no timings: the same chain gives the same hash)."""
        failed = [c for c in self.checks if not c.passed]
        return {
            "schema": SCHEMA,
            "chainId": self.chain_id,
            "block": self.block,
            "blockHash": self.block_hash,
            "contracts": self.contracts,
            "agreements": [
                {
                    "agreementId": a.agreement_id,
                    "onchainHead": a.onchain_head,
                    "recomputedHead": a.recomputed_head,
                    "events": a.events,
                }
                for a in self.agreements
            ],
            "events": self.events,
            "checks": [c.to_json() for c in self.checks],
            "result": "pass" if self.passed else "fail",
            "summary": {"checks": len(self.checks), "failed": len(failed)},
        }

    def report_hash(self) -> str:
        """keccak256 of the canonical JSON of `body()` (what an attestation commits to)."""
        return "0x" + bytes(keccak(canonical_json(self.body()))).hex()

    def to_json(self) -> dict[str, Any]:
        """The full report file: the body, its hash and the (unhashed) run statistics."""
        return {**self.body(), "reportHash": self.report_hash(), "stats": self.stats}


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: one byte string per report."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _where(f: Finding) -> str:
    parts = []
    if f.block is not None:
        parts.append(f"block {f.block}")
    if f.tx:
        parts.append(f"tx {f.tx}")
    if f.log_index is not None:
        parts.append(f"log {f.log_index}")
    return ", ".join(parts)


def _finding_lines(f: Finding) -> list[str]:
    where = _where(f)
    lines = [f.message + (f" ({where})" if where else "")]
    if f.expected is not None or f.found is not None:
        lines.append(f"expected `{f.expected}`, found `{f.found}`")
    return lines


def to_markdown(report: AuditReport) -> str:
    """A readable Markdown rendering of the report."""
    out = [
        f"# Park Ledger audit — {'PASS' if report.passed else 'FAIL'}",
        "",
        f"Chain {report.chain_id}, block {report.block} (`{report.block_hash}`), "
        f"{report.events} events. Report hash `{report.report_hash()}`.",
        "",
        "| check | subject | status | checked |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {c.check} | `{c.subject}` | {'pass' if c.passed else '**FAIL**'} | {c.checked} |"
        for c in report.checks
    ]
    for c in report.checks:
        if c.passed:
            continue
        out += ["", f"## {c.check} — `{c.subject}`", ""]
        for f in c.findings:
            first, *rest = _finding_lines(f)
            out.append(f"- {first}")
            out += [f"  {line}" for line in rest]
    return "\n".join(out) + "\n"


def to_html(report: AuditReport) -> str:
    """A self-contained HTML rendering of the report."""
    esc = html.escape
    rows = "".join(
        f"<tr class='{'pass' if c.passed else 'fail'}'><td>{esc(c.check)}</td>"
        f"<td><code>{esc(c.subject)}</code></td><td>{'pass' if c.passed else 'FAIL'}</td>"
        f"<td>{c.checked}</td></tr>"
        for c in report.checks
    )
    details = "".join(
        f"<h2>{esc(c.check)} — <code>{esc(c.subject)}</code></h2><ul>"
        + "".join(
            "<li>" + "<br>".join(esc(line) for line in _finding_lines(f)) + "</li>"
            for f in c.findings
        )
        + "</ul>"
        for c in report.checks
        if not c.passed
    )
    verdict = "PASS" if report.passed else "FAIL"
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Park Ledger audit — {verdict}</title><style>"
        "body{font-family:sans-serif;margin:2em}td,th{padding:.2em .6em;border:1px solid #ccc}"
        "table{border-collapse:collapse}.fail{background:#fdd}.pass{background:#efe}"
        "</style></head><body>"
        f"<h1>Park Ledger audit — {verdict}</h1>"
        f"<p>Chain {report.chain_id}, block {report.block} (<code>{esc(report.block_hash)}"
        f"</code>), {report.events} events.<br>Report hash <code>{report.report_hash()}</code>"
        "</p><table><tr><th>check</th><th>subject</th><th>status</th><th>checked</th></tr>"
        f"{rows}</table>{details}</body></html>\n"
    )


def failed_checks(checks: Sequence[CheckResult]) -> list[CheckResult]:
    """The checks that found something."""
    return [c for c in checks if not c.passed]


__all__ = [
    "SCHEMA",
    "SUITE",
    "AgreementSummary",
    "AuditReport",
    "CheckResult",
    "Finding",
    "canonical_json",
    "failed_checks",
    "to_html",
    "to_markdown",
]
