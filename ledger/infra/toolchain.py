"""Locate the pinned external tools (Node, solc-js, anvil), saying clearly what is missing."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from ledger.domain.errors import ToolchainError
from ledger.infra.config import LedgerSettings, get_settings

ANVIL_PACKAGE = "@foundry-rs/anvil-linux-amd64"


@dataclass(frozen=True)
class Toolchain:
    """Absolute paths of the tools the core drives."""

    node: Path
    solc_command: Path
    solc_version: str
    anvil: Path


def _require_node_modules(settings: LedgerSettings) -> None:
    if not settings.node_modules.is_dir():
        raise ToolchainError(
            f"node_modules is missing in {settings.project_root}: run `npm ci` there "
            "(or `make setup`)."
        )


def find_node(settings: LedgerSettings | None = None) -> Path:
    """Path of the Node.js executable."""
    settings = settings or get_settings()
    found = shutil.which(settings.node_binary)
    if not found:
        raise ToolchainError(
            "Node.js was not found on PATH: install Node 20 (https://nodejs.org) and run "
            "`make setup`."
        )
    return Path(found)


def solc_version(settings: LedgerSettings | None = None) -> str:
    """Version of the pinned solc-js package, read from its package.json (no Node start-up)."""
    settings = settings or get_settings()
    _require_node_modules(settings)
    manifest = settings.node_modules / "solc" / "package.json"
    if not manifest.is_file():
        raise ToolchainError("the npm package `solc` is not installed: run `npm ci`.")
    return str(json.loads(manifest.read_text())["version"])


def solc_command(settings: LedgerSettings | None = None) -> Path:
    """The solc-compatible command wrapping solc-js (`scripts/solc-js`)."""
    settings = settings or get_settings()
    find_node(settings)
    solc_version(settings)
    command = settings.project_root / "scripts" / "solc-js"
    if not command.is_file():
        raise ToolchainError(f"{command} is missing: the checkout is incomplete.")
    return command


def anvil_binary(settings: LedgerSettings | None = None) -> Path:
    """The anvil binary shipped inside the pinned npm package."""
    settings = settings or get_settings()
    _require_node_modules(settings)
    binary = settings.node_modules / ANVIL_PACKAGE / "bin" / "anvil"
    if not binary.is_file():
        raise ToolchainError(f"anvil is not installed ({ANVIL_PACKAGE}): run `npm ci`.")
    return binary


def toolchain(settings: LedgerSettings | None = None) -> Toolchain:
    """Every tool at once; raises ToolchainError naming the first one missing."""
    settings = settings or get_settings()
    return Toolchain(
        node=find_node(settings),
        solc_command=solc_command(settings),
        solc_version=solc_version(settings),
        anvil=anvil_binary(settings),
    )
