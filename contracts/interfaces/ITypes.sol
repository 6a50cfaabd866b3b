// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Park Ledger shared types
/// @notice Enums, structs and constants shared by every contract of the suite and by the
/// module interface (docs/module-interface.md). Names here are binding.

// ---------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------

/// @dev Basis points in one whole (shares, thresholds and quorums are expressed in bps).
uint256 constant BPS = 10_000;

/// @dev Maximum number of parties of one agreement: a party index fits a `uint8` and a
/// per-party bitmap (confirmers, voters) fits a `uint64`.
uint256 constant MAX_PARTIES = 64;

/// @dev Minimum number of parties of one agreement.
uint256 constant MIN_PARTIES = 2;

// Checks bits for `IAgreements.journal` / `IAgreements.journalSigned`.

/// @dev The agreement must be Active.
uint256 constant CHECK_ACTIVE = 1;
/// @dev The actor must be a current party of the agreement.
uint256 constant CHECK_PARTY = 2;
/// @dev The actor must be an Active participant in the registry.
uint256 constant CHECK_PARTICIPANT = 4;
/// @dev The agreement must exist (any status but None) — e.g. claims after close.
uint256 constant CHECK_NOT_NONE = 8;
/// @dev The agreement's current version must equal `uint32(checks >> CHECK_VERSION_SHIFT)`;
/// used by Governance so that votes and executions never carry over to a new version.
uint256 constant CHECK_VERSION = 16;
/// @dev Bit offset of the expected version inside `checks` when `CHECK_VERSION` is set.
uint256 constant CHECK_VERSION_SHIFT = 32;

// ---------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------

/// @notice Lifecycle of an agreement. `Expired` is derived: a `Proposed` agreement whose
/// consent deadline has passed reads as `Expired` (and may be marked so on chain).
enum AgreementStatus {
    None,
    Proposed,
    Active,
    Closed,
    Expired
}

/// @notice How revenue is split among the parties (the weighting itself lives in Revenue).
enum RevenueMode {
    FixedShares,
    ContributionWeighted
}

/// @notice How the parties' votes are weighted in Governance.
enum VotingMode {
    OnePartyOneVote,
    ShareWeighted
}

/// @notice The kinds of park participants.
enum ParticipantKind {
    Firm,
    DesignStudio,
    University,
    ResearchInstitute,
    GovernmentOffice,
    Intermediary,
    IndividualCreator
}

/// @notice Registry status of a participant.
enum ParticipantStatus {
    None,
    Active,
    Suspended
}

/// @notice The kinds of governance proposals.
enum ProposalKind {
    Amend,
    AddParty,
    RemoveParty,
    ResolveDispute,
    ExtendCommitment,
    Terminate
}

/// @notice The derived status of a governance proposal.
enum ProposalStatus {
    None,
    Voting,
    Passed,
    Rejected,
    Executed,
    Stale
}

/// @notice A vote's direction (OpenZeppelin Governor convention).
enum VoteSupport {
    Against,
    For,
    Abstain
}

// ---------------------------------------------------------------------------------------
// Structs
// ---------------------------------------------------------------------------------------

/// @notice A registered participant as stored by the registry.
struct Participant {
    ParticipantKind kind;
    ParticipantStatus status;
    uint40 registeredAt;
    uint40 updatedAt;
    uint32 breachCount;
    bytes32 profileHash;
}

/// @notice Everything a proposer fixes for an agreement. `paramsHash = keccak256(abi.encode(params))`
/// is what every party consents to (see docs/eip712.md).
struct AgreementParams {
    /// Parties, 2..64, each an Active participant, no duplicates, no zero address.
    address[] parties;
    /// One share per party in bps, each > 0, summing to exactly 10,000. In FixedShares mode they
    /// split revenue; in ContributionWeighted mode they only weight share-weighted votes and the
    /// split of a breached bond.
    uint16[] sharesBps;
    RevenueMode revenueMode;
    /// Share of every deposit set aside for the park culture fund, 0..MAX_FUND_SHARE_BPS.
    uint16 fundShareBps;
    /// Commitment to the off-chain terms document (non-zero).
    bytes32 termsHash;
    /// Revenue token; address(0) is ETH, otherwise a contract.
    address token;
    /// Consent rule for later changes: share of the voting weight that must vote For a
    /// structural proposal (amend, add/remove party, terminate); 10,000 = unanimous.
    uint16 consentThresholdBps;
    /// Co-parties that must confirm a contribution, 1..parties.length-1.
    uint8 confirmationsRequired;
    VotingMode votingMode;
    /// Governance voting period in seconds.
    uint32 votingPeriod;
    /// Governance quorum: share of the voting weight that must vote (for + against + abstain).
    uint16 quorumBps;
    /// Unix time after which an agreement that is not fully signed expires.
    uint40 consentDeadline;
    /// Seconds a confirmed contribution stays open to a dispute by any co-party before its
    /// weight counts (MIN_CHALLENGE_WINDOW..MAX_CHALLENGE_WINDOW; see docs/contributions.md).
    uint32 challengeWindow;
    /// Largest weight one record may carry; 0 = no cap below `IContributions.MAX_WEIGHT`.
    uint64 maxRecordWeight;
    /// Largest weight one contributor may record per `capPeriod`; 0 = no per-period cap.
    uint64 maxPeriodWeight;
    /// Length in seconds of a per-period cap window (fixed windows from Unix time 0);
    /// MIN_CAP_PERIOD..MAX_CAP_PERIOD when `maxPeriodWeight` is set, 0 otherwise.
    uint32 capPeriod;
}

/// @notice The contribution rules of an agreement (`IAgreements.contributionRulesOf`).
struct ContributionRules {
    uint32 challengeWindow;
    uint64 maxRecordWeight;
    uint64 maxPeriodWeight;
    uint32 capPeriod;
}

/// @notice The readable state of an agreement's current version (`IAgreements.termsOf`).
struct AgreementTerms {
    address token;
    RevenueMode revenueMode;
    uint16 fundShareBps;
    uint8 confirmationsRequired;
    uint16 consentThresholdBps;
    uint8 partyCount;
    uint32 version;
    bytes32 termsHash;
    VotingMode votingMode;
    uint32 votingPeriod;
    uint16 quorumBps;
    AgreementStatus status;
    uint40 consentDeadline;
    uint8 consentCount;
    bytes32 paramsHash;
}

/// @notice One relayed EIP-712 consent (see docs/eip712.md, type `Consent`).
struct ConsentSignature {
    address signer;
    uint256 nonce;
    uint256 deadline;
    /// 65-byte (r, s, v) ECDSA signature, or any bytes an ERC-1271 signer accepts.
    bytes signature;
}

/// @notice One relayed EIP-712 vote (see docs/eip712.md, type `Vote`).
struct VoteSignature {
    address voter;
    /// A `VoteSupport` value (0 Against, 1 For, 2 Abstain), as in the signed `Vote`.
    uint8 support;
    uint256 nonce;
    uint256 deadline;
    bytes signature;
}

/// @notice The latest audit attestation of an agreement.
struct AuditAttestation {
    address auditor;
    uint64 blockNumber;
    uint40 attestedAt;
    bytes32 auditedHead;
    bytes32 reportHash;
}
