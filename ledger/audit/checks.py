"""The audit checks, one function per check (docs/audit.md says what each verifies and why).

Every check reads only the collected `History` (events from `eth_getLogs`) and views of the
audited block through `eth_call`; each returns a `CheckResult` whose findings name the block,
transaction and log index of the evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from eth_abi import decode
from eth_abi.exceptions import DecodingError
from web3 import Web3

from ledger.audit.collect import History, ViewCall
from ledger.audit.model import AgreementModel
from ledger.audit.report import SUITE, AgreementSummary, CheckResult, Finding
from ledger.domain.errors import SignatureError
from ledger.domain.merkle import event_record_id
from ledger.domain.signing import (
    ERC1271_ABI,
    ERC1271_MAGIC,
    TypedData,
    consent_typed_data,
    digest,
    recover,
    vote_typed_data,
)
from ledger.domain.structs import (
    BPS,
    ZERO_ADDRESS,
    AiProvenance,
    CommitmentStatus,
    ContributionStatus,
    ProposalKind,
    RevenueMode,
)
from ledger.infra.deploy import Deployment, code_hash
from ledger.infra.events import ZERO_HEAD, DecodedEvent, advance

ERC20_BALANCE_ABI = [
    {
        "type": "function",
        "name": "balanceOf",
        "stateMutability": "view",
        "inputs": [{"name": "account", "type": "address"}],
        "outputs": [{"name": "", "type": "uint256"}],
    }
]


def _b(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def at(event: DecodedEvent, message: str, **values: Any) -> Finding:
    """A finding located at an event (block, transaction, log index)."""
    return Finding(
        message=message,
        block=event.block_number,
        tx=_hex(event.tx_hash),
        log_index=event.log_index,
        expected=None if values.get("expected") is None else str(values["expected"]),
        found=None if values.get("found") is None else str(values["found"]),
    )


# ---------------------------------------------------------------------------------------
# Code
# ---------------------------------------------------------------------------------------


def check_code(*, w3: Web3, deployment: Deployment, block: int) -> CheckResult:
    """Each manifest contract's runtime code on chain hashes to the manifest's code hash."""
    findings = []
    chain_id = int(w3.eth.chain_id)
    if chain_id != deployment.chain_id:
        findings.append(
            Finding(
                "the node is another chain than the manifest's",
                expected=str(deployment.chain_id),
                found=str(chain_id),
            )
        )
    for name, contract in deployment.contracts.items():
        found = code_hash(bytes(w3.eth.get_code(contract.address, block_identifier=block)))
        if found != contract.runtime_code_hash:
            findings.append(
                Finding(
                    f"{name} at {contract.address} runs other code than the manifest names",
                    block=block,
                    expected=contract.runtime_code_hash,
                    found=found,
                )
            )
    return CheckResult("code", SUITE, len(deployment.contracts), tuple(findings))


# ---------------------------------------------------------------------------------------
# Hash chain
# ---------------------------------------------------------------------------------------


def check_hash_chain(
    history: History, agreement: str, events: Sequence[DecodedEvent]
) -> tuple[CheckResult, AgreementSummary]:
    """Fold the agreement's journaled events in log order and compare with `headOf`.

    On a mismatch, bisect the blocks with historical `headOf` calls to the first block whose
    on-chain head differs from the recomputed one, and name the events of that block.
    """
    journaled = [e for e in events if e.action_hash is not None]
    heads: list[tuple[int, bytes]] = []  # (block, recomputed head after that block's events)
    head = ZERO_HEAD
    for event in journaled:
        assert event.action_hash is not None
        head = advance(head, event.topic0, event.action_hash)
        if heads and heads[-1][0] == event.block_number:
            heads[-1] = (event.block_number, head)
        else:
            heads.append((event.block_number, head))
    onchain = bytes(history.call("Agreements", "headOf", _b(agreement)))
    summary = AgreementSummary(agreement, _hex(onchain), _hex(head), len(journaled))
    findings: tuple[Finding, ...] = ()
    if onchain != head:
        findings = (
            _first_divergence(
                history,
                agreement=agreement,
                journaled=journaled,
                heads=heads,
                onchain=onchain,
                recomputed=head,
            ),
        )
    return CheckResult("hash-chain", agreement, len(journaled), findings), summary


def _recomputed_at(heads: Sequence[tuple[int, bytes]], block: int) -> bytes:
    result = ZERO_HEAD
    for number, head in heads:
        if number > block:
            break
        result = head
    return result


def _first_divergence(
    history: History,
    *,
    agreement: str,
    journaled: Sequence[DecodedEvent],
    heads: Sequence[tuple[int, bytes]],
    onchain: bytes,
    recomputed: bytes,
) -> Finding:
    start = min(c.block for c in history.deployment.contracts.values())
    low, high = start, history.block  # invariant: heads agree before `low`, differ at `high`

    def differs(block: int) -> bool:
        found = bytes(history.call_at("Agreements", "headOf", block, _b(agreement)))
        return found != _recomputed_at(heads, block)

    while low < high:
        middle = (low + high) // 2
        if differs(middle):
            high = middle
        else:
            low = middle + 1
    block = high
    in_block = [e for e in journaled if e.block_number == block]
    expected = _hex(_recomputed_at(heads, block))
    found = _hex(bytes(history.call_at("Agreements", "headOf", block, _b(agreement))))
    if in_block:
        first = in_block[0]
        return at(
            first,
            f"the hash chain diverges in block {block}: its events ({first.name} first) do not "
            "fold to the on-chain head (a missing, reordered or injected record)",
            expected=expected,
            found=found,
        )
    return Finding(
        f"the on-chain head advanced in block {block} with no event recorded for it "
        f"(final head {_hex(onchain)}, recomputed {_hex(recomputed)})",
        block=block,
        expected=expected,
        found=found,
    )


# ---------------------------------------------------------------------------------------
# Consents and votes
# ---------------------------------------------------------------------------------------


@dataclass
class _SignatureContext:
    history: History
    agreement: str
    senders: dict[bytes, tuple[str, str | None]] = field(default_factory=dict)
    proposals: dict[int, tuple[int, str | None]] = field(default_factory=dict)  # base, joiner

    def prefetch(self, events: Sequence[DecodedEvent]) -> None:
        """Fetch the transactions of every direct consent and vote in one batch."""
        direct = [
            e.tx_hash
            for e in events
            if e.name in ("ConsentGiven", "VoteCast") and not _b(e.args["signature"])
        ]
        for tx_hash, tx in self.history.transactions(direct).items():
            to = tx.get("to")
            self.senders[tx_hash] = (str(tx["from"]), str(to) if to else None)

    def wallet_accepts(self, signer: str, message: TypedData, signature: bytes) -> bool:
        """Whether `signer` is a contract whose `isValidSignature` accepts at the audited block."""
        # NOTE: unlike the relayer's check (domain `verify`), the audit asks the wallet at the
        # audited block, as every other view it reads, and with the node's gas cap.
        w3, block = self.history.w3, self.history.block
        address = Web3.to_checksum_address(signer)
        if not w3.eth.get_code(address, block_identifier=block):
            return False
        wallet = w3.eth.contract(address=address, abi=ERC1271_ABI)
        try:
            magic = wallet.functions.isValidSignature(digest(message), signature).call(
                block_identifier=block
            )
        except Exception:
            return False
        return bytes(magic) == ERC1271_MAGIC


def check_signatures(
    history: History, agreement: str, events: Sequence[DecodedEvent], model: AgreementModel
) -> CheckResult:
    """Every consent and vote was given by a party of the right version (signature or sender)."""
    ctx = _SignatureContext(history, agreement)
    ctx.prefetch(events)
    findings: list[Finding] = []
    if model.params_mismatch is not None:
        findings.append(
            at(model.params_mismatch, "AgreementProposed params do not hash to its paramsHash")
        )
    checked = 0
    for event in events:
        if event.name == "ProposalCreated":
            args = event.args
            adds = int(args["kind"]) == ProposalKind.ADD_PARTY
            joiner = _joiner(args["payload"]) if adds else None
            ctx.proposals[int(args["proposalId"])] = (int(args["baseVersion"]), joiner)
        elif event.name == "ConsentGiven":
            checked += 1
            findings += _consent(ctx, event, model)
        elif event.name == "VoteCast":
            checked += 1
            findings += _vote(ctx, event, model)
    return CheckResult("signatures", agreement, checked, tuple(findings))


def _consent(ctx: _SignatureContext, event: DecodedEvent, model: AgreementModel) -> list[Finding]:
    """A consent is by a party of the consented version, signed for Agreements."""
    args = event.args
    version = model.versions.get(int(args["version"]))
    party = args["party"]
    if version is None or party not in version.parties:
        return [at(event, f"{party} consented to a version it is not a party of")]

    def message() -> TypedData:
        return consent_typed_data(
            chain_id=ctx.history.chain_id,
            agreements=ctx.history.deployment.address("Agreements"),
            agreement_id=ctx.agreement,
            version=version.number,
            params_hash=version.params_hash,
            nonce=int(args["nonce"]),
            deadline=int(args["deadline"]),
        )

    return _verify(ctx, event, party, message, "consent")


def _vote(ctx: _SignatureContext, event: DecodedEvent, model: AgreementModel) -> list[Finding]:
    """A vote is by a party of the proposal's base version (or its joiner, with weight 0),
    signed for Governance."""
    args = event.args
    proposal_id = int(args["proposalId"])
    voter = args["voter"]
    base, joiner = ctx.proposals.get(proposal_id, (-1, None))
    version = model.versions.get(base)
    findings: list[Finding] = []
    if voter == joiner:
        # NOTE: the party an AddParty proposal adds answers with a vote of weight 0.
        if int(args["weight"]) != 0:
            findings.append(
                at(event, f"the joiner {voter} voted with a weight", found=args["weight"])
            )
    elif version is None or voter not in version.parties:
        return [at(event, f"{voter} voted on proposal {proposal_id} without being a party")]

    def message() -> TypedData:
        return vote_typed_data(
            chain_id=ctx.history.chain_id,
            governance=ctx.history.deployment.address("Governance"),
            agreement_id=ctx.agreement,
            proposal_id=proposal_id,
            support=int(args["support"]),
            nonce=int(args["nonce"]),
            deadline=int(args["deadline"]),
        )

    return findings + _verify(ctx, event, voter, message, "vote")


def _joiner(payload: str) -> str | None:
    """The party an AddParty payload `abi.encode(party, sharesBps)` adds (None if malformed)."""
    try:
        party, _ = decode(["address", "uint16[]"], _b(payload))
    except (DecodingError, ValueError):
        return None
    return Web3.to_checksum_address(party)


def _verify(
    ctx: _SignatureContext,
    event: DecodedEvent,
    signer: str,
    message: Callable[[], TypedData],
    what: str,
) -> list[Finding]:
    """`signer` sent the event's transaction (empty signature) or signed `message()`."""
    signature = _b(event.args["signature"])
    if not signature:
        sender, to = ctx.senders[event.tx_hash]
        # NOTE: a contract party (a wallet) consents by a call its owner sends through it.
        if signer in (sender, to):
            return []
        return [
            at(
                event,
                f"direct {what} of {signer} sent by someone else",
                expected=signer,
                found=sender,
            )
        ]
    # NOTE: the typed data is built only for signed events: a direct one signs nothing.
    typed = message()
    recovered = _recovered(typed, signature)
    if recovered == signer or ctx.wallet_accepts(signer, typed, signature):
        return []
    return [
        at(
            event,
            f"the {what} signature does not recover to {signer}",
            expected=signer,
            found=recovered,
        )
    ]


