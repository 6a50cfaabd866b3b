"""The first hour of a newcomer, as real subprocesses: one writer per state file, refusals in
one sentence, nothing lost by following the README."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from eth_utils import keccak

from ledger.domain.structs import ZERO_ADDRESS, AgreementParams
from ledger.infra.chain.anvil import free_port, port_in_use
from ledger.infra.compiler import compile_project
from tests.cli.conftest import TIMEOUT_S, Cli, Node, cli_env, register_firms
from tests.conftest import FIXTURE_CONTRACTS

STUDIO = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"
DEV0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
DEV0_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"


@dataclass
class Running:
    """A background `park-ledger` process and what it printed until it was ready."""

    process: subprocess.Popen[str]
    output: str


@contextmanager
def running(env: dict[str, str], *args: str, ready: str) -> Iterator[Running]:
    """`park-ledger ARGS` in the background until it prints `ready`; SIGINT and wait on exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ledger.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **env},
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + TIMEOUT_S
        seen = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            seen.append(line)
            if ready in line or (not line and process.poll() is not None):
                break
        assert any(ready in line for line in seen), "".join(seen)
        yield Running(process, "".join(seen))
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_commands_use_the_running_node_and_keep_its_writes_when_it_holds_the_state_file(
    tmp_path: Path,
) -> None:
    cli = Cli(cli_env(tmp_path))
    port = free_port()
    with running(cli.env, "node", "--port", str(port), ready="press Ctrl-C") as node:
        second = cli.run("node", "--port", str(free_port()), "--no-deploy")
        assert second.returncode == 1
        assert second.stderr.count("\n") == 1, second.stderr
        assert f"in use by the node at http://127.0.0.1:{port}" in second.stderr
        granted = cli.run("participants", "grant-role", "registrar", DEV0, "--as", "dev:0")
        assert granted.returncode == 0, granted.stderr
        registered = cli.run(
            "participants",
            "register",
            STUDIO,
            "--kind",
            "design_studio",
            "--profile",
            "Lantern",
            "--as",
            "dev:0",
        )
        assert registered.returncode == 0, registered.stderr
    assert f"(0) {DEV0}  {DEV0_KEY}" in node.output
    assert "Mnemonic: test test test test test test test test test test test junk" in node.output
    # NOTE: after the node stopped, the command starts its own node on the state file it saved.
    shown = cli.json("participants", "show", STUDIO)
    assert shown["kind"] == "design_studio"
    assert shown["status"] == "active"


def serve_env(tmp_path: Path, port: int, anvil_port: int) -> dict[str, str]:
    """`make run`'s environment with its ports set the way the README says: PARK_API_*."""
    return {
        **cli_env(tmp_path),
        "PARK_API_PORT": str(port),
        "PARK_API_ANVIL_PORT": str(anvil_port),
    }


