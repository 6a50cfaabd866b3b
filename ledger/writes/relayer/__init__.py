"""The relayer: a durable SQLite outbox of intents, sent with managed nonces and fees,
reconciled after crashes and node restarts, finalised after N confirmations."""

from ledger.writes.relayer.models import (
    AppliedCheck,
    Batcher,
    Call,
    EntryStatus,
    Failure,
    Intent,
    OutboxEntry,
    RelayerConfig,
    TxPurpose,
    TxStatus,
)
from ledger.writes.relayer.nonces import Fees, NonceManager, quote_fees
from ledger.writes.relayer.outbox import Outbox, TxRecord
from ledger.writes.relayer.service import Relayer, StepReport

__all__ = [
    "AppliedCheck",
    "Batcher",
    "Call",
    "EntryStatus",
    "Failure",
    "Fees",
    "Intent",
    "NonceManager",
    "Outbox",
    "OutboxEntry",
    "Relayer",
    "RelayerConfig",
    "StepReport",
    "TxPurpose",
    "TxRecord",
    "TxStatus",
    "quote_fees",
]
