// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ICommitments} from "./interfaces/ICommitments.sol";
import {IAgreements} from "./interfaces/IAgreements.sol";
import {IParkRegistry} from "./interfaces/IParkRegistry.sol";
import {IRevenue} from "./interfaces/IRevenue.sol";
import {CHECK_ACTIVE, CHECK_PARTY, CHECK_PARTICIPANT, CHECK_NOT_NONE} from "./interfaces/ITypes.sol";

/// @title Commitments — bonded responsibility commitments
/// @notice See {ICommitments}. Bonds sit in Revenue; this contract keeps deadlines,
/// deliverables, acceptances, rejections and the arbiter's rulings.
contract Commitments is ICommitments, ReentrancyGuardTransient {
    using SafeCast for uint256;

    // -----------------------------------------------------------------------------------
    // Constants and immutables
    // -----------------------------------------------------------------------------------

    /// @inheritdoc ICommitments
    uint256 public constant GRACE_PERIOD = 3 days;

    /// @inheritdoc ICommitments
    uint256 public constant REVIEW_PERIOD = 7 days;

    /// @dev `IParkRegistry.ARBITER_ROLE`, read without a call.
    bytes32 private constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    /// @notice The ParkRegistry (breach counts, arbiters).
    IParkRegistry public immutable REGISTRY;
    /// @notice The Agreements contract (terms, parties, hash chain).
    IAgreements public immutable AGREEMENTS;
    /// @notice Revenue, which holds the bonds.
    IRevenue public immutable REVENUE;
    /// @notice The only caller of `extendDeadline`.
    address public immutable GOVERNANCE;

    // -----------------------------------------------------------------------------------
    // Storage
    // -----------------------------------------------------------------------------------

    mapping(bytes32 agreementId => mapping(uint256 commitmentId => Commitment)) private _commitments;
    uint256 private _count;

    // -----------------------------------------------------------------------------------
    // Constructor
    // -----------------------------------------------------------------------------------

    /// @param registry The ParkRegistry.
    /// @param agreements The Agreements contract.
    /// @param revenue The Revenue contract.
    /// @param governance The Governance contract.
    constructor(address registry, address agreements, address revenue, address governance) {
        REGISTRY = IParkRegistry(registry);
        AGREEMENTS = IAgreements(agreements);
        REVENUE = IRevenue(revenue);
        GOVERNANCE = governance;
    }

    // -----------------------------------------------------------------------------------
    // External
    // -----------------------------------------------------------------------------------

    /// @inheritdoc ICommitments
    function commit(
        bytes32 agreementId,
        CommitmentKind kind,
        bytes32 descriptionHash,
        uint64 deadline,
        uint256 bond
    ) external payable nonReentrant returns (uint256 commitmentId) {
        if (descriptionHash == bytes32(0)) revert CommitmentEmptyHash();
        if (deadline <= block.timestamp) revert CommitmentDeadlineInPast(deadline, block.timestamp);
        uint256 received;
        if (bond == 0) {
            if (msg.value != 0) revert CommitmentBondMismatch(0, msg.value);
        } else {
            // Revenue checks ETH value against the bond and the token, and pulls ERC-20 bonds.
            received = REVENUE.lockBond{value: msg.value}(agreementId, msg.sender, bond);
        }
        commitmentId = ++_count;
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_ACTIVE | CHECK_PARTY | CHECK_PARTICIPANT,
            CommitmentMade.selector,
            keccak256(abi.encode(commitmentId, msg.sender, kind, descriptionHash, deadline, received))
        );
        Commitment storage c = _commitments[agreementId][commitmentId];
        c.committer = msg.sender;
        c.deadline = deadline;
        c.kind = kind;
        c.status = CommitmentStatus.Open;
        if (received != 0) c.bond = received.toUint128();
        emit CommitmentMade(agreementId, commitmentId, msg.sender, kind, descriptionHash, deadline, received);
    }

    /// @inheritdoc ICommitments
    function submitDeliverable(bytes32 agreementId, uint256 commitmentId, bytes32 deliverableHash) external {
        if (deliverableHash == bytes32(0)) revert CommitmentEmptyHash();
        Commitment storage c = _open(agreementId, commitmentId);
        if (msg.sender != c.committer) revert CommitmentNotCommitter(commitmentId, msg.sender);
        uint32 reviewEnd = (block.timestamp + REVIEW_PERIOD).toUint32();
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE | CHECK_PARTICIPANT,
            DeliverableSubmitted.selector,
            keccak256(abi.encode(commitmentId, msg.sender, deliverableHash, reviewEnd))
        );
        c.status = CommitmentStatus.Submitted;
        c.deliverableHash = deliverableHash;
        c.acceptances = 0;
        c.acceptedBy = 0;
        c.reviewEnd = reviewEnd;
        emit DeliverableSubmitted(agreementId, commitmentId, msg.sender, deliverableHash, reviewEnd);
    }

    /// @inheritdoc ICommitments
    function acceptDeliverable(bytes32 agreementId, uint256 commitmentId, bytes32 deliverableHash)
        external
        nonReentrant
        returns (CommitmentStatus status)
    {
        Commitment storage c = _inStatus(agreementId, commitmentId, CommitmentStatus.Submitted);
        if (msg.sender == c.committer) revert CommitmentSelfAcceptance(commitmentId, msg.sender);
        if (deliverableHash != c.deliverableHash) {
            revert CommitmentDeliverableMismatch(commitmentId, c.deliverableHash, deliverableHash);
        }
        uint8 acceptances;
        uint64 acceptedBy;
        uint32 version;
        (acceptances, acceptedBy, version, status) = _tally(agreementId, c);
        uint8 index = _journalAcceptance(agreementId, commitmentId, deliverableHash, acceptances, version, status);
        uint64 bit = uint64(1) << index;
        if (acceptedBy & bit != 0) revert CommitmentAlreadyAccepted(commitmentId, msg.sender);
        c.acceptedBy = acceptedBy | bit;
        c.acceptances = acceptances;
        c.version = version;
        c.status = status;
        emit DeliverableAccepted(agreementId, commitmentId, msg.sender, deliverableHash, acceptances, version, status);
        uint256 bond = c.bond;
        if (status == CommitmentStatus.Fulfilled && bond != 0) REVENUE.releaseBond(agreementId, c.committer, bond);
    }

    /// @inheritdoc ICommitments
    function rejectDeliverable(bytes32 agreementId, uint256 commitmentId, bytes32 reasonHash) external {
        if (reasonHash == bytes32(0)) revert CommitmentEmptyReason(commitmentId);
        Commitment storage c = _inStatus(agreementId, commitmentId, CommitmentStatus.Submitted);
        if (msg.sender == c.committer) revert CommitmentSelfAcceptance(commitmentId, msg.sender);
        uint256 reviewEnd = c.reviewEnd;
        if (block.timestamp > reviewEnd) revert CommitmentReviewEnded(commitmentId, reviewEnd, block.timestamp);
        bytes32 deliverableHash = c.deliverableHash;
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE | CHECK_PARTY | CHECK_PARTICIPANT,
            DeliverableRejected.selector,
            keccak256(abi.encode(commitmentId, msg.sender, deliverableHash, reasonHash))
        );
        c.status = CommitmentStatus.Rejected;
        emit DeliverableRejected(agreementId, commitmentId, msg.sender, deliverableHash, reasonHash);
    }

    /// @inheritdoc ICommitments
    function settle(bytes32 agreementId, uint256 commitmentId) external nonReentrant {
        Commitment storage c = _inStatus(agreementId, commitmentId, CommitmentStatus.Submitted);
        uint256 reviewEnd = c.reviewEnd;
        if (block.timestamp <= reviewEnd) revert CommitmentUnderReview(commitmentId, reviewEnd, block.timestamp);
        address committer = c.committer;
        bytes32 deliverableHash = c.deliverableHash;
        uint256 bond = c.bond;
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE,
            CommitmentSettled.selector,
            keccak256(abi.encode(commitmentId, committer, msg.sender, deliverableHash, bond))
        );
        c.status = CommitmentStatus.Fulfilled;
        emit CommitmentSettled(agreementId, commitmentId, committer, msg.sender, deliverableHash, bond);
        if (bond != 0) REVENUE.releaseBond(agreementId, committer, bond);
    }

    /// @inheritdoc ICommitments
    function arbitrate(bytes32 agreementId, uint256 commitmentId, CommitmentStatus ruling, bytes32 rulingHash)
        external
        nonReentrant
    {
        if (!IAccessControl(address(REGISTRY)).hasRole(ARBITER_ROLE, msg.sender)) {
            revert CommitmentNotArbiter(msg.sender);
        }
        Commitment storage c = _inStatus(agreementId, commitmentId, CommitmentStatus.Rejected);
        if (ruling != CommitmentStatus.Fulfilled && ruling != CommitmentStatus.Breached) {
            revert CommitmentInvalidRuling(commitmentId, ruling);
        }
        if (rulingHash == bytes32(0)) revert CommitmentEmptyReason(commitmentId);
        address committer = c.committer;
        (bool isParty,,) = AGREEMENTS.partyOf(agreementId, msg.sender);
        if (isParty || msg.sender == committer) revert CommitmentArbiterConflict(commitmentId, msg.sender);
        uint256 released = ruling == CommitmentStatus.Fulfilled ? c.bond : 0;
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE,
            CommitmentArbitrated.selector,
            keccak256(abi.encode(commitmentId, msg.sender, ruling, rulingHash, released))
        );
        if (ruling == CommitmentStatus.Fulfilled) c.status = CommitmentStatus.Fulfilled;
        emit CommitmentArbitrated(agreementId, commitmentId, msg.sender, ruling, rulingHash, released);
        if (ruling == CommitmentStatus.Breached) {
            // NOTE: the ruling's effect is the breach itself, journaled and emitted as markBreached's
            // (the same bond forfeit and breach count), so readers of breaches need no second path.
            _breach(agreementId, commitmentId, c);
        } else if (released != 0) {
            REVENUE.releaseBond(agreementId, committer, released);
        }
    }

    /// @inheritdoc ICommitments
    function markBreached(bytes32 agreementId, uint256 commitmentId) external nonReentrant {
        Commitment storage c = _commitments[agreementId][commitmentId];
        CommitmentStatus current = c.status;
        if (current == CommitmentStatus.None) revert CommitmentNotFound(agreementId, commitmentId);
        if (current == CommitmentStatus.Submitted || current == CommitmentStatus.Rejected) {
            revert CommitmentBreachNeedsRuling(commitmentId, current);
        }
        if (current != CommitmentStatus.Open) revert CommitmentWrongStatus(commitmentId, current);
        uint256 graceEnd = uint256(c.deadline) + GRACE_PERIOD;
        if (block.timestamp <= graceEnd) revert CommitmentNotYetBreachable(commitmentId, graceEnd, block.timestamp);
        _breach(agreementId, commitmentId, c);
    }

    /// @inheritdoc ICommitments
    function extendDeadline(bytes32 agreementId, uint256 commitmentId, uint64 newDeadline) external {
        if (msg.sender != GOVERNANCE) revert CommitmentUnauthorized(msg.sender);
        Commitment storage c = _commitments[agreementId][commitmentId];
        CommitmentStatus current = c.status;
        if (current == CommitmentStatus.None) revert CommitmentNotFound(agreementId, commitmentId);
        if (current != CommitmentStatus.Open && current != CommitmentStatus.Submitted) {
            revert CommitmentWrongStatus(commitmentId, current);
        }
        uint64 old = c.deadline;
        if (newDeadline <= old || newDeadline <= block.timestamp) {
            revert CommitmentInvalidExtension(commitmentId, old, newDeadline);
        }
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE,
            CommitmentExtended.selector,
            keccak256(abi.encode(commitmentId, old, newDeadline))
        );
        c.deadline = newDeadline;
        emit CommitmentExtended(agreementId, commitmentId, old, newDeadline);
    }

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @inheritdoc ICommitments
    function commitmentOf(bytes32 agreementId, uint256 commitmentId)
        external
        view
        returns (Commitment memory commitment)
    {
        commitment = _commitments[agreementId][commitmentId];
    }

    /// @inheritdoc ICommitments
    function commitmentCount() external view returns (uint256) {
        return _count;
    }

    // -----------------------------------------------------------------------------------
    // Internal
    // -----------------------------------------------------------------------------------

    /// @dev An unresolved commitment still inside its deadline plus grace.
    function _open(bytes32 agreementId, uint256 commitmentId) private view returns (Commitment storage c) {
        c = _commitments[agreementId][commitmentId];
        CommitmentStatus current = c.status;
        if (current == CommitmentStatus.None) revert CommitmentNotFound(agreementId, commitmentId);
        if (current != CommitmentStatus.Open && current != CommitmentStatus.Submitted) {
            revert CommitmentWrongStatus(commitmentId, current);
        }
        uint256 graceEnd = uint256(c.deadline) + GRACE_PERIOD;
        if (block.timestamp > graceEnd) revert CommitmentPastGrace(commitmentId, graceEnd, block.timestamp);
    }

    /// @dev A commitment in status `expected` (Submitted: its deliverable awaits acceptance,
    /// rejection or settlement; Rejected: it awaits the arbiter's ruling).
    function _inStatus(bytes32 agreementId, uint256 commitmentId, CommitmentStatus expected)
        private
        view
        returns (Commitment storage c)
    {
        c = _commitments[agreementId][commitmentId];
        CommitmentStatus current = c.status;
        if (current == CommitmentStatus.None) revert CommitmentNotFound(agreementId, commitmentId);
        if (current != expected) revert CommitmentWrongStatus(commitmentId, current);
    }

    /// @dev Breaches `c` (checked by the caller): journals and emits `CommitmentBreached` with the
    /// caller, forfeits the bond to the co-parties and raises the committer's breach count.
    function _breach(bytes32 agreementId, uint256 commitmentId, Commitment storage c) private {
        address committer = c.committer;
        uint256 bond = c.bond;
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE,
            CommitmentBreached.selector,
            keccak256(abi.encode(commitmentId, committer, msg.sender, bond))
        );
        c.status = CommitmentStatus.Breached;
        emit CommitmentBreached(agreementId, commitmentId, committer, msg.sender, bond);
        if (bond != 0) REVENUE.forfeitBond(agreementId, committer, bond);
        REGISTRY.recordBreach(committer);
    }

    /// @dev The acceptance count and bitmap including the caller's acceptance-to-be, reset when
    /// the agreement's version changed since they were collected, and the confirmation rule.
    function _tally(bytes32 agreementId, Commitment storage c)
        private
        view
        returns (uint8 acceptances, uint64 acceptedBy, uint32 version, CommitmentStatus status)
    {
        uint8 required;
        (,,, required, version) = AGREEMENTS.rulesOf(agreementId);
        if (c.version == version) {
            acceptances = c.acceptances;
            acceptedBy = c.acceptedBy;
        }
        // NOTE: otherwise acceptances start over: they never carry over to a new agreement
        // version (party indices may have changed with it).
        unchecked {
            // At most MAX_PARTIES (64) distinct bits can be set, so the count stays below 2^8.
            acceptances += 1;
        }
        status = acceptances >= required ? CommitmentStatus.Fulfilled : CommitmentStatus.Submitted;
    }

    /// @dev Journals the caller's acceptance (docs/hash-chain.md); returns its party index.
    function _journalAcceptance(
        bytes32 agreementId,
        uint256 commitmentId,
        bytes32 deliverableHash,
        uint8 acceptances,
        uint32 version,
        CommitmentStatus status
    ) private returns (uint8 index) {
        (index,) = AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE | CHECK_PARTY | CHECK_PARTICIPANT,
            DeliverableAccepted.selector,
            keccak256(abi.encode(commitmentId, msg.sender, deliverableHash, acceptances, version, status))
        );
    }
}
