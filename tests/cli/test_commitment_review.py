"""A deliverable's review as users type it: `park-ledger commitments reject|arbitrate|settle`
subprocesses against a real anvil, the outcome checked on chain through the client."""

from __future__ import annotations

from ledger.domain.structs import CommitmentStatus
from tests.cli.conftest import Node, register_firms

BOND = 10**17


def active_pair(node: Node, salt: str) -> str:
    """An agreement between dev accounts 1 and 2, proposed and consented through the CLI."""
    studio, lab = node.chain.accounts[1:3]
    register_firms(node, studio, lab)
    aid: str = node.cli.json(
        "agreements",
        "propose",
        "--terms",
        "review terms",
        "--salt",
        salt,
        "--party",
        f"{studio.address}:6000",
        "--party",
        f"{lab.address}:4000",
        "--as",
        "dev:1",
    )["agreement_id"]
    node.cli.json("agreements", "consent", aid, "--as", "dev:2")
    return aid


def committed_and_submitted(node: Node, aid: str, what: str) -> int:
    """A bonded commitment of dev account 1, its deliverable submitted; its id."""
    cli = node.cli
    commitment = int(
        cli.json(
            "commitments",
            "commit",
            aid,
            "--description",
            what,
            "--deadline-days",
            "10",
            "--bond",
            "0.1ether",
            "--as",
            "dev:1",
        )["commitment_id"]
    )
    cli.json("commitments", "submit", aid, str(commitment), "--deliverable", what, "--as", "dev:1")
    return commitment


def test_cli_rejected_deliverable_is_breached_only_by_the_arbiters_ruling_when_typed(
    node: Node,
) -> None:
    ledger, cli = node.ledger, node.cli
    aid = active_pair(node, "cli-review-reject")
    commitment = committed_and_submitted(node, aid, "catalogue")
    arbiter = node.chain.accounts[4]
    cli.json("participants", "grant-role", "arbiter", arbiter.address, "--as", "dev:0")

    cli.json("commitments", "reject", aid, str(commitment), "--reason", "blurred", "--as", "dev:2")
    assert ledger.commitments.get(aid, commitment).status is CommitmentStatus.REJECTED
    refused = cli.run("commitments", "breach", aid, str(commitment), "--as", "dev:2")
    assert refused.returncode == 1
    assert "CommitmentBreachNeedsRuling" in refused.stderr
    not_arbiter = cli.run(
        "commitments", "arbitrate", aid, str(commitment), "--ruling", "breached",
        "--reason", "upheld", "--as", "dev:2",
    )  # fmt: skip
    assert not_arbiter.returncode == 1
    assert "CommitmentNotArbiter" in not_arbiter.stderr

    cli.json(
        "commitments", "arbitrate", aid, str(commitment), "--ruling", "breached",
        "--reason", "upheld", "--as", "dev:4",
    )  # fmt: skip
    assert ledger.commitments.get(aid, commitment).status is CommitmentStatus.BREACHED
    assert ledger.revenue.balance(aid, node.chain.accounts[2].address).claimable == BOND


def test_cli_settles_a_deliverable_nobody_rejected_when_its_review_period_ended(
    node: Node,
) -> None:
    ledger, cli = node.ledger, node.cli
    aid = active_pair(node, "cli-review-settle")
    commitment = committed_and_submitted(node, aid, "opening")
    early = cli.run("commitments", "settle", aid, str(commitment), "--as", "dev:5")
    assert early.returncode == 1
    assert "CommitmentUnderReview" in early.stderr

    node.chain.increase_time(ledger.commitments.review_period() + 1)
    cli.json("commitments", "settle", aid, str(commitment), "--as", "dev:5")
    assert ledger.commitments.get(aid, commitment).status is CommitmentStatus.FULFILLED
    assert ledger.revenue.balance(aid, node.chain.accounts[1].address).claimable == BOND
