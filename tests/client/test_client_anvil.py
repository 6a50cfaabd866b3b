"""The typed client against a real anvil process over JSON-RPC: the whole exhibition example
through every sub-client, locally signed and node-unlocked senders, decoded reverts that mine
nothing, and refusal of a node that does not hold the manifest's code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from eth_utils import keccak

from ledger.client import Ledger
from ledger.dev.demo import DemoCast, run_demo
from ledger.domain.errors import ChainMismatchError, RevertError
from ledger.domain.structs import (
    AgreementStatus,
    CommitmentStatus,
    ContributionStatus,
    ParticipantKind,
    ParticipantStatus,
    ProposalStatus,
)
from ledger.infra.chain import AnvilChain
from ledger.infra.compiler import compile_project
from ledger.infra.deploy import deploy_suite, manifest_path

ETHER = 10**18


@dataclass
class Node:
    """A managed anvil, the manifest of the suite deployed on it, and a client over RPC."""

    chain: AnvilChain
    manifest: Path
    ledger: Ledger


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """The suite deployed on a fresh anvil; the client connects by URL and manifest path."""
    tmp = tmp_path_factory.mktemp("client-anvil")
    with AnvilChain(log_file=tmp / "anvil.log") as chain:
        deploy_suite(
            chain.w3,
            compile_project(),
            deployer=chain.accounts[0].address,
            manifest_dir=tmp,
        )
        manifest = manifest_path(tmp, chain.chain_id)
        yield Node(chain, manifest, Ledger.connect(rpc=chain.url, deployment=manifest))


def test_client_runs_the_exhibition_through_every_sub_client_when_connected_to_anvil(
    node: Node,
) -> None:
    ledger = node.ledger
    cast = DemoCast.from_accounts(node.chain.accounts)
    summary = run_demo(ledger=ledger, cast=cast)
    aid = summary.agreement_id

    agreement = ledger.agreements.get(aid)
    assert agreement.status is AgreementStatus.ACTIVE
    assert [p.account for p in agreement.parties] == [
        cast.studio.address,
        cast.lab.address,
        cast.firm.address,
    ]
    assert agreement.head == summary.head != b"\x00" * 32
    assert set(summary.records.values()) == {ContributionStatus.CONFIRMED}
    # Only the record the vote accepted counts yet: the four confirmed ones are still in their
    # challenge window (docs/contributions.md).
    assert ledger.contributions.total_confirmed_weight(aid) == 10
    assert ledger.governance.proposal(summary.proposal_id).status is ProposalStatus.EXECUTED
    assert ledger.commitments.get(aid, summary.commitment_id).status is (CommitmentStatus.FULFILLED)
    assert ledger.registry.participant(cast.lab.address).kind is ParticipantKind.UNIVERSITY
    # 3 ETH of tickets: 5 % to the culture fund, the rest 40/35/25; the firm's bond came back.
    fund_share = 3 * ETHER * 5 // 100
    assert summary.fund_claimed == fund_share
    assert summary.claimed["firm"] == (3 * ETHER - fund_share) * 25 // 100 + ETHER // 2
    assert ledger.w3.eth.get_balance(ledger.revenue.address) == 0
    assert ledger.revenue.conservation(aid).balanced


def test_client_sends_from_a_node_unlocked_address_when_given_a_string_sender(
    node: Node,
) -> None:
    ledger, accounts = node.ledger, node.chain.accounts
    admin, newcomer = accounts[0], accounts[10]
    ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin.address)
    result = ledger.registry.register(
        account=newcomer.address,
        kind="individual_creator",
        profile_hash=keccak(text="a calligrapher"),
        sender=admin.address,
    )
    event = result.event("ParticipantRegistered")
    assert event.args["account"] == newcomer.address
    assert result.block_number == ledger.w3.eth.block_number
    assert ledger.registry.participant(newcomer.address).status is ParticipantStatus.ACTIVE


def test_client_raises_the_decoded_error_and_mines_nothing_when_anvil_reverts(
    node: Node,
) -> None:
    ledger, outsider = node.ledger, node.chain.accounts[11]
    head = ledger.w3.eth.block_number
    with pytest.raises(RevertError) as caught:
        ledger.registry.register(
            account=outsider.address,
            kind="firm",
            profile_hash=keccak(text="self-registration"),
            sender=outsider,
        )
    assert caught.value.name == "AccessControlUnauthorizedAccount"
    assert caught.value.arguments["account"] == outsider.address
    assert ledger.w3.eth.block_number == head
    assert ledger.registry.participant(outsider.address).status is ParticipantStatus.NONE


def test_client_refuses_to_connect_when_the_node_lacks_the_manifest_code(
    node: Node, tmp_path: Path
) -> None:
    manifest = json.loads(node.manifest.read_text())
    manifest["contracts"]["Revenue"]["runtimeCodeHash"] = "0x" + "00" * 32
    tampered = tmp_path / node.manifest.name
    tampered.write_text(json.dumps(manifest))
    with pytest.raises(ChainMismatchError, match=r"Revenue at .* differs from the manifest"):
        Ledger.connect(rpc=node.chain.url, deployment=tampered)
