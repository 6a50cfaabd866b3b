// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProposalKind, ProposalStatus, VotingMode, VoteSignature} from "./ITypes.sol";

/// @title IGovernance — proposals and votes among the parties of one agreement
/// @notice A party of an Active agreement proposes a change (amend, add or remove a party,
/// resolve a contribution dispute, extend a commitment deadline, terminate); the parties vote by
/// call or EIP-712 signature during the agreement's voting period (one party one vote, or
/// weighted by share); after the period — or as soon as every eligible party voted — anyone
/// executes a proposal that passed, at most once.
///
/// Passing rule (weights `w` are 1 per party or the party's share in bps, `T` the total weight of
/// the eligible parties): `for + against + abstain >= ceil(quorumBps * T / 10_000)`, `for > against`,
/// and for the structural kinds (Amend, AddParty, RemoveParty, Terminate) also
/// `for >= ceil(consentThresholdBps * T / 10_000)` — the agreement's consent rule for changes
/// (10,000 = unanimous). The party a RemoveParty proposal removes is not eligible (its weight
/// leaves `T`). Nobody judges their own cause: the contributor of the record a ResolveDispute
/// proposal resolves, and every party accused by a RemoveParty-for-cause proposal (the
/// contributor and the confirmers of a Rejected record), are not eligible either
/// (`ProposalAccusedExcluded`); the party an AddParty proposal adds must accept (a For vote of weight 0) before
/// execution. A proposal is bound to the agreement version it was made at: once another
/// proposal changes the version, it can be neither voted on nor executed (it is Stale).
interface IGovernance {
    // -----------------------------------------------------------------------------------
    // Errors
    // -----------------------------------------------------------------------------------

    /// @dev No proposal with this id.
    error ProposalNotFound(uint256 proposalId);
    /// @dev The proposal was already executed.
    error ProposalAlreadyExecuted(uint256 proposalId);
    /// @dev The voting period ended at `voteEnd`.
    error ProposalVotingClosed(uint256 proposalId, uint256 voteEnd);
    /// @dev The voting period runs until `voteEnd` and not every eligible party has voted.
    error ProposalVotingOpen(uint256 proposalId, uint256 voteEnd);
    /// @dev The proposal did not pass: the tallies and the required weights.
    error ProposalNotPassed(
        uint256 proposalId,
        uint256 forWeight,
        uint256 againstWeight,
        uint256 abstainWeight,
        uint256 quorumWeight,
        uint256 consentWeight
    );
    /// @dev The payload given to `execute` is not the proposal's (`expected` is its hash).
    error ProposalPayloadMismatch(uint256 proposalId, bytes32 expected, bytes32 given);
    /// @dev The party an AddParty proposal adds has not accepted.
    error ProposalJoinerNotAccepted(uint256 proposalId, address joiner);
    /// @dev A proposal's shares do not have one entry per resulting party.
    error ProposalSharesLengthMismatch(uint256 expected, uint256 given);
    /// @dev A proposal's shares do not sum to exactly 10,000 bps.
    error ProposalSharesDoNotSumTo(uint256 total);
    /// @dev A proposal gives the party at `index` a zero share.
    error ProposalZeroShare(uint256 index);
    /// @dev An Amend proposal's terms hash cannot be zero.
    error ProposalEmptyTermsHash();
    /// @dev An AddParty proposal names the zero address.
    error ProposalZeroAddress();
    /// @dev An AddParty proposal names an existing party.
    error ProposalAlreadyAParty(bytes32 agreementId, address account);
    /// @dev A RemoveParty proposal names an account that is not a party.
    error ProposalNotAParty(bytes32 agreementId, address account);
    /// @dev The proposal would leave the agreement with a party count outside 2..64.
    error ProposalPartyCountOutOfRange(uint256 count);
    /// @dev A ResolveDispute payload must be a `resolveDispute` call whose first argument is the
    /// proposal's agreement id.
    error ProposalInvalidDisputeCall(bytes4 selector, bytes32 agreementId);
    /// @dev A ResolveDispute proposal names a record that is not Disputed.
    error ProposalRecordNotDisputed(bytes32 agreementId, bytes32 recordId);
    /// @dev A for-cause removal names a record that is not Rejected.
    error ProposalCauseNotRejected(bytes32 agreementId, bytes32 recordId);
    /// @dev A for-cause removal names a party that neither recorded nor confirmed the cause record.
    error ProposalPartyNotAccused(bytes32 agreementId, bytes32 recordId, address party);
    /// @dev The module an executed proposal calls has no code.
    error ProposalModuleMissing(address module);
    /// @dev `voter` already voted on the proposal (or, for the joiner, already answered).
    error VoteAlreadyCast(uint256 proposalId, address voter);
    /// @dev The party a RemoveParty proposal removes cannot vote on it.
    error VoteByRemovedParty(uint256 proposalId, address voter);
    /// @dev An accused party (`ProposalAccusedExcluded`) cannot vote on the proposal.
    error VoteByAccusedParty(uint256 proposalId, address voter);
    /// @dev `support` is not 0 (Against), 1 (For) or 2 (Abstain).
    error VoteInvalidSupport(uint8 support);
    /// @dev A vote signature's deadline has passed.
    error VoteSignatureExpired(address voter, uint256 deadline);
    /// @dev The signature is not `voter`'s (bad signer, high-s, bad length or v, ERC-1271 refusal).
    error VoteInvalidSignature(address voter);
    /// @dev A batch of vote signatures was empty.
    error VoteNoSignatures();

