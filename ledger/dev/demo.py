"""A realistic example on a local chain, written through the typed client: a design studio, a
university lab and a technology firm co-creating a digital heritage exhibition (数字文化遗产展).

Every contract is exercised the way a park would use it: participants registered, an agreement
consented to by EIP-712 signatures, contributions (one AI-assisted, with an accountable human
party) confirmed by co-parties, a dispute resolved by a signed vote, ticket revenue deposited
and claimed (fixed shares plus a culture-fund share), and a bonded commitment fulfilled.
Running it again opens a new agreement under the next free salt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import keccak

from ledger.client import Ledger
from ledger.domain.amounts import ETHER, Uint256
from ledger.domain.errors import ValidationError
from ledger.domain.structs import (
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
    ParticipantStatus,
    ProposalStatus,
    ResolutionOutcome,
    VoteSupport,
)

DAY = 86_400
SHARES_BPS = (4_000, 3_500, 2_500)
FUND_SHARE_BPS = 500
TICKET_REVENUE = 3 * ETHER
BOND = ETHER // 2
RESOLVED_WEIGHT = 10
TITLE = "Digital Heritage Exhibition 数字文化遗产展"
SALT_PREFIX = "park-ledger demo: digital heritage exhibition #"
CAST_SIZE = 6


def text_hash(text: str) -> bytes:
    """keccak256 of UTF-8 text: the commitment to an off-chain document."""
    return bytes(keccak(text=text))


@dataclass(frozen=True)
class DemoCast:
    """Who plays which part (dev accounts 0..5 on a local chain)."""

    admin: LocalAccount  # park operator: registrar, relayer of signed intents
    studio: LocalAccount
    lab: LocalAccount
    firm: LocalAccount
    fund: LocalAccount  # the park's culture fund
    visitor: LocalAccount  # buys tickets: the revenue

    @classmethod
    def from_accounts(cls, accounts: Sequence[LocalAccount]) -> DemoCast:
        """The cast from the first six funded accounts."""
        if len(accounts) < CAST_SIZE:
            raise ValidationError(f"the demo needs {CAST_SIZE} funded accounts")
        return cls(*accounts[:CAST_SIZE])

    def parties(self) -> dict[str, LocalAccount]:
        """The agreement's parties by role, in agreement order."""
        return {"studio": self.studio, "lab": self.lab, "firm": self.firm}


@dataclass(frozen=True)
class DemoSummary:
    """What the demo left on chain."""

    agreement_id: bytes
    run: int
    status: AgreementStatus
    head: bytes
    parties: dict[str, ChecksumAddress]
    records: dict[str, ContributionStatus]
    proposal_id: Uint256
    proposal_status: ProposalStatus
    commitment_id: Uint256
    commitment_status: CommitmentStatus
    deposited: Uint256
    claimed: dict[str, Uint256]
    fund_claimed: Uint256
    balanced: bool


def _register_participants(ledger: Ledger, cast: DemoCast) -> None:
    """Register the three organisations once (a second run finds them registered)."""
    admin = cast.admin
    if not ledger.registry.has_role(role="registrar", account=admin.address):
        ledger.registry.grant_role(role="registrar", account=admin.address, sender=admin)
    kinds = {
        "studio": ParticipantKind.DESIGN_STUDIO,
        "lab": ParticipantKind.UNIVERSITY,
        "firm": ParticipantKind.FIRM,
    }
    profiles = {
        "studio": "Lantern Design Studio — exhibition & spatial design",
        "lab": "University Digital Heritage Lab — 3D scanning & research",
        "firm": "Tianhe Interactive Technology Co. — AR guides & ticketing",
    }
    for role, account in cast.parties().items():
        if ledger.registry.participant(account.address).status is ParticipantStatus.NONE:
            profile = json.dumps({"name": profiles[role], "role": role}, ensure_ascii=False)
            ledger.registry.register(
                account=account.address,
                kind=kinds[role],
                profile_hash=text_hash(profile),
                sender=admin,
            )
    if ledger.registry.culture_fund() != cast.fund.address:
        ledger.registry.set_culture_fund(fund=cast.fund.address, sender=admin)


