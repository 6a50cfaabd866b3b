"""The typed Python client of the park suite: `Ledger.connect(...)` and its sub-clients."""

from ledger.client.base import Sender
from ledger.client.contributions import batch_from_event
from ledger.client.facade import Ledger
from ledger.client.views import (
    Agreement,
    AgreementTerms,
    Attestation,
    Balance,
    Commitment,
    Conservation,
    Participant,
    Party,
    Proposal,
    RecordState,
    RevenueAccount,
    SignedRecords,
    TxResult,
)

__all__ = [
    "Agreement",
    "AgreementTerms",
    "Attestation",
    "Balance",
    "Commitment",
    "Conservation",
    "Ledger",
    "Participant",
    "Party",
    "Proposal",
    "RecordState",
    "RevenueAccount",
    "Sender",
    "SignedRecords",
    "TxResult",
    "batch_from_event",
]