    // -----------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------

    /// @notice `proposer` created `proposalId` of `kind` in `agreementId` at `baseVersion`; voting
    /// ends at `voteEnd`; `payload` is what `execute` needs (see the propose functions).
    event ProposalCreated(
        bytes32 indexed agreementId,
        uint256 indexed proposalId,
        address indexed proposer,
        ProposalKind kind,
        uint32 baseVersion,
        uint40 voteEnd,
        bytes payload
    );
    /// @notice `voter` voted `support` with `weight` (0 for the joiner of an AddParty proposal).
    /// For a direct call `nonce`, `deadline` are 0 and `signature` is empty.
    event VoteCast(
        bytes32 indexed agreementId,
        uint256 indexed proposalId,
        address indexed voter,
        uint8 support,
        uint16 weight,
        uint256 nonce,
        uint256 deadline,
        bytes signature
    );
    /// @notice The parties of `excludedMask` (bits by party index) are accused by `proposalId`
    /// about record `recordId` and do not vote on it; their weight left the quorum and consent
    /// totals. Emitted right after `ProposalCreated`.
    event ProposalAccusedExcluded(
        bytes32 indexed agreementId, uint256 indexed proposalId, bytes32 recordId, uint64 excludedMask
    );
    /// @notice `executor` executed `proposalId`; its effect's own event follows.
    event ProposalExecuted(bytes32 indexed agreementId, uint256 indexed proposalId, address indexed executor);

    // -----------------------------------------------------------------------------------
    // Structs
    // -----------------------------------------------------------------------------------

    /// @notice A proposal as `proposalOf` returns it.
    struct ProposalView {
        bytes32 agreementId;
        ProposalKind kind;
        ProposalStatus status;
        uint32 baseVersion;
        uint40 voteEnd;
        VotingMode votingMode;
        uint8 partyCount;
        uint64 votedMask;
        uint16 forWeight;
        uint16 againstWeight;
        uint16 abstainWeight;
        uint16 quorumWeight;
        uint16 consentWeight;
        /// The joining (AddParty) or leaving (RemoveParty) party, else zero.
        address target;
        /// The joiner's answer: 0 none, 1 accepted, 2 declined.
        uint8 joinerAnswer;
        bytes32 payloadHash;
    }

    // -----------------------------------------------------------------------------------
    // Proposals
    // -----------------------------------------------------------------------------------

    /// @notice Proposes new terms and shares for the current parties.
    /// Payload: `abi.encode(termsHash, sharesBps)`.
    /// @param agreementId The agreement (Active; the caller an active party).
    /// @param termsHash The new terms hash (non-zero).
    /// @param sharesBps New shares, one per current party in order, summing to 10,000.
    /// @return proposalId The new proposal's id.
    function proposeAmend(bytes32 agreementId, bytes32 termsHash, uint16[] calldata sharesBps)
        external
        returns (uint256 proposalId);

    /// @notice Proposes adding `party`. Payload: `abi.encode(party, sharesBps)`.
    /// @param agreementId The agreement.
    /// @param party The joining account (must accept by voting For before execution).
    /// @param sharesBps New shares: current parties in order, then `party`.
    /// @return proposalId The new proposal's id.
    function proposeAddParty(bytes32 agreementId, address party, uint16[] calldata sharesBps)
        external
        returns (uint256 proposalId);

    /// @notice Proposes removing `party`. Payload: `abi.encode(party, sharesBps)`.
    /// @param agreementId The agreement.
    /// @param party The leaving party (not eligible to vote on this proposal).
    /// @param sharesBps New shares of the remaining parties, in their order.
    /// @return proposalId The new proposal's id.
    function proposeRemoveParty(bytes32 agreementId, address party, uint16[] calldata sharesBps)
        external
        returns (uint256 proposalId);

