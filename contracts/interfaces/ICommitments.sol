// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ICommitments — bonded responsibility commitments
/// @notice A party of an Active agreement commits to a responsibility (description hash, kind,
/// deadline, optional bond in the agreement's token, locked in Revenue). It submits a
/// deliverable hash, which opens a REVIEW_PERIOD: co-parties accept it by the agreement's
/// confirmation rule → Fulfilled and the bond is returned to the committer (claimable in
/// Revenue); a co-party may instead reject it with a reason → Rejected, and the park's arbiter
/// (the registry's ARBITER_ROLE, not a party) rules it Fulfilled or Breached. A deliverable
/// nobody rejected within its review period is accepted: anyone settles it → Fulfilled. Only a
/// commitment without a deliverable can be marked Breached after the deadline plus GRACE_PERIOD;
/// a breach (by that or by an arbiter's ruling) sends the bond to the co-parties by their units
/// and raises the committer's breach count in the registry. Only Governance extends a deadline;
/// nothing withdraws a commitment or its bond before it resolves.
interface ICommitments {
    // -----------------------------------------------------------------------------------
    // Enums and structs
    // -----------------------------------------------------------------------------------

    /// @notice What the committer is responsible for.
    enum CommitmentKind {
        Deliverable,
        QualityStandard,
        DataProtection,
        CulturalHeritageCare,
        Other
    }

    /// @notice A commitment's lifecycle.
    enum CommitmentStatus {
        None,
        Open,
        Submitted,
        Fulfilled,
        Breached,
        /// A co-party rejected the deliverable within its review period; the arbiter rules.
        Rejected
    }

    /// @notice A stored commitment.
    struct Commitment {
        address committer;
        uint64 deadline;
        CommitmentKind kind;
        CommitmentStatus status;
        /// Acceptances of the current deliverable under `version`.
        uint8 acceptances;
        /// The bond actually received, in the agreement's token.
        uint128 bond;
        /// Bitmap of the party indices that accepted the current deliverable under `version`.
        uint64 acceptedBy;
        /// Agreement version the acceptances were collected under.
        uint32 version;
        /// End of the current deliverable's review period (zero until submitted; uint32 holds
        /// Unix times until 2106 and keeps the struct in three slots).
        uint32 reviewEnd;
        /// The current deliverable's hash (zero until submitted).
        bytes32 deliverableHash;
    }

    // -----------------------------------------------------------------------------------
    // Errors
    // -----------------------------------------------------------------------------------

    /// @dev No commitment `commitmentId` in `agreementId`.
    error CommitmentNotFound(bytes32 agreementId, uint256 commitmentId);
    /// @dev The deadline is not in the future.
    error CommitmentDeadlineInPast(uint256 deadline, uint256 nowTs);
    /// @dev The description or deliverable commitment is zero.
    error CommitmentEmptyHash();
    /// @dev ETH was sent although the bond is zero.
    error CommitmentBondMismatch(uint256 bond, uint256 sent);
    /// @dev Only the committer may submit the deliverable.
    error CommitmentNotCommitter(uint256 commitmentId, address caller);
    /// @dev The committer cannot accept its own deliverable.
    error CommitmentSelfAcceptance(uint256 commitmentId, address committer);
    /// @dev The action needs another status.
    error CommitmentWrongStatus(uint256 commitmentId, CommitmentStatus status);
    /// @dev The accepted hash is not the current deliverable.
    error CommitmentDeliverableMismatch(uint256 commitmentId, bytes32 current, bytes32 given);
    /// @dev `party` already accepted the current deliverable.
    error CommitmentAlreadyAccepted(uint256 commitmentId, address party);
    /// @dev The deadline plus grace has passed: the commitment can only be marked Breached.
    error CommitmentPastGrace(uint256 commitmentId, uint256 graceEnd, uint256 nowTs);
    /// @dev Breach before the deadline plus grace.
    error CommitmentNotYetBreachable(uint256 commitmentId, uint256 graceEnd, uint256 nowTs);
    /// @dev An extension must move the deadline later and into the future.
    error CommitmentInvalidExtension(uint256 commitmentId, uint256 deadline, uint256 newDeadline);
    /// @dev Only Governance may extend deadlines.
    error CommitmentUnauthorized(address caller);
    /// @dev A rejection or a ruling must commit to its off-chain reason (non-zero hash).
    error CommitmentEmptyReason(uint256 commitmentId);
    /// @dev The deliverable's review period has ended (`reviewEnd` is its last second).
    error CommitmentReviewEnded(uint256 commitmentId, uint256 reviewEnd, uint256 nowTs);
    /// @dev The deliverable is still under review: it settles only after `reviewEnd`.
    error CommitmentUnderReview(uint256 commitmentId, uint256 reviewEnd, uint256 nowTs);
    /// @dev A submitted deliverable is breached only by an arbiter's ruling, never by
    /// `markBreached`.
    error CommitmentBreachNeedsRuling(uint256 commitmentId, CommitmentStatus status);
    /// @dev Only an account with the registry's ARBITER_ROLE rules on rejected deliverables.
    error CommitmentNotArbiter(address caller);
    /// @dev The arbiter is the committer or a current party of the agreement (its own case).
    error CommitmentArbiterConflict(uint256 commitmentId, address arbiter);
    /// @dev A ruling is Fulfilled or Breached.
    error CommitmentInvalidRuling(uint256 commitmentId, CommitmentStatus ruling);

