"""Helpers for the Contributions, Revenue and Commitments tests: agreements ready to use,
records and their Merkle proofs computed independently of the contracts, EIP-712 record
signatures by eth-account, governance round trips and the conservation check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from agreement_helpers import (
    CHALLENGE_WINDOW,
    DOMAIN_TYPES,
    ZERO_ADDRESS,
    activate,
    agreement_id,
    default_params,
    events,
    grant_registrar,
    sign_typed,
)
from eth_abi import encode
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger.domain.errors import RevertError

FIXED, WEIGHTED = 0, 1
PENDING, CONFIRMED, DISPUTED, REJECTED = range(4)
NONE_AI, AI_ASSISTED, AI_GENERATED = range(3)
C_NONE, C_OPEN, C_SUBMITTED, C_FULFILLED, C_BREACHED, C_REJECTED = range(6)
DAY = 86_400
VOTING_PERIOD = 3600
GRACE = 3 * DAY
REVIEW = 7 * DAY
DIRECT_NONCE = 2**256 - 1
CONTRIBUTIONS_DOMAIN_NAME = "Park Ledger Contributions"
CONTRIBUTION_FIELDS = [
    {"name": "kind", "type": "uint8"},
    {"name": "weight", "type": "uint64"},
    {"name": "evidenceHash", "type": "bytes32"},
    {"name": "provenance", "type": "uint8"},
    {"name": "accountable", "type": "address"},
]
RECORD_FIELDS = [
    {"name": "agreementId", "type": "bytes32"},
    {"name": "contributor", "type": "address"},
    {"name": "records", "type": "Contribution[]"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]

Record = tuple[int, int, bytes, int, str]


def record(
    seed: int = 1,
    *,
    weight: int = 10,
    kind: int = 0,
    ai: int = NONE_AI,
    accountable: str = ZERO_ADDRESS,
) -> Record:
    """A contribution tuple (kind, weight, evidenceHash, provenance, accountable)."""
    return (kind, weight, keccak(text=f"evidence:{seed}"), ai, accountable)


def admitted_token(suite: Any, name: str, *args: Any, payer: str = "", minted: int = 0) -> Any:
    """Deploy the token fixture `name` and have the park admin admit it (Revenue refuses
    deposits and bonds in tokens the registry has not admitted); with `payer`, mint it
    `minted` units and approve Revenue for all of them."""
    token = suite.deploy_fixture(name, *args)
    admit = suite["ParkRegistry"].functions.setTokenAdmitted(token.address, True)
    suite.transact(admit, suite.accounts[0].address)
    if payer:
        suite.transact(token.functions.mint(payer, minted), payer)
        suite.transact(token.functions.approve(suite["Revenue"].address, 2**256 - 1), payer)
    return token


def register_all(suite: Any, addresses: Sequence[str]) -> None:
    """Register every address that is not a participant yet."""
    grant_registrar(suite)
    registry = suite["ParkRegistry"]
    admin = suite.accounts[0].address
    for address in addresses:
        if registry.functions.participantOf(address).call()[1] == 0:
            suite.transact(registry.functions.register(address, 0, keccak(text=address)), admin)


def open_agreement(
    suite: Any, parties: Sequence[LocalAccount], salt: bytes = b"\x07" * 32, **overrides: Any
) -> bytes:
    """An Active agreement among `parties` (registered first), with Params overrides."""
    register_all(suite, [p.address for p in parties])
    aid, _ = activate(suite, parties, salt, **overrides)
    return aid


def open_agreement_with_contract(
    suite: Any,
    signers: Sequence[LocalAccount],
    wallet: Any,
    salt: bytes = b"\x08" * 32,
    **overrides: Any,
) -> bytes:
    """An Active agreement among `signers` and a contract party `wallet` that consents by call."""
    addresses = [s.address for s in signers] + [wallet.address]
    register_all(suite, addresses)
    params = default_params(suite, addresses, **overrides)
    agreements = suite["Agreements"]
    suite.transact(agreements.functions.propose(params.as_tuple(), salt), signers[0].address)
    aid = agreement_id(signers[0].address, salt)
    for signer in signers[1:]:
        suite.transact(agreements.functions.consent(aid, 1, params.hash()), signer.address)
    call = agreements.functions.consent(aid, 1, params.hash())._encode_transaction_data()
    suite.transact(wallet.functions.exec(agreements.address, call), signers[0].address)
    return aid


def leaf(agreement: bytes, pre_head: bytes, index: int, contributor: str, rec: Record) -> bytes:
    """A record id, computed as docs/contributions.md defines it."""
    inner = keccak(
        encode(
            [
                "bytes32",
                "bytes32",
                "uint256",
                "address",
                "uint8",
                "uint64",
                "bytes32",
                "uint8",
                "address",
            ],
            [agreement, pre_head, index, contributor, *rec],
        )
    )
    return keccak(inner)


def _pair(a: bytes, b: bytes) -> bytes:
    return keccak(min(a, b) + max(a, b))


def merkle(leaves: Sequence[bytes]) -> tuple[bytes, list[list[bytes]]]:
    """The batch root and each leaf's proof (sorted pairs, odd node carried up)."""
    proofs: list[list[bytes]] = [[] for _ in leaves]
    positions = list(range(len(leaves)))
    level = list(leaves)
    while len(level) > 1:
        nxt = [_pair(level[2 * i], level[2 * i + 1]) for i in range(len(level) // 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        for leaf_index, pos in enumerate(positions):
            sibling = pos ^ 1
            if sibling < len(level):
                proofs[leaf_index].append(level[sibling])
            positions[leaf_index] = pos // 2
        level = nxt
    return level[0], proofs


class Batch:
    """A recorded batch: its root, pre-action head and proofs of every record."""

    def __init__(
        self, agreement: bytes, pre_head: bytes, contributor: str, records: Sequence[Record]
    ):
        self.agreement = agreement
        self.pre_head = pre_head
        self.contributor = contributor
        self.records = list(records)
        self.leaves = [leaf(agreement, pre_head, i, contributor, r) for i, r in enumerate(records)]
        self.root, self.proofs = merkle(self.leaves)

    def proof(self, index: int = 0) -> tuple[Any, ...]:
        """The `RecordProof` of record `index`."""
        return (
            self.root,
            self.pre_head,
            index,
            self.contributor,
            self.records[index],
            self.proofs[index],
        )


def record_batch(
    suite: Any, agreement: bytes, contributor: Any, records: Sequence[Record]
) -> Batch:
    """Record `records` (one by `record`, several by `recordBatch`) and return the batch."""
    address = getattr(contributor, "address", contributor)
    contributions = suite["Contributions"]
    pre_head = suite["Agreements"].functions.headOf(agreement).call()
    if len(records) == 1:
        suite.transact(contributions.functions.record(agreement, records[0]), address)
    else:
        suite.transact(contributions.functions.recordBatch(agreement, list(records)), address)
    return Batch(agreement, pre_head, address, records)


def record_typed_data(
    suite: Any,
    agreement: bytes,
    contributor: str,
    records: Sequence[Record],
    nonce: int,
    deadline: int,
) -> dict[str, Any]:
    """The `eth_signTypedData_v4` payload of a relayed batch."""
    return {
        "types": {
            "EIP712Domain": DOMAIN_TYPES,
            "RecordContributions": RECORD_FIELDS,
            "Contribution": CONTRIBUTION_FIELDS,
        },
        "primaryType": "RecordContributions",
        "domain": {
            "name": CONTRIBUTIONS_DOMAIN_NAME,
            "version": "1",
            "chainId": suite.w3.eth.chain_id,
            "verifyingContract": suite["Contributions"].address,
        },
        "message": {
            "agreementId": agreement,
            "contributor": contributor,
            "records": [
                {
                    "kind": r[0],
                    "weight": r[1],
                    "evidenceHash": r[2],
                    "provenance": r[3],
                    "accountable": r[4],
                }
                for r in records
            ],
            "nonce": nonce,
            "deadline": deadline,
        },
    }


def sign_records(
    suite: Any,
    signer: LocalAccount,
    agreement: bytes,
    records: Sequence[Record],
    nonce: int,
    deadline: int,
) -> bytes:
    """The contributor's EIP-712 signature of a batch, by eth-account."""
    return sign_typed(
        signer, record_typed_data(suite, agreement, signer.address, records, nonce, deadline)
    )


def reverts(
    suite: Any, fn: Any, sender: Any, name: str, *, value: int = 0, agreement: bytes | None = None
) -> RevertError:
    """Send `fn`; assert it reverts with `name`, mines nothing and leaves the head unchanged."""
    block = suite.w3.eth.block_number
    head = suite["Agreements"].functions.headOf(agreement).call() if agreement else None
    with pytest.raises(RevertError) as caught:
        suite.transact(fn, sender, value=value)
    err = caught.value
    assert err.name == name, f"expected {name}, got {err.name} {err.arguments}"
    assert suite.w3.eth.block_number == block
    if agreement is not None:
        assert suite["Agreements"].functions.headOf(agreement).call() == head
    return err


def pass_proposal(suite: Any, receipt: Any, voters: Sequence[Any], payload: bytes) -> Any:
    """Every voter votes For the proposal `receipt` created; after the period, execute it."""
    governance = suite["Governance"]
    proposal_id = int(events(governance, receipt, "ProposalCreated")[0]["args"]["proposalId"])
    for voter in voters:
        suite.transact(governance.functions.vote(proposal_id, 1), getattr(voter, "address", voter))
    suite.chain.increase_time(VOTING_PERIOD + 1)
    return suite.transact(
        governance.functions.execute(proposal_id, payload), getattr(voters[0], "address", voters[0])
    )


def resolve_dispute(
    suite: Any,
    agreement: bytes,
    parties: Sequence[Any],
    record_id: bytes,
    outcome: int,
    weight: int,
) -> Any:
    """Settle a disputed record through an executed ResolveDispute proposal."""
    call = (
        suite["Contributions"]
        .functions.resolveDispute(agreement, int.from_bytes(record_id, "big"), outcome, weight)
        ._encode_transaction_data()
    )
    payload = bytes.fromhex(call[2:])
    receipt = suite.transact(
        suite["Governance"].functions.proposeResolveDispute(agreement, payload), parties[0].address
    )
    # The contributor is accused by the dispute: it does not vote on its own record.
    contributor = suite["Contributions"].functions.recordStateOf(agreement, record_id).call()[6]
    voters = [p for p in parties if getattr(p, "address", p) != contributor]
    return pass_proposal(suite, receipt, voters, payload)


def mature(suite: Any, agreement: bytes, proofs: Sequence[tuple[Any, ...]], sender: str) -> Any:
    """Let the challenge window of the confirmed records pass, then make their weight count."""
    suite.chain.increase_time(CHALLENGE_WINDOW)
    return suite.transact(suite["Contributions"].functions.mature(agreement, list(proofs)), sender)


def confirm_one_resolve_one(suite: Any, agreement: bytes, parties: Sequence[Any]) -> Batch:
    """parties[0] records two contributions (the second AI-assisted, itself accountable);
    parties[1] confirms the first, parties[2] disputes the second, and a vote resolves it to
    weight 15 — every contribution path of a workflow fixture."""
    batch = record_batch(
        suite,
        agreement,
        parties[0],
        [
            record(1, weight=30),
            record(2, weight=20, ai=AI_ASSISTED, accountable=parties[0].address),
        ],
    )
    contributions = suite["Contributions"]
    suite.transact(contributions.functions.confirm(agreement, batch.proof(0)), parties[1].address)
    suite.transact(
        contributions.functions.dispute(agreement, batch.proof(1), keccak(text="reason")),
        parties[2].address,
    )
    resolve_dispute(suite, agreement, parties, batch.leaves[1], 2, 15)
    mature(suite, agreement, [batch.proof(0)], parties[2].address)
    return batch


def amend_shares(
    suite: Any, agreement: bytes, parties: Sequence[Any], shares: Sequence[int]
) -> Any:
    """Run an Amend proposal to new shares through Governance."""
    governance = suite["Governance"]
    terms = keccak(text=f"terms:{list(shares)}")
    receipt = suite.transact(
        governance.functions.proposeAmend(agreement, terms, list(shares)), parties[0].address
    )
    payload = encode(["bytes32", "uint16[]"], [terms, list(shares)])
    return pass_proposal(suite, receipt, parties, payload)


def agreement_ledger(suite: Any, agreement: bytes, accounts: Sequence[str]) -> dict[str, int]:
    """The terms of the per-agreement conservation equation (docs/revenue.md)."""
    revenue = suite["Revenue"]
    acct = revenue.functions.accountOf(agreement).call()
    allocated = sum(revenue.functions.allocatedOf(agreement, a).call() for a in accounts)
    claimed = sum(revenue.functions.claimedOf(agreement, a).call() for a in accounts)
    fund_allocated = revenue.functions.fundAllocatedOf(agreement).call()
    fund_claimed = revenue.functions.claimedOf(agreement, ZERO_ADDRESS).call()
    return {
        "in": acct[4] + acct[6],  # deposited + bondsLocked
        "out": allocated
        + fund_allocated
        + acct[5]
        + acct[7]
        + revenue.functions.carriedOf(agreement).call(),
        "owed": acct[4] + acct[6] - claimed - fund_claimed,
    }


def assert_conserved(
    suite: Any, token_balance: int, books: dict[bytes, Sequence[str]], forced: int = 0
) -> None:
    """Check, to the wei, both sides of every agreement and the token's balance."""
    owed = 0
    for agreement, accounts in books.items():
        ledger = agreement_ledger(suite, agreement, accounts)
        assert ledger["in"] == ledger["out"], ledger
        owed += ledger["owed"]
    assert token_balance == owed + forced
