"""scripts/verifier/verify.mjs — an auditor written in JavaScript from the docs alone — against
the Python auditor on a managed anvil. Both pass the demo park, a history with every journaled
action of docs/hash-chain.md, and ERC-1271 consents; both ignore a look-alike suite; both fail
the same check families on the same agreements when a proxy alters or drops a log, when a
contract's code is swapped, when the head slot is overwritten and when an ERC-1271 wallet
refuses, at the audited block, a consent it once signed."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import pytest
import requests
from eth_utils import event_abi_to_log_topic, keccak
from web3 import Web3

from ledger.audit import run_audit
from ledger.client import Ledger
from ledger.dev.demo import DemoCast, run_demo
from ledger.dev.sandbox import Sandbox
from ledger.infra.chain import AnvilChain
from ledger.infra.chain.anvil import free_port
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment, deploy_suite, load_manifest, manifest_path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "contracts"))

from agreement_helpers import consent_signature, default_params, events, propose, register
from module_helpers import (
    DAY,
    WEIGHTED,
    amend_shares,
    confirm_one_resolve_one,
    open_agreement,
    pass_proposal,
)

from tests.audit.test_audit import _workflow

pytestmark = pytest.mark.anvil

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "scripts" / "verifier" / "verify.mjs"
ZERO = "0x" + "00" * 20
SHARED = ("code", "hash-chain", "signatures")
"""The check families both auditors implement."""

JOURNALED = {
    "Agreements": (
        "AgreementProposed",
        "ConsentGiven",
        "AgreementActivated",
        "AgreementExpired",
        "AgreementAmended",
        "AgreementClosed",
        "NonceInvalidated",
    ),
    "Governance": ("ProposalCreated", "ProposalAccusedExcluded", "VoteCast", "ProposalExecuted"),
    "Contributions": (
        "ContributionsRecorded",
        "ContributionConfirmed",
        "ContributionDisputed",
        "ContributionResolved",
        "ContributionMatured",
    ),
    "Revenue": (
        "RevenueDeposited",
        "RevenueAllocated",
        "RevenueClaimed",
        "RevenueFundClaimed",
        "PayoutAddressSet",
    ),
    "Commitments": (
        "CommitmentMade",
        "DeliverableSubmitted",
        "DeliverableAccepted",
        "DeliverableRejected",
        "CommitmentSettled",
        "CommitmentArbitrated",
        "CommitmentBreached",
        "CommitmentExtended",
    ),
}
"""Every journaled event of docs/hash-chain.md, by contract: the wide history emits each."""

Log = dict[str, Any]
LogEdit = Callable[[Log], Log | None]


@dataclass(frozen=True)
class Park:
    """The demo park on a managed anvil: its manifest and the demo agreement's id."""

    chain: AnvilChain
    manifest: Path
    deployment: Deployment
    agreement: str

    def topic(self, contract: str, event: str) -> str:
        """Topic 0 of `event` of `contract`, from the manifest's ABI."""
        abi = self.deployment.contracts[contract].abi
        entry = next(e for e in abi if e.get("type") == "event" and e["name"] == event)
        return "0x" + event_abi_to_log_topic(entry).hex()  # type: ignore[arg-type]

    def logs(self, contract: str, event: str) -> list[Log]:
        """Every log of `event` at the manifest's address of `contract`, as the node sends it."""
        query = {
            "address": self.deployment.address(contract),
            "topics": [self.topic(contract, event)],
            "fromBlock": "0x0",
        }
        answer = self.chain.w3.provider.make_request("eth_getLogs", [query])  # type: ignore[arg-type]
        logs: list[Log] = answer["result"]
        return logs


@pytest.fixture(scope="module")
def park(tmp_path_factory: pytest.TempPathFactory, artifacts: CompileResult) -> Iterator[Park]:
    """The demo exhibition, run once for the module on a fresh anvil."""
    tmp = tmp_path_factory.mktemp("independent-verifier")
    with AnvilChain(state_file=None, log_file=tmp / "anvil.log") as chain:
        deployment = deploy_suite(
            chain.w3, artifacts, deployer=chain.accounts[0].address, manifest_dir=tmp
        )
        manifest = manifest_path(tmp, deployment.chain_id)
        ledger = Ledger.connect(rpc=chain.url, deployment=manifest)
        summary = run_demo(ledger=ledger, cast=DemoCast.from_accounts(chain.accounts))
        yield Park(chain, manifest, load_manifest(manifest), "0x" + summary.agreement_id.hex())


