"""`park-ledger index`: events of the deployed suite into the SQL index (SQLite or PostgreSQL)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ledger.cli.chain_commands import add_chain_options
from ledger.cli.progress import ProgressBar
from ledger.domain.errors import IndexerError
from ledger.infra.chain.factory import default_sender, open_chain
from ledger.infra.compiler import compile_project
from ledger.infra.config import get_settings
from ledger.infra.deploy import deploy_suite, load_manifest, manifest_path, verify_deployment
from ledger.reads.indexer import (
    Indexer,
    IndexerConfig,
    SyncResult,
    create_index_engine,
    park_projectors,
)
from ledger.reads.indexer.db import default_db_url


def register(commands: Any) -> None:
    """Add `index` to the parser."""
    index_cmd = commands.add_parser(
        "index", help="index the suite's events into SQL (resumable, reorg-safe)"
    )
    add_chain_options(index_cmd)
    index_cmd.add_argument(
        "--db", default=None, help="database URL (default: sqlite:///<data dir>/index.sqlite)"
    )
    index_cmd.add_argument(
        "--rebuild", action="store_true", help="drop the index and rebuild it from genesis"
    )
    index_cmd.add_argument(
        "--deployments", type=Path, default=None, help="manifest directory (default: ./deployments)"
    )
    index_cmd.add_argument(
        "--confirmations",
        type=int,
        default=0,
        help="index only blocks this deep below the head (0 on dev chains)",
    )
    index_cmd.add_argument("--json", action="store_true", help="machine-readable summary")
    index_cmd.set_defaults(handler=run_index)


def run_index(args: argparse.Namespace) -> int:
    """Sync (or rebuild) the index and print what it did."""
    settings = get_settings()
    if args.confirmations < 0:
        raise IndexerError("--confirmations must be zero or more.")
    db_url = args.db or default_db_url(settings)
    with open_chain(kind=args.chain, rpc=args.rpc, settings=settings) as chain:
        artifacts = compile_project()
        if args.chain == "memory" and not args.rpc:
            deployment = deploy_suite(chain.w3, artifacts, deployer=default_sender(chain))  # type: ignore[arg-type]
        else:
            manifest_dir = args.deployments or settings.deployments_dir
            deployment = load_manifest(manifest_path(manifest_dir, chain.chain_id))
            verify_deployment(chain.w3, deployment)
        config = IndexerConfig.for_deployment(
            deployment, artifacts, confirmations=args.confirmations
        )
        revenue = (
            deployment.contract(chain.w3, artifacts, "Revenue")
            if "Revenue" in deployment.contracts
            else None
        )
        engine = create_index_engine(db_url, settings=settings)
        indexer = Indexer(
            w3=chain.w3, engine=engine, config=config, projectors=park_projectors(revenue=revenue)
        )
        bar = ProgressBar(label="rebuilding" if args.rebuild else "indexing")
        try:
            result = (
                indexer.rebuild(on_progress=bar) if args.rebuild else indexer.sync(on_progress=bar)
            )
        except SQLAlchemyError as err:
            reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
            raise IndexerError(f"the index database cannot be used: {reason}") from err
        finally:
            bar.close()
            engine.dispose()
    _print_result(result, as_json=args.json, chain_id=deployment.chain_id)
    if result.mismatches:
        print(
            f"park-ledger: the recomputed hash chain differs from the contract's head for "
            f"{len(result.mismatches)} agreement(s): {', '.join(result.mismatches)}.",
            file=sys.stderr,
        )
        return 1
    return 0


def _print_result(result: SyncResult, *, as_json: bool, chain_id: int) -> None:
    if as_json:
        print(
            json.dumps(
                {
                    "chain_id": chain_id,
                    "last_block": result.last_block,
                    "events": result.events,
                    "chunks": result.chunks,
                    "reorgs": result.reorgs,
                    "rolled_back": result.rolled_back,
                    "mismatches": result.mismatches,
                    "seconds": round(result.elapsed, 3),
                },
                indent=2,
            )
        )
        return
    reorgs = f", {result.reorgs} reorg(s) rolled back" if result.reorgs else ""
    print(
        f"indexed chain {chain_id} to block {result.last_block}: {result.events} new events "
        f"in {result.elapsed:.1f}s{reorgs}"
    )
