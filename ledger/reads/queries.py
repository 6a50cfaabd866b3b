"""Read queries over the index (docs/indexer.md): filters, sorts and opaque keyset cursors.

Every list is one indexed SQL query per page (never a chain call per row). A page is ordered by
a sort key that ends with the row's primary key, so the cursor — the last row's key, encoded —
resumes exactly after it even while the indexer appends rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils import keccak
from sqlalchemy import Engine, Select, and_, inspect, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ledger.domain import structs
from ledger.domain.errors import NotFoundError, ValidationError
from ledger.domain.merkle import RecordedBatch
from ledger.domain.structs import ZERO_ADDRESS, RecordProof
from ledger.domain.validation import address as parse_address
from ledger.domain.validation import bytes32
from ledger.reads.indexer.models import (
    Agreement,
    AgreementHead,
    AgreementParty,
    AgreementRevenue,
    Balance,
    Base,
    Claim,
    Commitment,
    Confirmation,
    Consent,
    Contribution,
    Deposit,
    Dispute,
    Event,
    Participant,
    Proposal,
    SyncState,
    Uint256,
    Vote,
)
from ledger.reads.indexer.projectors import AI_PROVENANCE, CONTRIBUTION_KIND

AUDITOR_ROLE = "0x" + keccak(text="AUDITOR_ROLE").hex()
MAX_LIMIT = 200
Row = dict[str, Any]
Column = InstrumentedAttribute[Any]


@dataclass(frozen=True)
class Page:
    """One page of rows and the cursor of the next page (None on the last page)."""

    items: list[Row]
    next_cursor: str | None


@dataclass(frozen=True)
class TimeRange:
    """Unix-seconds bounds, both inclusive; None leaves a side open."""

    since: int | None = None
    until: int | None = None


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


def row_dict(row: Base) -> Row:
    """An ORM row as a plain dict of its columns."""
    return {attr.key: getattr(row, attr.key) for attr in inspect(row).mapper.column_attrs}


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for the sort-key `values` of a page's last row."""
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> list[Any]:
    """The sort-key values inside `cursor`; ValidationError when it was not made by us."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as err:
        raise ValidationError("cursor is not a cursor this API issued") from err
    if not isinstance(values, list) or len(values) != size:
        raise ValidationError("cursor is not a cursor this API issued")
    return values


class IndexQueries:
    """The API's read side: typed filters in, pages of rows out."""

    # NOTE: each sort ends with the primary key, so keyset pagination is total and stable.
    SORTS: Mapping[str, Mapping[str, tuple[Column, ...]]] = {
        "participants": {
            "registered": (Participant.registered_block, Participant.account),
            "account": (Participant.account,),
        },
        "agreements": {
            "proposed": (Agreement.proposed_block, Agreement.agreement_id),
            "updated": (Agreement.updated_block, Agreement.agreement_id),
        },
        "contributions": {
            "recorded": (
                Contribution.recorded_block,
                Contribution.recorded_log_index,
                Contribution.batch_index,
                Contribution.record_id,
            ),
            "weight": (Contribution.weight, Contribution.record_id),
        },
        "deposits": {"time": (Deposit.block_number, Deposit.log_index)},
        "claims": {"time": (Claim.block_number, Claim.log_index)},
        "commitments": {
            "deadline": (Commitment.deadline, Commitment.agreement_id, Commitment.commitment_id),
            "made": (Commitment.made_block, Commitment.agreement_id, Commitment.commitment_id),
        },
        "proposals": {
            "created": (Proposal.created_block, Proposal.agreement_id, Proposal.proposal_id),
            "vote_end": (Proposal.vote_end, Proposal.agreement_id, Proposal.proposal_id),
        },
        # NOTE: an index holds one chain (sync_state), so (block, log index) is the event's key.
        "events": {"block": (Event.block_number, Event.log_index)},
    }

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- bookkeeping ---------------------------------------------------------------------

    def last_block(self) -> int | None:
        """The last indexed block (None before the first sync): what every read is as of."""
        with Session(self.engine) as session:
            state = session.get(SyncState, 1)
            return None if state is None else state.last_block

    def is_auditor(self, account: str) -> bool:
        """Whether the registry's latest role event for `account` granted AUDITOR_ROLE."""
        statement = (
            select(Event.name, Event.args)
            .where(
                Event.contract == "ParkRegistry",
                Event.name.in_(("RoleGranted", "RoleRevoked")),
                Event.partition == "p:" + account,
            )
            .order_by(Event.block_number, Event.log_index)
        )
        granted = False
        with Session(self.engine) as session:
            for name, args in session.execute(statement):
                if str(args.get("role", "")).lower() == AUDITOR_ROLE:
                    granted = name == "RoleGranted"
        return granted

    def is_party(self, agreement_id: str, account: str) -> bool:
        """Whether `account` is or was a party of the agreement."""
        with Session(self.engine) as session:
            return session.get(AgreementParty, (agreement_id, account)) is not None

    # -- participants ----------------------------------------------------------------------

    def participants(
        self,
        *,
        kind: str | None = None,
        status: str | None = None,
        sort: str = "registered",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Registered participants, optionally of one kind and status."""
        statement = select(Participant).where(
            *_equal(Participant.kind, kind), *_equal(Participant.status, status)
        )
        return self._page(statement, "participants", sort, cursor, limit)

    def participant(self, account: str) -> Row:
        """One participant; NotFoundError when unknown."""
        return self._one(Participant, parse_address(account, field="account"), "participant")

    # -- agreements -------------------------------------------------------------------------

    def agreements(
        self,
        *,
        party: str | None = None,
        status: str | None = None,
        proposed: TimeRange = TimeRange(),
        sort: str = "proposed",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Agreements, optionally those of one party, of one status, proposed in a time range."""
        statement = select(Agreement).where(
            *_equal(Agreement.status, status), *_within(Agreement.proposed_at, proposed)
        )
        if party is not None:
            statement = statement.join(
                AgreementParty, AgreementParty.agreement_id == Agreement.agreement_id
            ).where(AgreementParty.party == parse_address(party, field="party"))
        return self._page(statement, "agreements", sort, cursor, limit)

    def agreement(self, agreement_id: str) -> Row:
        """One agreement with its parties, consents, hash-chain head and revenue totals."""
        key = _id(agreement_id)
        with Session(self.engine) as session:
            row = session.get(Agreement, key)
            if row is None:
                raise NotFoundError(f"no agreement {key}")
            detail = row_dict(row)
            detail["parties"] = _all(
                session,
                select(AgreementParty)
                .where(AgreementParty.agreement_id == key)
                .order_by(AgreementParty.party_index, AgreementParty.party),
            )
            detail["consents"] = _all(
                session,
                select(Consent)
                .where(Consent.agreement_id == key)
                .order_by(Consent.version, Consent.block_number, Consent.party),
            )
            head = session.get(AgreementHead, key)
            detail["head"] = None if head is None else row_dict(head)
            revenue = session.get(AgreementRevenue, key)
            detail["revenue"] = None if revenue is None else row_dict(revenue)
        return detail

    # -- contributions ----------------------------------------------------------------------

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
            *_equal(Contribution.agreement_id, None if agreement_id is None else _id(agreement_id)),
            *_equal(Contribution.status, status),
            *_equal(Contribution.kind, kind),
            *_equal(
                Contribution.contributor,
                None if contributor is None else parse_address(contributor, field="contributor"),
            ),
            *_within(Contribution.recorded_at, recorded),
        )
        return self._page(statement, "contributions", sort, cursor, limit)

    def record_proof(self, record_id: str) -> tuple[bytes, RecordProof]:
        """The record's agreement id and the `RecordProof` confirm and dispute take, rebuilt
        from the indexed batch (the Merkle tree of every record recorded with it)."""
        key = _id(record_id, field="record_id")
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
        key = _id(record_id, field="record_id")
        with Session(self.engine) as session:
            row = session.get(Contribution, key)
            if row is None:
                raise NotFoundError(f"no contribution record {key}")
            detail = row_dict(row)
            detail["confirmation_log"] = _all(
                session,
                select(Confirmation)
                .where(Confirmation.record_id == key)
                .order_by(Confirmation.block_number, Confirmation.confirmer),
            )
            dispute = session.get(Dispute, key)
            detail["dispute"] = None if dispute is None else row_dict(dispute)
        return detail

    # -- revenue ----------------------------------------------------------------------------

    def deposits(self, *, agreement_id: str, cursor: str | None = None, limit: int = 50) -> Page:
        """Deposits and allocation points of one agreement, oldest first."""
        statement = select(Deposit).where(Deposit.agreement_id == _id(agreement_id))
        return self._page(statement, "deposits", "time", cursor, limit)

    def claims(
        self,
        *,
        agreement_id: str | None = None,
        account: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Claims of one agreement and/or one account, oldest first."""
        statement = select(Claim).where(
            *_equal(Claim.agreement_id, None if agreement_id is None else _id(agreement_id)),
            *_equal(
                Claim.account, None if account is None else parse_address(account, field="account")
            ),
        )
        return self._page(statement, "claims", "time", cursor, limit)

    def balances(self, *, agreement_id: str | None = None, account: str | None = None) -> list[Row]:
        """Claimed and claimable amounts per (agreement, account); at least one filter."""
        if agreement_id is None and account is None:
            raise ValidationError("give agreement_id or account")
        statement = (
            select(Balance)
            .where(
                *_equal(Balance.agreement_id, None if agreement_id is None else _id(agreement_id)),
                *_equal(
                    Balance.account,
                    None if account is None else parse_address(account, field="account"),
                ),
            )
            .order_by(Balance.agreement_id, Balance.account)
            .limit(MAX_LIMIT * 5)
        )
        with Session(self.engine) as session:
            return _all(session, statement)

    # -- commitments ------------------------------------------------------------------------

    def commitments(
        self,
        *,
        agreement_id: str | None = None,
        committer: str | None = None,
        status: str | None = None,
        deadline: TimeRange = TimeRange(),
        sort: str = "deadline",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Commitments filtered by agreement, committer, status and deadline."""
        statement = select(Commitment).where(
            *_equal(Commitment.agreement_id, None if agreement_id is None else _id(agreement_id)),
            *_equal(
                Commitment.committer,
                None if committer is None else parse_address(committer, field="committer"),
            ),
            *_equal(Commitment.status, status),
            *_within(Commitment.deadline, deadline),
        )
        return self._page(statement, "commitments", sort, cursor, limit)

    # -- governance -------------------------------------------------------------------------

    def proposals(
        self,
        *,
        agreement_id: str | None = None,
        status: str | None = None,
        kind: str | None = None,
        sort: str = "created",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """Governance proposals filtered by agreement, status and kind."""
        statement = select(Proposal).where(
            *_equal(Proposal.agreement_id, None if agreement_id is None else _id(agreement_id)),
            *_equal(Proposal.status, status),
            *_equal(Proposal.kind, kind),
        )
        return self._page(statement, "proposals", sort, cursor, limit)

    def proposal_ids(self, agreement_id: str) -> list[int]:
        """Ids of every proposal on the agreement."""
        statement = select(Proposal.proposal_id).where(Proposal.agreement_id == _id(agreement_id))
        with Session(self.engine) as session:
            return list(session.scalars(statement))

    def proposal(self, proposal_id: int) -> Row:
        """One proposal (ids are unique per Governance contract) with its votes."""
        with Session(self.engine) as session:
            row = session.scalars(
                select(Proposal).where(Proposal.proposal_id == proposal_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no proposal {proposal_id}")
            detail = row_dict(row)
            detail["votes"] = _all(
                session,
                select(Vote)
                .where(Vote.proposal_id == proposal_id)
                .order_by(Vote.block_number, Vote.voter),
            )
        return detail

    # -- activity ---------------------------------------------------------------------------

    def events(
        self,
        *,
        agreement_id: str | None = None,
        contract: str | None = None,
        name: str | None = None,
        sort: str = "block",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page:
        """The decoded event log, optionally one agreement's, one contract's or one event's."""
        statement = select(Event).where(
            *_equal(Event.agreement_id, None if agreement_id is None else _id(agreement_id)),
            *_equal(Event.contract, contract),
            *_equal(Event.name, name),
        )
        return self._page(statement, "events", sort, cursor, limit)

    # -- helpers ----------------------------------------------------------------------------

    def _one(self, model: type[Base], key: Any, what: str) -> Row:
        with Session(self.engine) as session:
            row = session.get(model, key)
            if row is None:
                raise NotFoundError(f"no {what} {key}")
            return row_dict(row)

    def _page(
        self, statement: Select[Any], resource: str, sort: str, cursor: str | None, limit: int
    ) -> Page:
        descending = sort.startswith("-")
        sorts = self.SORTS[resource]
        keys = sorts.get(sort.removeprefix("-"))
        if keys is None:
            options = ", ".join(sorted(sorts))
            raise ValidationError(f"sort must be one of {options} (prefix - for descending)")
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(f"limit must be 1 to {MAX_LIMIT}")
        if cursor is not None:
            values = decode_cursor(cursor, size=len(keys))
            # NOTE: a forged cursor with values of other types must be a 422, not a database
            # error: PostgreSQL refuses to compare a bigint column with a string.
            for key, value in zip(keys, values, strict=True):
                expected = int if isinstance(key.type, Uint256) else key.type.python_type
                if type(value) is not expected:
                    raise ValidationError("cursor is not a cursor this API issued")
            statement = statement.where(_after(keys, values, descending))
        order = [key.desc() if descending else key.asc() for key in keys]
        statement = statement.order_by(*order).limit(limit + 1)
        # NOTE: plain column rows, not ORM objects: building and tracking 51 instances and
        # reading them back into dicts was most of a page's cost (the columns are the same).
        with self.engine.connect() as connection:
            result = connection.execute(statement)
            names = tuple(result.keys())
            rows = [dict(zip(names, row, strict=True)) for row in result]
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1][key.key] for key in keys]) if more and rows else None
        return Page(items=rows, next_cursor=next_cursor)


def _equal(column: Column, value: Any) -> list[Any]:
    return [] if value is None else [column == value]


def _within(column: Column, bounds: TimeRange) -> list[Any]:
    clauses: list[Any] = []
    if bounds.since is not None:
        clauses.append(column >= bounds.since)
    if bounds.until is not None:
        clauses.append(column <= bounds.until)
    return clauses


def _after(keys: Sequence[Column], values: Sequence[Any], descending: bool) -> Any:
    """Rows strictly after `values` in the sort order (an expanded row-value comparison, which
    every SQL backend plans with the sort index)."""
    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j] == values[j] for j in range(i)]
        beyond = key < values[i] if descending else key > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def _id(value: str, *, field: str = "agreement_id") -> str:
    return "0x" + bytes32(value, field=field).hex()


def _all(session: Session, statement: Select[Any]) -> list[Row]:
    return [row_dict(row) for row in session.scalars(statement)]


__all__ = [
    "AUDITOR_ROLE",
    "MAX_LIMIT",
    "IndexQueries",
    "Page",
    "TimeRange",
    "contribution_of",
    "decode_cursor",
    "encode_cursor",
    "row_dict",
]
