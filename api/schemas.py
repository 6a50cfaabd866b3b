"""Response schemas of the index read models, derived from the index tables themselves.

NOTE: one source of truth: a column added to `ledger/reads/indexer/models.py` appears in the API
with the same name and type. Token amounts (`Uint256` columns) are decimal strings, because
JSON numbers above 2^53 lose precision in most clients.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model
from sqlalchemy import inspect

from api.writes import OutboxEntryRead
from ledger.reads.indexer import models

Amount = Annotated[
    str,
    BeforeValidator(str),
    Field(pattern=r"^[0-9]+$", description="A token amount or uint256, as a decimal string"),
]


def read_model(orm: type[models.Base], name: str, doc: str, **extra: Any) -> type[BaseModel]:
    """A pydantic model named `name` with one field per column of `orm`, plus `extra` fields."""
    fields: dict[str, Any] = {}
    for column in inspect(orm).columns:
        annotation: Any = (
            Amount if isinstance(column.type, models.Uint256) else column.type.python_type
        )
        if column.nullable:
            fields[column.key] = (annotation | None, None)
        else:
            fields[column.key] = (annotation, ...)
    fields.update(extra)
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        name, __doc__=doc, __config__=ConfigDict(from_attributes=True), **fields
    )
    return model


def page_model(item: type[BaseModel], name: str) -> type[BaseModel]:
    """`{items: [item], next_cursor}`: one page of a list."""
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        name,
        __doc__=f"One page of {item.__name__}; pass `next_cursor` as `cursor` for the next.",
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, Field(default=None, examples=["WzQyLCAiMHgxMiJd"])),
    )
    return model


ParticipantRead = read_model(models.Participant, "ParticipantRead", "A registered participant.")
ParticipantPage = page_model(ParticipantRead, "ParticipantPage")

AgreementRead = read_model(models.Agreement, "AgreementRead", "An agreement's current state.")
AgreementPage = page_model(AgreementRead, "AgreementPage")
AgreementPartyRead = read_model(models.AgreementParty, "AgreementPartyRead", "A party.")
ConsentRead = read_model(models.Consent, "ConsentRead", "One party's consent to one version.")
HeadRead = read_model(
    models.AgreementHead,
    "HeadRead",
    "The hash-chain head recomputed from the events and its last on-chain check.",
)
AgreementRevenueRead = read_model(
    models.AgreementRevenue, "AgreementRevenueRead", "An agreement's revenue totals."
)
AgreementDetailRead = read_model(
    models.Agreement,
    "AgreementDetailRead",
    "An agreement with its parties, consents, hash-chain head and revenue totals.",
    parties=(list[AgreementPartyRead], ...),  # type: ignore[valid-type]
    consents=(list[ConsentRead], ...),  # type: ignore[valid-type]
    head=(HeadRead | None, None),
    revenue=(AgreementRevenueRead | None, None),
    pending_intents=(
        list[OutboxEntryRead] | None,
        Field(
            default=None,
            description="private: relayed intents not yet confirmed; only for the agreement's "
            "parties (current or former) and auditors, null for everyone else",
        ),
    ),
)

ContributionRead = read_model(models.Contribution, "ContributionRead", "A contribution record.")
ContributionPage = page_model(ContributionRead, "ContributionPage")
ConfirmationRead = read_model(models.Confirmation, "ConfirmationRead", "One confirmation.")
DisputeRead = read_model(models.Dispute, "DisputeRead", "A dispute and its resolution.")
ContributionDetailRead = read_model(
    models.Contribution,
    "ContributionDetailRead",
    "A contribution record with its confirmations and dispute.",
    confirmation_log=(list[ConfirmationRead], ...),  # type: ignore[valid-type]
    dispute=(DisputeRead | None, None),
)

DepositRead = read_model(models.Deposit, "DepositRead", "A deposit or an allocation point.")
DepositPage = page_model(DepositRead, "DepositPage")
ClaimRead = read_model(models.Claim, "ClaimRead", "A claim paid out.")
ClaimPage = page_model(ClaimRead, "ClaimPage")
BalanceRead = read_model(
    models.Balance, "BalanceRead", "Claimed and claimable amounts of one account in one agreement."
)

CommitmentRead = read_model(models.Commitment, "CommitmentRead", "A responsibility commitment.")
CommitmentPage = page_model(CommitmentRead, "CommitmentPage")

ProposalRead = read_model(models.Proposal, "ProposalRead", "A governance proposal and its tally.")
ProposalPage = page_model(ProposalRead, "ProposalPage")
VoteRead = read_model(models.Vote, "VoteRead", "One vote.")
ProposalDetailRead = read_model(
    models.Proposal,
    "ProposalDetailRead",
    "A proposal with its votes.",
    votes=(list[VoteRead], ...),  # type: ignore[valid-type]
)

EventRead = read_model(
    models.Event, "EventRead", "One decoded event of the suite, with its arguments."
)
EventPage = page_model(EventRead, "EventPage")