def _recovered(typed: TypedData, signature: bytes) -> str | None:
    """The EOA whose canonical signature of `typed` this is, or None."""
    try:
        return recover(typed, signature)
    except SignatureError:
        return None


# ---------------------------------------------------------------------------------------
# Contributions
# ---------------------------------------------------------------------------------------


@dataclass
class RecordInfo:
    """A recorded contribution as the events tell it."""

    contributor: str
    weight: int
    event: DecodedEvent
    confirmers: set[str] = field(default_factory=set)
    disputed: bool = False
    status: int | None = None  # after its last confirmation, dispute or resolution event
    last: DecodedEvent | None = None


def records_of(agreement: str, events: Sequence[DecodedEvent]) -> dict[str, RecordInfo]:
    """Every record of the agreement by id, from ContributionsRecorded."""
    records: dict[str, RecordInfo] = {}
    for event in events:
        if event.name != "ContributionsRecorded":
            continue
        contributor, pre_head = event.args["contributor"], event.args["preHead"]
        for index, rec in enumerate(event.args["records"]):
            rid = event_record_id(
                agreement_id=agreement,
                pre_head=pre_head,
                index=index,
                contributor=contributor,
                record=rec,
            )
            records[rid] = RecordInfo(contributor, int(rec["weight"]), event)
    return records


