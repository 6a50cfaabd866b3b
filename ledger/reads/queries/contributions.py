"""Contribution records, their confirmations and disputes, and the Merkle proof of a record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.domain import structs
from ledger.domain.errors import NotFoundError, ValidationError
from ledger.domain.merkle import RecordedBatch
from ledger.domain.structs import ZERO_ADDRESS, RecordProof
from ledger.domain.validation import address as parse_address
from ledger.reads.indexer.models import Confirmation, Contribution, Dispute
from ledger.reads.indexer.projectors import AI_PROVENANCE, CONTRIBUTION_KIND
from ledger.reads.queries.paging import (
    IndexReader,
    Page,
    Row,
    Sorts,
    TimeRange,
    all_rows,
    equals,
    hash_key,
    row_dict,
    within,
)

SORTS: dict[str, Sorts] = {
    "contributions": {
        "recorded": (
            Contribution.recorded_block,
            Contribution.recorded_log_index,
            Contribution.batch_index,
            Contribution.record_id,
        ),
        "weight": (Contribution.weight, Contribution.record_id),
    },
}


def contribution_of(
    *, kind: str, weight: int, evidence_hash: str, provenance: str, accountable: str
) -> structs.Contribution:
    """A contribution struct from the names the index (and so the API) uses for its enums."""
    if kind not in CONTRIBUTION_KIND:
        raise ValidationError(f"kind: one of {', '.join(CONTRIBUTION_KIND)}")
    if provenance not in AI_PROVENANCE:
        raise ValidationError(f"provenance: one of {', '.join(AI_PROVENANCE)}")
    return structs.Contribution(
        kind=structs.ContributionKind(CONTRIBUTION_KIND.index(kind)),
        weight=weight,
        evidence_hash=evidence_hash,
        provenance=structs.AiProvenance(AI_PROVENANCE.index(provenance)),
        accountable=accountable,
    )


class ContributionQueries(IndexReader):
    """Records by agreement, status, kind, contributor and time; one with its log and proof."""

    def contributions(
        self,
        *,
        agreement_id: str | None = None,
        status: str | None = None,
        kind: str | None = None,
        contributor: str | None = None,
        recorded: TimeRange = TimeRange(),
        sort: str = "recorded",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Contribution records filtered by agreement, status, kind, contributor and time."""
        statement = select(Contribution).where(
            *equals(
                Contribution.agreement_id, None if agreement_id is None else hash_key(agreement_id)
            ),
            *equals(Contribution.status, status),
            *equals(Contribution.kind, kind),
            *equals(
                Contribution.contributor,
                None if contributor is None else parse_address(contributor, field="contributor"),
            ),
            *within(Contribution.recorded_at, recorded),
        )
        return self._page(statement, SORTS["contributions"], sort, cursor, limit)

    def record_proof(self, record_id: str) -> tuple[bytes, RecordProof]:
        """The record's agreement id and the `RecordProof` confirm and dispute take, rebuilt
        from the indexed batch (the Merkle tree of every record recorded with it)."""
        key = hash_key(record_id, field="record_id")
        with Session(self.engine) as session:
            row = session.get(Contribution, key)
            if row is None:
                raise NotFoundError(f"no contribution record {key}")
            leaves = list(
                session.scalars(
                    select(Contribution)
                    .where(Contribution.batch_root == row.batch_root)
                    .order_by(Contribution.batch_index)
                )
            )
        agreement_id = bytes.fromhex(row.agreement_id[2:])
        batch = RecordedBatch.compute(
            agreement_id=agreement_id,
            contributor=row.contributor,
            pre_head=bytes.fromhex(row.pre_head[2:]),
            records=[
                contribution_of(
                    kind=leaf.kind,
                    weight=leaf.weight,
                    evidence_hash=leaf.evidence_hash,
                    provenance=leaf.provenance,
                    accountable=leaf.accountable or ZERO_ADDRESS,
                )
                for leaf in leaves
            ],
        )
        return agreement_id, batch.proof(row.batch_index)

    def contribution(self, record_id: str) -> Row:
        """One record with its confirmations and its dispute, if any."""
        key = hash_key(record_id, field="record_id")
        with Session(self.engine) as session:
            row = session.get(Contribution, key)
            if row is None:
                raise NotFoundError(f"no contribution record {key}")
            detail = row_dict(row)
            detail["confirmation_log"] = all_rows(
                session,
                select(Confirmation)
                .where(Confirmation.record_id == key)
                .order_by(Confirmation.block_number, Confirmation.confirmer),
            )
            dispute = session.get(Dispute, key)
            detail["dispute"] = None if dispute is None else row_dict(dispute)
        return detail


__all__ = ["SORTS", "ContributionQueries", "contribution_of"]
