"""End to end on a managed anvil node: participants, an agreement signed by relayed EIP-712
consents, an amendment voted by signature and executed, the hash chain recomputed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from agreement_helpers import (
    FOR,
    STATUS_ACTIVE,
    agreement_id,
    chain_head,
    consent_signature,
    default_params,
    events,
    register,
    vote_signature,
)
from eth_abi import encode
from eth_utils import keccak

from ledger.dev.sandbox import Sandbox
from ledger.infra.chain import AnvilChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import deploy_suite

pytestmark = pytest.mark.anvil


@pytest.fixture
def anvil_suite(tmp_path: Path, artifacts: CompileResult) -> Iterator[Sandbox]:
    """A fresh anvil node with the park suite deployed."""
    with AnvilChain(state_file=tmp_path / "state.json") as node:
        deployment = deploy_suite(node.w3, artifacts, deployer=node.accounts[0].address)
        yield Sandbox.on(chain=node, artifacts=artifacts, deployment=deployment)


def test_agreement_lifecycle_succeeds_when_run_on_anvil(anvil_suite: Sandbox) -> None:
    suite = anvil_suite
    agreements, gov = suite["Agreements"], suite["Governance"]
    parties = list(suite.accounts[1:4])
    relayer = suite.accounts[9].address
    register(suite, parties)

    params = default_params(suite, parties, shares=[5_000, 3_000, 2_000])
    salt = keccak(text="anvil e2e")
    aid = agreement_id(parties[0].address, salt)
    receipts = [
        suite.transact(agreements.functions.propose(params.as_tuple(), salt), parties[0].address)
    ]
    consents = [consent_signature(suite, p, aid, params.hash()) for p in parties[1:]]
    receipts.append(
        suite.transact(agreements.functions.consentBySignatures(aid, consents), relayer)
    )
    assert agreements.functions.statusOf(aid).call() == STATUS_ACTIVE

    shares = [4_000, 4_000, 2_000]
    terms = keccak(text="terms v2")
    receipts.append(
        suite.transact(gov.functions.proposeAmend(aid, terms, shares), parties[1].address)
    )
    pid = events(gov, receipts[-1], "ProposalCreated")[0]["args"]["proposalId"]
    votes = [vote_signature(suite, p, aid, pid, FOR) for p in parties]
    receipts.append(suite.transact(gov.functions.voteBySignatures(pid, votes), relayer))
    payload = encode(["bytes32", "uint16[]"], [terms, shares])
    receipts.append(suite.transact(gov.functions.execute(pid, payload), relayer))

    assert agreements.functions.termsOf(aid).call()[6] == 2
    assert agreements.functions.partiesOf(aid).call()[1] == shares
    assert agreements.functions.headOf(aid).call() == chain_head([agreements, gov], receipts, aid)