    // -----------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------

    /// @notice `committer` made commitment `commitmentId`; `bond` is the amount actually locked.
    event CommitmentMade(
        bytes32 indexed agreementId,
        uint256 indexed commitmentId,
        address indexed committer,
        CommitmentKind kind,
        bytes32 descriptionHash,
        uint64 deadline,
        uint256 bond
    );
    /// @notice The committer submitted `deliverableHash` (earlier acceptances are void); co-parties
    /// may reject it until `reviewEnd`, after which it counts as accepted.
    event DeliverableSubmitted(
        bytes32 indexed agreementId,
        uint256 indexed commitmentId,
        address indexed committer,
        bytes32 deliverableHash,
        uint64 reviewEnd
    );
    /// @notice `acceptor` accepted the deliverable; `status` is Fulfilled when the rule was met
    /// (the bond then became claimable by the committer).
    event DeliverableAccepted(
        bytes32 indexed agreementId,
        uint256 indexed commitmentId,
        address indexed acceptor,
        bytes32 deliverableHash,
        uint8 acceptances,
        uint32 version,
        CommitmentStatus status
    );
    /// @notice `caller` marked the commitment Breached; `bondForfeited` went to the co-parties.
    event CommitmentBreached(
        bytes32 indexed agreementId,
        uint256 indexed commitmentId,
        address indexed committer,
        address caller,
        uint256 bondForfeited
    );
    /// @notice `rejector`, a co-party, rejected the deliverable within its review period;
    /// `reasonHash` commits to the off-chain reason. The commitment went to arbitration.
    event DeliverableRejected(
        bytes32 indexed agreementId,
        uint256 indexed commitmentId,
        address indexed rejector,
        bytes32 deliverableHash,
        bytes32 reasonHash
    );
    /// @notice Nobody rejected the deliverable within its review period: `caller` settled the
    /// commitment Fulfilled and `bondReleased` became claimable by the committer.
    event CommitmentSettled(
        bytes32 indexed agreementId,
        uint256 indexed commitmentId,
        address indexed committer,
        address caller,
        bytes32 deliverableHash,
        uint256 bondReleased
    );
    /// @notice `arbiter` ruled on a rejected deliverable: `ruling` is Fulfilled (then
    /// `bondReleased` became claimable by the committer) or Breached (then a
    /// `CommitmentBreached` by the arbiter follows); `rulingHash` commits to the reasoning.
    event CommitmentArbitrated(
        bytes32 indexed agreementId,
        uint256 indexed commitmentId,
        address indexed arbiter,
        CommitmentStatus ruling,
        bytes32 rulingHash,
        uint256 bondReleased
    );
    /// @notice Governance moved the deadline.
    event CommitmentExtended(
        bytes32 indexed agreementId, uint256 indexed commitmentId, uint64 oldDeadline, uint64 newDeadline
    );