def confirmed_weight_changes(
    event: DecodedEvent, records: Mapping[str, RecordInfo]
) -> tuple[str, int] | None:
    """(contributor, weight gained) when this event makes a record's weight count, else None."""
    # NOTE: a confirmation only opens the challenge window; the weight counts when the record
    # matures (or when Governance accepts a disputed record).
    if event.name == "ContributionMatured":
        return (event.args["contributor"], int(event.args["weight"]))
    if (
        event.name == "ContributionResolved"
        and int(event.args["status"]) == ContributionStatus.CONFIRMED
    ):
        info = records.get(event.args["recordId"])
        return (info.contributor, int(event.args["weight"])) if info else None
    return None


def check_confirmations(
    history: History,
    agreement: str,
    events: Sequence[DecodedEvent],
    model: AgreementModel,
    *,
    records: Mapping[str, RecordInfo],
) -> CheckResult:
    """Each Confirmed record met the confirmation rule; statuses and weights equal the contract's.

    `records` is `records_of(agreement, events)`; its confirmers and statuses are filled in.
    """
    findings: list[Finding] = []
    weights: dict[str, int] = defaultdict(int)
    executed_txs: set[bytes] = set()
    checked = 0
    for event in events:
        args = event.args
        if event.name == "ProposalExecuted":
            executed_txs.add(event.tx_hash)
        elif event.name == "ContributionMatured":
            info = records.get(args["recordId"])
            if (
                info is None
                or info.status != ContributionStatus.CONFIRMED
                or info.contributor != args["contributor"]
            ):
                findings.append(at(event, "a record matured without being Confirmed"))
            elif info.weight != int(args["weight"]):
                findings.append(
                    at(event, "a record matured with another weight", expected=info.weight)
                )
            else:
                info.last = event
                weights[info.contributor] += info.weight
        elif event.name in (
            "ContributionConfirmed",
            "ContributionDisputed",
            "ContributionResolved",
        ):
            info = records.get(args["recordId"])
            if info is None:
                findings.append(at(event, f"{event.name} of a record never recorded"))
                continue
            info.last = event
            info.status = (
                ContributionStatus.DISPUTED
                if event.name == "ContributionDisputed"
                else int(args["status"])
            )
            if event.name == "ContributionDisputed":
                info.disputed = True
            elif event.name == "ContributionConfirmed":
                confirmer = args["confirmer"]
                version = model.versions.get(int(args["version"]))
                if confirmer == info.contributor:
                    findings.append(at(event, "a contributor confirmed its own record"))
                elif version is None or confirmer not in version.parties:
                    findings.append(at(event, f"{confirmer} confirmed without being a party"))
                else:
                    info.confirmers.add(confirmer)
                if int(args["status"]) == ContributionStatus.CONFIRMED:
                    checked += 1
                    required = version.confirmations if version else 1
                    if len(info.confirmers) < required:
                        findings.append(
                            at(
                                event,
                                "record Confirmed below the confirmation rule",
                                expected=f">= {required} co-party confirmations",
                                found=len(info.confirmers),
                            )
                        )
            elif int(args["status"]) == ContributionStatus.CONFIRMED:
                checked += 1
                if not info.disputed or event.tx_hash not in executed_txs:
                    findings.append(
                        at(
                            event,
                            "a record was resolved Confirmed without a disputed record "
                            "and an executed governance proposal",
                        )
                    )
            gained = confirmed_weight_changes(event, records)
            if gained:
                weights[gained[0]] += gained[1]
    aid = _b(agreement)
    parties = model.ever_parties
    touched = [(rid, info) for rid, info in records.items() if info.last is not None]
    values = history.call_many(
        [("Contributions", "confirmedWeightOf", (aid, party)) for party in parties]
        + [("Contributions", "recordStateOf", (aid, _b(rid))) for rid, _ in touched]
    )
    for (rid, info), state in zip(touched, values[len(parties) :], strict=True):
        if int(state[2]) != info.status:
            assert info.last is not None
            findings.append(
                at(
                    info.last,
                    f"record {rid}: its on-chain status differs from its events",
                    expected=info.status,
                    found=int(state[2]),
                )
            )
    for party, onchain_weight in zip(parties, values[: len(parties)], strict=True):
        onchain = int(onchain_weight)
        if onchain != weights.get(party, 0):
            findings.append(
                Finding(
                    f"confirmed weight of {party} differs from its confirmed records",
                    block=history.block,
                    expected=str(weights.get(party, 0)),
                    found=str(onchain),
                )
            )
    return CheckResult("confirmations", agreement, checked, tuple(findings))


