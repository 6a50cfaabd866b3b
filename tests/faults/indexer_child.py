"""An indexer process for the fault suite: the park index (projectors included) of a deployed
suite, one block per committed chunk, printing a line per chunk so the parent can SIGKILL it
mid-sync; it keeps following the chain until killed.

`python -m tests.faults.indexer_child <rpc-url> <db-url> <manifest.json>`
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ledger.infra.chain import RpcChain
from ledger.infra.compiler import compile_project
from ledger.infra.deploy import load_manifest
from ledger.infra.events import StreamProgress
from ledger.reads.indexer import Indexer, IndexerConfig, create_index_engine, park_projectors


def report(progress: StreamProgress) -> None:
    """One line per committed chunk."""
    print(f"chunk {progress.done_block}", flush=True)


def main(url: str, db_url: str, manifest: str) -> None:
    """Index until killed."""
    w3 = RpcChain(url).w3
    artifacts = compile_project()
    deployment = load_manifest(Path(manifest))
    indexer = Indexer(
        w3=w3,
        engine=create_index_engine(db_url),
        config=IndexerConfig.for_deployment(deployment, artifacts, max_chunk=1, initial_range=1),
        projectors=park_projectors(revenue=deployment.contract(w3, artifacts, "Revenue")),
    )
    while True:
        indexer.sync(on_progress=report)
        time.sleep(0.05)


if __name__ == "__main__":
    main(*sys.argv[1:4])
