"""A relayer process that journals intents and SIGKILLs itself at a chosen point.

Run by tests/relayer/test_relayer_anvil.py:
`python crash_child.py <outbox> <rpc-url> <relayer-key> <journal-address> <point> <hex-data>...`
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from eth_account import Account

from ledger.infra.chain import RpcChain
from ledger.infra.revert import ErrorDecoder
from ledger.writes.relayer import Intent, Relayer


def main(argv: list[str]) -> None:
    """Journal every call, then process until the crash point kills the process."""
    outbox, url, key, target, point, *calls = argv

    journaled: list[str] = []

    def crash(reached: str) -> None:
        if reached == "journaled":
            journaled.append(reached)
            if len(journaled) < len(calls):
                return  # die after the last intent is journaled, before anything is sent
        if reached == point:
            os.kill(os.getpid(), signal.SIGKILL)

    chain = RpcChain(url)
    relayer = Relayer(
        outbox=Path(outbox),
        w3=chain.w3,
        accounts=[Account.from_key(key)],
        decoder=ErrorDecoder([]),
        crash_hook=crash,
    )
    for index, data in enumerate(calls):
        intent = Intent(kind="journal.record", target=target, data=bytes.fromhex(data[2:]))
        relayer.submit(intent, idempotency_key=f"k{index}")
    relayer.process_once()
    sys.exit(3)  # only reached if the crash point was never hit


if __name__ == "__main__":
    main(sys.argv[1:])
