"""Subcommands for the toolchain and the chain: `compile`, `deploy`, `node`."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount

from ledger.infra.chain.anvil import AnvilChain
from ledger.infra.chain.factory import CHAIN_KINDS, anvil_state_file, default_sender, open_chain
from ledger.infra.compiler import compile_project, size_report
from ledger.infra.config import DEV_HD_PATH, DEV_MNEMONIC, get_settings
from ledger.infra.deploy import Deployment, deploy_suite

RPC_URL_ENV = "ETH_RPC_URL"


def register(commands: Any) -> None:
    """Add `compile`, `deploy` and `node` to the parser."""
    compile_cmd = commands.add_parser("compile", help="compile the contracts (cached)")
    compile_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    compile_cmd.add_argument("--force", action="store_true", help="ignore the build cache")
    compile_cmd.set_defaults(handler=run_compile)

    deploy_cmd = commands.add_parser(
        "deploy", help="deploy the suite (or verify an existing deployment)"
    )
    add_chain_options(deploy_cmd)
    deploy_cmd.add_argument(
        "--deployments",
        type=Path,
        default=None,
        help="manifest directory (default: ./deployments)",
    )
    deploy_cmd.add_argument("--json", action="store_true", help="print the manifest as JSON")
    deploy_cmd.set_defaults(handler=run_deploy)

    node_cmd = commands.add_parser(
        "node", help="run the managed anvil node in the foreground (state kept in the data dir)"
    )
    node_cmd.add_argument("--port", type=int, default=8545, help="port on 127.0.0.1")
    node_cmd.add_argument("--state", type=Path, default=None, help="state file")
    node_cmd.add_argument(
        "--no-deploy", action="store_true", help="do not deploy the contracts on start"
    )
    node_cmd.set_defaults(handler=run_node)


def add_chain_options(parser: argparse.ArgumentParser) -> None:
    """`--chain memory|anvil` and `--rpc URL`, shared by every command that talks to a chain."""
    parser.add_argument(
        "--chain",
        choices=CHAIN_KINDS,
        default="anvil",
        help="memory: in-process py-evm; anvil: managed local node with durable state (default)",
    )
    parser.add_argument(
        "--rpc",
        "--rpc-url",
        dest="rpc",
        default=os.environ.get(RPC_URL_ENV) or None,
        help=f"use the JSON-RPC node at this URL instead (default: ${RPC_URL_ENV}, as Foundry)",
    )


def run_compile(args: argparse.Namespace) -> int:
    """Compile and print one line per contract."""
    result = compile_project(use_cache=not args.force)
    if args.json:
        print(
            json.dumps(
                {
                    "compiler": result.compiler_version,
                    "cached": result.cached,
                    "warnings": result.warnings,
                    "contracts": {a.name: a.runtime_size for a in result.deployable()},
                },
                indent=2,
            )
        )
        return 0
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(f"solc {result.compiler_version}{' (cached)' if result.cached else ''}")
    for line in size_report(result):
        print(line)
    return 0


def run_deploy(args: argparse.Namespace) -> int:
    """Deploy (or verify) the suite and print where it lives."""
    settings = get_settings()
    manifest_dir = args.deployments or settings.deployments_dir
    with open_chain(kind=args.chain, rpc=args.rpc, settings=settings) as chain:
        deployment = deploy_suite(
            chain.w3,
            compile_project(),
            deployer=default_sender(chain),
            manifest_dir=None if args.chain == "memory" and not args.rpc else manifest_dir,
        )
    print_deployment(deployment, as_json=args.json)
    return 0


def print_deployment(deployment: Deployment, *, as_json: bool) -> None:
    """Human or JSON rendering of a manifest."""
    if as_json:
        print(json.dumps(deployment.to_json(), indent=2))
        return
    print(f"chain {deployment.chain_id}, deployer {deployment.deployer}")
    for name, contract in deployment.contracts.items():
        print(f"  {name:<16} {contract.address}  (block {contract.block})")


def print_dev_accounts(accounts: Sequence[LocalAccount]) -> None:
    """The funded dev accounts with their keys and the mnemonic, as anvil and `npx hardhat node`
    print them (they are public: never send real funds to them)."""
    print("\nAvailable accounts (10000 ETH each; --as dev:N signs as account N)")
    for index, account in enumerate(accounts):
        print(f"({index}) {account.address}  {'0x' + bytes(account.key).hex()}")
    print(f"\nMnemonic: {DEV_MNEMONIC}\nDerivation path: {DEV_HD_PATH}/N")
    print("These keys are public: use them on this local chain only.\n")


def run_node(args: argparse.Namespace) -> int:
    """Run anvil in the foreground until Ctrl-C/SIGTERM, deploying the suite on first start."""
    settings = get_settings()
    state = args.state or anvil_state_file(settings)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with AnvilChain(state_file=state, port=args.port, settings=settings) as chain:
        print(f"anvil listening on {chain.url} (chain {chain.chain_id}), state in {state}")
        print_dev_accounts(chain.accounts)
        if not args.no_deploy:
            deployment = deploy_suite(
                chain.w3,
                compile_project(),
                deployer=chain.accounts[0].address,
                manifest_dir=settings.deployments_dir,
            )
            print_deployment(deployment, as_json=False)
        print("press Ctrl-C to stop", flush=True)
        while not stop.wait(0.5):
            if not chain.running:
                print("park-ledger: anvil exited unexpectedly", file=sys.stderr)
                return 1
    print("node stopped; state saved")
    return 0
