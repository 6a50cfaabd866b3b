"""The park projectors on the deployed suite: a whole workflow indexed into the read models on
SQLite and PostgreSQL, every head verified against `Agreements.headOf`, balances equal to the
contract's, and the index equal to a rebuild from genesis."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ledger.dev.sandbox import Sandbox as Suite
from ledger.domain.merkle import event_record_id
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment
from ledger.infra.revert import ErrorDecoder
from ledger.reads.indexer import dump_tables, projectors
from ledger.reads.indexer.models import (
    Agreement,
    AgreementHead,
    AgreementParty,
    AgreementRevenue,
    Balance,
    Claim,
    Commitment,
    Confirmation,
    Consent,
    Contribution,
    Deposit,
    Dispute,
    ParkSetting,
    Participant,
    Proposal,
    Vote,
)
from tests.indexer.park_workflow import ETH, park_indexer, park_workflow


@pytest.fixture(scope="module")
def park(
    memory_chain: MemoryChain,
    artifacts: CompileResult,
    deployment: Deployment,
    decoder: ErrorDecoder,
) -> Iterator[tuple[Suite, dict[str, Any]]]:
    """The workflow, run once for the module and removed from the chain afterwards."""
    before = memory_chain.snapshot()
    suite = Suite.on(chain=memory_chain, artifacts=artifacts, deployment=deployment)
    yield suite, park_workflow(suite)
    memory_chain.revert(before)


@pytest.fixture
def suite(park: tuple[Suite, dict[str, Any]]) -> Suite:
    """The deployed suite after the workflow (the indexer only reads)."""
    return park[0]


@pytest.fixture
def flow(park: tuple[Suite, dict[str, Any]]) -> dict[str, Any]:
    """What the workflow created."""
    return park[1]


# NOTE: one indexed workflow, every read model compared with the chain in one place.
def test_read_models_follow_the_chain_when_a_whole_workflow_is_indexed(  # noqa: PLR0915
    suite: Any, flow: dict[str, Any], engine: Engine
) -> None:
    result = park_indexer(suite, engine).sync()

    aid, parties = flow["aid"], [p.address for p in flow["parties"]]
    assert result.mismatches == []
    revenue = suite["Revenue"]
    with Session(engine) as s:
        head = s.get(AgreementHead, aid)
        onchain = "0x" + bytes(suite["Agreements"].functions.headOf(flow["raw_aid"]).call()).hex()
        assert head is not None
        assert head.head_ok
        assert head.head == onchain
        assert {p.account for p in s.scalars(select(Participant))} >= set(parties)
        assert s.get(ParkSetting, "cultureFund").value == suite.accounts[9].address  # type: ignore[union-attr]
        token = s.get(ParkSetting, f"token:{flow['token']}")
        assert token is not None
        assert token.value == "withdrawn"

        agreement = s.get(Agreement, aid)
        assert agreement is not None
        assert (agreement.status, agreement.version, agreement.consent_count) == ("Active", 1, 3)
        assert agreement.fund_share_bps == 500
        members = s.scalars(select(AgreementParty).where(AgreementParty.party == parties[1])).all()
        assert [m.agreement_id for m in members] == [aid]
        assert len(s.scalars(select(Consent)).all()) == 3

        rows = s.scalars(select(Contribution).order_by(Contribution.batch_index)).all()
        assert [r.record_id for r in rows] == ["0x" + leaf.hex() for leaf in flow["batch"].leaves]
        # Both count: the first matured after its challenge window, the second was accepted.
        assert [(r.status, r.counted_weight, r.provenance, r.challenge_ends_at) for r in rows] == [
            ("Confirmed", 30, "None", None),
            ("Confirmed", 15, "Assisted", None),
        ]
        assert rows[1].accountable == parties[0]
        assert len(s.scalars(select(Confirmation)).all()) == 1
        dispute = s.get(Dispute, rows[1].record_id)
        assert dispute is not None
        assert dispute.outcome == "AcceptWithWeight"

        proposal = s.scalars(select(Proposal)).one()
        # The contributor (party 0, bit 0) is accused: it does not vote on its own record.
        assert (
            proposal.kind,
            proposal.status,
            proposal.vote_count,
            proposal.excluded_mask,
        ) == ("ResolveDispute", "Executed", 2, 1)
        assert {v.voter for v in s.scalars(select(Vote))} == set(parties[1:])

        assert s.scalars(select(Deposit)).one().amount == 3 * ETH
        assert s.scalars(select(Claim)).one().account == parties[1]
        totals = s.get(AgreementRevenue, aid)
        assert totals is not None
        assert totals.deposited == 3 * ETH
        assert totals.bonds_locked == 2 * ETH
        raw = flow["raw_aid"]
        assert totals.fund_claimable == revenue.functions.fundClaimableOf(raw).call()
        for balance in s.scalars(select(Balance).where(Balance.agreement_id == aid)):
            assert balance.claimable == revenue.functions.claimableOf(raw, balance.account).call()
            assert balance.claimed == revenue.functions.claimedOf(raw, balance.account).call()

        fulfilled, ruled = s.scalars(select(Commitment).order_by(Commitment.commitment_id))
        assert (fulfilled.status, fulfilled.bond, fulfilled.committer) == (
            "Fulfilled",
            ETH,
            parties[2],
        )
        assert fulfilled.rejected_by is None
        review_end = suite["Commitments"].functions.commitmentOf(raw, 1).call()[8]
        assert fulfilled.review_end == review_end
        assert (ruled.status, ruled.rejected_by, ruled.rejection_hash) == (
            "Breached",
            parties[0],
            flow["reason"],
        )
        assert (ruled.arbiter, ruled.ruling_hash, ruled.breached_by, ruled.bond_forfeited) == (
            flow["arbiter"],
            flow["ruling"],
            flow["arbiter"],
            ETH,
        )
        assert totals.bonds_forfeited == ETH
        assert s.get(Participant, parties[1]).breach_count == 1


def test_record_ids_match_the_contract_when_computed_from_the_event(flow: dict[str, Any]) -> None:
    batch = flow["batch"]
    for index, rec in enumerate(batch.records):
        computed = event_record_id(
            agreement_id=flow["aid"],
            pre_head="0x" + bytes(batch.pre_head).hex(),
            index=index,
            contributor=batch.contributor,
            record={
                "kind": rec[0],
                "weight": rec[1],
                "evidenceHash": "0x" + rec[2].hex(),
                "provenance": rec[3],
                "accountable": rec[4],
            },
        )
        assert computed == "0x" + batch.leaves[index].hex()


def test_each_event_has_one_projector_in_its_contracts_module_when_the_table_is_assembled(
    artifacts: CompileResult,
) -> None:
    modules = {
        projectors.registry: "ParkRegistry",
        projectors.agreements: "Agreements",
        projectors.contributions: "Contributions",
        projectors.revenue: "Revenue",
        projectors.commitments: "Commitments",
        projectors.governance: "Governance",
    }
    names = [name for module in modules for name in module.projectors.projectors]
    assert len(names) == len(set(names)) == len(projectors.PARK_PROJECTORS)
    for module, contract in modules.items():
        events = {item["name"] for item in artifacts[contract].abi if item["type"] == "event"}
        assert set(module.projectors.projectors) <= events, contract


def test_park_index_equals_a_rebuild_when_synced_block_by_block(
    suite: Any, flow: dict[str, Any], engine: Engine
) -> None:
    indexer = park_indexer(suite, engine)
    start = indexer.config.start_block
    for stop in range(start, suite.w3.eth.block_number + 1, 7):
        indexer.sync(to_block=stop)
    indexer.sync()
    incremental = dump_tables(engine)

    indexer.rebuild()

    assert dump_tables(engine) == incremental
    assert incremental["contributions"]
    assert incremental["balances"]
