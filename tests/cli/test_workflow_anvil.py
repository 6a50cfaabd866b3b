"""The collaboration workflow as a user types it: `park-ledger` subprocesses against a real
anvil, `--json` outputs parsed, the results checked on chain through the client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_utils import keccak

from ledger.cli import main
from ledger.domain.structs import (
    AgreementParams,
    AgreementStatus,
    ContributionStatus,
    ParticipantKind,
    ProposalStatus,
)
from ledger.infra.chain.anvil import free_port
from ledger.infra.keys import PASSWORD_ENV, KeyStore
from tests.cli.conftest import Cli, Node, register_firms

ETHER = 10**18


def one_sentence_error(stderr: str) -> str:
    """The error line, after checking it is the only one and no traceback leaked."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("park-ledger: ")
    return lines[0]


def test_cli_workflow_reaches_claims_when_parties_consent_record_dispute_and_vote(
    node: Node, tmp_path: Path
) -> None:
    ledger, cli = node.ledger, node.cli
    admin, studio, lab, firm, _, visitor = node.chain.accounts[:6]
    ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin)
    for party, kind in ((studio, "design_studio"), (lab, "university")):
        ledger.registry.register(
            account=party.address, kind=kind, profile_hash=keccak(text=kind), sender=admin
        )

    registered = cli.json(
        "participants",
        "register",
        firm.address,
        "--kind",
        "firm",
        "--profile",
        "Tianhe",
        "--as",
        "dev:0",
    )
    assert registered["tx_hash"].startswith("0x")
    assert ledger.registry.participant(firm.address).kind is ParticipantKind.FIRM

    proposed = cli.json(
        "agreements",
        "propose",
        "--terms",
        "exhibition terms",
        "--salt",
        "cli-workflow",
        "--party",
        f"{studio.address}:5000",
        "--party",
        f"{lab.address}:3000",
        "--party",
        f"{firm.address}:2000",
        "--as",
        "dev:1",
    )
    aid = proposed["agreement_id"]
    assert ledger.agreements.status(aid) is AgreementStatus.PROPOSED

    # The lab signs offline with the CLI, the firm with the client (same JSON); the park
    # operator relays both consents in one transaction.
    signed = cli.run("sign", "consent", aid, "--as", "dev:2")
    assert signed.returncode == 0, signed.stderr
    by_lab, by_firm = tmp_path / "lab.json", tmp_path / "firm.json"
    by_lab.write_text(signed.stdout)
    deadline = ledger.timestamp() + 3600
    consent = ledger.agreements.sign_consent(agreement_id=aid, account=firm, deadline=deadline)
    by_firm.write_text(
        json.dumps(
            {
                "signer": consent.signer,
                "nonce": consent.nonce,
                "deadline": consent.deadline,
                "signature": "0x" + consent.signature.hex(),
            }
        )
    )
    relayed = cli.json(
        "agreements", "consent", aid, "--signatures", str(by_lab), str(by_firm), "--as", "dev:0"
    )
    assert relayed["status"] == "active"

    records = tmp_path / "records.csv"
    records.write_text(
        "kind,weight,evidence,ai,accountable\n"
        "design,40,hall layout,,\n"
        f"content_ip,25,AI renders,assisted,{studio.address}\n"
    )
    recorded = cli.json("contributions", "record-batch", aid, str(records), "--as", "dev:1")
    design, renders = recorded["record_ids"]
    assert (
        cli.json("contributions", "confirm", aid, design, "--as", "dev:2")["status"] == "confirmed"
    )
    disputed = cli.run(
        "contributions", "dispute", aid, renders, "--reason", "not ours", "--as", "dev:3"
    )
    assert disputed.returncode == 0, disputed.stderr

    pid = int(
        cli.json(
            "proposals",
            "propose-resolve-dispute",
            aid,
            renders,
            "--outcome",
            "reject",
            "--as",
            "dev:3",
        )["proposal_id"]
    )
    voted = cli.json("proposals", "vote", str(pid), "--support", "for", "--as", "dev:3")
    assert voted["status"] == "voting"
    # The studio recorded the disputed renders: the accused does not vote on its own record.
    ledger.governance.vote(proposal_id=pid, support="for", sender=lab)
    executed = cli.run("proposals", "execute", str(pid), "--as", "dev:0")
    assert executed.returncode == 0, executed.stderr
    assert ledger.governance.proposal(pid).status is ProposalStatus.EXECUTED
    assert ledger.contributions.status(aid, renders) is ContributionStatus.REJECTED

    # NOTE: uint256 amounts are decimal strings in --json, as the API serves them.
    assert cli.json("revenue", "deposit", aid, "--amount", "1ether", "--as", "dev:5")[
        "amount"
    ] == str(ETHER)
    claimed = cli.json("revenue", "claim", aid, "--as", "dev:1")
    assert claimed["amount"] == str(ETHER // 2)
    shown = cli.json("revenue", "balance", aid)
    balances = {b["account"]: b for b in shown["parties"]}
    fund = ledger.revenue.fund_balance(aid)
    assert shown["culture_fund"] == {
        "claimable": str(fund.claimable),
        "allocated": str(fund.allocated),
        "claimed": str(fund.claimed),
    }
    assert balances[studio.address]["claimed"] == str(ETHER // 2)
    assert balances[lab.address]["claimable"] == str(3 * ETHER // 10)
    assert ledger.revenue.conservation(aid).balanced
    assert visitor.address not in balances


def test_cli_refuses_in_one_sentence_when_the_actor_is_not_a_party_or_the_address_is_bad(
    node: Node, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head = node.chain.w3.eth.block_number
    not_party = node.cli.run(
        "agreements",
        "propose",
        "--terms",
        "t",
        "--party",
        f"{node.chain.accounts[7].address}:5000",
        "--party",
        f"{node.chain.accounts[8].address}:5000",
        "--as",
        "dev:9",
    )
    assert not_party.returncode == 1
    assert "refused the transaction" in one_sentence_error(not_party.stderr)

    for name, value in node.cli.env.items():
        monkeypatch.setenv(name, value)
    assert main(["participants", "show", "0x1234", "--rpc", node.chain.url]) == 1
    assert "is not a 20-byte hex address" in one_sentence_error(capsys.readouterr().err)
    assert node.chain.w3.eth.block_number == head


def test_cli_reports_an_unreachable_rpc_in_one_sentence_when_the_node_is_down(
    node: Node,
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = Cli(node.cli.env).run("status", "--rpc", url)
    assert result.returncode == 1
    assert one_sentence_error(result.stderr).startswith(
        f"park-ledger: cannot reach a JSON-RPC node at {url}"
    )


def test_cli_demo_leaves_an_active_agreement_with_confirmed_records_when_run_twice_on_anvil(
    node: Node,
) -> None:
    first = node.cli.json("demo")
    second = node.cli.json("demo")
    assert (first["run"], second["run"]) == (1, 2)
    assert first["agreement_id"] != second["agreement_id"]
    ledger = node.ledger
    for summary in (first, second):
        aid = summary["agreement_id"]
        assert ledger.agreements.status(aid) is AgreementStatus.ACTIVE
        assert summary["head"] == "0x" + ledger.agreements.head(aid).hex()
        batches = ledger.logs(
            "Contributions", "ContributionsRecorded", topics=[bytes.fromhex(aid[2:])]
        )
        statuses = [
            ledger.contributions.status(aid, rid)
            for event in batches
            for rid in ledger.contributions.batch(event.args["batchRoot"]).record_ids
        ]
        assert statuses == [ContributionStatus.CONFIRMED] * 5
        fund = ledger.registry.culture_fund()
        assert ledger.revenue.balance(aid, summary["parties"]["firm"]).claimed == (
            3 * ETHER * 95 // 100 * 25 // 100 + ETHER // 2
        )
        assert ledger.revenue.fund_claimable(aid) == 0
        assert fund == node.chain.accounts[4].address
        assert ledger.revenue.conservation(aid).balanced
    assert json.dumps(first, ensure_ascii=False).count("confirmed") == 5


def test_cli_relays_a_record_batch_signed_offline_when_the_signature_file_is_passed_on(
    node: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process `main` (same parser and handlers, no interpreter start-up) for the signing
    # round trip; the subprocess path is covered above.
    ledger, accounts = node.ledger, node.chain.accounts
    for name, value in node.cli.env.items():
        monkeypatch.setenv(name, value)
    admin, contributor, partner = accounts[0], accounts[12], accounts[13]
    register_firms(node, contributor, partner)
    params = AgreementParams(
        parties=[contributor.address, partner.address],
        shares_bps=[5000, 5000],
        terms_hash=keccak(text="signed batch"),
        consent_deadline=ledger.timestamp() + 3600,
    )
    salt = keccak(text="signed-batch")
    aid = "0x" + ledger.agreements.agreement_id_of(proposer=contributor.address, salt=salt).hex()
    ledger.agreements.propose(params=params, salt=salt, sender=contributor)
    ledger.agreements.consent(agreement_id=aid, sender=partner)
    records = tmp_path / "records.json"
    records.write_text(json.dumps([{"kind": "data", "weight": 7, "evidence": "survey"}]))
    rpc = ["--rpc", node.chain.url]

    assert main(["sign", "records", aid, str(records), "--signer", contributor.address, *rpc]) == 0
    typed = json.loads(capsys.readouterr().out)
    assert typed["primaryType"] == "RecordContributions"
    assert typed["message"]["contributor"] == contributor.address

    # The contributor signs with its keystore (password from the environment), the relayer
    # with a key file.
    monkeypatch.setenv(PASSWORD_ENV, "correct horse battery")
    KeyStore(Path(node.cli.env["PARK_LEDGER_DATA_DIR"]) / "keys").import_key(
        private_key="0x" + bytes(contributor.key).hex(), password="correct horse battery"
    )
    assert main(["sign", "records", aid, str(records), "--as", contributor.address, *rpc]) == 0
    signed = tmp_path / "signed.json"
    signed.write_text(capsys.readouterr().out)
    key_file = tmp_path / "relayer.key"
    key_file.write_text("0x" + bytes(admin.key).hex())
    assert main(["contributions", "record-batch", aid, str(signed), "--signed",
                 "--as", str(key_file), "--json", *rpc]) == 0  # fmt: skip
    (record_id,) = json.loads(capsys.readouterr().out)["record_ids"]
    (event,) = ledger.logs(
        "Contributions", "ContributionsRecorded", topics=[bytes.fromhex(aid[2:])]
    )
    assert event.args["contributor"] == contributor.address
    assert "0x" + ledger.contributions.batch(event.args["batchRoot"]).record_ids[0].hex() == (
        record_id
    )
    assert ledger.contributions.status(aid, record_id) is ContributionStatus.PENDING
    assert ledger.agreements.nonce(aid, contributor.address) == 1


def test_cli_asks_for_the_acting_party_and_sends_nothing_when_a_write_lacks_as(
    node: Node, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in node.cli.env.items():
        monkeypatch.setenv(name, value)
    head = node.chain.w3.eth.block_number
    code = main(["revenue", "claim", "0x" + "11" * 32, "--rpc", node.chain.url])
    assert code == 1
    assert capsys.readouterr().err == (
        "park-ledger: this command sends a transaction: say who acts with --as\n"
    )
    assert node.chain.w3.eth.block_number == head
