"""The audit checks, one module per check family (docs/audit.md says what each verifies and why).

Every check reads only the collected `History` (events from `eth_getLogs`) and views of the
audited block through `eth_call`; each returns a `CheckResult` whose findings name the block,
transaction and log index of the evidence. The report lists them in this order:

- `code` (suite): the chain runs the manifest's code;
- per agreement (`check_agreement`): `hash-chain`, `signatures`, `confirmations`, `revenue`,
  `commitments`, `ai-provenance`;
- `conservation` (suite): the vault holds what it owes, per agreement and per token.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.audit.checks.code import check_code
from ledger.audit.checks.commitments import check_commitments
from ledger.audit.checks.confirmations import check_confirmations
from ledger.audit.checks.conservation import check_conservation
from ledger.audit.checks.hash_chain import check_hash_chain
from ledger.audit.checks.provenance import check_provenance
from ledger.audit.checks.records import RecordInfo, records_of
from ledger.audit.checks.revenue import check_revenue, recompute_revenue
from ledger.audit.checks.signatures import check_signatures
from ledger.audit.collect import History
from ledger.audit.model import AgreementModel
from ledger.audit.report import AgreementSummary, CheckResult
from ledger.infra.events import DecodedEvent


def check_agreement(
    history: History,
    agreement: str,
    events: Sequence[DecodedEvent],
    model: AgreementModel,
    *,
    grace: int,
    review: int,
) -> tuple[list[CheckResult], AgreementSummary]:
    """The agreement's checks, in report order, and its head summary."""
    chain_check, summary = check_hash_chain(history, agreement, events)
    records = records_of(agreement, events)
    checks = [
        chain_check,
        check_signatures(history, agreement, events, model),
        check_confirmations(history, agreement, events, model, records=records),
        check_revenue(history, agreement, events, model, records=records),
        check_commitments(history, agreement, events, model, grace=grace, review=review),
        check_provenance(agreement, events, model),
    ]
    return checks, summary


__all__ = [
    "RecordInfo",
    "check_agreement",
    "check_code",
    "check_commitments",
    "check_confirmations",
    "check_conservation",
    "check_hash_chain",
    "check_provenance",
    "check_revenue",
    "check_signatures",
    "recompute_revenue",
    "records_of",
]
