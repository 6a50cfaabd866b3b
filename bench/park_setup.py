"""Scenario helpers shared by the module gas scenarios and the contract tests: register
participants, open an Active agreement, run a governance proposal to execution.

They work with any object shaped like `bench.context.BenchContext` or the tests' `Suite`:
`ctx["Name"]` gives a contract, `ctx.transact(fn, sender, value=...)`, `ctx.call(fn)`,
`ctx.accounts`, `ctx.w3` and `ctx.chain` (for time travel).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from eth_utils import keccak

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
BPS = 10_000
FIXED_SHARES = 0
CONTRIBUTION_WEIGHTED = 1
VOTING_PERIOD_S = 3600
CHALLENGE_WINDOW_S = 3600
DAY_S = 24 * 3600


class ParkContext(Protocol):
    """What the helpers need from a test suite or a bench context."""

    w3: Any
    chain: Any
    accounts: Any

    def __getitem__(self, name: str) -> Any: ...

    def transact(self, fn: Any, sender: Any, value: int = 0) -> Any: ...

    def call(self, fn: Any, sender: Any = None) -> Any: ...


def even_shares(n: int) -> list[int]:
    """`n` shares in bps summing to exactly 10,000 (the first takes the rounding)."""
    base = BPS // n
    return [BPS - base * (n - 1)] + [base] * (n - 1)


def register(ctx: ParkContext, addresses: Sequence[str]) -> None:
    """Register `addresses` as Active participants (the admin grants itself the registrar role)."""
    registry = ctx["ParkRegistry"]
    admin = ctx.accounts[0].address
    role = ctx.call(registry.functions.REGISTRAR_ROLE())
    if not ctx.call(registry.functions.hasRole(role, admin)):
        ctx.transact(registry.functions.grantRole(role, admin), admin)
    for address in addresses:
        participant = ctx.call(registry.functions.participantOf(address))
        if participant[1] == 0:  # status None
            ctx.transact(registry.functions.register(address, 0, keccak(text=address)), admin)


def make_agreement(
    ctx: ParkContext,
    parties: Sequence[str],
    *,
    shares: Sequence[int] | None = None,
    mode: int = FIXED_SHARES,
    fund_bps: int = 0,
    token: str = ZERO_ADDRESS,
    confirmations: int = 1,
    salt: bytes | None = None,
    consent_threshold_bps: int = BPS,
    quorum_bps: int = 5_000,
) -> bytes:
    """Propose an agreement from `parties[0]`, have every other party consent; return its id."""
    register(ctx, parties)
    agreements = ctx["Agreements"]
    now = int(ctx.w3.eth.get_block("latest")["timestamp"])
    params = (
        list(parties),
        list(shares if shares is not None else even_shares(len(parties))),
        mode,
        fund_bps,
        keccak(text="terms"),
        token,
        consent_threshold_bps,
        confirmations,
        0,  # one party one vote
        VOTING_PERIOD_S,
        quorum_bps,
        now + 30 * DAY_S,
        CHALLENGE_WINDOW_S,
        0,  # no per-record cap
        0,  # no per-period cap
        0,
    )
    salt = salt or keccak(text=f"salt-{now}-{len(parties)}-{mode}-{fund_bps}-{token}")
    proposer = parties[0]
    agreement_id: bytes = ctx.call(agreements.functions.agreementIdOf(proposer, salt))
    ctx.transact(agreements.functions.propose(params, salt), proposer)
    terms = ctx.call(agreements.functions.termsOf(agreement_id))
    params_hash = terms[-1]
    for party in parties[1:]:
        ctx.transact(agreements.functions.consent(agreement_id, 1, params_hash), party)
    return agreement_id


def advance_time(ctx: ParkContext, seconds: int) -> None:
    """Move the chain clock forward by `seconds` and mine a block."""
    ctx.chain.increase_time(seconds)


def pass_proposal(ctx: ParkContext, proposal_id: int, voters: Sequence[str], payload: bytes) -> Any:
    """Every voter votes For, the voting period passes, `voters[0]` executes with `payload`."""
    governance = ctx["Governance"]
    for voter in voters:
        ctx.transact(governance.functions.vote(proposal_id, 1), voter)
    advance_time(ctx, VOTING_PERIOD_S + 1)
    return ctx.transact(governance.functions.execute(proposal_id, payload), voters[0])


def proposal_id_from(ctx: ParkContext, receipt: Any) -> int:
    """The id of the proposal a `propose*` receipt created."""
    events = ctx["Governance"].events.ProposalCreated().process_receipt(receipt)
    return int(events[0]["args"]["proposalId"])