    /// @notice Proposes removing `party` for cause: `recordId` is a Rejected contribution that
    /// `party` recorded or confirmed. Its contributor and its confirmers (under the current
    /// agreement version) are accused: none of them votes, and their weight leaves the quorum and
    /// consent totals. Kind RemoveParty, payload `abi.encode(party, sharesBps)`.
    /// @param agreementId The agreement.
    /// @param party The accused party to remove.
    /// @param sharesBps New shares of the remaining parties, in their order.
    /// @param recordId The Rejected record that is the cause.
    /// @return proposalId The new proposal's id.
    function proposeRemoveForCause(bytes32 agreementId, address party, uint16[] calldata sharesBps, bytes32 recordId)
        external
        returns (uint256 proposalId);

    /// @notice Proposes resolving a contribution dispute. Payload: `disputeCall` verbatim.
    /// @param agreementId The agreement.
    /// @param disputeCall The ABI-encoded Contributions `resolveDispute` call whose first
    /// argument is `agreementId` (docs/module-interface.md) and whose second names a Disputed
    /// record; the record's contributor is accused and does not vote.
    /// @return proposalId The new proposal's id.
    function proposeResolveDispute(bytes32 agreementId, bytes calldata disputeCall)
        external
        returns (uint256 proposalId);

    /// @notice Proposes extending a commitment's deadline.
    /// Payload: `abi.encode(commitmentId, newDeadline)`.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    /// @param newDeadline The new deadline (validated by Commitments at execution).
    /// @return proposalId The new proposal's id.
    function proposeExtendCommitment(bytes32 agreementId, uint256 commitmentId, uint64 newDeadline)
        external
        returns (uint256 proposalId);

    /// @notice Proposes closing the agreement. Payload: empty.
    /// @param agreementId The agreement.
    /// @return proposalId The new proposal's id.
    function proposeTerminate(bytes32 agreementId) external returns (uint256 proposalId);

    // -----------------------------------------------------------------------------------
    // Votes and execution
    // -----------------------------------------------------------------------------------

    /// @notice The caller votes on `proposalId`.
    /// @param proposalId The proposal.
    /// @param support 0 Against, 1 For, 2 Abstain.
    function vote(uint256 proposalId, uint8 support) external;

    /// @notice Submits relayed EIP-712 votes (docs/eip712.md, `Vote`); anyone may submit.
    /// Each consumes its voter's nonce in the agreement (`IAgreements.nonceOf`). A voter who
    /// already voted (directly, or through a front-run copy of its signature) is skipped, so a
    /// front-runner cannot block the batch; reverts `VoteAlreadyCast` only when every voter had.
    /// @param proposalId The proposal.
    /// @param votes The signed votes.
    function voteBySignatures(uint256 proposalId, VoteSignature[] calldata votes) external;

    /// @notice Executes a proposal that passed (anyone), at most once.
    /// @param proposalId The proposal.
    /// @param payload The proposal's payload, from its `ProposalCreated` event.
    function execute(uint256 proposalId, bytes calldata payload) external;

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @notice A proposal and its derived status.
    /// @param proposalId The proposal.
    /// @return proposal The proposal.
    function proposalOf(uint256 proposalId) external view returns (ProposalView memory proposal);

    /// @notice The derived status of a proposal.
    /// @param proposalId The proposal.
    /// @return status The status.
    function statusOf(uint256 proposalId) external view returns (ProposalStatus status);

    /// @notice The number of proposals so far (ids run from 1 to this).
    /// @return count The count.
    function proposalCount() external view returns (uint256 count);

    /// @notice The EIP-712 digest a voter signs (for clients to cross-check).
    /// @param agreementId The proposal's agreement.
    /// @param proposalId The proposal.
    /// @param support The vote.
    /// @param nonce The voter's nonce in the agreement.
    /// @param deadline The signature's deadline.
    /// @return digest The EIP-712 digest.
    function voteDigest(bytes32 agreementId, uint256 proposalId, uint8 support, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32 digest);

    /// @notice keccak256 of the EIP-712 `Vote` type string (docs/eip712.md).
    function VOTE_TYPEHASH() external view returns (bytes32);
    /// @notice The Agreements contract.
    function AGREEMENTS() external view returns (address);
    /// @notice The Contributions module.
    function CONTRIBUTIONS() external view returns (address);
    /// @notice The Commitments module.
    function COMMITMENTS() external view returns (address);
}
