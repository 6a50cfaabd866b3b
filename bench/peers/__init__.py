"""Peer contracts measured beside ours on the same chain, in the same run: EAS, OpenZeppelin's
PaymentSplitter and Safe, taken from their published npm packages (pinned in package-lock.json).

Each module's `measure(ctx, ...)` returns `peers.<peer>.<action>...` gas entries; sizes are
keyword arguments so the smoke test can run every scenario on a tiny size.
"""

from __future__ import annotations

import json
from typing import Any

from ledger.domain.errors import ToolchainError
from ledger.infra.config import get_settings


def shipped_artifact(path: str) -> tuple[list[dict[str, Any]], bytes]:
    """ABI and creation bytecode of a Hardhat artifact shipped in an npm package (under
    node_modules); the package's own build, so the peer runs exactly as published."""
    file = get_settings().node_modules / path
    if not file.is_file():
        raise ToolchainError(f"{file} is missing: run `npm ci` (or `make setup`).")
    artifact = json.loads(file.read_text())
    return artifact["abi"], bytes.fromhex(artifact["bytecode"].removeprefix("0x"))