def check_provenance(
    agreement: str, events: Sequence[DecodedEvent], model: AgreementModel
) -> CheckResult:
    """Every AI-assisted or AI-generated record names an accountable party of the agreement."""
    findings = []
    checked = 0
    parties = set(model.ever_parties)
    for event in events:
        if event.name != "ContributionsRecorded":
            continue
        for index, rec in enumerate(event.args["records"]):
            if int(rec["provenance"]) == AiProvenance.NONE:
                continue
            checked += 1
            if rec["accountable"] == ZERO_ADDRESS or rec["accountable"] not in parties:
                findings.append(
                    at(
                        event,
                        f"AI-provenance record {index} names no accountable party",
                        found=rec["accountable"],
                    )
                )
    return CheckResult("ai-provenance", agreement, checked, tuple(findings))


# ---------------------------------------------------------------------------------------
# Revenue
# ---------------------------------------------------------------------------------------

FUND = "fund"
HOLDER_VIEWS = ("allocatedOf", "claimableOf", "claimedOf")


@dataclass
class _Books:
    """Revenue recomputed from events: exact rational entitlements per holder."""

    model: AgreementModel
    fund_share: int
    weighted: bool
    parties: tuple[str, ...] = ()
    shares: dict[str, int] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    entitled: dict[str, Fraction] = field(default_factory=lambda: defaultdict(Fraction))
    claimed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deposited: int = 0
    held: int = 0
    bonds_locked: int = 0
    bonds_held: int = 0
    unit_changes: int = 0

    def units(self, holder: str) -> int:
        if holder == FUND:
            base = sum(self.weights.get(p, 0) for p in self.parties) if self.weighted else BPS
            return base * self.fund_share
        if holder not in self.parties:
            return 0
        unit = self.weights.get(holder, 0) if self.weighted else self.shares.get(holder, 0)
        return unit * (BPS - self.fund_share)

    def allocate(self, amount: int, *, excluded: Sequence[str] = ()) -> bool:
        holders = [h for h in (*self.parties, FUND) if h not in excluded]
        total = sum(self.units(h) for h in holders)
        if total == 0:
            return False
        for holder in holders:
            self.entitled[holder] += Fraction(amount * self.units(holder), total)
        return True


