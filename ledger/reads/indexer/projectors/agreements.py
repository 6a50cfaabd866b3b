"""Agreements' events: proposals, consents, status changes and amendments of the parties."""

from __future__ import annotations

from sqlalchemy import select

from ledger.infra.events import DecodedEvent
from ledger.reads.indexer.models import Agreement, AgreementParty, Consent, hex_of
from ledger.reads.indexer.projection import Projection, ProjectorSet
from ledger.reads.indexer.projectors.common import (
    REVENUE_MODE,
    VOTING_MODE,
    balance_of,
    enum_name,
)

projectors = ProjectorSet()


def _stamp(agreement: Agreement, e: DecodedEvent) -> None:
    agreement.updated_block = e.block_number
    agreement.updated_at = e.block_timestamp


@projectors.register("AgreementProposed")
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
        balance_of(p, agreement_id, party, params["token"])


@projectors.register("ConsentGiven")
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
            tx_hash=hex_of(e.tx_hash),
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


@projectors.register("AgreementActivated", "AgreementExpired", "AgreementClosed")
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


@projectors.register("AgreementAmended")
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
            balance_of(p, agreement_id, party, agreement.token)
        else:
            existing.party_index = index
            existing.share_bps = new_parties[party]
            existing.is_current = True
            existing.left_version = None


__all__ = ["projectors"]
