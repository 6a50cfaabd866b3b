"""A managed anvil node: a free loopback port, a durable state file, a clean stop."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import requests

from ledger.domain.errors import ChainUnavailableError, ConfigurationError
from ledger.infra.chain.base import dev_accounts
from ledger.infra.chain.lease import Lease
from ledger.infra.chain.rpc import RpcChain
from ledger.infra.config import DEV_MNEMONIC, LedgerSettings, get_settings
from ledger.infra.toolchain import anvil_binary

ANVIL_CHAIN_ID = 31337
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that has the kernel SIGTERM the child when the process that started it
    dies (Linux `prctl(PR_SET_PDEATHSIG)`); None where there is no such call."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    parent = os.getpid()

    def arm() -> None:
        # NOTE: runs in the forked child before exec, so only async-signal-safe work: the
        # foreign function was resolved above, in the parent.
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call: nobody will stop us
            os.kill(os.getpid(), signal.SIGTERM)

    return arm


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something already accepts connections on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def check_state_file(path: Path) -> None:
    """Refuse a state file anvil cannot load, before anvil starts and could overwrite it."""
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            json.load(handle)
    except (OSError, ValueError) as err:
        raise ConfigurationError(
            f"the anvil state file {path} is corrupt ({type(err).__name__}); move it aside to "
            "start a fresh chain, or restore it from a backup."
        ) from err


def anvil_command(
    *,
    port: int,
    state_file: Path | None,
    settings: LedgerSettings,
    accounts: int,
    block_time: float | None = None,
    state_interval: int | None = None,
) -> list[str]:
    """The anvil command line the ledger uses (Prague, dev mnemonic, loopback only)."""
    command = [
        str(anvil_binary(settings)),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--hardfork",
        "prague",
        "--chain-id",
        str(ANVIL_CHAIN_ID),
        "--mnemonic",
        DEV_MNEMONIC,
        "--accounts",
        str(accounts),
        "--balance",
        "10000",
        "--gas-limit",
        "60000000",
    ]
    if state_file is not None:
        command += ["--state", str(state_file)]
        if state_interval:
            command += ["--state-interval", str(state_interval)]
    if block_time:
        command += ["--block-time", str(block_time)]
    return command


def claim_state_file(state_file: Path | None, *, url: str) -> Lease | None:
    """Check `state_file` and take its lease for the node at `url`: one writer per state file
    (two nodes on one file overwrite each other's chain every `--state-interval`)."""
    if state_file is None:
        return None
    check_state_file(state_file)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    return Lease(
        state_file,
        url=url,
        refusal=lambda found: (
            f"the anvil state file {state_file} is in use by the node at {found.url} "
            f"(pid {found.pid}): use that node (--rpc {found.url}), or stop it first."
        ),
    )


class AnvilChain(RpcChain):
    """An anvil process we own: started here, stopped (SIGTERM, then wait) by `close()`.

    With `state_file`, the chain survives restarts: anvil loads it on start and dumps it on
    exit (and every `state_interval` seconds, so that a crash loses at most that much).
    """

    name = "anvil"

    def __init__(
        self,
        *,
        state_file: Path | None = None,
        port: int | None = None,
        accounts: int | None = None,
        block_time: float | None = None,
        state_interval: int | None = 1,
        log_file: Path | None = None,
        settings: LedgerSettings | None = None,
    ) -> None:
        settings = settings or get_settings()
        accounts = accounts or settings.dev_accounts
        self.port = port or free_port()
        # NOTE: the state file first: a node already on it is the likelier cause of a busy port.
        self._lease = claim_state_file(state_file, url=f"http://127.0.0.1:{self.port}")
        if port is not None and port_in_use(port):
            self._release_state_file()
            raise ConfigurationError(
                f"port {port} on 127.0.0.1 is already in use: stop what runs there or choose "
                f"another port (`park-ledger node --port N`, `park-ledger serve --anvil-port N` "
                f"or PARK_API_ANVIL_PORT=N)."
            )
        self.state_file = state_file
        command = anvil_command(
            port=self.port,
            state_file=state_file,
            settings=settings,
            accounts=accounts,
            block_time=block_time,
            state_interval=state_interval,
        )
        self.log_path = log_file or (
            (state_file.parent if state_file else settings.data_dir) / "anvil.log"
        )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log: IO[bytes] = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # NOTE: its own process group, so Ctrl-C in a terminal reaches us first and we
            # stop anvil in order (state dumped) rather than racing it.
            start_new_session=True,
            # NOTE: and if we die without stopping it (SIGKILL, a crash), the kernel sends it
            # SIGTERM: it dumps its state and exits instead of holding the port as an orphan.
            # The "parent" is the starting thread: start the node from a long-lived one.
            preexec_fn=die_with_parent(),  # noqa: PLW1509 - async-signal-safe, see die_with_parent
        )
        url = f"http://127.0.0.1:{self.port}"
        try:
            self._wait_until_ready(url)
            super().__init__(url, expected_chain_id=ANVIL_CHAIN_ID)
        except BaseException:
            self.close()
            raise
        self.accounts = dev_accounts(accounts)

    def _release_state_file(self) -> None:
        if self._lease is not None:
            self._lease.release()

    def _wait_until_ready(self, url: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        payload: dict[str, Any] = {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ChainUnavailableError(
                    f"anvil exited with code {self.process.returncode} while starting: "
                    f"{self._log_tail()}"
                )
            try:
                if requests.post(url, json=payload, timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise ChainUnavailableError(
            f"anvil did not answer on {url} within {STARTUP_TIMEOUT_S:.0f}s: {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        self._log.flush()
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(lines[-3:]) or "(no output)"

    @property
    def running(self) -> bool:
        """Whether the anvil process is alive."""
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the node (fault injection): no state dump on the way out."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()
        self._release_state_file()

    def close(self) -> None:
        """Stop anvil with SIGTERM and wait, so it writes its state file; SIGKILL if it hangs."""
        if self.running:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if not self._log.closed:
            self._log.close()
        self._release_state_file()
