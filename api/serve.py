"""`park-ledger serve`: the API on a running ledger (plugged into the CLI by entry point)."""

from __future__ import annotations

import argparse
import logging
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import uvicorn

from api.app import create_app
from api.settings import ApiSettings
from ledger.runtime import ParkRuntime
from ledger.services import ParkServices

log = logging.getLogger(__name__)


def register(commands: Any) -> None:
    """Add `serve` to the `park-ledger` parser."""
    serve = commands.add_parser(
        "serve", help="serve the HTTP API (default: on the managed durable anvil node)"
    )
    serve.add_argument("--chain", choices=("anvil", "memory"), default=None)
    serve.add_argument("--rpc", default=None, help="use the JSON-RPC node at this URL")
    serve.add_argument("--host", default=None, help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="listen port (default 8000)")
    serve.add_argument("--anvil-port", type=int, default=None, help="managed node port (8545)")
    serve.add_argument(
        "--db", default=None, help="index database URL (default: SQLite in the data directory)"
    )
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Start the runtime, serve until Ctrl-C/SIGTERM, then stop the node cleanly."""
    overrides = {
        key: value
        for key, value in {
            "chain": args.chain,
            "rpc": args.rpc,
            "host": args.host,
            "port": args.port,
            "anvil_port": args.anvil_port,
            "index_url": args.db,
        }.items()
        if value is not None
    }
    settings = ApiSettings(**overrides)
    if "port" in overrides and "public_url" not in overrides:
        settings.public_url = f"http://{settings.host}:{settings.port}"
    with ExitStack() as stack:
        runtime = stack.enter_context(
            ParkRuntime.start(
                chain_kind=settings.chain, rpc=settings.rpc, anvil_port=settings.anvil_port
            )
        )
        # NOTE: the in-process chain starts from genesis every time, so its index and outbox
        # must too: they live in a scratch directory removed at exit.
        ephemeral = settings.chain == "memory" and not settings.rpc
        state_dir = (
            Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="park-ledger-")))
            if ephemeral
            else None
        )
        services = stack.enter_context(
            ParkServices(runtime=runtime, state_dir=state_dir, index_url=settings.index_url)
        )
        services.start()
        app = create_app(runtime, settings, services)
        node = getattr(runtime.chain, "url", "in-process chain")
        print(f"Park Ledger API on {settings.public_url}  (docs: {settings.public_url}/docs)")
        print(f"chain {runtime.deployment.chain_id} at {node}", flush=True)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    print("stopped: outbox flushed, indexer and relayer stopped, node state saved")
    return 0
