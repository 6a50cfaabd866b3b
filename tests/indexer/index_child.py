"""Child process for the kill-mid-sync test: indexes one IndexerEmitter on a node, one block per
chunk, printing a line after every committed chunk so the parent knows when to SIGKILL it."""

from __future__ import annotations

import sys

from web3 import Web3

from ledger.reads.indexer import Indexer, create_index_engine
from tests.indexer.conftest import EMITTER, compile_emitter, emitter_config


def main(rpc_url: str, db_url: str, address: str) -> None:
    """Index until killed (or done)."""
    w3 = Web3(Web3.HTTPProvider(rpc_url))
    emitter = w3.eth.contract(
        address=Web3.to_checksum_address(address), abi=compile_emitter()[EMITTER].abi
    )
    config = emitter_config(emitter, max_chunk=1, initial_range=1)
    indexer = Indexer(w3=w3, engine=create_index_engine(db_url), config=config)
    indexer.sync(on_progress=lambda p: print(f"chunk {p.done_block}", flush=True))
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
