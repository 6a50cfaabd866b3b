"""A whole park workflow on a deployed suite (every module emits) and the park indexer over it,
shared by the in-process projector tests and the anvil restart test."""

from __future__ import annotations

from typing import Any

from eth_utils import keccak
from module_helpers import C_BREACHED, DAY, confirm_one_resolve_one, open_agreement
from sqlalchemy import Engine

from ledger.dev.sandbox import Sandbox
from ledger.reads.indexer import Indexer, IndexerConfig, park_projectors

ETH = 10**18


def park_indexer(suite: Sandbox, engine: Engine, **options: Any) -> Indexer:
    """The park indexer (projectors and Revenue balances) of `suite` on `engine`."""
    config = IndexerConfig.for_deployment(suite.deployment, suite.artifacts, **options)
    return Indexer(
        w3=suite.w3,
        engine=engine,
        config=config,
        projectors=park_projectors(revenue=suite["Revenue"]),
    )


def park_workflow(suite: Sandbox) -> dict[str, Any]:
    """Register, agree, contribute (one AI-assisted), confirm, dispute and resolve by vote,
    deposit, claim, commit with a bond and fulfil, admit a token; a second bonded deliverable
    rejected by a co-party and ruled breached by the park's arbiter — every module emits."""
    parties = list(suite.accounts[1:4])
    admin = suite.accounts[0].address
    registry = suite["ParkRegistry"].functions
    suite.transact(registry.setCultureFund(suite.accounts[9].address), admin)
    # The park admits a token, then withdraws it: the setting keeps the latest word.
    token = suite.deploy_fixture("MintableToken", 18).address
    for admitted in (True, False):
        suite.transact(registry.setTokenAdmitted(token, admitted), admin)
    aid = open_agreement(suite, parties, fund_share_bps=500)
    batch = confirm_one_resolve_one(suite, aid, parties)
    revenue = suite["Revenue"]
    suite.transact(revenue.functions.deposit(aid, "0x" + "00" * 20, 3 * ETH), admin, value=3 * ETH)
    suite.transact(revenue.functions.claim(aid), parties[1].address)
    commitments = suite["Commitments"]
    deadline = suite.chain.timestamp() + 10 * DAY
    deliverable = keccak(text="deliverable")
    suite.transact(
        commitments.functions.commit(aid, 0, keccak(text="catalogue"), deadline, ETH),
        parties[2].address,
        value=ETH,
    )
    suite.transact(commitments.functions.submitDeliverable(aid, 1, deliverable), parties[2].address)
    suite.transact(commitments.functions.acceptDeliverable(aid, 1, deliverable), parties[0].address)
    arbiter = suite.accounts[10].address
    suite.transact(registry.grantRole(registry.ARBITER_ROLE().call(), arbiter), admin)
    suite.transact(
        commitments.functions.commit(aid, 0, keccak(text="signage"), deadline, ETH),
        parties[1].address,
        value=ETH,
    )
    suite.transact(commitments.functions.submitDeliverable(aid, 2, deliverable), parties[1].address)
    reason, ruling = keccak(text="wrong signage"), keccak(text="ruling: upheld")
    suite.transact(commitments.functions.rejectDeliverable(aid, 2, reason), parties[0].address)
    suite.transact(commitments.functions.arbitrate(aid, 2, C_BREACHED, ruling), arbiter)
    return {
        "aid": "0x" + aid.hex(),
        "raw_aid": aid,
        "parties": parties,
        "batch": batch,
        "token": token,
        "arbiter": arbiter,
        "reason": "0x" + reason.hex(),
        "ruling": "0x" + ruling.hex(),
    }