    // -----------------------------------------------------------------------------------
    // Functions
    // -----------------------------------------------------------------------------------

    /// @notice The caller, a party and Active participant of an Active agreement, commits to a
    /// responsibility, optionally bonded (ETH as `msg.value == bond`; an ERC-20 approved to Revenue).
    /// @param agreementId The agreement.
    /// @param kind The kind.
    /// @param descriptionHash Commitment to the off-chain description (non-zero).
    /// @param deadline Unix time by which the deliverable must be submitted (future; a grace
    /// period follows).
    /// @param bond The bond (0 for none).
    /// @return commitmentId The new commitment's id (global, from 1).
    function commit(
        bytes32 agreementId,
        CommitmentKind kind,
        bytes32 descriptionHash,
        uint64 deadline,
        uint256 bond
    ) external payable returns (uint256 commitmentId);

    /// @notice The committer submits (or replaces) its deliverable while Open or Submitted, before
    /// deadline + grace; this (re)starts its REVIEW_PERIOD and voids earlier acceptances.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    /// @param deliverableHash Commitment to the deliverable (non-zero).
    function submitDeliverable(bytes32 agreementId, uint256 commitmentId, bytes32 deliverableHash) external;

    /// @notice A co-party accepts the current deliverable while it is Submitted.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    /// @param deliverableHash The deliverable accepted (must be the current one).
    /// @return status The status after this acceptance.
    function acceptDeliverable(bytes32 agreementId, uint256 commitmentId, bytes32 deliverableHash)
        external
        returns (CommitmentStatus status);

    /// @notice A co-party (current party, Active participant, not the committer) rejects the
    /// current deliverable within its review period → Rejected, for the arbiter to rule on.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    /// @param reasonHash Commitment to the off-chain reason (non-zero).
    function rejectDeliverable(bytes32 agreementId, uint256 commitmentId, bytes32 reasonHash) external;

    /// @notice Anyone settles a Submitted commitment whose review period ended without a
    /// rejection → Fulfilled; the bond becomes claimable by the committer.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    function settle(bytes32 agreementId, uint256 commitmentId) external;

    /// @notice Only an arbiter (registry ARBITER_ROLE, neither the committer nor a party) rules
    /// on a Rejected commitment: Fulfilled releases the bond to the committer, Breached forfeits
    /// it to the co-parties and raises the committer's breach count.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    /// @param ruling Fulfilled or Breached.
    /// @param rulingHash Commitment to the off-chain ruling (non-zero).
    function arbitrate(bytes32 agreementId, uint256 commitmentId, CommitmentStatus ruling, bytes32 rulingHash)
        external;

    /// @notice Anyone marks an Open commitment (no deliverable submitted) Breached after
    /// deadline + grace; a submitted one is breached only by an arbiter's ruling.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    function markBreached(bytes32 agreementId, uint256 commitmentId) external;

    /// @notice Only Governance, on an executed ExtendCommitment proposal.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    /// @param newDeadline The new deadline (later than the current one and in the future).
    function extendDeadline(bytes32 agreementId, uint256 commitmentId, uint64 newDeadline) external;

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @notice A commitment.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    /// @return commitment The commitment (status None when unknown).
    function commitmentOf(bytes32 agreementId, uint256 commitmentId)
        external
        view
        returns (Commitment memory commitment);

    /// @notice How many commitments exist (ids run 1..count).
    function commitmentCount() external view returns (uint256);

    /// @notice The grace period after a deadline before a breach can be marked.
    function GRACE_PERIOD() external view returns (uint256);

    /// @notice How long after a submission co-parties may reject the deliverable.
    function REVIEW_PERIOD() external view returns (uint256);
}