@pytest.fixture
def pristine(park: Park) -> Iterator[Park]:
    """The park, restored (evm snapshot) after a test tampers with the node's state."""
    snapshot = park.chain.snapshot()
    yield park
    park.chain.revert(snapshot)


class LogTamperingProxy:
    """A loopback JSON-RPC proxy in front of the node that passes every log of an
    `eth_getLogs` answer (single or batched request) through `edit`: a log it returns None
    for is dropped, another it returns replaces the log."""

    def __init__(self, upstream: str, edit: LogEdit) -> None:
        self.upstream = upstream
        self.edit = edit
        self.edited = 0
        self._session = requests.Session()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _ProxyHandler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        """Where the auditors connect instead of the node."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def relay(self, body: bytes) -> bytes:
        """The node's answer to `body`, its logs edited."""
        request = json.loads(body)
        answer = self._session.post(
            self.upstream, data=body, headers={"Content-Type": "application/json"}, timeout=30
        ).json()
        pairs = (
            zip(request, answer, strict=True) if isinstance(request, list) else [(request, answer)]
        )
        for call, reply in pairs:
            if call.get("method") == "eth_getLogs" and isinstance(reply.get("result"), list):
                reply["result"] = [e for e in map(self._edit, reply["result"]) if e is not None]
        return json.dumps(answer).encode()

    def _edit(self, log: Log) -> Log | None:
        edited = self.edit(dict(log))
        if edited != log:
            self.edited += 1
        return edited

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()
        self._session.close()


