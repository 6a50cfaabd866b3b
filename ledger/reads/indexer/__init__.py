"""Events → SQL: resumable, confirmation-depth aware, reorg-safe, rebuildable (docs/indexer.md)."""

from ledger.reads.indexer.db import create_index_engine, default_db_url, dump_tables
from ledger.reads.indexer.projection import Projection, ProjectorSet, partition_of
from ledger.reads.indexer.projectors import park_projectors
from ledger.reads.indexer.service import Indexer, IndexerConfig, IndexStatus, SyncResult

__all__ = [
    "IndexStatus",
    "Indexer",
    "IndexerConfig",
    "Projection",
    "ProjectorSet",
    "SyncResult",
    "create_index_engine",
    "default_db_url",
    "dump_tables",
    "park_projectors",
    "partition_of",
]
