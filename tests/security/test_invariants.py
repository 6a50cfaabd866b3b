"""The suite's invariants under random operation sequences (issue #9, docs/security.md).

A hypothesis `RuleBasedStateMachine` drives the deployed suite through the typed client:
participants, agreements (FixedShares and ContributionWeighted, ETH and odd ERC-20s, with and
without a fund share) activated by signatures, contributions (single, batched, relayed, some
AI-assisted), confirmations, disputes resolved by vote, amendments, deposits, claims, payout
addresses, bonded commitments, breaches, time jumps and forced ETH. A contract depositor and
payout address called back by an ERC-777-style hook token (and by ETH) re-enters the vault
from inside deposits and claims. After every step it checks conservation to the wei (and
each agreement's own token balance), claims against allocations, nonces, consents, the hash
chain and confirmed weights. `PARK_LEDGER_FUZZ=deep` (`make fuzz`) selects the deep profile.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from web3.contract import Contract

from ledger.client import Ledger
from ledger.client.commitments import RULINGS
from ledger.client.views import RevenueAccount, TxResult
from ledger.dev.sandbox import Sandbox as Suite
from ledger.domain.errors import RevertError
from ledger.domain.merkle import RecordedBatch
from ledger.domain.structs import (
    DEFAULT_CHALLENGE_WINDOW,
    ZERO_ADDRESS,
    AgreementParams,
    AgreementStatus,
    AiProvenance,
    CommitmentKind,
    CommitmentStatus,
    Contribution,
    ContributionKind,
    ContributionStatus,
    ParticipantKind,
    ProposalStatus,
    RecordProof,
    ResolutionOutcome,
    RevenueMode,
    VoteSupport,
)
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import Deployment
from ledger.infra.events import DecodedEvent, LogStreamer
from ledger.infra.events.hashchain import fold
from ledger.infra.tx import transact

DAY = 86_400
BPS = 10_000
FEE_BPS = 100
MINTED = 10**30
PROFILES = {
    "fast": settings(
        max_examples=5,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ),
    "deep": settings(
        max_examples=200,
        stateful_step_count=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ),
}
SHARES = {2: ((5000, 5000), (7001, 2999)), 3: ((5001, 2999, 2000), (3334, 3333, 3333))}
TIME_JUMPS = (600, DAY, 4 * DAY)
REENTER = 1  # ReentrantParty.Mode.Reenter
GUARD_ERROR = "ReentrancyGuardReentrantCall"
ARBITER = 10  # the park's arbiter: never a party of the machine's deals
STATS = ("examples", "steps", "transactions")
# NOTE: py-evm warns on every SELFDESTRUCT; forcing ETH in is exactly what the machine does.
pytestmark = pytest.mark.filterwarnings("ignore:SELFDESTRUCT opcode:DeprecationWarning")


@dataclass
class World:
    """What every example starts from: the client, accounts and the odd tokens."""

    suite: Suite
    ledger: Ledger
    admin: LocalAccount
    pool: list[LocalAccount]
    depositor: LocalAccount
    payout: LocalAccount
    tokens: dict[str, ChecksumAddress]
    token_abi: list[dict[str, Any]]
    reentrant: Contract
    contracts: dict[str, Contract] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATS, 0))

    def erc20(self, token: str) -> Contract:
        """`token` with the (shared) ERC-20 view and mint ABI."""
        if token not in self.contracts:
            self.contracts[token] = self.ledger.w3.eth.contract(address=token, abi=self.token_abi)  # type: ignore[call-overload]
        return self.contracts[token]

    def act(self, fn: Any) -> None:
        """Send `fn` from the ReentrantParty (through its `exec`), paid for by the admin."""
        call = self.reentrant.functions.exec(fn.address, fn._encode_transaction_data())
        self.suite.transact(call, self.admin)

    def reentering(self, calls: list[Any], action: Callable[[], object]) -> None:
        """Arm the ReentrantParty with `calls`, run `action` (whose payment or pull calls it
        back) and assert that the lock refused every re-entry."""
        before = len(self.reentrant.functions.outcomes().call()[0])
        targets = [fn.address for fn in calls]
        data = [fn._encode_transaction_data() for fn in calls]
        self.suite.transact(self.reentrant.functions.arm(REENTER, targets, data), self.admin)
        action()
        ok, returned = self.reentrant.functions.outcomes().call()
        errors = [
            None if good else self.suite.decoder.decode(bytes(raw)).name
            for good, raw in zip(ok[before:], returned[before:], strict=True)
        ]
        assert errors == [GUARD_ERROR] * len(calls), errors

    def balance(self, token: str, account: str) -> int:
        """`account`'s balance of `token` (ETH for the zero address)."""
        if token == ZERO_ADDRESS:
            return int(self.ledger.w3.eth.get_balance(account))  # type: ignore[arg-type]
        return int(self.erc20(token).functions.balanceOf(account).call())


@dataclass
class Record:
    """A recorded contribution and what the model expects of it."""

    record_id: bytes
    proof: RecordProof
    weight: int
    status: ContributionStatus = ContributionStatus.PENDING
    # While Confirmed: the end of its challenge window; 0 once its weight counts.
    challenge_ends_at: int = 0


@dataclass
class Deal:
    """An agreement the machine opened, with the model of what it must show."""

    aid: bytes
    parties: list[LocalAccount]
    token: str
    mode: RevenueMode
    records: list[Record] = field(default_factory=list)
    commitments: list[int] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=dict)
    claimed: dict[str, int] = field(default_factory=dict)
    amendments: list[int] = field(default_factory=list)
    former: list[LocalAccount] = field(default_factory=list)

    def co_party(self, account: str, pick: int) -> LocalAccount:
        """A party other than `account`."""
        others = [p for p in self.parties if p.address != account]
        return others[pick % len(others)]


