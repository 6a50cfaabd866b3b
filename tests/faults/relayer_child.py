"""A ledger process that journals the fault workload wave by wave and relays it, SIGKILLing
itself the `n`-th time it reaches `point` (journaled, signed or broadcast).

`python -m tests.faults.relayer_child <jobs.json> <outbox> <rpc-url> <relayer-key> <point> <n>`
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

from eth_account import Account

from ledger.infra.chain import RpcChain
from ledger.infra.compiler import compile_project
from ledger.infra.revert import ErrorDecoder
from ledger.writes import intents
from ledger.writes.relayer import Relayer
from tests.faults.workload import read_jobs

GIVE_UP_S = 30.0


def main(jobs: str, outbox: str, url: str, key: str, point: str, n: str) -> None:
    """Journal and relay until the crash point kills the process (exit 3 if it never does)."""
    reached: Counter[str] = Counter()

    def crash(name: str) -> None:
        reached[name] += 1
        if name == point and reached[name] == int(n):
            os.kill(os.getpid(), signal.SIGKILL)

    artifacts = compile_project()
    relayer = Relayer(
        outbox=Path(outbox),
        w3=RpcChain(url).w3,
        accounts=[Account.from_key(key)],
        decoder=ErrorDecoder(a.abi for a in artifacts.artifacts.values()),
        batchers=intents.BATCHERS,
        crash_hook=crash,
    )
    for wave in read_jobs(Path(jobs)):
        for job in wave:
            relayer.submit(job.intent, idempotency_key=job.key)
        relayer.process_once()
    deadline = time.monotonic() + GIVE_UP_S
    while time.monotonic() < deadline:
        relayer.process_once()
        time.sleep(0.05)
    sys.exit(3)


if __name__ == "__main__":
    main(*sys.argv[1:7])
