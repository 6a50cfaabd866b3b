"""Projectors of the park suite's events into the read models: one small function per event.

Arguments arrive JSON-native (see `ledger.infra.events.catalog`): addresses checksummed, bytes as
``0x`` hex, enums as ints. Following an event change means editing one function here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session
from web3.contract import Contract

from ledger.domain.merkle import event_record_id
from ledger.infra.chain.state import call_at
from ledger.infra.events import DecodedEvent
from ledger.reads.indexer.models import (
    AGREEMENT_TABLES,
    Agreement,
    AgreementParty,
    AgreementRevenue,
    AuditAttestation,
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
from ledger.reads.indexer.projection import Projection, ProjectorSet

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
DIRECT_NONCE = 2**256 - 1

# NOTE: enum member names in declaration order (contracts/interfaces/*.sol); an unknown value
# is stored as its number, so a new member never breaks indexing.
PARTICIPANT_KIND = (
    "Firm",
    "DesignStudio",
    "University",
    "ResearchInstitute",
    "GovernmentOffice",
    "Intermediary",
    "IndividualCreator",
)
REVENUE_MODE = ("FixedShares", "ContributionWeighted")
VOTING_MODE = ("OnePartyOneVote", "ShareWeighted")
PROPOSAL_KIND = (
    "Amend",
    "AddParty",
    "RemoveParty",
    "ResolveDispute",
    "ExtendCommitment",
    "Terminate",
)
VOTE_SUPPORT = ("Against", "For", "Abstain")
CONTRIBUTION_KIND = (
    "Design",
    "ContentIP",
    "Technology",
    "Capital",
    "Labour",
    "SpaceEquipment",
    "Data",
    "MarketingChannel",
    "Other",
)
AI_PROVENANCE = ("None", "Assisted", "Generated")
CONTRIBUTION_STATUS = ("Pending", "Confirmed", "Disputed", "Rejected")
RESOLUTION_OUTCOME = ("Accept", "Reject", "AcceptWithWeight")
COMMITMENT_KIND = (
    "Deliverable",
    "QualityStandard",
    "DataProtection",
    "CulturalHeritageCare",
    "Other",
)
COMMITMENT_STATUS = ("None", "Open", "Submitted", "Fulfilled", "Breached", "Rejected")


def enum_name(names: Sequence[str], value: int) -> str:
    """The member name of an enum value, or the number as text when out of range."""
    return names[value] if 0 <= value < len(names) else str(value)


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


park = ProjectorSet(
    agreement_tables=AGREEMENT_TABLES,
    account_tables=((Participant, "account"),),
    park_tables=(ParkSetting,),
)


# ---------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------


@park.register("ParticipantRegistered", "ParticipantUpdated")
def _participant_registered(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    row = p.get(Participant, a["account"])
    if row is None:
        row = p.add(
            Participant(
                account=a["account"],
                kind=enum_name(PARTICIPANT_KIND, a["kind"]),
                status="Active",
                profile_hash=a["profileHash"],
                registrar=a["registrar"],
                breach_count=0,
                registered_block=e.block_number,
                registered_at=e.block_timestamp,
                updated_block=e.block_number,
                updated_at=e.block_timestamp,
            ),
            a["account"],
        )
        return
    row.kind = enum_name(PARTICIPANT_KIND, a["kind"])
    row.profile_hash = a["profileHash"]
    row.registrar = a["registrar"]
    if e.name == "ParticipantRegistered":
        row.status = "Active"
    _stamp_participant(row, e)


@park.register("ParticipantSuspended", "ParticipantReinstated")
def _participant_status(p: Projection, e: DecodedEvent) -> None:
    row = p.get(Participant, e.args["account"])
    if row is None:
        return
    suspended = e.name == "ParticipantSuspended"
    row.status = "Suspended" if suspended else "Active"
    row.suspension_reason = e.args["reasonHash"] if suspended else None
    _stamp_participant(row, e)


@park.register("BreachRecorded")
def _breach_recorded(p: Projection, e: DecodedEvent) -> None:
    row = p.get(Participant, e.args["participant"])
    if row is not None:
        row.breach_count = e.args["breachCount"]
        _stamp_participant(row, e)


def _stamp_participant(row: Participant, e: DecodedEvent) -> None:
    row.updated_block = e.block_number
    row.updated_at = e.block_timestamp


@park.register("CultureFundSet")
def _culture_fund_set(p: Projection, e: DecodedEvent) -> None:
    _set_park_setting(p, "cultureFund", e.args["newFund"], e.block_number)


@park.register("TokenAdmissionSet")
def _token_admission_set(p: Projection, e: DecodedEvent) -> None:
    # NOTE: one setting per token ever named, "token:<address>" = admitted / withdrawn.
    value = "admitted" if e.args["admitted"] else "withdrawn"
    _set_park_setting(p, f"token:{e.args['token']}", value, e.block_number)


def _set_park_setting(p: Projection, name: str, value: str, block_number: int) -> None:
    row = p.get(ParkSetting, name)
    if row is None:
        p.add(ParkSetting(name=name, value=value, block_number=block_number), name)
    else:
        row.value = value
        row.block_number = block_number


@park.register("AuditAttested")
def _audit_attested(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    key = (a["agreementId"], e.block_number, e.log_index)
    p.add(
        AuditAttestation(
            agreement_id=a["agreementId"],
            block_number=e.block_number,
            log_index=e.log_index,
            auditor=a["auditor"],
            audited_head=a["auditedHead"],
            audited_block=a["blockNumber"],
            report_hash=a["reportHash"],
            tx_hash=_hex(e.tx_hash),
            time=e.block_timestamp,
        ),
        key,
    )


# ---------------------------------------------------------------------------------------
# Agreements
# ---------------------------------------------------------------------------------------


def _stamp(agreement: Agreement, e: DecodedEvent) -> None:
    agreement.updated_block = e.block_number
    agreement.updated_at = e.block_timestamp


@park.register("AgreementProposed")
def _agreement_proposed(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    params = a["params"]
    agreement_id = a["agreementId"]
    p.add(
        Agreement(
            agreement_id=agreement_id,
            proposer=a["proposer"],
            status="Proposed",
            version=1,
            token=params["token"],
            revenue_mode=enum_name(REVENUE_MODE, params["revenueMode"]),
            voting_mode=enum_name(VOTING_MODE, params["votingMode"]),
            fund_share_bps=params["fundShareBps"],
            confirmations_required=params["confirmationsRequired"],
            consent_threshold_bps=params["consentThresholdBps"],
            voting_period=params["votingPeriod"],
            quorum_bps=params["quorumBps"],
            consent_deadline=params["consentDeadline"],
            challenge_window=params["challengeWindow"],
            max_record_weight=params["maxRecordWeight"],
            max_period_weight=params["maxPeriodWeight"],
            cap_period=params["capPeriod"],
            terms_hash=params["termsHash"],
            params_hash=a["paramsHash"],
            party_count=len(params["parties"]),
            consent_count=0,
            proposed_block=e.block_number,
            proposed_at=e.block_timestamp,
            updated_block=e.block_number,
            updated_at=e.block_timestamp,
        ),
        agreement_id,
    )
    for index, (party, share) in enumerate(
        zip(params["parties"], params["sharesBps"], strict=True)
    ):
        p.add(
            AgreementParty(
                agreement_id=agreement_id,
                party=party,
                party_index=index,
                share_bps=share,
                is_current=True,
                consent_version=0,
                joined_version=1,
            ),
            (agreement_id, party),
        )
        _balance(p, agreement_id, party, params["token"])


@park.register("ConsentGiven")
def _consent_given(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    agreement_id, party, version = a["agreementId"], a["party"], a["version"]
    p.add(
        Consent(
            agreement_id=agreement_id,
            party=party,
            version=version,
            nonce=a["nonce"],
            deadline=a["deadline"],
            signature=a["signature"],
            block_number=e.block_number,
            tx_hash=_hex(e.tx_hash),
            time=e.block_timestamp,
        ),
        (agreement_id, party, version),
    )
    member = p.get(AgreementParty, (agreement_id, party))
    if member is not None:
        member.consent_version = version
    agreement = p.get(Agreement, agreement_id)
    if agreement is not None and agreement.version == version:
        agreement.consent_count += 1
        _stamp(agreement, e)


@park.register("AgreementActivated", "AgreementExpired", "AgreementClosed")
def _agreement_status(p: Projection, e: DecodedEvent) -> None:
    agreement = p.get(Agreement, e.args["agreementId"])
    if agreement is None:
        return
    if e.name == "AgreementActivated":
        agreement.status = "Active"
        agreement.activated_at = e.block_timestamp
    elif e.name == "AgreementExpired":
        agreement.status = "Expired"
    else:
        agreement.status = "Closed"
        agreement.closed_at = e.block_timestamp
    _stamp(agreement, e)


@park.register("AgreementAmended")
def _agreement_amended(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    agreement_id, version = a["agreementId"], a["version"]
    agreement = p.get(Agreement, agreement_id)
    if agreement is None:
        return
    agreement.version = version
    agreement.params_hash = a["paramsHash"]
    agreement.terms_hash = a["termsHash"]
    agreement.confirmations_required = a["confirmationsRequired"]
    agreement.party_count = len(a["parties"])
    agreement.consent_count = len(a["parties"])
    _stamp(agreement, e)
    members = p.session.scalars(
        select(AgreementParty).where(AgreementParty.agreement_id == agreement_id)
    ).all()
    new_parties = dict(zip(a["parties"], a["sharesBps"], strict=True))
    for member in members:
        if member.is_current and member.party not in new_parties:
            member.is_current = False
            member.left_version = version
    for index, party in enumerate(a["parties"]):
        existing = p.get(AgreementParty, (agreement_id, party))
        if existing is None:
            p.add(
                AgreementParty(
                    agreement_id=agreement_id,
                    party=party,
                    party_index=index,
                    share_bps=new_parties[party],
                    is_current=True,
                    consent_version=version,
                    joined_version=version,
                ),
                (agreement_id, party),
            )
            _balance(p, agreement_id, party, agreement.token)
        else:
            existing.party_index = index
            existing.share_bps = new_parties[party]
            existing.is_current = True
            existing.left_version = None


# ---------------------------------------------------------------------------------------
# Contributions
# ---------------------------------------------------------------------------------------


@park.register("ContributionsRecorded")
def _contributions_recorded(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    agreement_id, contributor, pre_head = a["agreementId"], a["contributor"], a["preHead"]
    nonce = a["nonce"]
    tx_hash = _hex(e.tx_hash)
    rows = []
    for index, record in enumerate(a["records"]):
        rid = event_record_id(
            agreement_id=agreement_id,
            pre_head=pre_head,
            index=index,
            contributor=contributor,
            record=record,
        )
        accountable = record["accountable"]
        rows.append(
            Contribution(
                record_id=rid,
                agreement_id=agreement_id,
                batch_root=a["batchRoot"],
                pre_head=pre_head,
                batch_index=index,
                contributor=contributor,
                kind=enum_name(CONTRIBUTION_KIND, record["kind"]),
                weight=record["weight"],
                evidence_hash=record["evidenceHash"],
                provenance=enum_name(AI_PROVENANCE, record["provenance"]),
                accountable=None if accountable == ZERO_ADDRESS else accountable,
                status="Pending",
                confirmations=0,
                confirm_version=0,
                counted_weight=0,
                challenge_ends_at=None,
                relay_nonce=None if nonce == DIRECT_NONCE else nonce,
                recorded_block=e.block_number,
                recorded_log_index=e.log_index,
                recorded_at=e.block_timestamp,
                tx_hash=tx_hash,
                updated_block=e.block_number,
                updated_at=e.block_timestamp,
            )
        )
    for row in rows:
        p.add(row, row.record_id)


@park.register("ContributionConfirmed")
def _contribution_confirmed(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    status = enum_name(CONTRIBUTION_STATUS, a["status"])
    key = (a["recordId"], a["confirmer"], a["version"])
    p.add(
        Confirmation(
            record_id=a["recordId"],
            confirmer=a["confirmer"],
            version=a["version"],
            agreement_id=a["agreementId"],
            confirmations=a["confirmations"],
            status=status,
            block_number=e.block_number,
            tx_hash=_hex(e.tx_hash),
            time=e.block_timestamp,
        ),
        key,
    )
    row = p.get(Contribution, a["recordId"])
    if row is None:
        return
    row.confirmations = a["confirmations"]
    row.confirm_version = a["version"]
    row.status = status
    if status == "Confirmed":
        # NOTE: the weight counts only once the record matures (ContributionMatured).
        row.challenge_ends_at = a["challengeEndsAt"]
    row.updated_block = e.block_number
    row.updated_at = e.block_timestamp


@park.register("ContributionMatured")
def _contribution_matured(p: Projection, e: DecodedEvent) -> None:
    row = p.get(Contribution, e.args["recordId"])
    if row is None:
        return
    row.counted_weight = e.args["weight"]
    row.challenge_ends_at = None
    row.updated_block = e.block_number
    row.updated_at = e.block_timestamp


@park.register("ContributionDisputed")
def _contribution_disputed(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    p.add(
        Dispute(
            record_id=a["recordId"],
            agreement_id=a["agreementId"],
            disputer=a["disputer"],
            contributor=a["contributor"],
            weight=a["weight"],
            reason_hash=a["reasonHash"],
            disputed_block=e.block_number,
            disputed_at=e.block_timestamp,
        ),
        a["recordId"],
    )
    row = p.get(Contribution, a["recordId"])
    if row is not None:
        row.status = "Disputed"
        row.challenge_ends_at = None
        row.updated_block = e.block_number
        row.updated_at = e.block_timestamp


@park.register("ContributionResolved")
def _contribution_resolved(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    status = enum_name(CONTRIBUTION_STATUS, a["status"])
    dispute = p.get(Dispute, a["recordId"])
    if dispute is not None:
        dispute.outcome = enum_name(RESOLUTION_OUTCOME, a["outcome"])
        dispute.resolved_weight = a["weight"]
        dispute.resolved_block = e.block_number
        dispute.resolved_at = e.block_timestamp
    row = p.get(Contribution, a["recordId"])
    if row is not None:
        row.status = status
        row.counted_weight = a["weight"] if status == "Confirmed" else 0
        row.updated_block = e.block_number
        row.updated_at = e.block_timestamp


# ---------------------------------------------------------------------------------------
# Revenue
# ---------------------------------------------------------------------------------------


def _balance(p: Projection, agreement_id: str, account: str, token: str) -> Balance:
    row = p.get(Balance, (agreement_id, account))
    if row is None:
        row = p.add(
            Balance(
                agreement_id=agreement_id,
                account=account,
                token=token,
                claimed=0,
                claimable=0,
                payout=None,
            ),
            (agreement_id, account),
        )
    return row


def _revenue(p: Projection, agreement_id: str, token: str | None = None) -> AgreementRevenue:
    row = p.get(AgreementRevenue, agreement_id)
    if row is None:
        if token is None:
            agreement = p.get(Agreement, agreement_id)
            token = agreement.token if agreement is not None else ZERO_ADDRESS
        row = p.add(
            AgreementRevenue(
                agreement_id=agreement_id,
                token=token,
                deposited=0,
                allocated=0,
                claimed=0,
                fund_claimed=0,
                fund_claimable=0,
                acc_per_unit=0,
                carry_scaled=0,
                deposit_count=0,
                bonds_locked=0,
                bonds_forfeited=0,
            ),
            agreement_id,
        )
    p.touched_agreements.add(agreement_id)
    return row


@park.register("RevenueDeposited", "RevenueAllocated")
def _revenue_allocated(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    deposit = e.name == "RevenueDeposited"
    revenue = _revenue(p, a["agreementId"], a["token"] if deposit else None)
    amount = a["amount"] if deposit else 0
    p.add(
        Deposit(
            block_number=e.block_number,
            log_index=e.log_index,
            agreement_id=a["agreementId"],
            kind="deposit" if deposit else "allocation",
            depositor=a["depositor"] if deposit else a["caller"],
            token=revenue.token,
            amount=amount,
            allocated=a["allocated"],
            acc_per_unit=a["accPerUnit"],
            carry_scaled=a["carryScaled"],
            tx_hash=_hex(e.tx_hash),
            time=e.block_timestamp,
        ),
        (e.block_number, e.log_index),
    )
    revenue.deposited += amount
    revenue.allocated += a["allocated"]
    revenue.acc_per_unit = a["accPerUnit"]
    revenue.carry_scaled = a["carryScaled"]
    if deposit:
        revenue.deposit_count += 1


@park.register("RevenueClaimed", "RevenueFundClaimed")
def _revenue_claimed(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    fund = e.name == "RevenueFundClaimed"
    revenue = _revenue(p, a["agreementId"])
    account = a["fund"] if fund else a["account"]
    p.add(
        Claim(
            block_number=e.block_number,
            log_index=e.log_index,
            agreement_id=a["agreementId"],
            account=account,
            paid_to=a["fund"] if fund else a["to"],
            is_fund=fund,
            amount=a["amount"],
            tx_hash=_hex(e.tx_hash),
            time=e.block_timestamp,
        ),
        (e.block_number, e.log_index),
    )
    revenue.claimed += a["amount"]
    if fund:
        revenue.fund_claimed += a["amount"]
    else:
        _balance(p, a["agreementId"], account, revenue.token).claimed += a["amount"]


@park.register("PayoutAddressSet")
def _payout_set(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    revenue = _revenue(p, a["agreementId"])
    payout = a["payout"]
    row = _balance(p, a["agreementId"], a["account"], revenue.token)
    row.payout = None if payout == ZERO_ADDRESS else payout


# ---------------------------------------------------------------------------------------
# Commitments
# ---------------------------------------------------------------------------------------


def _commitment(p: Projection, e: DecodedEvent) -> Commitment | None:
    row = p.get(Commitment, (e.args["agreementId"], e.args["commitmentId"]))
    if row is not None:
        row.updated_block = e.block_number
        row.updated_at = e.block_timestamp
    return row


@park.register("CommitmentMade")
def _commitment_made(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    key = (a["agreementId"], a["commitmentId"])
    p.add(
        Commitment(
            agreement_id=a["agreementId"],
            commitment_id=a["commitmentId"],
            committer=a["committer"],
            kind=enum_name(COMMITMENT_KIND, a["kind"]),
            description_hash=a["descriptionHash"],
            deadline=a["deadline"],
            bond=a["bond"],
            status="Open",
            acceptances=0,
            version=0,
            extensions=0,
            made_block=e.block_number,
            made_at=e.block_timestamp,
            updated_block=e.block_number,
            updated_at=e.block_timestamp,
        ),
        key,
    )
    if a["bond"]:
        _revenue(p, a["agreementId"]).bonds_locked += a["bond"]


@park.register("DeliverableSubmitted")
def _deliverable_submitted(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.status = "Submitted"
        row.deliverable_hash = e.args["deliverableHash"]
        row.review_end = e.args["reviewEnd"]
        row.acceptances = 0


@park.register("DeliverableAccepted")
def _deliverable_accepted(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.acceptances = e.args["acceptances"]
        row.version = e.args["version"]
        row.status = enum_name(COMMITMENT_STATUS, e.args["status"])
        if row.status == "Fulfilled" and row.bond:
            _revenue(p, row.agreement_id)


@park.register("DeliverableRejected")
def _deliverable_rejected(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.status = "Rejected"
        row.rejected_by = e.args["rejector"]
        row.rejection_hash = e.args["reasonHash"]


@park.register("CommitmentSettled")
def _commitment_settled(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.status = "Fulfilled"


@park.register("CommitmentArbitrated")
def _commitment_arbitrated(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        # NOTE: a Breached ruling is followed by its CommitmentBreached, which sets the status.
        if e.args["ruling"] == COMMITMENT_STATUS.index("Fulfilled"):
            row.status = "Fulfilled"
        row.arbiter = e.args["arbiter"]
        row.ruling_hash = e.args["rulingHash"]


@park.register("CommitmentBreached")
def _commitment_breached(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.status = "Breached"
        row.breached_by = e.args["caller"]
        row.bond_forfeited = e.args["bondForfeited"]
    if e.args["bondForfeited"]:
        _revenue(p, e.args["agreementId"]).bonds_forfeited += e.args["bondForfeited"]


@park.register("CommitmentExtended")
def _commitment_extended(p: Projection, e: DecodedEvent) -> None:
    row = _commitment(p, e)
    if row is not None:
        row.deadline = e.args["newDeadline"]
        row.extensions += 1


# ---------------------------------------------------------------------------------------
# Governance
# ---------------------------------------------------------------------------------------


@park.register("ProposalCreated")
def _proposal_created(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    key = (a["agreementId"], a["proposalId"])
    p.add(
        Proposal(
            agreement_id=a["agreementId"],
            proposal_id=a["proposalId"],
            proposer=a["proposer"],
            kind=enum_name(PROPOSAL_KIND, a["kind"]),
            base_version=a["baseVersion"],
            vote_end=a["voteEnd"],
            payload=a["payload"],
            weight_for=0,
            weight_against=0,
            weight_abstain=0,
            vote_count=0,
            excluded_mask=0,
            status="Voting",
            created_block=e.block_number,
            created_at=e.block_timestamp,
        ),
        key,
    )


@park.register("VoteCast")
def _vote_cast(p: Projection, e: DecodedEvent) -> None:
    a = e.args
    support = enum_name(VOTE_SUPPORT, a["support"])
    key = (a["agreementId"], a["proposalId"], a["voter"])
    p.add(
        Vote(
            agreement_id=a["agreementId"],
            proposal_id=a["proposalId"],
            voter=a["voter"],
            support=support,
            weight=a["weight"],
            nonce=a["nonce"],
            signature=a["signature"],
            block_number=e.block_number,
            tx_hash=_hex(e.tx_hash),
            time=e.block_timestamp,
        ),
        key,
    )
    proposal = p.get(Proposal, (a["agreementId"], a["proposalId"]))
    if proposal is None:
        return
    proposal.vote_count += 1
    if support == "For":
        proposal.weight_for += a["weight"]
    elif support == "Against":
        proposal.weight_against += a["weight"]
    else:
        proposal.weight_abstain += a["weight"]


@park.register("ProposalAccusedExcluded")
def _proposal_accused_excluded(p: Projection, e: DecodedEvent) -> None:
    proposal = p.get(Proposal, (e.args["agreementId"], e.args["proposalId"]))
    if proposal is not None:
        proposal.excluded_mask = e.args["excludedMask"]


@park.register("ProposalExecuted")
def _proposal_executed(p: Projection, e: DecodedEvent) -> None:
    proposal = p.get(Proposal, (e.args["agreementId"], e.args["proposalId"]))
    if proposal is not None:
        proposal.status = "Executed"
        proposal.executor = e.args["executor"]
        proposal.executed_block = e.block_number
        proposal.executed_at = e.block_timestamp


# ---------------------------------------------------------------------------------------
# Values read from contract state
# ---------------------------------------------------------------------------------------


class RevenueRefresher:
    """Reads `claimableOf` / `fundClaimableOf` from Revenue for agreements with revenue rows."""

    def __init__(self, revenue: Contract) -> None:
        self.revenue = revenue

    def __call__(self, session: Session, agreement_ids: Iterable[str], block: int) -> None:
        """Refresh the balances of `agreement_ids` as of `block`.

        Raises StateUnavailableError when the node holds no state for `block`.
        """
        ids = list(agreement_ids)
        if not ids:
            return
        revenues = session.scalars(
            select(AgreementRevenue).where(AgreementRevenue.agreement_id.in_(ids))
        ).all()
        functions = self.revenue.functions
        for revenue in revenues:
            raw_id = bytes.fromhex(revenue.agreement_id[2:])
            revenue.fund_claimable = int(call_at(functions.fundClaimableOf(raw_id), block))
            balances = session.scalars(
                select(Balance).where(Balance.agreement_id == revenue.agreement_id)
            ).all()
            for balance in balances:
                balance.claimable = int(
                    call_at(functions.claimableOf(raw_id, balance.account), block)
                )


def park_projectors(*, revenue: Contract | None = None) -> ProjectorSet:
    """The park projector set, with balance refreshes when the Revenue contract is given."""
    projectors = ProjectorSet(
        projectors=dict(park.projectors),
        agreement_tables=park.agreement_tables,
        account_tables=park.account_tables,
        park_tables=park.park_tables,
    )
    if revenue is not None:
        projectors.refreshers.append(RevenueRefresher(revenue))
    return projectors


__all__ = ["enum_name", "park_projectors"]