def recompute_revenue(
    events: Sequence[DecodedEvent], model: AgreementModel, records: Mapping[str, RecordInfo]
) -> tuple[_Books, list[Finding]]:
    """Replay deposits, weights, membership, bonds and claims; findings for inconsistent events."""
    books = _Books(model, model.fund_share, model.mode == RevenueMode.CONTRIBUTION_WEIGHTED)
    findings: list[Finding] = []
    bonds: dict[int, tuple[str, int]] = {}
    for event in events:
        args = event.args
        name = event.name
        if name in ("AgreementProposed", "AgreementAmended"):
            version = model.versions[1 if name == "AgreementProposed" else int(args["version"])]
            books.parties = version.parties
            books.shares = dict(zip(version.parties, version.shares, strict=True))
            books.unit_changes += name == "AgreementAmended"
        elif (gained := confirmed_weight_changes(event, records)) is not None:
            books.weights[gained[0]] = books.weights.get(gained[0], 0) + gained[1]
            books.unit_changes += 1
        elif name == "RevenueDeposited":
            amount, allocated = int(args["amount"]), int(args["allocated"])
            books.deposited += amount
            if allocated == 0:
                books.held += amount
                continue
            if allocated != amount + books.held:
                findings.append(
                    at(
                        event,
                        "a deposit allocated other than itself plus the held amount",
                        expected=amount + books.held,
                        found=allocated,
                    )
                )
            books.held = 0
            books.allocate(allocated)
        elif name == "RevenueAllocated":
            if int(args["allocated"]) != books.held:
                findings.append(
                    at(
                        event,
                        "allocateHeld allocated other than the held amount",
                        expected=books.held,
                        found=args["allocated"],
                    )
                )
            books.allocate(int(args["allocated"]))
            books.held = 0
        elif name == "CommitmentMade":
            bonds[int(args["commitmentId"])] = (args["committer"], int(args["bond"]))
            books.bonds_locked += int(args["bond"])
            books.bonds_held += int(args["bond"])
        elif _releases_bond(name, args):
            committer, bond = bonds.get(int(args["commitmentId"]), (ZERO_ADDRESS, 0))
            books.entitled[committer] += bond
            books.bonds_held -= bond
        elif name == "CommitmentBreached":
            forfeited = int(args["bondForfeited"])
            books.bonds_held -= forfeited
            books.unit_changes += 1
            if not books.allocate(forfeited, excluded=(args["committer"], FUND)):
                books.held += forfeited
        elif name == "RevenueClaimed":
            books.claimed[args["account"]] += int(args["amount"])
        elif name == "RevenueFundClaimed":
            books.claimed[FUND] += int(args["amount"])
    return books, findings