@pytest.fixture(scope="module")
def world(
    memory_chain: MemoryChain, artifacts: CompileResult, deployment: Deployment
) -> Iterator[World]:
    """The suite with a registrar, a culture fund and four odd tokens minted to every actor,
    set up once for this module (each example snapshots on top) and reverted after it."""
    snapshot = memory_chain.snapshot()
    suite = Suite.on(chain=memory_chain, artifacts=artifacts, deployment=deployment)
    ledger = Ledger(
        w3=suite.w3, deployment=suite.deployment, artifacts=suite.artifacts, decoder=suite.decoder
    )
    admin, pool = suite.accounts[0], list(suite.accounts[1:5])
    depositor, payout, fund = suite.accounts[8], suite.accounts[5], suite.accounts[9]
    ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin)
    ledger.registry.grant_role(
        role="arbiter", account=suite.accounts[ARBITER].address, sender=admin
    )
    ledger.registry.set_culture_fund(fund=fund.address, sender=admin)
    tokens = {
        "eth": ZERO_ADDRESS,
        "fee": suite.deploy_fixture("FeeOnTransferToken", FEE_BPS).address,
        "no-return": suite.deploy_fixture("NoReturnToken").address,
        "0-decimals": suite.deploy_fixture("MintableToken", 0).address,
        "6-decimals": suite.deploy_fixture("MintableToken", 6).address,
        "hook": suite.deploy_fixture("HookToken").address,
    }
    reentrant = suite.deploy_fixture("ReentrantParty")
    abi = suite.artifacts["MintableToken"].abi
    built = World(suite, ledger, admin, pool, depositor, payout, tokens, abi, reentrant)
    for token in list(tokens.values())[1:]:
        ledger.registry.set_token_admitted(token=token, sender=admin)
        for holder in [*pool, depositor, reentrant]:
            suite.transact(built.erc20(token).functions.mint(holder.address, MINTED), admin)
    hook_token = suite.w3.eth.contract(address=tokens["hook"], abi=suite.artifacts["HookToken"].abi)
    built.act(hook_token.functions.approve(ledger.revenue.address, 2**256 - 1))
    built.act(hook_token.functions.registerHooks())
    yield built
    memory_chain.revert(snapshot)


