"""Fault-suite fixtures: the set-up chain (built once per session) and scenarios on copies of
it, each with its own seed derived from `PARK_LEDGER_FAULT_SEED` (random when unset, printed
either way, so a failing run can be replayed) and the test's id."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import Scenario
from tests.faults.workload import Base, build_base

SEED_ENV = "PARK_LEDGER_FAULT_SEED"
DEEP = os.environ.get("PARK_LEDGER_FUZZ", "fast") == "deep"
REPETITIONS = 12 if DEEP else 2
"""Each fault scenario runs this many times, with different random timings."""


@pytest.fixture(scope="session")
def fault_seed() -> int:
    """The run's seed: `PARK_LEDGER_FAULT_SEED` if set, else a fresh random one."""
    return int(os.environ.get(SEED_ENV) or secrets.randbelow(2**32))


@pytest.fixture(scope="session")
def fault_base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    """The suite deployed and set up on anvil, saved as a state file, with the signed work."""
    return build_base(tmp_path_factory.mktemp("fault-base"))


@pytest.fixture
def scenario(
    request: pytest.FixtureRequest, fault_base: Base, fault_seed: int, tmp_path: Path
) -> Iterator[Scenario]:
    """A scenario on a fresh copy of the set-up chain, stopped at the end."""
    digest = hashlib.sha256(f"{fault_seed}:{request.node.nodeid}".encode()).digest()
    seed = int.from_bytes(digest[:8], "big")
    print(f"{SEED_ENV}={fault_seed} (scenario seed {seed})")
    request.node.user_properties.append((SEED_ENV, fault_seed))
    opened = Scenario(fault_base, tmp_path, seed)
    try:
        yield opened
    finally:
        opened.close()