def _releases_bond(name: str, args: Mapping[str, Any]) -> bool:
    """Whether a Commitments event fulfilled its commitment (the bond became the committer's)."""
    if name == "DeliverableAccepted":
        return int(args["status"]) == CommitmentStatus.FULFILLED
    if name == "CommitmentArbitrated":
        return int(args["ruling"]) == CommitmentStatus.FULFILLED
    return name == "CommitmentSettled"


def check_revenue(
    history: History,
    agreement: str,
    events: Sequence[DecodedEvent],
    model: AgreementModel,
    *,
    records: Mapping[str, RecordInfo],
) -> CheckResult:
    """Deposits, weights, bonds and claims recomputed from events equal Revenue's views."""
    aid = _b(agreement)
    books, findings = recompute_revenue(events, model, records)
    # NOTE: the culture fund's claims are booked under FUND and read through its own views below.
    known = {*model.ever_parties, FUND}
    holders = [*model.ever_parties, *(a for a in books.claimed if a not in known)]
    views: list[ViewCall] = [("Revenue", "accountOf", (aid,))]
    for holder in holders:
        views += [("Revenue", name, (aid, holder)) for name in HOLDER_VIEWS]
    views += [
        ("Revenue", "fundAllocatedOf", (aid,)),
        ("Revenue", "fundClaimableOf", (aid,)),
        ("Revenue", "claimedOf", (aid, ZERO_ADDRESS)),
    ]
    account, *values = history.call_many(views)
    totals = {
        "deposited": (books.deposited, int(account[4])),
        "bondsHeld": (books.bonds_held, int(account[5])),
        "bondsLocked": (books.bonds_locked, int(account[6])),
        "held": (books.held, int(account[7])),
    }
    for label, (expected, found) in totals.items():
        if expected != found:
            findings.append(
                Finding(
                    f"Revenue's {label} differs from the events",
                    block=history.block,
                    expected=str(expected),
                    found=str(found),
                )
            )
    # NOTE: each checkpoint may hand a sub-unit remainder back to the carry, so a holder's
    # whole-unit allocation may trail its exact entitlement by less than one unit per change.
    tolerance = 1 + books.unit_changes
    checked = 0
    for index, holder in enumerate([*holders, FUND]):
        allocated, claimable, claimed = (int(v) for v in values[3 * index : 3 * index + 3])
        checked += 1
        exact = books.entitled.get(holder, Fraction(0))
        if abs(allocated - exact) >= tolerance:
            findings.append(
                Finding(
                    f"allocation of {holder} differs from the recomputed split",
                    block=history.block,
                    expected=f"{float(exact):.0f}",
                    found=str(allocated),
                )
            )
        if claimed != books.claimed.get(holder, 0):
            findings.append(
                Finding(
                    f"claims of {holder} differ from its RevenueClaimed events",
                    block=history.block,
                    expected=str(books.claimed.get(holder, 0)),
                    found=str(claimed),
                )
            )
        if claimable != allocated - claimed:
            findings.append(
                Finding(
                    f"claimable of {holder} is not allocated minus claimed",
                    block=history.block,
                    expected=str(allocated - claimed),
                    found=str(claimable),
                )
            )
    return CheckResult("revenue", agreement, checked, tuple(findings))


AGREEMENT_VIEWS = ("accountOf", "fundAllocatedOf", "fundClaimableOf", "carriedOf")
PARTY_VIEWS = ("allocatedOf", "claimableOf")


