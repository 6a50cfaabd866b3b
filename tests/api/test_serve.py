"""`park-ledger serve` as `make run` starts it: uvicorn and anvil as separate processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from ledger.client import Ledger
from ledger.domain import signing
from ledger.infra.chain.anvil import free_port
from ledger.infra.chain.base import dev_accounts
from tests.api.test_private import propose_between


def wait_ready(url: str, process: subprocess.Popen[str], timeout: float = 180) -> httpx.Response:
    """Poll /ready until it answers 200 (or the server dies)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output, _ = process.communicate()
            raise AssertionError(f"park-ledger serve exited early:\n{output}")
        try:
            response = httpx.get(f"{url}/ready", timeout=2)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url}/ready never answered 200")


def start_server(data: Path, port: int, anvil_port: int, *extra: str) -> subprocess.Popen[str]:
    """`park-ledger serve` on loopback ports with its data in `data`."""
    env = {
        **os.environ,
        "PARK_LEDGER_DATA_DIR": str(data / "data"),
        "PARK_LEDGER_DEPLOYMENTS_DIR": str(data / "deployments"),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ledger.cli",
            "serve",
            "--port",
            str(port),
            "--anvil-port",
            str(anvil_port),
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> str:
    """Ctrl-C the server and return what it printed."""
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


def test_serve_deploys_on_first_start_and_reuses_the_durable_chain(tmp_path: Path) -> None:
    port, anvil_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    first = start_server(tmp_path, port, anvil_port)
    try:
        contracts = wait_ready(url, first).json()["contracts"]
        assert set(contracts) >= {"ParkRegistry", "Agreements", "Revenue"}
        assert httpx.get(f"{url}/openapi.json").json()["info"]["title"] == "Park Ledger API"
    finally:
        output = stop(first)
    assert first.returncode == 0, output
    assert (tmp_path / "data" / "anvil-state.json").is_file()
    assert (tmp_path / "deployments" / "31337.json").is_file()

    second = start_server(tmp_path, port, anvil_port)
    try:
        assert wait_ready(url, second).json()["contracts"] == contracts
    finally:
        stop(second)
    assert second.returncode == 0


def token_for(url: str, account: LocalAccount) -> str:
    """Sign in over HTTP with `account`'s key."""
    challenge = httpx.post(f"{url}/auth/challenge", json={"address": account.address}).json()
    signed = Account.sign_message(encode_defunct(text=challenge["message"]), account.key)
    answer = httpx.post(
        f"{url}/auth/token",
        json={"message": challenge["message"], "signature": "0x" + signed.signature.hex()},
    )
    return str(answer.json()["token"])


def poll(
    fetch: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Call `fetch` until `done` holds (the background relayer and indexer get there)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = fetch()
        if done(body):
            return body
        time.sleep(0.25)
    raise AssertionError(f"never reached: last answer {body}")


def propose_agreement(
    data: Path, anvil_port: int
) -> tuple[Ledger, LocalAccount, LocalAccount, str]:
    """Register two parties on the served deployment and propose their agreement; the ledger
    client, the proposer, the party still to consent, and the agreement id."""
    ledger = Ledger.connect(
        deployment=data / "deployments" / "31337.json", rpc=f"http://127.0.0.1:{anvil_port}"
    )
    admin, proposer, party = dev_accounts(3)
    aid = propose_between(ledger, admin=admin, parties=[proposer, party], tag="serve-round-trip")
    return ledger, proposer, party, aid


def signed_consent(
    http: httpx.Client, ledger: Ledger, party: LocalAccount, aid: str, valid_for: int = 3600
) -> dict[str, Any]:
    """The party's consent body, signed over the typed data the server hands out."""
    deadline = ledger.timestamp() + valid_for
    typed = http.get(
        f"/agreements/{aid}/consents/typed-data",
        params={"signer": party.address, "deadline": deadline},
    ).json()
    return {
        "signer": party.address,
        "nonce": typed["message"]["nonce"],
        "deadline": deadline,
        "signature": "0x" + signing.sign(typed, party).hex(),
    }


def consented(
    http: httpx.Client, location: str, auth: dict[str, str], aid: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Poll the consent's outbox entry until it is confirmed, then the agreement until it is
    Active; both answers."""
    entry = poll(
        lambda: http.get(location, headers=auth).json(),
        lambda e: e["status"] in {"confirmed", "failed"},
    )
    assert entry["status"] == "confirmed", entry
    agreement = poll(
        lambda: http.get(f"/agreements/{aid}").json(), lambda a: a.get("status") == "Active"
    )
    return entry, agreement


def test_signed_consent_is_mined_and_indexed_when_served_on_anvil(tmp_path: Path) -> None:
    port, anvil_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port, anvil_port)
    try:
        wait_ready(url, server)
        ledger, proposer, party, aid = propose_agreement(tmp_path, anvil_port)
        with httpx.Client(base_url=url) as http:
            body = signed_consent(http, ledger, party, aid)
            accepted = http.post(
                f"/agreements/{aid}/consents", json=body, headers={"Idempotency-Key": "c-1"}
            )
            assert accepted.status_code == 202, accepted.text
            auth = {"Authorization": f"Bearer {token_for(url, party)}"}
            _, agreement = consented(http, accepted.headers["location"], auth, aid)
        assert {c["party"] for c in agreement["consents"]} == {proposer.address, party.address}
    finally:
        output = stop(server)
    assert server.returncode == 0, output


def pinned_clients(url: str, workers: int) -> list[httpx.Client]:
    """One keep-alive client per worker process (told apart by `/health`'s `worker`): open
    connections until each worker has answered one."""
    pinned: dict[str, httpx.Client] = {}
    for _ in range(500):
        http = httpx.Client(base_url=url)
        worker = http.get("/health").json()["worker"]
        if worker in pinned:
            http.close()
        else:
            pinned[worker] = http
        if len(pinned) == workers:
            return list(pinned.values())
    raise AssertionError(f"only {len(pinned)} of {workers} workers ever answered")


def children_of(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            children.add(int(stat.parent.name))
    return children


def test_workers_share_sign_in_outbox_and_index_when_served_by_several_processes(
    tmp_path: Path,
) -> None:
    port, anvil_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port, anvil_port, "--workers", "2")
    try:
        wait_ready(url, server)
        ledger, proposer, party, aid = propose_agreement(tmp_path, anvil_port)
        first, second = pinned_clients(url, 2)
        body = signed_consent(first, ledger, party, aid)
        challenge = first.post("/auth/challenge", json={"address": party.address}).json()
        signed = Account.sign_message(encode_defunct(text=challenge["message"]), party.key)
        token = second.post(
            "/auth/token",
            json={"message": challenge["message"], "signature": "0x" + signed.signature.hex()},
        )
        assert token.status_code == 200, token.text
        auth = {"Authorization": f"Bearer {token.json()['token']}"}

        accepted = first.post(
            f"/agreements/{aid}/consents", json=body, headers={"Idempotency-Key": "c-1"}
        )
        assert accepted.status_code == 202, accepted.text
        retried = second.post(
            f"/agreements/{aid}/consents", json=body, headers={"Idempotency-Key": "c-1"}
        )
        assert retried.status_code == 202
        assert retried.json()["id"] == accepted.json()["id"]
        # NOTE: signed too: an unsigned variant is refused (400) before the key is looked up.
        reused = second.post(
            f"/agreements/{aid}/consents",
            json=signed_consent(second, ledger, party, aid, valid_for=1800),
            headers={"Idempotency-Key": "c-1"},
        )
        assert reused.status_code == 409
        location = accepted.headers["location"]
        assert second.get(location, headers=auth).json()["id"] == accepted.json()["id"]
        entry, agreement = consented(second, location, auth, aid)
        assert {c["party"] for c in agreement["consents"]} == {proposer.address, party.address}
        workers = {http.get("/health").json()["worker"] for http in (first, second)}
        assert len(workers) == 2
        assert first.get("/ready").json()["outbox"] == {"confirmed": 1}
        assert ledger.w3.eth.get_transaction_count(entry["sender"]) == 1
        for http in (first, second):
            http.close()
        processes = children_of(server.pid)
        assert len(processes) >= 3  # anvil and the two workers
    finally:
        output = stop(server)
    assert server.returncode == 0, output
    assert "stopped: outbox flushed" in output
    assert (tmp_path / "data" / "anvil-state.json").is_file()
    orphans = poll(
        lambda: {"alive": sorted(p for p in processes if Path(f"/proc/{p}").exists())},
        lambda alive: not alive["alive"],
    )
    assert orphans == {"alive": []}


def test_serve_keeps_no_state_when_the_chain_is_in_process(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    index = tmp_path / "elsewhere" / "index.sqlite"
    server = start_server(
        tmp_path, port, free_port(), "--chain", "memory", "--db", f"sqlite:///{index}"
    )
    try:
        ready = wait_ready(url, server).json()
        assert ready["indexed_block"] is not None
        assert httpx.get(f"{url}/agreements").json() == {"items": [], "next_cursor": None}
    finally:
        output = stop(server)
    assert server.returncode == 0, output
    leftovers = (
        {p.name for p in (tmp_path / "data").iterdir()} if (tmp_path / "data").exists() else set()
    )
    assert not leftovers & {"index.sqlite", "outbox.sqlite3"}
    assert index.is_file()