def test_serve_names_its_port_and_sign_in_domain_when_the_port_comes_from_the_environment(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = serve_env(tmp_path, port, free_port())
    with running(env, "serve", ready="Uvicorn running on") as server:
        challenge = httpx.post(
            f"http://127.0.0.1:{port}/auth/challenge", json={"address": DEV0}, timeout=30
        ).json()
    assert challenge["message"].startswith(f"127.0.0.1:{port} wants you to sign in")
    assert f"Park Ledger API on http://127.0.0.1:{port} " in server.output
    assert f"dashboard at http://127.0.0.1:{port}/dashboard/" in server.output


def test_serve_points_at_the_anvil_port_setting_when_that_port_is_busy(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = serve_env(tmp_path, free_port(), busy.getsockname()[1])
        result = Cli(env).run("serve")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "PARK_API_ANVIL_PORT" in result.stderr


def test_second_serve_is_refused_and_sigterm_stops_the_node_when_one_serves_the_data_dir(
    tmp_path: Path,
) -> None:
    anvil_port = free_port()
    env = serve_env(tmp_path, free_port(), anvil_port)
    with running(env, "serve", ready="Uvicorn running on") as server:
        second = Cli(serve_env(tmp_path, free_port(), free_port())).run("serve")
        assert second.returncode == 1
        assert second.stderr.count("\n") == 1, second.stderr
        assert "already serves the data directory" in second.stderr
        assert "Traceback" not in second.stderr
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=60) == 0
    assert not port_in_use(anvil_port)


def test_show_exits_1_in_one_sentence_when_the_agreement_or_participant_is_unknown(
    node: Node,
) -> None:
    unknown_id = "0x" + "00" * 31 + "01"
    agreement = node.cli.run("agreements", "show", unknown_id)
    assert agreement.returncode == 1
    assert agreement.stderr == f"park-ledger: no agreement {unknown_id}\n"
    participant = node.cli.run("participants", "show", STUDIO)
    assert participant.returncode == 1
    assert participant.stderr == f"park-ledger: no participant {STUDIO}\n"


def active_agreement(
    node: Node,
    first: int,
    second: int,
    *,
    fund_bps: int = 0,
    tag: str = "",
    token: str = ZERO_ADDRESS,
) -> str:
    """An Active two-party agreement between dev accounts `first` and `second`."""
    ledger, one, two = node.ledger, node.chain.accounts[first], node.chain.accounts[second]
    register_firms(node, one, two)
    params = AgreementParams(
        parties=[one.address, two.address],
        shares_bps=[5000, 5000],
        terms_hash=keccak(text="first hour"),
        fund_share_bps=fund_bps,
        consent_deadline=ledger.timestamp() + 3600,
        token=token,
    )
    salt = keccak(text=f"first-hour-{first}-{second}-{tag}")
    aid = "0x" + ledger.agreements.agreement_id_of(proposer=one.address, salt=salt).hex()
    ledger.agreements.propose(params=params, salt=salt, sender=one)
    ledger.agreements.consent(agreement_id=aid, sender=two)
    return aid


def test_amounts_need_a_unit_and_print_in_eth_and_percent_when_typed_by_a_person(
    node: Node,
) -> None:
    aid = active_agreement(node, 14, 15, fund_bps=500)
    bare = node.cli.run("revenue", "deposit", aid, "--amount", "2", "--as", "dev:9")
    assert bare.returncode == 1
    assert "has no unit: write e.g. 2 ETH (2ether, 2.5 ETH, 20gwei or 1000wei)" in bare.stderr
    deposited = node.cli.run("revenue", "deposit", aid, "--amount", "2.5 ETH", "--as", "dev:9")
    assert deposited.returncode == 0, deposited.stderr
    assert deposited.stdout.startswith("deposited 2.5 ETH")
    as_json = node.cli.json("revenue", "balance", aid)
    assert as_json["parties"][0]["allocated"] == str(11875 * 10**14)  # half of 95% of 2.5 ETH
    assert as_json["culture_fund"]["allocated"] == str(125 * 10**15)  # 5% of 2.5 ETH
    shown = node.cli.run("agreements", "show", aid)
    assert "culture fund 5.00%" in shown.stdout
    balance = node.cli.run("revenue", "balance", aid)
    assert "allocated 1.1875 ETH" in balance.stdout


def test_token_amounts_take_the_tokens_symbol_and_decimals_when_the_agreement_pays_in_one(
    node: Node,
) -> None:
    ledger, admin, payer = node.ledger, node.chain.accounts[0], node.chain.accounts[9]
    artifact = compile_project(extra_dirs=[FIXTURE_CONTRACTS])["MintableToken"]
    factory = ledger.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = ledger.w3.eth.wait_for_transaction_receipt(
        factory.constructor(6).transact({"from": admin.address})
    )
    token = ledger.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)
    ledger.registry.set_token_admitted(token=token.address, sender=admin)
    token.functions.mint(payer.address, 10**9).transact({"from": payer.address})
    aid = active_agreement(node, 12, 13, tag="token", token=token.address)

    in_eth = node.cli.run("revenue", "deposit", aid, "--amount", "2.5ether", "--as", "dev:9")
    assert in_eth.returncode == 1
    assert "this agreement is paid in MNT (6 decimals)" in in_eth.stderr
    too_fine = node.cli.run("revenue", "deposit", aid, "--amount", "0.0000001 MNT", "--as", "dev:9")
    assert too_fine.returncode == 1
    assert "finer than the smallest unit of MNT (6 decimals)" in too_fine.stderr
    deposited = node.cli.run("revenue", "deposit", aid, "--amount", "2.5 MNT", "--as", "dev:9")
    assert deposited.returncode == 0, deposited.stderr
    assert deposited.stdout.startswith("deposited 2.5 MNT")
    assert ledger.revenue.account(aid).deposited == 2_500_000
    balance = node.cli.run("revenue", "balance", aid)
    assert "allocated 1.25 MNT" in balance.stdout


def test_consenting_twice_reads_as_the_api_says_it_when_the_agreement_is_active(
    node: Node,
) -> None:
    aid = active_agreement(node, 16, 17)
    again = node.cli.run("agreements", "consent", aid, "--as", "dev:17")
    assert again.returncode == 1
    assert again.stderr == (
        "park-ledger: the contracts refused the transaction: the agreement is active, not "
        "proposed (AgreementNotProposed)\n"
    )


def test_commands_use_eth_rpc_url_when_it_is_set_and_no_rpc_is_given(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = Cli({**cli_env(tmp_path), "ETH_RPC_URL": url}).run("deploy")
    assert result.returncode == 1
    assert result.stderr.startswith(f"park-ledger: cannot reach a JSON-RPC node at {url}")
    assert not (tmp_path / "data" / "anvil-state.json").exists()


def test_foundry_flags_rpc_url_and_private_key_act_when_given_instead_of_rpc_and_as(
    node: Node,
) -> None:
    auditor = node.chain.accounts[18].address
    result = Cli(node.cli.env).run(
        "participants", "grant-role", "auditor", auditor,
        "--private-key", DEV0_KEY, "--rpc-url", node.chain.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert node.ledger.registry.has_role(role="auditor", account=auditor)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("design,forty,hall\n", "row 2, column weight: 'forty' is not a whole number of 1 or more"),
        ("design,40,\n", "row 2, column evidence: empty; expected text, a file or a 0x-hash"),
        (
            "design,40,hall\ncontent_ip,25,renders,assisted,\n",
            "row 3, column accountable: an AI-assisted record needs the address of the "
            "accountable human party",
        ),
    ],
)
def test_csv_errors_name_row_column_and_expectation_when_a_record_is_wrong(
    node: Node, tmp_path: Path, rows: str, expected: str
) -> None:
    aid = active_agreement(node, 10, 11, tag=tmp_path.name)
    work = tmp_path / "work.csv"
    work.write_text("kind,weight,evidence,ai,accountable\n" + rows)
    result = node.cli.run("contributions", "record-batch", aid, str(work), "--as", "dev:10")
    assert result.returncode == 1
    assert result.stderr == f"park-ledger: {work} {expected}\n"
    topics = [bytes.fromhex(aid[2:])]
    assert not list(node.ledger.logs("Contributions", "ContributionsRecorded", topics=topics))
