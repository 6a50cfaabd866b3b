"""`park-ledger serve`: the API on a running ledger (plugged into the CLI by entry point).

With `--workers N` (N > 1) the command's own process runs the chain, the indexer and the
relayer — the only process that indexes and sends — while uvicorn serves HTTP from N worker
processes, each opening `worker_app()`: the same node, index and outbox, journal-only.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from api.app import SIGNING_KEY_FILE, create_app
from api.settings import ApiSettings
from ledger.app.auth import load_or_create_signing_key
from ledger.app.services import ParkServices
from ledger.domain.errors import ConfigurationError
from ledger.infra.chain import RpcChain
from ledger.infra.chain.anvil import port_in_use
from ledger.infra.chain.lease import Lease
from ledger.infra.config import get_settings
from ledger.infra.runtime import ParkRuntime

log = logging.getLogger(__name__)

# NOTE: importing py-evm (and py_ecc) raises the recursion limit to 100,000 for the EVM's
# call depth; a serving process then lets a parser recurse until the C stack overflows
# (SIGSEGV) instead of raising RecursionError. 10,000 keeps the in-process EVM's 1024-deep
# calls and stays far inside an 8 MiB stack.
SERVING_RECURSION_LIMIT = 10_000


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
    serve.add_argument(
        "--workers", type=int, default=None, help="HTTP worker processes (default 1)"
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
            "workers": args.workers,
        }.items()
        if value is not None
    }
    settings = ApiSettings(**overrides)
    # NOTE: the in-process chain starts from genesis every time, so its index and outbox
    # must too: they live in a scratch directory removed at exit.
    ephemeral = settings.chain == "memory" and not settings.rpc
    if ephemeral and settings.workers > 1:
        raise ConfigurationError(
            "the in-process chain lives in one process: serve it with --workers 1, or serve "
            "several workers on anvil or --rpc"
        )
    try:
        with ExitStack() as stack:
            stack.callback(signal.signal, signal.SIGTERM, signal.getsignal(signal.SIGTERM))
            # NOTE: uvicorn re-raises the SIGTERM it captured once it has shut down; left to
            # the default action it killed this process before the managed node was stopped
            # (orphaned, still writing the state file) and the outbox flushed: unwind instead.
            signal.signal(signal.SIGTERM, signal.default_int_handler)
            if not ephemeral:
                stack.callback(claim_data_dir(settings).release)
            serve(stack, settings, ephemeral=ephemeral)
    except KeyboardInterrupt:
        pass
    print("stopped: outbox flushed, indexer and relayer stopped, node state saved")
    return 0


def claim_data_dir(settings: ApiSettings) -> Lease:
    """One `serve` per data directory (its index, outbox and node), refused in one sentence."""
    data_dir = get_settings().data_dir
    return Lease(
        data_dir / "serve",
        url=settings.public_url,
        refusal=lambda found: (
            f"another park-ledger serve (pid {found.pid}, {found.url}) already serves the data "
            f"directory {data_dir}: use it, stop it first, or give this one its own "
            "PARK_LEDGER_DATA_DIR."
        ),
    )


def serve(stack: ExitStack, settings: ApiSettings, *, ephemeral: bool) -> None:
    """Start the runtime and services on `stack` and serve HTTP until uvicorn stops."""
    if port_in_use(settings.port):
        raise ConfigurationError(
            f"port {settings.port} on 127.0.0.1 is already in use: stop what runs there, or "
            "serve on another port (`park-ledger serve --port N` or PARK_API_PORT=N)."
        )
    runtime = stack.enter_context(
        ParkRuntime.start(
            chain_kind=settings.chain, rpc=settings.rpc, anvil_port=settings.anvil_port
        )
    )
    state_dir = (
        Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="park-ledger-")))
        if ephemeral
        else None
    )
    services = stack.enter_context(
        ParkServices(runtime=runtime, state_dir=state_dir, index_url=settings.index_url)
    )
    services.start()
    node = runtime.chain.url if isinstance(runtime.chain, RpcChain) else "in-process chain"
    print(f"Park Ledger API on {settings.public_url}  (docs: {settings.public_url}/docs)")
    print(f"dashboard at {settings.public_url}/dashboard/")
    print(f"chain {runtime.deployment.chain_id} at {node}", flush=True)
    if settings.workers == 1:
        app = create_app(runtime, settings, services)
        prepare_serving_process()
        uvicorn.run(app, **uvicorn_options(settings))
    else:
        # NOTE: the token key is created here, once, not by N workers racing to.
        load_or_create_signing_key(runtime.data_dir / SIGNING_KEY_FILE)
        os.environ.update(worker_environment(settings, node=node, services=services))
        print(f"{settings.workers} worker processes; indexer and relayer in this one")
        sys.setrecursionlimit(SERVING_RECURSION_LIMIT)
        uvicorn.run(
            f"{__name__}:worker_app",
            factory=True,
            workers=settings.workers,
            **uvicorn_options(settings),
        )


def worker_environment(
    settings: ApiSettings, *, node: str, services: ParkServices
) -> dict[str, str]:
    """What a worker process reads its settings from: the serving process's node, index and
    public URL (the sign-in domain), as `PARK_API_*` variables."""
    return {
        "PARK_API_RPC": node,
        "PARK_API_INDEX_URL": services.engine.url.render_as_string(hide_password=False),
        "PARK_API_PUBLIC_URL": settings.public_url,
    }


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn's factory): journal-only services on the node,
    index and outbox of the serving process, closed with the app."""
    settings = ApiSettings()
    if not settings.rpc:
        raise ConfigurationError("a worker serves the node its parent runs: PARK_API_RPC is unset")
    runtime = ParkRuntime.start(rpc=settings.rpc)
    try:
        services = ParkServices(runtime=runtime, index_url=settings.index_url, journal_only=True)
    except BaseException:
        runtime.close()
        raise
    app = create_app(runtime, settings, services, closes=(services, runtime))
    prepare_serving_process()
    return app


def uvicorn_options(settings: ApiSettings) -> dict[str, Any]:
    """How uvicorn listens for `settings`: forwarded headers only from the trusted proxies."""
    # NOTE: uvicorn's default believes X-Forwarded-For from 127.0.0.1, so anything on the
    # host (or a client behind a proxy that passes the header on) picks its own address.
    trusted = settings.trusted_proxies.strip()
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": "info",
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }


def prepare_serving_process() -> None:
    """A sane recursion limit; everything built at startup out of the garbage collector's
    sight."""
    sys.setrecursionlimit(SERVING_RECURSION_LIMIT)
    # NOTE: web3, SQLAlchemy, pydantic and the ABIs leave ~200k long-lived objects that every
    # full collection walks again, a pause taken by whichever request is running: frozen, the
    # list reads' p99 in make bench went from 56 to 44 ms and /health's from 78 to 12 ms.
    gc.freeze()
