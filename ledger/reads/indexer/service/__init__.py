"""The indexer service: chain events → SQL, resumable, with confirmation depth, reorg-safe,
rebuildable (docs/indexer.md).

- ``indexer``      `Indexer`: the sync loop, chunk by chunk, the cursor, rollback and rebuild
- ``config``       `IndexerConfig` in; `SyncResult` and `IndexStatus` out
- ``rows``         what a chunk writes: events, hash-chain heads, read models, block hashes
- ``chain_state``  the on-chain heads checked and the values refreshed after a chunk
- ``reorg``        the common ancestor, and forgetting and re-deriving what came after it

Every module logs under ``ledger.reads.indexer.service``, so one logger level covers them all.
"""

from ledger.reads.indexer.service.config import IndexerConfig, IndexStatus, SyncResult
from ledger.reads.indexer.service.indexer import Indexer

__all__ = ["IndexStatus", "Indexer", "IndexerConfig", "SyncResult"]