def _next_salt(ledger: Ledger, proposer: str) -> tuple[int, bytes]:
    """The first run number whose agreement id is still unused."""
    for run in count(1):
        salt = text_hash(f"{SALT_PREFIX}{run}")
        aid = ledger.agreements.agreement_id_of(proposer=proposer, salt=salt)
        if ledger.agreements.status(aid) is AgreementStatus.NONE:
            return run, salt
    raise AssertionError("unreachable")  # count() never ends


def _open_agreement(ledger: Ledger, cast: DemoCast, salt: bytes) -> bytes:
    """The studio proposes; the lab and the firm consent by EIP-712 signatures in the same tx."""
    now = ledger.timestamp()
    params = AgreementParams(
        parties=[p.address for p in cast.parties().values()],
        shares_bps=list(SHARES_BPS),
        terms_hash=text_hash(f"{TITLE}: co-creation terms v1"),
        consent_deadline=now + 7 * DAY,
        fund_share_bps=FUND_SHARE_BPS,
        confirmations_required=2,
        voting_period=3 * DAY,
    )
    aid = ledger.agreements.agreement_id_of(proposer=cast.studio.address, salt=salt)
    signatures = [
        ledger.agreements.sign_consent(
            agreement_id=aid, account=party, deadline=now + DAY, params=params
        )
        for party in (cast.lab, cast.firm)
    ]
    ledger.agreements.propose_with_signatures(
        params=params, salt=salt, signatures=signatures, sender=cast.studio
    )
    return aid


def _contribute(ledger: Ledger, cast: DemoCast, aid: bytes) -> dict[str, bytes]:
    """Record the three organisations' work, confirm it, and dispute one claim."""
    contributions = ledger.contributions
    studio_batch = contributions.batches_in(
        contributions.record_batch(
            agreement_id=aid,
            records=[
                Contribution(ContributionKind.DESIGN, 40, text_hash("spatial design, hall A-C")),
                # NOTE: AI-assisted work names the human party accountable for it.
                Contribution(
                    ContributionKind.CONTENT_IP,
                    25,
                    text_hash("AI-assisted restoration renders of the Dunhuang mural"),
                    AiProvenance.ASSISTED,
                    cast.studio.address,
                ),
            ],
            sender=cast.studio,
        )
    )[0]
    # The lab signs its batch offline; the park operator relays it.
    signed = contributions.sign_records(
        agreement_id=aid,
        account=cast.lab,
        records=[Contribution(ContributionKind.DATA, 30, text_hash("3D scans of 120 artefacts"))],
        deadline=ledger.timestamp() + DAY,
    )
    lab_batch = contributions.batches_in(
        contributions.record_by_signature(signed=signed, sender=cast.admin)
    )[0]
    firm_batch = contributions.batches_in(
        contributions.record_batch(
            agreement_id=aid,
            records=[
                Contribution(ContributionKind.TECHNOLOGY, 30, text_hash("AR guide app")),
                Contribution(
                    ContributionKind.MARKETING_CHANNEL, 20, text_hash("online ticketing channel")
                ),
            ],
            sender=cast.firm,
        )
    )[0]
    confirmers = {
        cast.studio.address: (cast.lab, cast.firm),
        cast.lab.address: (cast.studio, cast.firm),
        cast.firm.address: (cast.studio, cast.lab),
    }
    to_confirm = [
        ("studio design", studio_batch, 0),
        ("studio AI-assisted renders", studio_batch, 1),
        ("lab 3D scans", lab_batch, 0),
        ("firm AR guide", firm_batch, 0),
    ]
    for _, batch, index in to_confirm:
        for confirmer in confirmers[batch.contributor]:
            contributions.confirm(agreement_id=aid, proof=batch.proof(index), sender=confirmer)
    contributions.dispute(
        agreement_id=aid,
        proof=firm_batch.proof(1),
        reason_hash=text_hash("the ticketing channel was the park's, not the firm's"),
        sender=cast.lab,
    )
    records = {name: batch.record_ids[index] for name, batch, index in to_confirm}
    records["firm ticketing (disputed)"] = firm_batch.record_ids[1]
    return records


