"""The `ai-provenance` check: AI-made records name an accountable party."""

from __future__ import annotations

from collections.abc import Sequence

from ledger.audit.checks.common import at
from ledger.audit.model import AgreementModel
from ledger.audit.report import CheckResult
from ledger.domain.structs import ZERO_ADDRESS, AiProvenance
from ledger.infra.events import DecodedEvent


def check_provenance(
    agreement: str, events: Sequence[DecodedEvent], model: AgreementModel
) -> CheckResult:
    """Every AI-assisted or AI-generated record names an accountable party of the agreement."""
    findings = []
    checked = 0
    parties = set(model.ever_parties)
    for event in events:
        if event.name != "ContributionsRecorded":
            continue
        for index, rec in enumerate(event.args["records"]):
            if int(rec["provenance"]) == AiProvenance.NONE:
                continue
            checked += 1
            if rec["accountable"] == ZERO_ADDRESS or rec["accountable"] not in parties:
                findings.append(
                    at(
                        event,
                        f"AI-provenance record {index} names no accountable party",
                        found=rec["accountable"],
                    )
                )
    return CheckResult("ai-provenance", agreement, checked, tuple(findings))


__all__ = ["check_provenance"]