def check_conservation(history: History, models: Mapping[str, AgreementModel]) -> CheckResult:
    """Per agreement and per token: what the vault holds equals what it owes, to the wei."""
    findings = []
    owed: dict[str, int] = defaultdict(int)
    audited = {aid: model for aid, model in models.items() if model.versions}
    views: list[ViewCall] = []
    for agreement, model in audited.items():
        aid = _b(agreement)
        views += [("Revenue", name, (aid,)) for name in AGREEMENT_VIEWS]
        views += [("Revenue", name, (aid, a)) for a in model.ever_parties for name in PARTY_VIEWS]
    values = iter(history.call_many(views))
    for agreement, model in audited.items():
        account, fund_allocated, fund_claimable, carried = (next(values) for _ in AGREEMENT_VIEWS)
        deposited, bonds_held, bonds_locked, held = (int(account[i]) for i in (4, 5, 6, 7))
        allocated = claimable = 0
        for _ in model.ever_parties:
            allocated += int(next(values))
            claimable += int(next(values))
        inflow = deposited + bonds_locked
        outflow = allocated + fund_allocated + bonds_held + held + carried
        if inflow != outflow:
            findings.append(
                Finding(
                    f"agreement {agreement}: deposited + bondsLocked != Σ allocated + fund"
                    " + bondsHeld + held + carried",
                    block=history.block,
                    expected=str(inflow),
                    found=str(outflow),
                )
            )
        owed[model.token] += claimable + fund_claimable + bonds_held + held + carried
    vault = history.deployment.address("Revenue")
    w3 = history.w3
    notes = []
    for token, amount in owed.items():
        if token == ZERO_ADDRESS:
            balance = int(w3.eth.get_balance(vault, block_identifier=history.block))
        else:
            erc20 = w3.eth.contract(address=Web3.to_checksum_address(token), abi=ERC20_BALANCE_ABI)
            balance = int(erc20.functions.balanceOf(vault).call(block_identifier=history.block))
        surplus = balance - amount
        # NOTE: ETH forced in by SELFDESTRUCT only ever adds to the balance side.
        if surplus < 0 or (surplus > 0 and token != ZERO_ADDRESS):
            findings.append(
                Finding(
                    f"token {token}: the vault's balance is not"
                    " Σ claimable + Σ bonds + held + carried",
                    block=history.block,
                    expected=str(amount),
                    found=str(balance),
                )
            )
        elif surplus:
            notes.append(f"{surplus} wei of forced ETH")
    return CheckResult("conservation", SUITE, len(owed), tuple(findings), "; ".join(notes))


# ---------------------------------------------------------------------------------------
# Commitments
# ---------------------------------------------------------------------------------------