def _resolve_dispute(ledger: Ledger, cast: DemoCast, aid: bytes, record_id: bytes) -> int:
    """The lab proposes accepting the disputed record at a lower weight; the studio and the lab
    sign votes (the firm, whose record it is, does not judge its own cause), the operator relays
    them and executes (every eligible party voted, so no waiting)."""
    governance = ledger.governance
    created = governance.propose_resolve_dispute(
        agreement_id=aid,
        record_id=record_id,
        outcome=ResolutionOutcome.ACCEPT_WITH_WEIGHT,
        new_weight=RESOLVED_WEIGHT,
        sender=cast.lab,
    )
    proposal_id = int(created.event("ProposalCreated").args["proposalId"])
    deadline = ledger.timestamp() + DAY
    votes = [
        governance.sign_vote(
            proposal_id=proposal_id, account=party, support=VoteSupport.FOR, deadline=deadline
        )
        for party in (cast.studio, cast.lab)
    ]
    governance.vote_by_signatures(proposal_id=proposal_id, votes=votes, sender=cast.admin)
    governance.execute(proposal_id=proposal_id, sender=cast.admin)
    return proposal_id


def _bonded_commitment(ledger: Ledger, cast: DemoCast, aid: bytes) -> int:
    """The firm bonds its promise to care for the digitised artefacts; it delivers and the
    studio and the lab accept, which releases the bond back to the firm."""
    commitments = ledger.commitments
    created = commitments.commit(
        agreement_id=aid,
        kind=CommitmentKind.CULTURAL_HERITAGE_CARE,
        description_hash=text_hash("host the scans with access control for 5 years"),
        deadline=ledger.timestamp() + 30 * DAY,
        bond=BOND,
        sender=cast.firm,
    )
    commitment_id = int(created.event("CommitmentMade").args["commitmentId"])
    commitments.submit(
        agreement_id=aid,
        commitment_id=commitment_id,
        deliverable_hash=text_hash("hosting contract and access-control report"),
        sender=cast.firm,
    )
    for acceptor in (cast.studio, cast.lab):
        commitments.accept(agreement_id=aid, commitment_id=commitment_id, sender=acceptor)
    return commitment_id


def run_demo(*, ledger: Ledger, cast: DemoCast) -> DemoSummary:
    """Populate the example through the client and summarise what is on chain."""
    _register_participants(ledger, cast)
    run, salt = _next_salt(ledger, cast.studio.address)
    aid = _open_agreement(ledger, cast, salt)
    records = _contribute(ledger, cast, aid)
    proposal_id = _resolve_dispute(ledger, cast, aid, records["firm ticketing (disputed)"])
    ledger.revenue.deposit(agreement_id=aid, amount=TICKET_REVENUE, sender=cast.visitor)
    commitment_id = _bonded_commitment(ledger, cast, aid)
    for party in cast.parties().values():
        ledger.revenue.claim(agreement_id=aid, sender=party)
    ledger.revenue.claim_fund(agreement_id=aid, sender=cast.admin)
    return summarise(
        ledger=ledger,
        cast=cast,
        agreement_id=aid,
        run=run,
        records=records,
        proposal_id=proposal_id,
        commitment_id=commitment_id,
    )


def summarise(
    *,
    ledger: Ledger,
    cast: DemoCast,
    agreement_id: bytes,
    run: int,
    records: dict[str, bytes],
    proposal_id: int,
    commitment_id: int,
) -> DemoSummary:
    """Read back the demo agreement's state from the chain."""
    revenue = ledger.revenue
    parties = cast.parties()
    return DemoSummary(
        agreement_id=agreement_id,
        run=run,
        status=ledger.agreements.status(agreement_id),
        head=ledger.agreements.head(agreement_id),
        parties={role: account.address for role, account in parties.items()},
        records={
            name: ledger.contributions.status(agreement_id, rid) for name, rid in records.items()
        },
        proposal_id=proposal_id,
        proposal_status=ledger.governance.proposal(proposal_id).status,
        commitment_id=commitment_id,
        commitment_status=ledger.commitments.get(agreement_id, commitment_id).status,
        deposited=revenue.account(agreement_id).deposited,
        claimed={
            role: revenue.balance(agreement_id, account.address).claimed
            for role, account in parties.items()
        },
        # NOTE: the culture fund's claims are booked under address(0) (docs/revenue.md).
        fund_claimed=revenue.balance(agreement_id, ZERO_ADDRESS).claimed,
        balanced=revenue.conservation(agreement_id).balanced,
    )