class ParkMachine(RuleBasedStateMachine):
    """Random park life on the deployed suite; every example starts from the same snapshot."""

    world: World

    def __init__(self) -> None:
        super().__init__()
        self.snapshot = self.world.suite.chain.snapshot()
        self.first_block = self.world.ledger.w3.eth.block_number
        self.world.stats["examples"] += 1
        self.ledger = self.world.ledger
        self.registered: list[LocalAccount] = []
        self.deals: list[Deal] = []
        self.forced = 0
        self.nonces: dict[tuple[bytes, str], int] = {}
        self.heads: dict[bytes, bytes] = {}
        self.streamed_to = self.ledger.w3.eth.block_number
        self.streamer = LogStreamer(w3=self.ledger.w3, catalog=self.ledger.catalog)
        self.salt = 0
        self.books_block = -1
        self.cached_books: dict[bytes, Books] = {}
        self.shares_models: dict[bytes, ShareModel] = {}

    def teardown(self) -> None:
        """Every example leaves the chain as it found it."""
        mined = self.ledger.w3.eth.block_number - self.first_block
        self.world.stats["transactions"] += mined
        self.world.suite.chain.revert(self.snapshot)

    # -- helpers --------------------------------------------------------------------------

    def pick(self, data: st.DataObject, items: list[Any]) -> Any:
        """One of `items`, chosen by hypothesis (so it shrinks)."""
        return data.draw(st.sampled_from(items))

    def state(self) -> tuple[Any, ...]:
        """What a rejected action must leave unchanged: block, heads, the vault's balances."""
        revenue = self.ledger.revenue.address
        return (
            self.ledger.w3.eth.block_number,
            tuple(self.ledger.agreements.head(d.aid) for d in self.deals),
            tuple(self.world.balance(t, revenue) for t in self.world.tokens.values()),
        )

    def rejected(self, action: Callable[[], object], error: str) -> None:
        """`action` reverts with the custom error `error` and changes nothing."""
        before = self.state()
        with pytest.raises(RevertError) as caught:
            action()
        assert caught.value.name == error, (caught.value.name, caught.value.arguments)
        assert self.state() == before

    def open_deal(
        self, *, parties: list[LocalAccount], token: str, mode: RevenueMode, fund_bps: int
    ) -> Deal:
        """Propose and activate an agreement with every co-party's signed consent."""
        agreements, shares = self.ledger.agreements, SHARES[len(parties)][self.salt % 2]
        params = AgreementParams(
            parties=[p.address for p in parties],
            shares_bps=shares,
            terms_hash=keccak(text=f"terms {self.salt}"),
            consent_deadline=self.ledger.timestamp() + DAY,
            revenue_mode=mode,
            fund_share_bps=fund_bps,
            token=token,
            voting_period=3600,
        )
        salt = keccak(text=f"invariants {self.salt}")
        self.salt += 1
        aid = agreements.agreement_id_of(proposer=parties[0].address, salt=salt)
        deadline = self.ledger.timestamp() + 600
        signatures = [
            agreements.sign_consent(agreement_id=aid, account=p, deadline=deadline, params=params)
            for p in parties[1:]
        ]
        agreements.propose_with_signatures(
            params=params, salt=salt, signatures=signatures, sender=parties[0]
        )
        deal = Deal(aid, parties, token, mode)
        self.deals.append(deal)
        return deal

    def records_in(self, deal: Deal, result: TxResult) -> None:
        """Add the records a recording transaction wrote to the model."""
        for batch in self.ledger.contributions.batches_in(result):
            deal.records.extend(self._records(batch))

    def _records(self, batch: RecordedBatch) -> Iterator[Record]:
        for index, contribution in enumerate(batch.records):
            yield Record(batch.record_ids[index], batch.proof(index), contribution.weight)

    def pass_vote(self, deal: Deal, created: TxResult, accused: str | None = None) -> int:
        """Every eligible party (not `accused`) votes For the proposal `created` made; execute it
        (all voted: no wait)."""
        proposal = int(created.event("ProposalCreated").args["proposalId"])
        for party in (p for p in deal.parties if p.address != accused):
            self.ledger.governance.vote(proposal_id=proposal, support=VoteSupport.FOR, sender=party)
        self.ledger.governance.execute(proposal_id=proposal, sender=deal.parties[0])
        return proposal

    # -- rules: participants and agreements -------------------------------------------------

    @initialize()
    def register_two(self) -> None:
        """Two participants exist from the start, so an agreement can be opened early."""
        for account in self.world.pool[:2]:
            self.register_participant(account)

    def register_participant(self, account: LocalAccount) -> None:
        """Register `account` as an Active participant."""
        self.ledger.registry.register(
            account=account.address,
            kind=ParticipantKind.DESIGN_STUDIO,
            profile_hash=keccak(text=account.address),
            sender=self.world.admin,
        )
        self.registered.append(account)

    @precondition(lambda self: len(self.registered) < len(self.world.pool))
    @rule(data=st.data())
    def register(self, data: st.DataObject) -> None:
        """A new participant joins the park."""
        fresh = [a for a in self.world.pool if a not in self.registered]
        self.register_participant(self.pick(data, fresh))

    @precondition(lambda self: len(self.deals) < 4)
    @rule(
        data=st.data(),
        token=st.sampled_from(["eth", "fee", "no-return", "0-decimals", "6-decimals", "hook"]),
        mode=st.sampled_from(RevenueMode),
        fund_bps=st.sampled_from([0, 333, 2500]),
    )
    def open_agreement(
        self, data: st.DataObject, token: str, mode: RevenueMode, fund_bps: int
    ) -> None:
        """Parties open an agreement, every co-party consenting by signature."""
        size = data.draw(st.integers(2, min(3, len(self.registered))))
        parties = data.draw(st.permutations(self.registered))[:size]
        self.open_deal(
            parties=list(parties), token=self.world.tokens[token], mode=mode, fund_bps=fund_bps
        )

    @precondition(lambda self: self.deals)
    @rule(data=st.data())
    def amend(self, data: st.DataObject) -> None:
        """The parties vote new shares in (a new version, adopted by an executed proposal)."""
        deal: Deal = self.pick(data, self.deals)
        shares = self.pick(data, list(SHARES[len(deal.parties)]))
        created = self.ledger.governance.propose_amend(
            agreement_id=deal.aid,
            terms_hash=keccak(text=f"amended {shares}"),
            shares_bps=shares,
            sender=deal.parties[0],
        )
        deal.amendments.append(self.pass_vote(deal, created))

    @precondition(lambda self: self.deals)
    @rule(data=st.data())
    def invalidate_nonce(self, data: st.DataObject) -> None:
        """A party cancels its outstanding signatures."""
        deal: Deal = self.pick(data, self.deals)
        party = self.pick(data, deal.parties)
        self.ledger.agreements.invalidate_nonce(agreement_id=deal.aid, sender=party)

    # -- rules: membership between deposits and claims (issue #24) ---------------------------

    def joinable(self) -> list[tuple[Deal, LocalAccount]]:
        """(two-party FixedShares deal, registered participant never one of its parties)."""
        return [
            (d, a)
            for d in self.deals
            if d.mode is RevenueMode.FIXED_SHARES and len(d.parties) == 2
            for a in self.registered
            if a not in d.parties and a not in d.former
        ]

    @precondition(lambda self: self.joinable())
    @rule(data=st.data())
    def add_party(self, data: st.DataObject) -> None:
        """The parties vote a third party in (it accepts by voting For), with new shares."""
        deal, joiner = self.pick(data, self.joinable())
        self.join(deal, joiner, self.pick(data, list(SHARES[3])))

    def join(self, deal: Deal, joiner: LocalAccount, shares: tuple[int, ...]) -> None:
        """Run an AddParty proposal for `joiner` through to execution."""
        created = self.ledger.governance.propose_add_party(
            agreement_id=deal.aid, party=joiner.address, shares_bps=shares, sender=deal.parties[0]
        )
        proposal = int(created.event("ProposalCreated").args["proposalId"])
        self.ledger.governance.vote(proposal_id=proposal, support=VoteSupport.FOR, sender=joiner)
        deal.amendments.append(self.pass_vote(deal, created))
        deal.parties.append(joiner)

    def removable(self) -> list[tuple[Deal, LocalAccount]]:
        """(three-party FixedShares deal, a party with no record or commitment still open)."""
        open_records = {
            (d.aid, r.proof.contributor)
            for d in self.deals
            for r in d.records
            if r.status in (ContributionStatus.PENDING, ContributionStatus.DISPUTED)
        }
        open_commitments = {
            (d.aid, self.ledger.commitments.get(d.aid, c).committer)
            for d, c in self.unresolved(CommitmentStatus.OPEN, CommitmentStatus.SUBMITTED)
        }
        return [
            (d, p)
            for d in self.deals
            if d.mode is RevenueMode.FIXED_SHARES and len(d.parties) == 3
            for p in d.parties
            if (d.aid, p.address) not in open_records | open_commitments
        ]

    @precondition(lambda self: any(len(d.parties) == 3 for d in self.deals))
    @rule(data=st.data())
    def remove_party(self, data: st.DataObject) -> None:
        """The other parties vote one out: it keeps what it earned and earns nothing more."""
        options = self.removable()
        if not options:
            return
        deal, leaving = self.pick(data, options)
        self.leave(deal, leaving, self.pick(data, list(SHARES[2])))

    def leave(self, deal: Deal, leaving: LocalAccount, shares: tuple[int, ...]) -> None:
        """Run a RemoveParty proposal for `leaving` through to execution (it does not vote)."""
        staying = [p for p in deal.parties if p != leaving]
        created = self.ledger.governance.propose_remove_party(
            agreement_id=deal.aid, party=leaving.address, shares_bps=shares, sender=staying[0]
        )
        deal.parties, deal.former = staying, [*deal.former, leaving]
        deal.amendments.append(self.pass_vote(deal, created))

    def model_deposit(self, deal: Deal, allocated: int) -> None:
        """Book `allocated` in the independent model, split by the shares in force now."""
        if deal.mode is not RevenueMode.FIXED_SHARES:
            return
        model = self.shares_models.setdefault(deal.aid, ShareModel())
        fund_bps = self.ledger.agreements.terms(deal.aid).fund_share_bps
        model.credit(ZERO_ADDRESS, Fraction(allocated * fund_bps, BPS))
        for party in self.ledger.agreements.parties(deal.aid):
            units = party.share_bps * (BPS - fund_bps)
            model.credit(party.account, Fraction(allocated * units, BPS * BPS))
        model.deposits += 1

    # -- rules: contributions -------------------------------------------------------------

    @precondition(lambda self: self.deals)
    @rule(
        data=st.data(),
        weights=st.lists(st.integers(1, 1000), min_size=1, max_size=3),
        assisted=st.booleans(),
        relayed=st.booleans(),
    )
    def record(
        self, data: st.DataObject, weights: list[int], assisted: bool, relayed: bool
    ) -> None:
        """A party records contributions: one, a batch, or a batch it signed for a relayer."""
        deal: Deal = self.pick(data, self.deals)
        contributor: LocalAccount = self.pick(data, deal.parties)
        records = [
            Contribution(
                ContributionKind.DESIGN,
                weight,
                keccak(text=f"evidence {len(deal.records)} {i}"),
                AiProvenance.ASSISTED if assisted else AiProvenance.NONE,
                contributor.address if assisted else ZERO_ADDRESS,
            )
            for i, weight in enumerate(weights)
        ]
        contributions = self.ledger.contributions
        if relayed:
            signed = contributions.sign_records(
                agreement_id=deal.aid,
                account=contributor,
                records=records,
                deadline=self.ledger.timestamp() + 600,
            )
            result = contributions.record_by_signature(signed=signed, sender=self.world.depositor)
        elif len(records) == 1:
            result = contributions.record(
                agreement_id=deal.aid, record=records[0], sender=contributor
            )
        else:
            result = contributions.record_batch(
                agreement_id=deal.aid, records=records, sender=contributor
            )
        self.records_in(deal, result)

    def pending(self) -> list[tuple[Deal, Record]]:
        """Every record the model expects Pending."""
        return [
            (d, r) for d in self.deals for r in d.records if r.status is ContributionStatus.PENDING
        ]

    @precondition(lambda self: self.pending())
    @rule(data=st.data(), pick=st.integers(0, 2))
    def confirm(self, data: st.DataObject, pick: int) -> None:
        """A co-party confirms a pending record; its challenge window starts (no weight yet)."""
        deal, rec = self.pick(data, self.pending())
        confirmer = deal.co_party(rec.proof.contributor, pick)
        self.ledger.contributions.confirm(agreement_id=deal.aid, proof=rec.proof, sender=confirmer)
        rec.status = ContributionStatus.CONFIRMED
        rec.challenge_ends_at = self.ledger.timestamp() + DEFAULT_CHALLENGE_WINDOW

    def in_window(self, *, ended: bool) -> list[tuple[Deal, Record]]:
        """Confirmed records whose weight does not count yet: those whose window has `ended`,
        or those still comfortably disputable."""
        now = self.ledger.timestamp()
        return [
            (d, r)
            for d in self.deals
            for r in d.records
            if r.challenge_ends_at
            and r.status is ContributionStatus.CONFIRMED
            and (now >= r.challenge_ends_at if ended else now + 600 < r.challenge_ends_at)
        ]

    @precondition(lambda self: self.in_window(ended=True))
    @rule(data=st.data())
    def mature(self, data: st.DataObject) -> None:
        """Anyone makes a record whose challenge window ended count."""
        deal, rec = self.pick(data, self.in_window(ended=True))
        self.ledger.contributions.mature(
            agreement_id=deal.aid, proofs=[rec.proof], sender=self.world.depositor
        )
        rec.challenge_ends_at = 0
        who = rec.proof.contributor
        deal.weights[who] = deal.weights.get(who, 0) + rec.weight

    @precondition(lambda self: self.in_window(ended=False))
    @rule(data=st.data())
    def mature_too_early(self, data: st.DataObject) -> None:
        """A record still in its challenge window cannot count yet."""
        deal, rec = self.pick(data, self.in_window(ended=False))
        self.rejected(
            lambda: self.ledger.contributions.mature(
                agreement_id=deal.aid, proofs=[rec.proof], sender=self.world.depositor
            ),
            "ContributionChallengeOpen",
        )

    @precondition(lambda self: self.pending())
    @rule(data=st.data())
    def confirm_own_record(self, data: st.DataObject) -> None:
        """A contributor cannot confirm its own record."""
        deal, rec = self.pick(data, self.pending())
        contributor = next(p for p in deal.parties if p.address == rec.proof.contributor)
        self.rejected(
            lambda: self.ledger.contributions.confirm(
                agreement_id=deal.aid, proof=rec.proof, sender=contributor
            ),
            "ContributionSelfConfirmation",
        )

    @precondition(lambda self: self.pending() or self.in_window(ended=False))
    @rule(data=st.data(), pick=st.integers(0, 2))
    def dispute(self, data: st.DataObject, pick: int) -> None:
        """A co-party disputes a pending record, or a confirmed one within its window."""
        deal, rec = self.pick(data, self.pending() + self.in_window(ended=False))
        self.ledger.contributions.dispute(
            agreement_id=deal.aid,
            proof=rec.proof,
            reason_hash=keccak(text="not ours"),
            sender=deal.co_party(rec.proof.contributor, pick),
        )
        rec.status = ContributionStatus.DISPUTED
        rec.challenge_ends_at = 0

    def disputed(self) -> list[tuple[Deal, Record]]:
        """Every record the model expects Disputed."""
        return [
            (d, r) for d in self.deals for r in d.records if r.status is ContributionStatus.DISPUTED
        ]

    @precondition(lambda self: self.disputed())
    @rule(
        data=st.data(),
        outcome=st.sampled_from(ResolutionOutcome),
        new_weight=st.integers(1, 1000),
    )
    def resolve(self, data: st.DataObject, outcome: ResolutionOutcome, new_weight: int) -> None:
        """Governance resolves a dispute; a rejected record never gains weight."""
        deal, rec = self.pick(data, self.disputed())
        who = rec.proof.contributor
        before = self.ledger.contributions.confirmed_weight(deal.aid, who)
        created = self.ledger.governance.propose_resolve_dispute(
            agreement_id=deal.aid,
            record_id=rec.record_id,
            outcome=outcome,
            new_weight=new_weight if outcome is ResolutionOutcome.ACCEPT_WITH_WEIGHT else 0,
            sender=deal.parties[0],
        )
        self.pass_vote(deal, created, accused=who)
        if outcome is ResolutionOutcome.REJECT:
            rec.status = ContributionStatus.REJECTED
            assert self.ledger.contributions.confirmed_weight(deal.aid, who) == before
            return
        rec.status = ContributionStatus.CONFIRMED
        if outcome is ResolutionOutcome.ACCEPT_WITH_WEIGHT:
            rec.weight = new_weight
        deal.weights[who] = deal.weights.get(who, 0) + rec.weight

    # -- rules: money ---------------------------------------------------------------------

    @precondition(lambda self: self.deals)
    @rule(data=st.data(), amount=st.integers(1, 10**18))
    def deposit(self, data: st.DataObject, amount: int) -> None:
        """Anyone deposits revenue in the agreement's token."""
        deal: Deal = self.pick(data, self.deals)
        result = self.ledger.revenue.deposit(
            agreement_id=deal.aid, amount=amount, sender=self.world.depositor
        )
        self.model_deposit(deal, int(result.event("RevenueDeposited").args["allocated"]))

    def calling_back(self, *names: str) -> list[Deal]:
        """The deals whose token (by name) calls the ReentrantParty back when it moves."""
        return [d for d in self.deals if d.token in {self.world.tokens[n] for n in names}]

    def reentries(self, deal: Deal) -> list[Any]:
        """Vault calls on `deal` a re-entering contract that is no party can make: a nested
        deposit, an allocation, paying the fund, setting a payout address (a party-only call,
        but the lock must refuse it first)."""
        f = self.ledger.revenue.contract.functions
        return [
            f.deposit(deal.aid, deal.token, 1),
            f.allocateHeld(deal.aid),
            f.claimFund(deal.aid),
            f.setPayoutAddress(deal.aid, self.world.reentrant.address),
        ]

    @precondition(lambda self: self.calling_back("hook"))
    @rule(data=st.data(), amount=st.integers(1, 10**18))
    def deposit_with_reentry(self, data: st.DataObject, amount: int) -> None:
        """A depositor called back inside the pull (tokensToSend) re-enters the vault."""
        deal: Deal = self.pick(data, self.calling_back("hook"))
        self.deposit_reentering(deal, self.pick(data, self.deals), amount)

    def deposit_reentering(self, deal: Deal, other: Deal, amount: int) -> None:
        """The ReentrantParty deposits `amount` into `deal` and re-enters on `other`."""
        deposit = self.ledger.revenue.contract.functions.deposit(deal.aid, deal.token, amount)
        self.world.reentering(self.reentries(other), lambda: self.world.act(deposit))

    @precondition(lambda self: any(d.token != ZERO_ADDRESS for d in self.deals))
    @rule(data=st.data())
    def deposit_wrong_token(self, data: st.DataObject) -> None:
        """ETH sent to an ERC-20 agreement is refused."""
        deal: Deal = self.pick(data, [d for d in self.deals if d.token != ZERO_ADDRESS])
        fn = self.ledger.revenue.contract.functions.deposit(deal.aid, ZERO_ADDRESS, 1)
        self.rejected(
            lambda: transact(fn, sender=self.world.depositor, decoder=self.ledger.decoder, value=1),
            "RevenueWrongToken",
        )

    @precondition(lambda self: self.deals)
    @rule(data=st.data(), to_payout=st.booleans())
    def claim(self, data: st.DataObject, to_payout: bool) -> None:
        """A party claims what it is owed (to itself or its payout address), or is refused."""
        deal: Deal = self.pick(data, self.deals)
        party: LocalAccount = self.pick(data, deal.parties)
        revenue = self.ledger.revenue
        if to_payout:
            revenue.set_payout(
                agreement_id=deal.aid, payout=self.world.payout.address, sender=party
            )
        owed = revenue.balance(deal.aid, party.address).claimable
        if owed == 0:
            self.rejected(
                lambda: revenue.claim(agreement_id=deal.aid, sender=party),
                "RevenueNothingToClaim",
            )
            return
        receiver = revenue.balance(deal.aid, party.address).payout
        receiver = party.address if receiver == ZERO_ADDRESS else receiver
        held = self.world.balance(deal.token, receiver)
        paid = int(
            revenue.claim(agreement_id=deal.aid, sender=party)
            .event("RevenueClaimed")
            .args["amount"]
        )
        assert paid == owed
        deal.claimed[party.address] = deal.claimed.get(party.address, 0) + paid
        if receiver != party.address or deal.token != ZERO_ADDRESS:
            fee = -(-paid * FEE_BPS // 10_000) if deal.token == self.world.tokens["fee"] else 0
            assert self.world.balance(deal.token, receiver) - held == paid - fee

    @precondition(lambda self: self.calling_back("eth", "hook"))
    @rule(data=st.data())
    def claim_to_reentrant_payout(self, data: st.DataObject) -> None:
        """A party's payout address is called back when paid (ETH receive, tokensReceived) and
        re-enters the vault; the claim pays once."""
        deal: Deal = self.pick(data, self.calling_back("eth", "hook"))
        party: LocalAccount = self.pick(data, deal.parties)
        self.claim_reentering(deal, party, self.pick(data, self.deals))

    def claim_reentering(self, deal: Deal, party: LocalAccount, other: Deal) -> None:
        """`party` claims from `deal` to the ReentrantParty, which re-enters on `other`."""
        revenue, receiver = self.ledger.revenue, self.world.reentrant.address
        owed = revenue.balance(deal.aid, party.address).claimable
        if owed == 0:
            return
        revenue.set_payout(agreement_id=deal.aid, payout=receiver, sender=party)
        held = self.world.balance(deal.token, receiver)
        self.world.reentering(
            self.reentries(other), lambda: revenue.claim(agreement_id=deal.aid, sender=party)
        )
        assert self.world.balance(deal.token, receiver) - held == owed
        deal.claimed[party.address] = deal.claimed.get(party.address, 0) + owed

    @precondition(lambda self: self.deals)
    @rule(data=st.data())
    def claim_fund(self, data: st.DataObject) -> None:
        """Anyone pays the culture fund its share, or is refused when it has none."""
        deal: Deal = self.pick(data, self.deals)
        revenue = self.ledger.revenue
        owed = revenue.fund_claimable(deal.aid)
        if owed == 0:
            self.rejected(
                lambda: revenue.claim_fund(agreement_id=deal.aid, sender=self.world.depositor),
                "RevenueNothingToClaim",
            )
            return
        result = revenue.claim_fund(agreement_id=deal.aid, sender=self.world.depositor)
        paid = int(result.event("RevenueFundClaimed").args["amount"])
        assert paid == owed
        deal.claimed[ZERO_ADDRESS] = deal.claimed.get(ZERO_ADDRESS, 0) + paid

    @rule(amount=st.integers(1, 10**15))
    def force_eth(self, amount: int) -> None:
        """Someone forces ETH into the vault by SELFDESTRUCT (no code of Revenue runs)."""
        artifact = self.world.suite.artifacts["ForceSender"]
        factory = self.ledger.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        transact(
            factory.constructor(self.ledger.revenue.address),  # type: ignore[arg-type]
            sender=self.world.depositor.address,
            decoder=self.ledger.decoder,
            value=amount,
        )
        self.forced += amount

    # -- rules: commitments and time ------------------------------------------------------

    @precondition(lambda self: self.deals)
    @rule(data=st.data(), bond=st.integers(0, 10**17))
    def commit(self, data: st.DataObject, bond: int) -> None:
        """A party commits to a deliverable due in a day, with an optional bond."""
        deal: Deal = self.pick(data, self.deals)
        committer: LocalAccount = self.pick(data, deal.parties)
        result = self.ledger.commitments.commit(
            agreement_id=deal.aid,
            kind=CommitmentKind.DELIVERABLE,
            description_hash=keccak(text=f"promise {len(deal.commitments)}"),
            deadline=self.ledger.timestamp() + DAY,
            bond=bond,
            sender=committer,
        )
        deal.commitments.append(int(result.event("CommitmentMade").args["commitmentId"]))

    def unresolved(self, *statuses: CommitmentStatus) -> list[tuple[Deal, int]]:
        """Commitments now in one of `statuses`."""
        return [
            (d, c)
            for d in self.deals
            for c in d.commitments
            if self.ledger.commitments.get(d.aid, c).status in statuses
        ]

    def past_grace(self, deal: Deal, commitment: int) -> bool:
        """Whether the commitment's deadline + grace has passed (only a breach is possible)."""
        grace = self.ledger.commitments.grace_period()
        due = self.ledger.commitments.get(deal.aid, commitment).deadline
        return self.ledger.timestamp() >= due + grace

    @precondition(lambda self: self.deals)
    @rule(data=st.data())
    def submit(self, data: st.DataObject) -> None:
        """The committer submits a deliverable (refused once the grace period is over)."""
        options = self.unresolved(CommitmentStatus.OPEN, CommitmentStatus.SUBMITTED)
        if not options:
            return
        deal, commitment = self.pick(data, options)
        committer = self.ledger.commitments.get(deal.aid, commitment).committer
        sender = next(p for p in deal.parties if p.address == committer)

        def send() -> TxResult:
            return self.ledger.commitments.submit(
                agreement_id=deal.aid,
                commitment_id=commitment,
                deliverable_hash=keccak(text=f"deliverable {commitment}"),
                sender=sender,
            )

        if self.past_grace(deal, commitment):
            self.rejected(send, "CommitmentPastGrace")
        else:
            send()

    @precondition(lambda self: self.deals)
    @rule(data=st.data(), pick=st.integers(0, 2))
    def accept(self, data: st.DataObject, pick: int) -> None:
        """A co-party accepts a submitted deliverable: Fulfilled, the bond back to claimable."""
        options = self.unresolved(CommitmentStatus.SUBMITTED)
        if not options:
            return
        deal, commitment = self.pick(data, options)
        committer = self.ledger.commitments.get(deal.aid, commitment).committer
        acceptor = deal.co_party(committer, pick)

        def send() -> TxResult:
            return self.ledger.commitments.accept(
                agreement_id=deal.aid, commitment_id=commitment, sender=acceptor
            )

        send()
        assert self.ledger.commitments.get(deal.aid, commitment).status in (
            CommitmentStatus.FULFILLED,
            CommitmentStatus.SUBMITTED,
        )

    def under_review(self, deal: Deal, commitment: int) -> bool:
        """Whether the submitted deliverable's review period still runs in the next block (one
        second later, as `past_grace` assumes)."""
        review_end = self.ledger.commitments.get(deal.aid, commitment).review_end
        return self.ledger.timestamp() < review_end

    @precondition(lambda self: self.deals)
    @rule(data=st.data(), pick=st.integers(0, 2))
    def reject(self, data: st.DataObject, pick: int) -> None:
        """A co-party rejects a submitted deliverable within its review period, not after."""
        options = self.unresolved(CommitmentStatus.SUBMITTED)
        if not options:
            return
        deal, commitment = self.pick(data, options)
        committer = self.ledger.commitments.get(deal.aid, commitment).committer

        def send() -> TxResult:
            return self.ledger.commitments.reject(
                agreement_id=deal.aid,
                commitment_id=commitment,
                reason_hash=keccak(text=f"reason {commitment}"),
                sender=deal.co_party(committer, pick),
            )

        if not self.under_review(deal, commitment):
            self.rejected(send, "CommitmentReviewEnded")
            return
        send()
        assert self.ledger.commitments.get(deal.aid, commitment).status is (
            CommitmentStatus.REJECTED
        )

    @precondition(lambda self: self.deals)
    @rule(data=st.data())
    def settle(self, data: st.DataObject) -> None:
        """Anyone settles an unrejected deliverable Fulfilled after its review, not before."""
        options = self.unresolved(CommitmentStatus.SUBMITTED)
        if not options:
            return
        deal, commitment = self.pick(data, options)

        def send() -> TxResult:
            return self.ledger.commitments.settle(
                agreement_id=deal.aid, commitment_id=commitment, sender=self.world.depositor
            )

        if self.under_review(deal, commitment):
            self.rejected(send, "CommitmentUnderReview")
            return
        send()
        assert self.ledger.commitments.get(deal.aid, commitment).status is (
            CommitmentStatus.FULFILLED
        )

    @precondition(lambda self: self.deals)
    @rule(data=st.data(), ruling=st.sampled_from(RULINGS))
    def arbitrate(self, data: st.DataObject, ruling: CommitmentStatus) -> None:
        """The park's arbiter rules a rejected deliverable Fulfilled or Breached."""
        options = self.unresolved(CommitmentStatus.REJECTED)
        if not options:
            return
        deal, commitment = self.pick(data, options)
        self.ledger.commitments.arbitrate(
            agreement_id=deal.aid,
            commitment_id=commitment,
            ruling=ruling,
            ruling_hash=keccak(text=f"ruling {commitment}"),
            sender=self.world.suite.accounts[ARBITER],
        )
        assert self.ledger.commitments.get(deal.aid, commitment).status is ruling

    @precondition(lambda self: self.deals)
    @rule(data=st.data())
    def breach(self, data: st.DataObject) -> None:
        """Anyone marks an Open commitment Breached after deadline + grace, not before; a
        submitted one only by an arbiter's ruling."""
        options = self.unresolved(
            CommitmentStatus.OPEN, CommitmentStatus.SUBMITTED, CommitmentStatus.REJECTED
        )
        if not options:
            return
        deal, commitment = self.pick(data, options)

        def send() -> TxResult:
            return self.ledger.commitments.breach(
                agreement_id=deal.aid, commitment_id=commitment, sender=self.world.depositor
            )

        if self.ledger.commitments.get(deal.aid, commitment).status is not CommitmentStatus.OPEN:
            self.rejected(send, "CommitmentBreachNeedsRuling")
            return
        if not self.past_grace(deal, commitment):
            self.rejected(send, "CommitmentNotYetBreachable")
            return
        send()
        assert self.ledger.commitments.get(deal.aid, commitment).status is (
            CommitmentStatus.BREACHED
        )

    @rule(seconds=st.sampled_from(TIME_JUMPS))
    def time_passes(self, seconds: int) -> None:
        """Time jumps forward (deadlines and grace periods pass)."""
        self.world.suite.chain.increase_time(seconds)
        self.world.suite.chain.mine()

    # -- invariants -----------------------------------------------------------------------

    def books(self) -> dict[bytes, Books]:
        """Every deal's Revenue views, read once per block: every state change mines one."""
        block = self.ledger.w3.eth.block_number
        if self.books_block != block:
            self.cached_books = {d.aid: Books.read(self.ledger, d) for d in self.deals}
            self.books_block = block
        return self.cached_books

    @invariant()
    def funds_are_conserved(self) -> None:
        """Per agreement: inflow == outflow. Per token: balance == Σ claimable + Σ bonds held
        + held + carried (+ forced ETH), so balance ≥ what the vault owes."""
        check_conservation(self.world, self.books(), self.deals, self.forced)

    @invariant()
    def claims_never_exceed_allocations(self) -> None:
        """Every account's claimed total is what its claims paid, and ≤ what was allocated."""
        books = self.books()
        for deal in self.deals:
            b = books[deal.aid]
            for account, allocated in b.allocated.items():
                assert b.claimed[account] == deal.claimed.get(account, 0)
                assert b.claimed[account] <= allocated
                assert b.claimable[account] == allocated - b.claimed[account]

    @invariant()
    def allocations_follow_shares(self) -> None:
        """FixedShares, no bond ever locked: every party (and the fund) is allocated its share of
        each deposit made while it held that share — joiners nothing from before they joined,
        removed parties nothing after — to one unit per deposit and membership change."""
        books = self.books()
        for deal in self.deals:
            model = self.shares_models.get(deal.aid)
            b = books[deal.aid]
            if model is None or b.account.bonds_locked:
                continue
            slack = 1 + model.deposits + len(deal.amendments)
            for account, allocated in b.allocated.items():
                expected = model.expected.get(account, Fraction(0))
                assert abs(allocated - expected) <= slack, (account, allocated, float(expected))

    @invariant()
    def nonces_only_increase(self) -> None:
        """No action lowers a party's nonce (a used signature can never be replayed)."""
        for deal in self.deals:
            for account in deal.parties:
                key = (deal.aid, account.address)
                now = self.ledger.agreements.nonce(deal.aid, account.address)
                assert now >= self.nonces.get(key, 0)
                self.nonces[key] = now

    @invariant()
    def active_only_with_consent(self) -> None:
        """Active ⇒ every party consented to version 1, and every later version was adopted by
        an executed proposal whose tallies met the consent rule (docs/agreements.md)."""
        for deal in self.deals:
            check_consents(self.ledger, deal)

    @invariant()
    def head_is_the_fold_of_events(self) -> None:
        """Each agreement's on-chain head equals the fold of its journaled events."""
        # NOTE: hypothesis checks invariants once after initialisation and after every step.
        self.world.stats["steps"] += 1
        latest = self.ledger.w3.eth.block_number
        if latest > self.streamed_to:
            events = self.streamer.events(from_block=self.streamed_to + 1, to_block=latest)
            self.heads = fold_heads(events, self.heads)
            self.streamed_to = latest
        for deal in self.deals:
            assert self.heads.get(deal.aid) == self.ledger.agreements.head(deal.aid)

    @invariant()
    def only_confirmed_records_carry_weight(self) -> None:
        """Confirmed weight is the sum of confirmed records; rejected ones never count."""
        contributions, revenue = self.ledger.contributions, self.ledger.revenue
        for deal in self.deals:
            for party in deal.parties:
                weight = contributions.confirmed_weight(deal.aid, party.address)
                assert weight == deal.weights.get(party.address, 0)
                if deal.mode is RevenueMode.CONTRIBUTION_WEIGHTED:
                    assert revenue.balance(deal.aid, party.address).weight == weight
            # NOTE: a Pending record has no stored state; the ones decided are what can drift.
            for rec in (r for r in deal.records if r.status is not ContributionStatus.PENDING):
                state = contributions.record_state(deal.aid, rec.record_id)
                assert state.status is rec.status
                # A confirmed weight counts only after its window (or a governance accept).
                assert state.challenge_ends_at == rec.challenge_ends_at
                if rec.status is ContributionStatus.REJECTED:
                    assert deal.weights.get(rec.proof.contributor, 0) == (
                        contributions.confirmed_weight(deal.aid, rec.proof.contributor)
                    )


@dataclass
class ShareModel:
    """Independent books of a FixedShares agreement: Σ deposit x share, exact (a Fraction)."""

    expected: dict[str, Fraction] = field(default_factory=dict)
    deposits: int = 0

    def credit(self, account: str, amount: Fraction) -> None:
        """`account` is owed `amount` more."""
        self.expected[account] = self.expected.get(account, Fraction(0)) + amount


@dataclass(frozen=True)
class Books:
    """An agreement's Revenue views at one block; the fund is account `ZERO_ADDRESS`."""

    account: RevenueAccount
    allocated: dict[str, int]
    claimed: dict[str, int]
    claimable: dict[str, int]
    carried: int
    shares: tuple[int, int]

    @classmethod
    def read(cls, ledger: Ledger, deal: Deal) -> Books:
        """Read the views of `deal` (every party ever credited, and the fund)."""
        f = ledger.revenue.contract.functions
        aid, parties = deal.aid, [p.address for p in (*deal.parties, *deal.former)]
        allocated: dict[str, int] = {a: int(f.allocatedOf(aid, a).call()) for a in parties}
        claimable: dict[str, int] = {a: int(f.claimableOf(aid, a).call()) for a in parties}
        allocated[ZERO_ADDRESS] = int(f.fundAllocatedOf(aid).call())
        claimable[ZERO_ADDRESS] = int(f.fundClaimableOf(aid).call())
        return cls(
            account=ledger.revenue.account(aid),
            allocated=allocated,
            claimed={a: int(f.claimedOf(aid, a).call()) for a in allocated},
            claimable=claimable,
            carried=int(f.carriedOf(aid).call()),
            shares=tuple(f.tokenSharesOf(aid).call()),
        )


def check_conservation(
    world: World, books: dict[bytes, Books], deals: list[Deal], forced_eth: int
) -> None:
    """Assert both conservation equations (docs/revenue.md) to the unit, with `forced_eth`
    the ETH forced into the vault, and that each ERC-20 agreement's own balance (its shares
    of the token's pool; no token here ever loses value) is what it owes; AssertionError
    names the token or agreement that breaks them."""
    for token in {ZERO_ADDRESS, *(d.token for d in deals)}:
        owed = shares = total_shares = 0
        for deal in (d for d in deals if d.token == token):
            b = books[deal.aid]
            inflow = b.account.deposited + b.account.bonds_locked
            kept = b.account.bonds_held + b.account.held + b.carried
            assert inflow == sum(b.allocated.values()) + kept, (deal.aid.hex(), b)
            vault = sum(b.claimable.values()) + kept
            assert vault == inflow - sum(b.claimed.values()), (deal.aid.hex(), b)
            if token != ZERO_ADDRESS:
                assert b.shares[0] == vault, (deal.aid.hex(), b)
                shares += b.shares[0]
                # NOTE: an agreement Revenue has not seen yet (no deposit or bond) reports
                # (0, 0): it is bound to its token's pool at its first inflow.
                if b.shares[1]:
                    assert total_shares in (0, b.shares[1]), (deal.aid.hex(), b)
                    total_shares = b.shares[1]
            owed += vault
        assert shares == total_shares, (token, shares, total_shares)
        balance = world.balance(token, world.ledger.revenue.address)
        forced = forced_eth if token == ZERO_ADDRESS else 0
        assert balance >= owed, (token, balance, owed)
        assert balance - owed == forced, (token, balance, owed, forced)


def check_consents(ledger: Ledger, deal: Deal) -> None:
    """Assert the consent invariant of docs/agreements.md for one agreement."""
    agreements = ledger.agreements
    terms = agreements.terms(deal.aid)
    if terms.status is not AgreementStatus.ACTIVE:
        return
    version = terms.version
    assert version == 1 + len(deal.amendments)
    if version == 1:
        for party in deal.parties:
            assert agreements.consent_version(deal.aid, party.address) == 1
    for base, proposal_id in enumerate(deal.amendments, start=1):
        proposal = ledger.governance.proposal(proposal_id)
        assert proposal.status is ProposalStatus.EXECUTED
        assert proposal.base_version == base
        assert proposal.for_weight >= proposal.consent_weight
        assert proposal.for_weight > proposal.against_weight
        total = proposal.for_weight + proposal.against_weight + proposal.abstain_weight
        assert total >= proposal.quorum_weight


def fold_heads(events: Iterator[DecodedEvent], heads: dict[bytes, bytes]) -> dict[bytes, bytes]:
    """`heads` advanced by the journaled events (in log order), per agreement."""
    folded = dict(heads)
    for event in events:
        if event.agreement_id is None or event.action_hash is None:
            continue
        aid = bytes.fromhex(event.agreement_id[2:])
        folded[aid] = fold([(event.topic0, event.action_hash)], folded.get(aid, bytes(32)))
    return folded


def bound(world: World) -> type[ParkMachine]:
    """The machine class bound to `world` (hypothesis instantiates it without arguments)."""
    return type("BoundParkMachine", (ParkMachine,), {"world": world})


def test_invariants_hold_when_random_park_life_runs(world: World) -> None:
    name = os.environ.get("PARK_LEDGER_FUZZ", "fast")
    world.stats.update(dict.fromkeys(STATS, 0))
    profile = PROFILES[name]
    if "PARK_LEDGER_FUZZ_EXAMPLES" in os.environ:  # a time-boxed deep run
        profile = settings(profile, max_examples=int(os.environ["PARK_LEDGER_FUZZ_EXAMPLES"]))
    started = time.monotonic()
    run_state_machine_as_test(bound(world), settings=profile)
    # NOTE: shown with `pytest -s`; docs/security.md quotes a deep run's numbers.
    print(f"invariants[{name}]: {world.stats} in {time.monotonic() - started:.0f} s")


@pytest.fixture
def machine(world: World) -> Iterator[ParkMachine]:
    """One machine instance outside hypothesis, its chain state reverted afterwards."""
    instance = bound(world)()
    instance.register_two()
    yield instance
    instance.teardown()


def test_fold_differs_from_head_when_events_are_reordered(machine: ParkMachine) -> None:
    deal = machine.open_deal(
        parties=machine.registered, token=ZERO_ADDRESS, mode=RevenueMode.FIXED_SHARES, fund_bps=0
    )
    machine.ledger.revenue.deposit(agreement_id=deal.aid, amount=1000, sender=deal.parties[0])
    machine.ledger.revenue.claim(agreement_id=deal.aid, sender=deal.parties[1])
    latest = machine.ledger.w3.eth.block_number
    events = list(machine.streamer.events(from_block=machine.streamed_to + 1, to_block=latest))
    head = machine.ledger.agreements.head(deal.aid)

    swapped = [events[-1], *events[1:-1], events[0]]

    assert fold_heads(iter(events), {})[deal.aid] == head
    assert fold_heads(iter(swapped), {})[deal.aid] != head
    assert fold_heads(iter(events[:-1]), {})[deal.aid] != head


def test_conservation_check_fails_when_forced_eth_is_not_modelled(machine: ParkMachine) -> None:
    deal = machine.open_deal(
        parties=machine.registered, token=ZERO_ADDRESS, mode=RevenueMode.FIXED_SHARES, fund_bps=333
    )
    machine.ledger.revenue.deposit(agreement_id=deal.aid, amount=10**6, sender=deal.parties[0])
    machine.force_eth(12_345)

    books = machine.books()

    check_conservation(machine.world, books, machine.deals, machine.forced)
    with pytest.raises(AssertionError):
        check_conservation(machine.world, books, machine.deals, 0)


def test_weight_invariant_fails_when_a_rejected_record_is_counted(machine: ParkMachine) -> None:
    deal = machine.open_deal(
        parties=machine.registered,
        token=ZERO_ADDRESS,
        mode=RevenueMode.CONTRIBUTION_WEIGHTED,
        fund_bps=0,
    )
    contributor, disputer = deal.parties
    result = machine.ledger.contributions.record(
        agreement_id=deal.aid,
        record=Contribution(ContributionKind.DATA, 70, keccak(text="disputed evidence")),
        sender=contributor,
    )
    machine.records_in(deal, result)
    (rec,) = deal.records
    machine.ledger.contributions.dispute(
        agreement_id=deal.aid, proof=rec.proof, reason_hash=keccak(text="no"), sender=disputer
    )
    created = machine.ledger.governance.propose_resolve_dispute(
        agreement_id=deal.aid,
        record_id=rec.record_id,
        outcome=ResolutionOutcome.REJECT,
        sender=disputer,
    )
    machine.pass_vote(deal, created, accused=contributor.address)
    rec.status = ContributionStatus.REJECTED
    machine.only_confirmed_records_carry_weight()

    deal.weights[contributor.address] = rec.weight  # the bug the invariant exists to catch

    with pytest.raises(AssertionError):
        machine.only_confirmed_records_carry_weight()


@pytest.mark.parametrize("token", ["eth", "hook"])
def test_reentry_rules_find_only_the_guard_when_deposits_and_claims_call_back(
    machine: ParkMachine, token: str
) -> None:
    hooked = machine.open_deal(
        parties=machine.registered,
        token=machine.world.tokens["hook"],
        mode=RevenueMode.FIXED_SHARES,
        fund_bps=333,
    )
    deal = machine.open_deal(
        parties=machine.registered,
        token=machine.world.tokens[token],
        mode=RevenueMode.FIXED_SHARES,
        fund_bps=0,
    )
    machine.ledger.revenue.deposit(agreement_id=deal.aid, amount=10**6, sender=deal.parties[0])

    machine.deposit_reentering(hooked, deal, 10**6)
    machine.claim_reentering(deal, deal.parties[1], hooked)

    assert deal.claimed[deal.parties[1].address] > 0
    machine.funds_are_conserved()
    machine.claims_never_exceed_allocations()


def test_share_model_fails_when_a_party_is_credited_outside_its_membership(
    machine: ParkMachine,
) -> None:
    joiner = machine.world.pool[2]
    machine.register_participant(joiner)
    deal = machine.open_deal(
        parties=machine.registered[:2],
        token=ZERO_ADDRESS,
        mode=RevenueMode.FIXED_SHARES,
        fund_bps=333,
    )
    revenue, depositor = machine.ledger.revenue, machine.world.depositor

    def deposit(amount: int) -> None:
        result = revenue.deposit(agreement_id=deal.aid, amount=amount, sender=depositor)
        machine.model_deposit(deal, int(result.event("RevenueDeposited").args["allocated"]))

    deposit(10**6)
    machine.join(deal, joiner, SHARES[3][0])
    deposit(777_777)
    machine.leave(deal, deal.parties[0], SHARES[2][1])
    deposit(123_456)
    machine.allocations_follow_shares()

    # What a joiner checkpointed from zero would be owed: its share of the first deposit too.
    machine.shares_models[deal.aid].credit(joiner.address, Fraction(10**6 * 2000, BPS))

    with pytest.raises(AssertionError):
        machine.allocations_follow_shares()