def check_commitments(
    history: History,
    agreement: str,
    events: Sequence[DecodedEvent],
    model: AgreementModel,
    *,
    grace: int,
    review: int,
) -> CheckResult:
    """Fulfilments came from co-party acceptances, an unrejected review or an arbiter's ruling;
    breaches only of Open commitments after deadline + grace, or by an arbiter's ruling."""
    findings: list[Finding] = []
    state: dict[int, dict[str, Any]] = {}
    for event in events:
        args = event.args
        if "commitmentId" not in args or event.contract != "Commitments":
            continue
        cid = int(args["commitmentId"])
        item = state.setdefault(cid, {"acceptors": set(), "status": 0, "deadline": 0})
        if event.name in _REVIEW_EVENTS:
            findings += _review_step(event, cid, item, review=review)
            continue
        ts = event.block_timestamp or 0
        if event.name == "CommitmentMade":
            item.update(
                committer=args["committer"],
                deadline=int(args["deadline"]),
                bond=int(args["bond"]),
                status=CommitmentStatus.OPEN,
            )
        elif event.name == "CommitmentExtended":
            item["deadline"] = int(args["newDeadline"])
        elif event.name == "DeliverableAccepted":
            acceptor = args["acceptor"]
            version = model.versions.get(int(args["version"]))
            if acceptor == item.get("committer"):
                findings.append(at(event, f"commitment {cid} accepted by its committer"))
            elif version is None or acceptor not in version.parties:
                findings.append(at(event, f"commitment {cid} accepted by a non-party {acceptor}"))
            else:
                item["acceptors"].add(acceptor)
            if args["deliverableHash"] != item.get("deliverable"):
                findings.append(at(event, f"commitment {cid}: accepted another deliverable"))
            if item["status"] != CommitmentStatus.SUBMITTED:
                findings.append(
                    at(
                        event,
                        f"commitment {cid} accepted while not Submitted",
                        found=item["status"],
                    )
                )
            if int(args["status"]) == CommitmentStatus.FULFILLED:
                required = version.confirmations if version else 1
                if len(item["acceptors"]) < required:
                    findings.append(
                        at(
                            event,
                            f"commitment {cid} Fulfilled below the rule",
                            expected=f">= {required}",
                            found=len(item["acceptors"]),
                        )
                    )
                item["status"] = CommitmentStatus.FULFILLED
        elif event.name == "CommitmentBreached":
            ruled = item.pop("ruled_breach", False)
            if not ruled and item["status"] != CommitmentStatus.OPEN:
                findings.append(
                    at(
                        event,
                        f"commitment {cid} breached while not Open, without an arbiter's ruling",
                        expected=CommitmentStatus.OPEN,
                        found=item["status"],
                    )
                )
            elif not ruled and ts <= item["deadline"] + grace:
                findings.append(
                    at(
                        event,
                        f"commitment {cid} breached before deadline + grace",
                        expected=f"> {item['deadline'] + grace}",
                        found=ts,
                    )
                )
            item["status"] = CommitmentStatus.BREACHED
    onchains = history.call_many(
        [("Commitments", "commitmentOf", (_b(agreement), cid)) for cid in state]
    )
    for (cid, item), onchain in zip(state.items(), onchains, strict=True):
        if int(onchain[3]) != item["status"]:
            findings.append(
                Finding(
                    f"commitment {cid}: on-chain status differs from its events",
                    block=history.block,
                    expected=str(item["status"]),
                    found=str(int(onchain[3])),
                )
            )
    return CheckResult("commitments", agreement, len(state), tuple(findings))


_REVIEW_EVENTS = frozenset(
    {"DeliverableSubmitted", "DeliverableRejected", "CommitmentSettled", "CommitmentArbitrated"}
)


def _review_step(
    event: DecodedEvent, cid: int, item: dict[str, Any], *, review: int
) -> list[Finding]:
    """Apply one review-period event to `item`: rejections within the review period by a
    co-party, settlement only after it, rulings only on rejected deliverables."""
    args, ts = event.args, event.block_timestamp or 0
    findings: list[Finding] = []
    if event.name == "DeliverableSubmitted":
        if int(args["reviewEnd"]) != ts + review:
            findings.append(
                at(
                    event,
                    f"commitment {cid}: review period",
                    expected=ts + review,
                    found=args["reviewEnd"],
                )
            )
        item.update(
            deliverable=args["deliverableHash"],
            review_end=int(args["reviewEnd"]),
            status=CommitmentStatus.SUBMITTED,
            acceptors=set(),
        )
        return findings
    expected = (
        CommitmentStatus.REJECTED
        if event.name == "CommitmentArbitrated"
        else CommitmentStatus.SUBMITTED
    )
    if item["status"] != expected:
        findings.append(
            at(
                event,
                f"commitment {cid}: {event.name} in another status",
                expected=expected,
                found=item["status"],
            )
        )
    if event.name == "DeliverableRejected":
        if args["rejector"] == item.get("committer"):
            findings.append(at(event, f"commitment {cid} rejected by its committer"))
        if ts > item.get("review_end", 0):
            findings.append(
                at(
                    event,
                    f"commitment {cid} rejected after its review period",
                    expected=f"<= {item.get('review_end')}",
                    found=ts,
                )
            )
        item["status"] = CommitmentStatus.REJECTED
    elif event.name == "CommitmentSettled":
        if ts <= item.get("review_end", 0):
            findings.append(
                at(
                    event,
                    f"commitment {cid} settled during its review period",
                    expected=f"> {item.get('review_end')}",
                    found=ts,
                )
            )
        item["status"] = CommitmentStatus.FULFILLED
    elif int(args["ruling"]) == CommitmentStatus.FULFILLED:
        item["status"] = CommitmentStatus.FULFILLED
    else:
        item["ruled_breach"] = True
    return findings


__all__ = [
    "check_code",
    "check_commitments",
    "check_confirmations",
    "check_conservation",
    "check_hash_chain",
    "check_provenance",
    "check_revenue",
    "check_signatures",
    "recompute_revenue",
    "records_of",
]
