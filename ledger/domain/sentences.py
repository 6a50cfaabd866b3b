"""Every custom error of the contracts as a sentence in the user's words: one table, used for the
message of `RevertError` and so shared by the CLI (stderr) and the API (problem `detail`).

A template names the error's arguments (`{agreementId}`); statuses read as words (`active`).
tests/test_sentences.py fails for an error of the compiled ABIs that has no sentence here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any

from ledger.domain.structs import (
    AgreementStatus,
    CommitmentStatus,
    ContributionStatus,
    ParticipantStatus,
)

# NOTE: an argument called `status` (and a WrongStatus error's `expected`) is the enum of the
# error's domain.
_STATUS_ENUMS: dict[str, type[IntEnum]] = {
    "Agreement": AgreementStatus,
    "Commitment": CommitmentStatus,
    "Contribution": ContributionStatus,
    "Participant": ParticipantStatus,
}

SENTENCES: dict[str, str] = {
    # -- agreements
    "AgreementAlreadyAParty": "{account} is already a party to agreement {agreementId}",
    "AgreementAlreadyConsented": "{party} has already consented to version {version} of "
    "agreement {agreementId}",
    "AgreementDuplicateParty": "{party} is listed twice among the parties",
    "AgreementEmptyTermsHash": "the agreement needs its terms (a non-zero terms hash)",
    "AgreementExists": "agreement {agreementId} already exists: propose with another salt",
    "AgreementFundShareTooHigh": "the culture-fund share {fundShareBps} bps is above the "
    "maximum of {maximum} bps",
    "AgreementInvalidChallengeWindow": "the challenge window must be 1 hour to 90 days, not "
    "{challengeWindow} s",
    "AgreementInvalidConfirmations": "confirmations per record must be between 1 and one less "
    "than the {partyCount} parties, not {confirmationsRequired}",
    "AgreementInvalidWeightCap": "a per-period weight cap of {maxPeriodWeight} needs a period of "
    "1 hour to 366 days (both 0 for no cap), not {capPeriod} s",
    "AgreementInvalidConsentDeadline": "the consent deadline {consentDeadline} is in the past or "
    "too far ahead",
    "AgreementInvalidConsentThreshold": "the consent threshold must be 1 to 10,000 bps, not "
    "{consentThresholdBps}",
    "AgreementInvalidNonce": "{signer} signed with nonce {given}, but agreement {agreementId} "
    "expects nonce {expected}: sign again",
    "AgreementInvalidQuorum": "the quorum must be at most 10,000 bps, not {quorumBps}",
    "AgreementInvalidSignature": "the consent signature is not {signer}'s",
    "AgreementInvalidVotingPeriod": "the voting period of {votingPeriod} s is outside the "
    "allowed range",
    "AgreementNoSignatures": "no consent signatures were given",
    "AgreementNotAParty": "{account} is not a party to agreement {agreementId}",
    "AgreementNotActive": "the agreement is {status}, not active",
    "AgreementNotExpired": "agreement {agreementId} is still within its consent deadline "
    "({consentDeadline})",
    "AgreementNotFound": "no agreement {agreementId}",
    "AgreementNotProposed": "the agreement is {status}, not proposed",
    "AgreementParamsMismatch": "the agreement's parameters differ from the ones agreement "
    "{agreementId} was proposed with",
    "AgreementParticipantNotActive": "{account} is not an active participant of the park "
    "registry: register it first",
    "AgreementPartyCountOutOfRange": "an agreement has 2 to 64 parties, not {count}",
    "AgreementProposerNotAParty": "the proposer {proposer} must be one of the parties",
    "AgreementSharesDoNotSumTo": "the shares add up to {total} bps, not 10,000 (100%)",
    "AgreementSharesLengthMismatch": "{parties} parties but {shares} shares: give one share per "
    "party",
    "AgreementSignatureExpired": "{signer}'s signature expired at {deadline}: sign again",
    "AgreementTokenNotContract": "the revenue token {token} is not a contract",
    "AgreementUnauthorizedModule": "{caller} is not one of the park's contracts",
    "AgreementVersionMismatch": "agreement {agreementId} is at version {current}, not "
    "{expected}: sign the current version",
    "AgreementZeroAddressParty": "party {index} is the zero address",
    "AgreementZeroShare": "{party} has a zero share",
    # -- audit
    "AuditBlockInFuture": "block {blockNumber} is ahead of the chain's head ({current})",
    "AuditEmptyHash": "an attestation needs the audited head and the report hash",
    # -- commitments
    "CommitmentArbiterConflict": "arbiter {arbiter} is the committer or a party of the "
    "agreement of commitment {commitmentId}: another arbiter must rule",
    "CommitmentBreachNeedsRuling": "commitment {commitmentId} is {status}: a submitted "
    "deliverable is breached only by the park arbiter's ruling",
    "CommitmentEmptyReason": "a rejection or ruling of commitment {commitmentId} needs its "
    "reason (a non-zero hash)",
    "CommitmentInvalidRuling": "a ruling on commitment {commitmentId} is fulfilled or breached, "
    "not {ruling}",
    "CommitmentNotArbiter": "{caller} is not a park arbiter",
    "CommitmentReviewEnded": "the review of commitment {commitmentId}'s deliverable ended at "
    "{reviewEnd} (now {nowTs})",
    "CommitmentUnderReview": "commitment {commitmentId}'s deliverable is under review until "
    "{reviewEnd} (now {nowTs}): it settles after that",
    "CommitmentAlreadyAccepted": "{party} has already accepted commitment {commitmentId}",
    "CommitmentBondMismatch": "the bond is {bond} wei but {sent} wei were sent",
    "CommitmentDeadlineInPast": "the deadline {deadline} is in the past (now {nowTs})",
    "CommitmentDeliverableMismatch": "the deliverable differs from the one submitted for "
    "commitment {commitmentId}",
    "CommitmentEmptyHash": "a commitment needs a description (a non-zero hash)",
    "CommitmentInvalidExtension": "the new deadline {newDeadline} of commitment {commitmentId} "
    "is not after its deadline {deadline}",
    "CommitmentNotCommitter": "only the committer can do this to commitment {commitmentId}",
    "CommitmentNotFound": "no commitment {commitmentId} in agreement {agreementId}",
    "CommitmentNotYetBreachable": "commitment {commitmentId} cannot be marked breached before "
    "its grace period ends ({graceEnd})",
    "CommitmentPastGrace": "commitment {commitmentId} is past its grace period ({graceEnd})",
    "CommitmentSelfAcceptance": "the committer cannot accept its own commitment {commitmentId}",
    "CommitmentUnauthorized": "{caller} may not do this to the commitment",
    "CommitmentWrongStatus": "commitment {commitmentId} is {status}",
    # -- contributions
    "ContributionAccountableNotAParty": "the accountable party {accountable} is not a party to "
    "agreement {agreementId}",
    "ContributionAlreadyMatured": "record {recordId}'s weight already counts",
    "ContributionAlreadyConfirmed": "{party} has already confirmed record {recordId}",
    "ContributionChallengeClosed": "record {recordId}'s challenge window closed at "
    "{challengeEndsAt}: it can no longer be disputed",
    "ContributionChallengeOpen": "record {recordId} is still in its challenge window until "
    "{challengeEndsAt}: its weight counts after that",
    "ContributionBatchExists": "this batch of records was already recorded",
    "ContributionBatchTooLarge": "a batch holds at most {maximum} records, not {count}",
    "ContributionContributorNotAParty": "{contributor} is not a party to agreement {agreementId}",
    "ContributionEmptyBatch": "the batch has no records",
    "ContributionEmptyEvidence": "record {index} has no evidence",
    "ContributionEmptyReason": "a dispute needs a reason",
    "ContributionInvalidAccountable": "record {index}: an AI-assisted or AI-generated record "
    "needs an accountable human party, and a human one none ({accountable} given)",
    "ContributionInvalidOutcome": "{outcome} is not a dispute outcome",
    "ContributionInvalidSignature": "the records signature is not {signer}'s",
    "ContributionInvalidWeight": "record {index} has weight {weight}: use 1 or more",
    "ContributionPeriodCapExceeded": "{contributor} has {used} weight in period {period}; "
    "{weight} more would pass the agreement's cap of {cap} a period",
    "ContributionSelfConfirmation": "the contributor cannot confirm its own record {recordId}",
    "ContributionSignatureExpired": "{signer}'s signature expired at {deadline}: sign again",
    "ContributionUnauthorized": "{caller} may not do this to the record",
    "ContributionUnknownRecord": "no record {recordId} in agreement {agreementId}",
    "ContributionWeightAboveCap": "record {index} has weight {weight}, above the agreement's "
    "cap of {cap} a record",
    "ContributionWrongStatus": "record {recordId} is {status}, not {expected}",
    # -- participants and registry
    "ParticipantAlreadyRegistered": "{account} is already registered",
    "ParticipantEmptyProfileHash": "{account} needs a profile (a non-zero profile hash)",
    "ParticipantNotActive": "participant {account} is {status}, not active",
    "ParticipantNotRegistered": "no participant {account}",
    "ParticipantNotSuspended": "participant {account} is {status}, not suspended",
    "PartyListWriteFailed": "the party list could not be stored",
    "RegistryUnauthorizedBreachRecorder": "{caller} may not record breaches",
    "RegistryZeroAddress": "the zero address cannot be used here",
    # -- proposals and votes
    "ProposalAlreadyAParty": "{account} is already a party to agreement {agreementId}",
    "ProposalAlreadyExecuted": "proposal {proposalId} has already been executed",
    "ProposalCauseNotRejected": "record {recordId} of agreement {agreementId} was not rejected: "
    "a removal for cause needs a rejected record",
    "ProposalEmptyTermsHash": "the amendment needs its terms (a non-zero terms hash)",
    "ProposalInvalidDisputeCall": "the proposal's dispute call is not one the agreement accepts",
    "ProposalJoinerNotAccepted": "{joiner} has not accepted joining (proposal {proposalId})",
    "ProposalModuleMissing": "the park's contract {module} is not set",
    "ProposalNotAParty": "{account} is not a party to agreement {agreementId}",
    "ProposalNotFound": "no proposal {proposalId}",
    "ProposalNotPassed": "proposal {proposalId} did not pass: {forWeight} for, {againstWeight} "
    "against, {abstainWeight} abstaining (quorum {quorumWeight}, consent {consentWeight})",
    "ProposalPartyCountOutOfRange": "an agreement has 2 to 64 parties, not {count}",
    "ProposalPartyNotAccused": "{party} is not the contributor of record {recordId}: a removal "
    "for cause names the accused",
    "ProposalPayloadMismatch": "the proposal's payload differs from proposal {proposalId}'s",
    "ProposalRecordNotDisputed": "record {recordId} of agreement {agreementId} is not disputed",
    "ProposalSharesDoNotSumTo": "the shares add up to {total} bps, not 10,000 (100%)",
    "ProposalSharesLengthMismatch": "{given} shares given where {expected} are needed",
    "ProposalVotingClosed": "voting on proposal {proposalId} closed at {voteEnd}",
    "ProposalVotingOpen": "voting on proposal {proposalId} is open until {voteEnd}",
    "ProposalZeroAddress": "the zero address cannot be a party",
    "ProposalZeroShare": "share {index} is zero",
    "VoteAlreadyCast": "{voter} has already voted on proposal {proposalId}",
    "VoteByAccusedParty": "{voter} is the accused in proposal {proposalId} and cannot vote on it",
    "VoteByRemovedParty": "{voter} is no longer a party and cannot vote on proposal {proposalId}",
    "VoteInvalidSignature": "the vote signature is not {voter}'s",
    "VoteInvalidSupport": "{support} is not a vote: use for, against or abstain",
    "VoteNoSignatures": "no vote signatures were given",
    "VoteSignatureExpired": "{voter}'s signature expired at {deadline}: sign again",
    # -- revenue
    "RevenueAgreementShortfall": "agreement {agreementId} holds only {available} of token "
    "{token} after a loss of that token, less than the {amount} owed; other agreements' "
    "balances are never used",
    "RevenueInflowOverflow": "this would take agreement {agreementId}'s deposits or bonds to "
    "{total}, past the maximum of {max} base units",
    "RevenueTokenDepleted": "the vault holds none of token {token} any more (it lost its whole "
    "value): no deposit or bond is taken in it",
    "RevenueTokenNotAdmitted": "the park has not admitted token {token}, the token of agreement "
    "{agreementId}: an admin admits it with `participants admit-token`",
    "RevenueBondExceedsHeld": "the bond of {amount} wei is more than the {held} wei held for "
    "agreement {agreementId}",
    "RevenueCultureFundNotSet": "the park has no culture-fund address yet",
    "RevenueNothingToAllocate": "agreement {agreementId} has nothing to allocate",
    "RevenueNothingToClaim": "{account} has nothing to claim from agreement {agreementId}",
    "RevenueTransferFailed": "sending {amount} wei to {to} failed",
    "RevenueUnauthorized": "{caller} may not do this to the revenue",
    "RevenueValueMismatch": "{sent} wei were sent where {expected} wei were expected",
    "RevenueWeightOverflow": "the total contribution weight {totalWeight} of agreement "
    "{agreementId} is too large",
    "RevenueWrongToken": "agreement {agreementId} takes {expected}, not {given}",
    "RevenueZeroAmount": "the amount must be more than zero",
    # -- OpenZeppelin
    "AccessControlBadConfirmation": "an account can only renounce its own role",
    "AccessControlEnforcedDefaultAdminDelay": "the admin transfer waits until {schedule}",
    "AccessControlEnforcedDefaultAdminRules": "the admin role changes only by transfer",
    "AccessControlInvalidDefaultAdmin": "{defaultAdmin} cannot become the admin",
    "AccessControlUnauthorizedAccount": "{account} lacks the role this needs ({neededRole})",
    "ECDSAInvalidSignature": "the signature is invalid",
    "ECDSAInvalidSignatureLength": "the signature has {length} bytes, not 65",
    "ECDSAInvalidSignatureS": "the signature is malleable (high s)",
    "InvalidShortString": "the string is too long",
    "MerkleProofInvalidMultiproof": "the Merkle multiproof is invalid",
    "ReentrancyGuardReentrantCall": "re-entrant call refused",
    "SafeCastOverflowedIntDowncast": "{value} does not fit in {bits} bits",
    "SafeCastOverflowedIntToUint": "{value} is negative",
    "SafeCastOverflowedUintDowncast": "{value} does not fit in {bits} bits",
    "SafeCastOverflowedUintToInt": "{value} is too large",
    "SafeERC20FailedDecreaseAllowance": "the allowance of {spender} is {currentAllowance}, "
    "less than {requestedDecrease}",
    "SafeERC20FailedOperation": "the token {token} refused the transfer",
    "StringTooLong": "the string is too long",
    "StringsInsufficientHexLength": "{value} does not fit in {length} hex digits",
    "StringsInvalidAddressFormat": "not an address",
    "StringsInvalidChar": "invalid character",
}


def _word(error: str, name: str, value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    enum = next((e for p, e in _STATUS_ENUMS.items() if error.startswith(p)), None)
    is_status = name in ("status", "ruling") or (
        name == "expected" and error.endswith("WrongStatus")
    )
    if enum is not None and is_status and isinstance(value, int):
        try:
            return enum(value).name.lower()
        except ValueError:
            return value
    return value


def sentence(error: str, arguments: Mapping[str, Any]) -> str | None:
    """The sentence for custom error `error` with its decoded `arguments`, if the table has it,
    followed by the error's name (what a Foundry or Hardhat user searches for)."""
    template = SENTENCES.get(error)
    if template is None:
        return None
    words = {name: _word(error, name, value) for name, value in arguments.items()}
    try:
        return f"{template.format(**words)} ({error})"
    except KeyError:
        # NOTE: a template naming an argument the error no longer has falls back to the
        # error's signature rather than hiding the refusal.
        return None
