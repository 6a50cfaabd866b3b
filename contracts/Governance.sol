// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IGovernance} from "./interfaces/IGovernance.sol";
import {IAgreements} from "./interfaces/IAgreements.sol";
import {IContributions} from "./interfaces/IContributions.sol";
import {ICommitmentsHooks, RESOLVE_DISPUTE_SELECTOR} from "./interfaces/IModuleHooks.sol";
import {
    AgreementStatus,
    AgreementTerms,
    ProposalKind,
    ProposalStatus,
    VotingMode,
    VoteSupport,
    VoteSignature,
    BPS,
    MAX_PARTIES,
    MIN_PARTIES,
    CHECK_ACTIVE,
    CHECK_PARTY,
    CHECK_PARTICIPANT,
    CHECK_VERSION,
    CHECK_VERSION_SHIFT
} from "./interfaces/ITypes.sol";
import {SignatureVerifier} from "./libraries/SignatureVerifier.sol";

/// @title Governance — proposals and votes among the parties of one agreement
/// @notice See {IGovernance}.
contract Governance is IGovernance, EIP712 {
    // -----------------------------------------------------------------------------------
    // Structs
    // -----------------------------------------------------------------------------------

    /// @dev One proposal. The payload itself lives in the `ProposalCreated` event; storage keeps
    /// its hash. Slot 2 holds everything a vote reads and writes.
    struct Proposal {
        // slot 0
        bytes32 agreementId;
        // slot 1
        bytes32 payloadHash;
        // slot 2
        ProposalKind kind;
        bool executed;
        uint8 joinerAnswer;
        VotingMode votingMode;
        uint8 partyCount;
        uint32 baseVersion;
        uint40 voteEnd;
        uint64 votedMask;
        uint16 forWeight;
        uint16 againstWeight;
        uint16 abstainWeight;
        uint16 quorumWeight;
        uint16 consentWeight;
        // slot 3 (AddParty and RemoveParty: the target; ResolveDispute and for-cause removal:
        // the accused parties, who do not vote)
        address target;
        uint64 excludedMask;
    }

    // -----------------------------------------------------------------------------------
    // Constants and immutables
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IGovernance
    bytes32 public constant VOTE_TYPEHASH =
        keccak256("Vote(bytes32 agreementId,uint256 proposalId,uint8 support,uint256 nonce,uint256 deadline)");

    /// @dev `joinerAnswer` values.
    uint8 private constant JOINER_ACCEPTED = 1;
    uint8 private constant JOINER_DECLINED = 2;

    /// @dev The empty signature of a direct vote.
    bytes private constant NO_SIGNATURE = "";

    /// @inheritdoc IGovernance
    address public immutable AGREEMENTS;
    /// @inheritdoc IGovernance
    address public immutable CONTRIBUTIONS;
    /// @inheritdoc IGovernance
    address public immutable COMMITMENTS;

    // -----------------------------------------------------------------------------------
    // Storage
    // -----------------------------------------------------------------------------------

    /// @dev The number of proposals; the last proposal's id.
    uint256 private _proposalCount;

    /// @dev Proposals by id.
    mapping(uint256 proposalId => Proposal) private _proposals;

    // -----------------------------------------------------------------------------------
    // Constructor
    // -----------------------------------------------------------------------------------

    /// @param agreements The Agreements contract.
    /// @param contributions The Contributions module.
    /// @param commitments The Commitments module.
    constructor(address agreements, address contributions, address commitments)
        EIP712("Park Ledger Governance", "1")
    {
        AGREEMENTS = agreements;
        CONTRIBUTIONS = contributions;
        COMMITMENTS = commitments;
    }

    // -----------------------------------------------------------------------------------
    // Proposals
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IGovernance
    function proposeAmend(bytes32 agreementId, bytes32 termsHash, uint16[] calldata sharesBps)
        external
        returns (uint256 proposalId)
    {
        AgreementTerms memory terms = IAgreements(AGREEMENTS).termsOf(agreementId);
        if (termsHash == bytes32(0)) revert ProposalEmptyTermsHash();
        _checkShares(sharesBps, terms.partyCount);
        proposalId = _propose(agreementId, terms, ProposalKind.Amend, abi.encode(termsHash, sharesBps));
    }

    /// @inheritdoc IGovernance
    function proposeAddParty(bytes32 agreementId, address party, uint16[] calldata sharesBps)
        external
        returns (uint256 proposalId)
    {
        AgreementTerms memory terms = IAgreements(AGREEMENTS).termsOf(agreementId);
        if (party == address(0)) revert ProposalZeroAddress();
        (bool isParty,,) = IAgreements(AGREEMENTS).partyOf(agreementId, party);
        if (isParty) revert ProposalAlreadyAParty(agreementId, party);
        uint256 count = uint256(terms.partyCount) + 1;
        if (count > MAX_PARTIES) revert ProposalPartyCountOutOfRange(count);
        _checkShares(sharesBps, count);
        proposalId = _propose(agreementId, terms, ProposalKind.AddParty, abi.encode(party, sharesBps));
        _proposals[proposalId].target = party;
    }

    /// @inheritdoc IGovernance
    function proposeRemoveParty(bytes32 agreementId, address party, uint16[] calldata sharesBps)
        external
        returns (uint256 proposalId)
    {
        AgreementTerms memory terms = IAgreements(AGREEMENTS).termsOf(agreementId);
        (bool isParty, uint8 index, uint16 share) = IAgreements(AGREEMENTS).partyOf(agreementId, party);
        if (!isParty) revert ProposalNotAParty(agreementId, party);
        // A party exists, so partyCount >= 2 and the subtraction cannot underflow.
        uint256 count = uint256(terms.partyCount) - 1;
        if (count < MIN_PARTIES) revert ProposalPartyCountOutOfRange(count);
        _checkShares(sharesBps, count);
        proposalId = _propose(agreementId, terms, ProposalKind.RemoveParty, abi.encode(party, sharesBps));
        Proposal storage p = _proposals[proposalId];
        p.target = party;
        // The leaving party is not eligible: it counts as having voted, with no weight, and its
        // weight leaves the total the quorum and consent weights are computed from.
        p.votedMask = uint64(1) << index;
        uint256 total = _totalWeight(terms) - (terms.votingMode == VotingMode.ShareWeighted ? share : 1);
        _setRequiredWeights(p, terms, total);
    }

    /// @inheritdoc IGovernance
    function proposeRemoveForCause(bytes32 agreementId, address party, uint16[] calldata sharesBps, bytes32 recordId)
        external
        returns (uint256 proposalId)
    {
        AgreementTerms memory terms = IAgreements(AGREEMENTS).termsOf(agreementId);
        (bool isParty, uint8 index,) = IAgreements(AGREEMENTS).partyOf(agreementId, party);
        if (!isParty) revert ProposalNotAParty(agreementId, party);
        uint256 count = uint256(terms.partyCount) - 1;
        if (count < MIN_PARTIES) revert ProposalPartyCountOutOfRange(count);
        _checkShares(sharesBps, count);
        IContributions.RecordState memory s = IContributions(CONTRIBUTIONS).recordStateOf(agreementId, recordId);
        if (s.status != IContributions.ContributionStatus.Rejected) revert ProposalCauseNotRejected(agreementId, recordId);
        // NOTE: the confirmers' bitmap is keyed by party index, valid only under the version
        // the confirmations were collected at.
        uint64 accused = (s.version == terms.version ? s.confirmers : 0) | _indexBit(agreementId, s.contributor);
        uint64 bit = uint64(1) << index;
        if (accused & bit == 0) revert ProposalPartyNotAccused(agreementId, recordId, party);
        proposalId = _propose(agreementId, terms, ProposalKind.RemoveParty, abi.encode(party, sharesBps));
        Proposal storage p = _proposals[proposalId];
        p.target = party;
        _exclude(p, terms, proposalId, recordId, accused);
    }

    /// @inheritdoc IGovernance
    function proposeResolveDispute(bytes32 agreementId, bytes calldata disputeCall)
        external
        returns (uint256 proposalId)
    {
        AgreementTerms memory terms = IAgreements(AGREEMENTS).termsOf(agreementId);
        bytes4 selector;
        bytes32 firstArgument;
        if (disputeCall.length >= 68) {
            selector = bytes4(disputeCall[:4]);
            firstArgument = bytes32(disputeCall[4:36]);
        }
        if (selector != RESOLVE_DISPUTE_SELECTOR || firstArgument != agreementId) {
            revert ProposalInvalidDisputeCall(selector, firstArgument);
        }
        bytes32 recordId = bytes32(disputeCall[36:68]);
        IContributions.RecordState memory s = IContributions(CONTRIBUTIONS).recordStateOf(agreementId, recordId);
        if (s.status != IContributions.ContributionStatus.Disputed) {
            revert ProposalRecordNotDisputed(agreementId, recordId);
        }
        proposalId = _propose(agreementId, terms, ProposalKind.ResolveDispute, disputeCall);
        // The contributor does not judge its own record.
        _exclude(_proposals[proposalId], terms, proposalId, recordId, _indexBit(agreementId, s.contributor));
    }

    /// @inheritdoc IGovernance
    function proposeExtendCommitment(bytes32 agreementId, uint256 commitmentId, uint64 newDeadline)
        external
        returns (uint256 proposalId)
    {
        AgreementTerms memory terms = IAgreements(AGREEMENTS).termsOf(agreementId);
        proposalId = _propose(
            agreementId, terms, ProposalKind.ExtendCommitment, abi.encode(commitmentId, newDeadline)
        );
    }

    /// @inheritdoc IGovernance
    function proposeTerminate(bytes32 agreementId) external returns (uint256 proposalId) {
        AgreementTerms memory terms = IAgreements(AGREEMENTS).termsOf(agreementId);
        proposalId = _propose(agreementId, terms, ProposalKind.Terminate, "");
    }

    // -----------------------------------------------------------------------------------
    // Votes and execution
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IGovernance
    function vote(uint256 proposalId, uint8 support) external {
        Proposal storage p = _openProposal(proposalId, support);
        bytes32 agreementId = p.agreementId;
        (bool isJoiner, uint256 checks) = _voteChecks(p, msg.sender);
        (uint8 index, uint16 share) = IAgreements(AGREEMENTS).journal(
            agreementId,
            msg.sender,
            checks,
            VoteCast.selector,
            keccak256(abi.encode(proposalId, msg.sender, support, 0, 0, NO_SIGNATURE))
        );
        uint16 weight = _tally(p, proposalId, msg.sender, support, isJoiner, index, share);
        emit VoteCast(agreementId, proposalId, msg.sender, support, weight, 0, 0, NO_SIGNATURE);
    }

    /// @inheritdoc IGovernance
    function voteBySignatures(uint256 proposalId, VoteSignature[] calldata votes) external {
        uint256 count = votes.length;
        if (count == 0) revert VoteNoSignatures();
        bool applied;
        for (uint256 i; i < count; ++i) {
            if (_voteBySignature(proposalId, votes[i])) applied = true;
        }
        if (!applied) revert VoteAlreadyCast(proposalId, votes[0].voter);
    }

    /// @inheritdoc IGovernance
    function execute(uint256 proposalId, bytes calldata payload) external {
        Proposal storage p = _proposals[proposalId];
        bytes32 agreementId = p.agreementId;
        if (agreementId == bytes32(0)) revert ProposalNotFound(proposalId);
        if (p.executed) revert ProposalAlreadyExecuted(proposalId);
        bytes32 payloadHash = keccak256(payload);
        if (payloadHash != p.payloadHash) revert ProposalPayloadMismatch(proposalId, p.payloadHash, payloadHash);
        if (block.timestamp <= p.voteEnd && !_everyoneVoted(p)) revert ProposalVotingOpen(proposalId, p.voteEnd);
        if (!_passed(p)) {
            revert ProposalNotPassed(
                proposalId, p.forWeight, p.againstWeight, p.abstainWeight, p.quorumWeight, p.consentWeight
            );
        }
        ProposalKind kind = p.kind;
        if (kind == ProposalKind.AddParty && p.joinerAnswer != JOINER_ACCEPTED) {
            revert ProposalJoinerNotAccepted(proposalId, p.target);
        }

        p.executed = true;
        IAgreements(AGREEMENTS).journal(
            agreementId,
            msg.sender,
            CHECK_ACTIVE | CHECK_VERSION | (uint256(p.baseVersion) << CHECK_VERSION_SHIFT),
            ProposalExecuted.selector,
            keccak256(abi.encode(proposalId, msg.sender))
        );
        emit ProposalExecuted(agreementId, proposalId, msg.sender);
        _apply(agreementId, kind, payload);
    }

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IGovernance
    function proposalOf(uint256 proposalId) external view returns (ProposalView memory proposal) {
        Proposal storage p = _proposals[proposalId];
        proposal.agreementId = p.agreementId;
        proposal.kind = p.kind;
        proposal.status = _statusOf(p);
        proposal.baseVersion = p.baseVersion;
        proposal.voteEnd = p.voteEnd;
        proposal.votingMode = p.votingMode;
        proposal.partyCount = p.partyCount;
        proposal.votedMask = p.votedMask;
        proposal.forWeight = p.forWeight;
        proposal.againstWeight = p.againstWeight;
        proposal.abstainWeight = p.abstainWeight;
        proposal.quorumWeight = p.quorumWeight;
        proposal.consentWeight = p.consentWeight;
        proposal.target = p.target;
        proposal.joinerAnswer = p.joinerAnswer;
        proposal.payloadHash = p.payloadHash;
    }

    /// @inheritdoc IGovernance
    function statusOf(uint256 proposalId) external view returns (ProposalStatus status) {
        return _statusOf(_proposals[proposalId]);
    }

    /// @inheritdoc IGovernance
    function proposalCount() external view returns (uint256 count) {
        return _proposalCount;
    }

    /// @inheritdoc IGovernance
    function voteDigest(bytes32 agreementId, uint256 proposalId, uint8 support, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32 digest)
    {
        return _voteDigest(agreementId, proposalId, support, nonce, deadline);
    }

    // -----------------------------------------------------------------------------------
    // Internal
    // -----------------------------------------------------------------------------------

    /// @dev Journals and stores a new proposal; the caller must be an active party of the
    /// Active agreement (checked by `journal`).
    function _propose(bytes32 agreementId, AgreementTerms memory terms, ProposalKind kind, bytes memory payload)
        private
        returns (uint256 proposalId)
    {
        proposalId = _proposalCount + 1;
        uint32 baseVersion = terms.version;
        // votingPeriod <= 180 days (Agreements' rule): no overflow of uint40 before year 36,000.
        uint40 voteEnd = uint40(block.timestamp + terms.votingPeriod);
        IAgreements(AGREEMENTS).journal(
            agreementId,
            msg.sender,
            CHECK_ACTIVE | CHECK_PARTY | CHECK_PARTICIPANT,
            ProposalCreated.selector,
            keccak256(abi.encode(proposalId, msg.sender, kind, baseVersion, voteEnd, payload))
        );

        _proposalCount = proposalId;
        Proposal storage p = _proposals[proposalId];
        p.agreementId = agreementId;
        p.payloadHash = keccak256(payload);
        p.kind = kind;
        p.votingMode = terms.votingMode;
        p.partyCount = terms.partyCount;
        p.baseVersion = baseVersion;
        p.voteEnd = voteEnd;
        _setRequiredWeights(p, terms, _totalWeight(terms));
        emit ProposalCreated(agreementId, proposalId, msg.sender, kind, baseVersion, voteEnd, payload);
    }

    /// @dev Verifies and records one relayed vote.
    function _voteBySignature(uint256 proposalId, VoteSignature calldata v) private returns (bool applied) {
        Proposal storage p = _openProposal(proposalId, v.support);
        // NOTE: a vote already cast (directly by the voter, or by a front-runner submitting this
        // signature first) is skipped, so a relayer's batch is never blocked.
        if (_hasVoted(p, v.voter)) return false;
        (bool isJoiner, uint8 index, uint16 share) = _journalSignedVote(p, proposalId, v);
        uint16 weight = _tally(p, proposalId, v.voter, v.support, isJoiner, index, share);
        emit VoteCast(p.agreementId, proposalId, v.voter, v.support, weight, v.nonce, v.deadline, v.signature);
        return true;
    }

    /// @dev Whether `voter` already voted on `p` (the joiner: already answered). A RemoveParty
    /// target or an accused party is never "voted" here, so its relayed vote still meets
    /// `VoteByRemovedParty` / `VoteByAccusedParty`.
    function _hasVoted(Proposal storage p, address voter) private view returns (bool) {
        if (p.kind == ProposalKind.AddParty && voter == p.target) return p.joinerAnswer != 0;
        if (p.kind == ProposalKind.RemoveParty && voter == p.target) return false;
        (bool isParty, uint8 index,) = IAgreements(AGREEMENTS).partyOf(p.agreementId, voter);
        uint64 bit = uint64(1) << index;
        return isParty && p.excludedMask & bit == 0 && p.votedMask & bit != 0;
    }

    /// @dev Checks the deadline and signature of a relayed vote, then journals it (which
    /// consumes the voter's nonce).
    function _journalSignedVote(Proposal storage p, uint256 proposalId, VoteSignature calldata v)
        private
        returns (bool isJoiner, uint8 index, uint16 share)
    {
        bytes32 agreementId = p.agreementId;
        if (block.timestamp > v.deadline) revert VoteSignatureExpired(v.voter, v.deadline);
        if (!SignatureVerifier.isValid(
                v.voter, _voteDigest(agreementId, proposalId, v.support, v.nonce, v.deadline), v.signature
            )) revert VoteInvalidSignature(v.voter);
        uint256 checks;
        (isJoiner, checks) = _voteChecks(p, v.voter);
        (index, share) = IAgreements(AGREEMENTS).journalSigned(
            agreementId, v.voter, v.nonce, checks, VoteCast.selector, _signedVoteDataHash(proposalId, v)
        );
    }

    /// @dev The action data hash of a relayed vote (docs/hash-chain.md, VoteCast).
    function _signedVoteDataHash(uint256 proposalId, VoteSignature calldata v) private pure returns (bytes32) {
        return keccak256(abi.encode(proposalId, v.voter, v.support, v.nonce, v.deadline, v.signature));
    }

    /// @dev The proposal, checked to exist, be unexecuted and open for votes; `support` checked.
    function _openProposal(uint256 proposalId, uint8 support) private view returns (Proposal storage p) {
        if (support > uint8(VoteSupport.Abstain)) revert VoteInvalidSupport(support);
        p = _proposals[proposalId];
        if (p.agreementId == bytes32(0)) revert ProposalNotFound(proposalId);
        if (p.executed) revert ProposalAlreadyExecuted(proposalId);
        uint256 voteEnd = p.voteEnd;
        if (block.timestamp > voteEnd) revert ProposalVotingClosed(proposalId, voteEnd);
    }

    /// @dev Whether `voter` is the joiner of an AddParty proposal, and the `journal` checks
    /// for its vote: Active agreement at the proposal's version, active participant, and a
    /// current party unless it is the joiner.
    function _voteChecks(Proposal storage p, address voter) private view returns (bool isJoiner, uint256 checks) {
        isJoiner = p.kind == ProposalKind.AddParty && voter == p.target;
        checks = CHECK_ACTIVE | CHECK_PARTICIPANT | CHECK_VERSION | (uint256(p.baseVersion) << CHECK_VERSION_SHIFT);
        if (!isJoiner) checks |= CHECK_PARTY;
    }

    /// @dev Records a checked vote; returns its weight (0 for the joiner's answer).
    function _tally(
        Proposal storage p,
        uint256 proposalId,
        address voter,
        uint8 support,
        bool isJoiner,
        uint8 index,
        uint16 share
    ) private returns (uint16 weight) {
        if (isJoiner) {
            if (p.joinerAnswer != 0) revert VoteAlreadyCast(proposalId, voter);
            p.joinerAnswer = support == uint8(VoteSupport.For) ? JOINER_ACCEPTED : JOINER_DECLINED;
            return 0;
        }
        uint64 bit = uint64(1) << index;
        if (p.votedMask & bit != 0) {
            if (p.kind == ProposalKind.RemoveParty && voter == p.target) revert VoteByRemovedParty(proposalId, voter);
            if (p.excludedMask & bit != 0) revert VoteByAccusedParty(proposalId, voter);
            revert VoteAlreadyCast(proposalId, voter);
        }
        weight = p.votingMode == VotingMode.ShareWeighted ? share : 1;
        p.votedMask |= bit;
        // Each party votes once and the weights of all parties sum to at most 10,000 (shares)
        // or 64 (one vote each): every tally fits in 16 bits.
        unchecked {
            if (support == uint8(VoteSupport.For)) p.forWeight += weight;
            else if (support == uint8(VoteSupport.Against)) p.againstWeight += weight;
            else p.abstainWeight += weight;
        }
    }

    /// @dev Calls the effect of an executed proposal.
    function _apply(bytes32 agreementId, ProposalKind kind, bytes calldata payload) private {
        if (kind == ProposalKind.Amend) {
            (bytes32 termsHash, uint16[] memory shares) = abi.decode(payload, (bytes32, uint16[]));
            IAgreements(AGREEMENTS).amend(agreementId, termsHash, shares);
        } else if (kind == ProposalKind.AddParty) {
            (address party, uint16[] memory shares) = abi.decode(payload, (address, uint16[]));
            IAgreements(AGREEMENTS).addParty(agreementId, party, shares);
        } else if (kind == ProposalKind.RemoveParty) {
            (address party, uint16[] memory shares) = abi.decode(payload, (address, uint16[]));
            IAgreements(AGREEMENTS).removeParty(agreementId, party, shares);
        } else if (kind == ProposalKind.ResolveDispute) {
            // A plain call to an address without code would succeed and do nothing.
            if (CONTRIBUTIONS.code.length == 0) revert ProposalModuleMissing(CONTRIBUTIONS);
            (bool ok, bytes memory returned) = CONTRIBUTIONS.call(payload);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(returned, 0x20), mload(returned))
                }
            }
        } else if (kind == ProposalKind.ExtendCommitment) {
            (uint256 commitmentId, uint64 newDeadline) = abi.decode(payload, (uint256, uint64));
            ICommitmentsHooks(COMMITMENTS).extendDeadline(agreementId, commitmentId, newDeadline);
        } else {
            IAgreements(AGREEMENTS).close(agreementId);
        }
    }

    /// @dev Makes the parties of `mask` ineligible for `p` (marked as voted, with no weight) and
    /// recomputes the quorum and consent weights over the others.
    function _exclude(Proposal storage p, AgreementTerms memory terms, uint256 proposalId, bytes32 recordId, uint64 mask)
        private
    {
        uint256 total = _totalWeight(terms);
        (, uint16[] memory shares) = IAgreements(AGREEMENTS).partiesOf(p.agreementId);
        uint256 n = shares.length;
        for (uint256 i; i < n; ++i) {
            if ((uint256(mask) >> i) & 1 == 0) continue;
            // Each excluded party's weight is part of `total` once: no underflow.
            unchecked {
                total -= terms.votingMode == VotingMode.ShareWeighted ? shares[i] : 1;
            }
        }
        bytes32 agreementId = p.agreementId;
        IAgreements(AGREEMENTS).journal(
            agreementId,
            msg.sender,
            CHECK_ACTIVE,
            ProposalAccusedExcluded.selector,
            keccak256(abi.encode(proposalId, recordId, mask))
        );
        p.votedMask = mask;
        p.excludedMask = mask;
        _setRequiredWeights(p, terms, total);
        emit ProposalAccusedExcluded(agreementId, proposalId, recordId, mask);
    }

    /// @dev The index bit of `account` if it is a current party, else 0.
    function _indexBit(bytes32 agreementId, address account) private view returns (uint64) {
        (bool isParty, uint8 index,) = IAgreements(AGREEMENTS).partyOf(agreementId, account);
        return isParty ? uint64(1) << index : 0;
    }

    /// @dev Stores the quorum and consent weights for a total eligible weight `total`.
    function _setRequiredWeights(Proposal storage p, AgreementTerms memory terms, uint256 total) private {
        // total <= 10,000 and bps <= 10,000: the products fit easily; results <= total <= 10,000.
        p.quorumWeight = uint16(_ceilBps(terms.quorumBps, total));
        ProposalKind kind = p.kind;
        bool structural = kind == ProposalKind.Amend || kind == ProposalKind.AddParty
            || kind == ProposalKind.RemoveParty || kind == ProposalKind.Terminate;
        p.consentWeight = structural ? uint16(_ceilBps(terms.consentThresholdBps, total)) : 0;
    }

    /// @dev Reverts unless `shares` has `count` non-zero entries summing to 10,000.
    function _checkShares(uint16[] calldata shares, uint256 count) private pure {
        if (shares.length != count) revert ProposalSharesLengthMismatch(count, shares.length);
        uint256 total;
        for (uint256 i; i < count; ++i) {
            uint256 share = shares[i];
            if (share == 0) revert ProposalZeroShare(i);
            // At most 64 shares of at most 65,535: no overflow.
            unchecked {
                total += share;
            }
        }
        if (total != BPS) revert ProposalSharesDoNotSumTo(total);
    }

    /// @dev Whether the tallies meet the quorum, the majority and (structural kinds) the consent rule.
    function _passed(Proposal storage p) private view returns (bool) {
        uint256 forWeight = p.forWeight;
        uint256 againstWeight = p.againstWeight;
        return forWeight + againstWeight + p.abstainWeight >= p.quorumWeight && forWeight > againstWeight
            && forWeight >= p.consentWeight;
    }

    /// @dev Whether every eligible party voted (and the joiner of an AddParty answered).
    function _everyoneVoted(Proposal storage p) private view returns (bool) {
        uint256 all = (uint256(1) << p.partyCount) - 1;
        if (p.votedMask != all) return false;
        return p.kind != ProposalKind.AddParty || p.joinerAnswer != 0;
    }

    /// @dev The derived status of a proposal.
    function _statusOf(Proposal storage p) private view returns (ProposalStatus) {
        bytes32 agreementId = p.agreementId;
        if (agreementId == bytes32(0)) return ProposalStatus.None;
        if (p.executed) return ProposalStatus.Executed;
        AgreementTerms memory terms = IAgreements(AGREEMENTS).termsOf(agreementId);
        if (terms.status != AgreementStatus.Active || terms.version != p.baseVersion) return ProposalStatus.Stale;
        if (block.timestamp <= p.voteEnd && !_everyoneVoted(p)) return ProposalStatus.Voting;
        if (!_passed(p)) return ProposalStatus.Rejected;
        if (p.kind == ProposalKind.AddParty && p.joinerAnswer != JOINER_ACCEPTED) return ProposalStatus.Rejected;
        return ProposalStatus.Passed;
    }

    /// @dev The total voting weight of an agreement's parties.
    function _totalWeight(AgreementTerms memory terms) private pure returns (uint256) {
        return terms.votingMode == VotingMode.ShareWeighted ? BPS : terms.partyCount;
    }

    /// @dev ceil(bps * total / 10,000).
    function _ceilBps(uint256 bps, uint256 total) private pure returns (uint256) {
        return (bps * total + BPS - 1) / BPS;
    }

    /// @dev The EIP-712 digest of a `Vote`.
    function _voteDigest(bytes32 agreementId, uint256 proposalId, uint8 support, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(VOTE_TYPEHASH, agreementId, proposalId, support, nonce, deadline)));
    }
}
