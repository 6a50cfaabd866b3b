"""The API's explicit models against what they mirror: the index tables and the suite's enums."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import inspect

from api.models import index
from api.models.writes import RecordItem
from ledger.domain import structs
from ledger.reads.indexer import models

# NOTE: each read model beside the table it serves; a column added, removed or moved in the
# index fails here until the API model is changed with it (field order is the body's order).
READS: tuple[tuple[type[BaseModel], type[models.Base], tuple[str, ...]], ...] = (
    (index.ParticipantRead, models.Participant, ()),
    (index.AgreementRead, models.Agreement, ()),
    (
        index.AgreementDetailRead,
        models.Agreement,
        ("parties", "consents", "head", "revenue", "pending_intents"),
    ),
    (index.AgreementPartyRead, models.AgreementParty, ()),
    (index.ConsentRead, models.Consent, ()),
    (index.HeadRead, models.AgreementHead, ()),
    (index.AgreementRevenueRead, models.AgreementRevenue, ()),
    (index.ContributionRead, models.Contribution, ()),
    (index.ContributionDetailRead, models.Contribution, ("confirmation_log", "dispute")),
    (index.ConfirmationRead, models.Confirmation, ()),
    (index.DisputeRead, models.Dispute, ()),
    (index.DepositRead, models.Deposit, ()),
    (index.ClaimRead, models.Claim, ()),
    (index.BalanceRead, models.Balance, ()),
    (index.CommitmentRead, models.Commitment, ()),
    (index.ProposalRead, models.Proposal, ()),
    (index.ProposalDetailRead, models.Proposal, ("votes",)),
    (index.VoteRead, models.Vote, ()),
    (index.EventRead, models.Event, ()),
)


@pytest.mark.parametrize(("read", "table", "extra"), READS, ids=[r[0].__name__ for r in READS])
def test_read_model_fields_are_the_table_columns_in_order_when_compared(
    read: type[BaseModel], table: type[models.Base], extra: tuple[str, ...]
) -> None:
    columns = tuple(column.key for column in inspect(table).columns)
    assert tuple(read.model_fields) == columns + extra


def test_read_enum_field_accepts_a_member_number_when_the_index_could_not_name_it() -> None:
    row = {column.key: None for column in inspect(models.Dispute).columns}
    row.update(
        record_id="0x01",
        agreement_id="0x02",
        disputer="0xa",
        contributor="0xb",
        weight=1,
        reason_hash="0x03",
        disputed_block=1,
    )
    assert index.DisputeRead.model_validate({**row, "outcome": "AcceptWithWeight"}).outcome
    assert index.DisputeRead.model_validate({**row, "outcome": "7"}).outcome == "7"
    with pytest.raises(ValidationError):
        index.DisputeRead.model_validate({**row, "outcome": "Maybe"})


def test_request_enum_field_refuses_a_number_or_an_unknown_name() -> None:
    record = {"kind": "ContentIP", "weight": 1, "evidence_hash": "0x" + "5e" * 32}
    assert (
        RecordItem.model_validate(record).contribution().kind is structs.ContributionKind.CONTENT_IP
    )
    for kind in ("1", "Contentip", "CONTENT_IP"):
        with pytest.raises(ValidationError):
            RecordItem.model_validate({**record, "kind": kind})
