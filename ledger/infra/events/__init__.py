"""Events of the suite: an ABI-driven catalog, fast decoding, adaptive log streaming, hash chain.

Shared by the indexer (events → SQL) and the auditor (events straight from the chain).
"""

from ledger.infra.events.catalog import DecodedEvent, EventCatalog, EventSpec, RawLog
from ledger.infra.events.hashchain import ZERO_HEAD, HashChainRules, advance, fold
from ledger.infra.events.stream import (
    BlockHeader,
    LogChunk,
    LogSource,
    LogStreamer,
    StreamProgress,
    log_source,
)

__all__ = [
    "ZERO_HEAD",
    "BlockHeader",
    "DecodedEvent",
    "EventCatalog",
    "EventSpec",
    "HashChainRules",
    "LogChunk",
    "LogSource",
    "LogStreamer",
    "RawLog",
    "StreamProgress",
    "advance",
    "fold",
    "log_source",
]