class _ProxyHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        proxy: LogTamperingProxy = self.server.proxy  # type: ignore[attr-defined]
        reply = proxy.relay(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the test output


def _python_audit(park: Park, rpc: str) -> dict[str, Any]:
    """The Python auditor's report over `rpc`."""
    abis = {name: c.abi for name, c in park.deployment.contracts.items()}
    w3 = Web3(Web3.HTTPProvider(rpc))
    return run_audit(w3=w3, deployment=park.deployment, abis=abis).to_json()  # type: ignore[arg-type]


def _run_verifier(*args: str) -> subprocess.CompletedProcess[str]:
    """`node scripts/verifier/verify.mjs ARGS` as a reader runs it."""
    return subprocess.run(
        ["node", str(VERIFIER), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _verifier(park: Park, rpc: str, block: int) -> dict[str, Any]:
    """The JavaScript verifier's report over `rpc` at `block`; its exit code agrees with it."""
    done = _run_verifier("--rpc", rpc, "--deployment", str(park.manifest), "--block", str(block))
    assert done.returncode in (0, 2), done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert done.returncode == (0 if report["result"] == "pass" else 2)
    return report


def _families(report: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int]]:
    """(check, subject) -> (status, checked) of the families both auditors implement."""
    return {
        (c["check"], c["subject"]): (c["status"], c["checked"])
        for c in report["checks"]
        if c["check"] in SHARED
    }


def _agree(park: Park, rpc: str | None = None) -> set[tuple[str, str]]:
    """Audit with both over `rpc` (the node by default); assert they agree on every shared check
    family per agreement, on the event count and on each agreement's heads; the failed ones."""
    rpc = rpc or park.chain.url
    python = _python_audit(park, rpc)
    node = _verifier(park, rpc, python["block"])
    assert node["block"] == python["block"]
    assert node["blockHash"] == python["blockHash"]
    assert _families(node) == _families(python)
    assert node["events"] == python["events"]
    assert node["agreements"] == python["agreements"]
    counts = [c for c in node["checks"] if c["check"] == "counts"]
    assert [c["status"] for c in counts] == ["pass"]
    return {key for key, (status, _) in _families(node).items() if status == "fail"}


def test_both_auditors_pass_the_demo_park_when_nothing_is_tampered(park: Park) -> None:
    assert _agree(park) == set()
    node = _verifier(park, park.chain.url, park.chain.w3.eth.block_number)
    checked = {(c["check"], c["subject"]): c["checked"] for c in node["checks"]}
    assert checked[("code", "suite")] == len(park.deployment.contracts)
    assert checked[("hash-chain", park.agreement)] > 20
    assert checked[("signatures", park.agreement)] >= 5  # three consents and two votes
    assert node["result"] == "pass"


def test_both_fail_the_hash_chain_when_a_proxy_drops_a_log(park: Park) -> None:
    dropped = park.logs("Revenue", "RevenueClaimed")[0]
    key = (dropped["transactionHash"], dropped["logIndex"])
    proxy = LogTamperingProxy(
        park.chain.url,
        lambda log: None if (log["transactionHash"], log["logIndex"]) == key else log,
    )
    try:
        failed = _agree(park, proxy.url)
    finally:
        proxy.close()
    assert proxy.edited > 0
    assert failed == {("hash-chain", park.agreement)}


def test_both_fail_hash_chain_and_signatures_when_a_proxy_alters_a_signed_vote(
    park: Park,
) -> None:
    signed = [v for v in park.logs("Governance", "VoteCast") if len(v["data"]) > 2 + 64 * 6]
    key = (signed[0]["transactionHash"], signed[0]["logIndex"])

    def forge(log: Log) -> Log:
        if (log["transactionHash"], log["logIndex"]) != key:
            return log
        # NOTE: data = support, weight, nonce, deadline, offset, length, then the signature:
        # one byte of its r changes, so it recovers to somebody else.
        at = 2 + 64 * 6 + 10
        flipped = format(int(log["data"][at : at + 2], 16) ^ 0x01, "02x")
        return {**log, "data": log["data"][:at] + flipped + log["data"][at + 2 :]}

    proxy = LogTamperingProxy(park.chain.url, forge)
    try:
        failed = _agree(park, proxy.url)
    finally:
        proxy.close()
    assert proxy.edited > 0
    assert failed == {("hash-chain", park.agreement), ("signatures", park.agreement)}


def test_both_fail_the_code_check_when_a_contracts_runtime_code_is_swapped(
    pristine: Park,
) -> None:
    w3, address = pristine.chain.w3, pristine.deployment.address("Commitments")
    # NOTE: one byte appended after the code never runs, so only the code hash tells.
    code = bytes(w3.eth.get_code(address)) + b"\x00"
    w3.provider.make_request("anvil_setCode", [address, "0x" + code.hex()])  # type: ignore[arg-type]
    assert _agree(pristine) == {("code", "suite")}


def test_both_fail_the_hash_chain_when_the_head_slot_is_overwritten(pristine: Park) -> None:
    w3, agreements = pristine.chain.w3, pristine.deployment.address("Agreements")
    contract = w3.eth.contract(
        address=agreements, abi=pristine.deployment.contracts["Agreements"].abi
    )
    head = contract.functions.headOf(pristine.agreement).call()
    call = {"to": agreements, "data": contract.encode_abi("headOf", [pristine.agreement])}
    touched = w3.provider.make_request("eth_createAccessList", [call, "latest"])  # type: ignore[arg-type]
    slots = [
        slot
        for entry in touched["result"]["accessList"]
        if entry["address"].lower() == agreements.lower()
        for slot in entry["storageKeys"]
        if bytes(w3.eth.get_storage_at(agreements, int(slot, 16))) == bytes(head)
    ]
    assert len(slots) == 1, "headOf no longer reads one slot holding the head"
    forged = "0x" + keccak(text="forged head").hex()
    w3.provider.make_request("anvil_setStorageAt", [agreements, slots[0], forged])  # type: ignore[arg-type]
    assert contract.functions.headOf(pristine.agreement).call().hex() == forged[2:]
    assert _agree(pristine) == {("hash-chain", pristine.agreement)}


def test_both_pass_when_a_look_alike_suite_replays_the_demo_at_other_addresses(
    pristine: Park, artifacts: CompileResult, tmp_path: Path
) -> None:
    chain = pristine.chain
    twin = deploy_suite(
        chain.w3, artifacts, deployer=chain.accounts[0].address, manifest_dir=tmp_path
    )
    assert twin.address("Agreements") != pristine.deployment.address("Agreements")
    ledger = Ledger.connect(rpc=chain.url, deployment=manifest_path(tmp_path, twin.chain_id))
    summary = run_demo(ledger=ledger, cast=DemoCast.from_accounts(chain.accounts))
    # NOTE: the same proposer and salt give the same agreement id: only the addresses differ, so
    # folding the twin's logs into the real chain would break it.
    assert "0x" + summary.agreement_id.hex() == pristine.agreement
    assert _agree(pristine) == set()


def test_both_check_erc1271_consents_at_the_audited_block_when_a_wallet_changes_its_mind(
    pristine: Park, artifacts: CompileResult
) -> None:
    sandbox = Sandbox.on(chain=pristine.chain, artifacts=artifacts, deployment=pristine.deployment)
    proposer, owner, relayer = sandbox.accounts[10:13]
    signing, calling = (sandbox.deploy_fixture("ERC1271Wallet", owner.address) for _ in range(2))
    register(sandbox, [proposer, signing.address, calling.address])
    params = default_params(sandbox, [proposer, signing.address, calling.address])
    aid = propose(sandbox, proposer, params, salt=keccak(text="wallets"))
    agreements = sandbox["Agreements"]
    _, nonce, deadline, signature = consent_signature(sandbox, owner, aid, params.hash())
    entry = (signing.address, nonce, deadline, signature)
    sandbox.transact(agreements.functions.consentBySignatures(aid, [entry]), relayer)
    direct = agreements.encode_abi("consent", [aid, 1, params.hash()])
    sandbox.transact(calling.functions.execute(agreements.address, direct), owner)
    assert _agree(pristine) == set()

    sandbox.transact(signing.functions.setRefuseAll(True), owner)
    assert _agree(pristine) == {("signatures", "0x" + aid.hex())}


def test_verifier_exits_1_with_one_sentence_when_the_node_is_unreachable(park: Park) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}"
    done = _run_verifier("--rpc", unreachable, "--deployment", str(park.manifest))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("cannot reach http://127.0.0.1:")
    assert done.stderr.count("\n") == 1


def test_both_pass_when_the_history_has_every_kind_of_journaled_action(
    pristine: Park, artifacts: CompileResult
) -> None:
    sandbox = Sandbox.on(chain=pristine.chain, artifacts=artifacts, deployment=pristine.deployment)
    # Both agreements of the Python auditor's own workflow: disputes resolved by vote, weighted
    # revenue, every commitment outcome (fulfilled, breached, arbitrated, settled).
    flow = _workflow(sandbox)
    fixed, parties = bytes.fromhex(flow["fixed"][2:]), flow["parties"]
    agreements, governance = sandbox["Agreements"], sandbox["Governance"]
    # Then what it leaves out: an amendment, a cancelled nonce, a payout address, held revenue
    # allocated, an extended commitment, an expired proposal and a termination.
    amend_shares(sandbox, fixed, parties, [4000, 3000, 3000])
    sandbox.transact(agreements.functions.invalidateNonce(fixed), parties[1])
    revenue = sandbox["Revenue"]
    sandbox.transact(revenue.functions.setPayoutAddress(fixed, parties[2].address), parties[1])
    # Revenue deposited while no weight is confirmed is held, then allocated.
    held = open_agreement(sandbox, parties, salt=keccak(text="held"), revenue_mode=WEIGHTED)
    sandbox.transact(revenue.functions.deposit(held, ZERO, 10**18), parties[0], value=10**18)
    confirm_one_resolve_one(sandbox, held, parties)
    sandbox.transact(revenue.functions.allocateHeld(held), parties[1])
    commitments = sandbox["Commitments"]
    deadline = sandbox.chain.timestamp() + 2 * DAY
    made = commitments.functions.commit(fixed, 0, keccak(text="extend me"), deadline, 0)
    sandbox.transact(made, parties[0])
    cid = int(commitments.functions.commitmentCount().call())
    for propose_fn in (
        governance.functions.proposeExtendCommitment(fixed, cid, deadline + DAY),
        governance.functions.proposeTerminate(fixed),
    ):
        receipt = sandbox.transact(propose_fn, parties[0])
        payload = bytes(events(governance, receipt, "ProposalCreated")[0]["args"]["payload"])
        pass_proposal(sandbox, receipt, parties, payload)
    lapsing = default_params(sandbox, parties[:2])
    lapsed = propose(sandbox, parties[0], lapsing, salt=keccak(text="lapsing"))
    sandbox.chain.increase_time(2 * DAY)
    sandbox.transact(agreements.functions.markExpired(lapsed), parties[1])

    journaled = {
        name
        for contract, event_names in JOURNALED.items()
        for name in event_names
        if pristine.logs(contract, name)
    }
    assert journaled == {n for names in JOURNALED.values() for n in names}
    assert _agree(pristine) == set()
