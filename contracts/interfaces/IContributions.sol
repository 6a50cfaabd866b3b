// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IContributions — who contributed what to a co-creation, checked by the other parties
/// @notice A party of an Active agreement records contributions (one, or a batch in one
/// transaction; directly or by an EIP-712 signature relayed by anyone). Storage keeps one
/// Merkle root per batch; the records themselves travel in the `ContributionsRecorded` event.
/// Co-parties confirm a record — it becomes Confirmed once the agreement's
/// `confirmationsRequired` is met — or dispute it; only Governance resolves a dispute (accept,
/// reject, or accept with a changed weight). A Confirmed record stays open to a dispute by any
/// co-party for the agreement's `challengeWindow`; its weight counts (and reaches Revenue) only
/// when anyone calls `mature` after the window. Records are capped per record
/// (`maxRecordWeight`) and per contributor and period (`maxPeriodWeight` per `capPeriod`). Later actions on a record pass the record and its
/// Merkle proof (`RecordProof`) and are checked against the stored root. The confirmed weight
/// per party and per agreement is readable here and pushed to Revenue (weighted mode).
/// @dev Record id (the Merkle leaf):
/// `keccak256(bytes.concat(keccak256(abi.encode(agreementId, preHead, index, contributor,
/// kind, weight, evidenceHash, provenance, accountable))))`, where `preHead` is the agreement's
/// hash-chain head before the recording action and `index` the record's position in its batch.
/// Inner nodes hash sorted pairs (OpenZeppelin `MerkleProof`); an odd node is carried up
/// unchanged. See docs/contributions.md.
interface IContributions {
    // -----------------------------------------------------------------------------------
    // Enums and structs
    // -----------------------------------------------------------------------------------

    /// @notice What was contributed.
    enum ContributionKind {
        Design,
        ContentIP,
        Technology,
        Capital,
        Labour,
        SpaceEquipment,
        Data,
        MarketingChannel,
        Other
    }

    /// @notice Whether and how AI took part in the contribution.
    enum AiProvenance {
        None,
        Assisted,
        Generated
    }

    /// @notice The state of a record. `Pending` is every recorded record nobody has finalised.
    enum ContributionStatus {
        Pending,
        Confirmed,
        Disputed,
        Rejected
    }

    /// @notice How Governance resolves a disputed record.
    enum ResolutionOutcome {
        Accept,
        Reject,
        AcceptWithWeight
    }

    /// @notice One contribution as its contributor records it.
    struct Contribution {
        ContributionKind kind;
        /// Agreed units (hours, valuation points…), 1..MAX_WEIGHT.
        uint64 weight;
        /// Salted commitment to the off-chain evidence document (non-zero).
        bytes32 evidenceHash;
        AiProvenance provenance;
        /// The accountable human party when `provenance` is not None (must be a party);
        /// address(0) when `provenance` is None.
        address accountable;
    }

    /// @notice A recorded contribution and its proof of inclusion in a recorded batch.
    struct RecordProof {
        /// The batch's Merkle root (for a single record, the record id itself).
        bytes32 batchRoot;
        /// The agreement's hash-chain head before the batch was recorded.
        bytes32 preHead;
        /// The record's index in its batch.
        uint32 index;
        address contributor;
        Contribution record;
        /// Sibling hashes from the leaf to the root (empty for a batch of one).
        bytes32[] proof;
    }

    /// @notice The stored state of a record (all zero while Pending and unconfirmed).
    struct RecordState {
        /// Bitmap of the party indices that confirmed under `version`.
        uint64 confirmers;
        /// Confirmations collected under `version`.
        uint8 confirmations;
        ContributionStatus status;
        /// Agreement version the confirmations were collected under.
        uint32 version;
        /// The weight that counts (set when disputed or confirmed).
        uint64 weight;
        /// While Confirmed: the end of the challenge window; 0 once the weight counts (matured,
        /// or accepted by Governance).
        uint40 challengeEndsAt;
        /// The contributor (set when disputed, so Governance resolves by record id alone).
        address contributor;
    }

    // -----------------------------------------------------------------------------------
    // Errors
    // -----------------------------------------------------------------------------------

    /// @dev A batch had no records.
    error ContributionEmptyBatch();
    /// @dev A batch had more than MAX_BATCH records.
    error ContributionBatchTooLarge(uint256 count, uint256 maximum);
    /// @dev A record's weight is zero or above MAX_WEIGHT.
    error ContributionInvalidWeight(uint256 index, uint256 weight);
    /// @dev A record's evidence commitment is zero.
    error ContributionEmptyEvidence(uint256 index);
    /// @dev A record has no AI involvement but names an accountable party, or has AI
    /// involvement and names none.
    error ContributionInvalidAccountable(uint256 index, address accountable);
    /// @dev The accountable human party of an AI-involved record is not a party.
    error ContributionAccountableNotAParty(bytes32 agreementId, address accountable);
    /// @dev This batch root is already recorded (cannot happen for honest input; defensive).
    error ContributionBatchExists(bytes32 batchRoot);
    /// @dev The record and proof do not match a recorded batch of this agreement.
    error ContributionUnknownRecord(bytes32 agreementId, bytes32 recordId);
    /// @dev The contributor tried to confirm or dispute its own record.
    error ContributionSelfConfirmation(bytes32 recordId, address contributor);
    /// @dev `party` already confirmed this record (under the current agreement version).
    error ContributionAlreadyConfirmed(bytes32 recordId, address party);
    /// @dev The action needs a record in `expected` status, but it is `status`.
    error ContributionWrongStatus(bytes32 recordId, ContributionStatus status, ContributionStatus expected);
    /// @dev The contributor is no longer a party, so its record cannot start to count.
    error ContributionContributorNotAParty(bytes32 agreementId, address contributor);
    /// @dev A record's weight is above the agreement's per-record cap.
    error ContributionWeightAboveCap(uint256 index, uint256 weight, uint256 cap);
    /// @dev The contributor's weight recorded in the current cap period would exceed the
    /// agreement's per-period cap (`used` already recorded, `weight` in this action).
    error ContributionPeriodCapExceeded(address contributor, uint256 period, uint256 used, uint256 weight, uint256 cap);
    /// @dev The record's challenge window ended at `challengeEndsAt`: it can no longer be disputed.
    error ContributionChallengeClosed(bytes32 recordId, uint256 challengeEndsAt);
    /// @dev The record's challenge window runs until `challengeEndsAt`: it cannot mature yet.
    error ContributionChallengeOpen(bytes32 recordId, uint256 challengeEndsAt);
    /// @dev The record's weight already counts.
    error ContributionAlreadyMatured(bytes32 recordId);
    /// @dev A dispute needs a non-zero reason commitment.
    error ContributionEmptyReason();
    /// @dev `outcome` is not a ResolutionOutcome.
    error ContributionInvalidOutcome(uint8 outcome);
    /// @dev Only Governance may resolve disputes.
    error ContributionUnauthorized(address caller);
    /// @dev A relayed record's signature deadline passed.
    error ContributionSignatureExpired(address signer, uint256 deadline);
    /// @dev The signature is not the contributor's (wrong signer, high-s, malformed, ERC-1271 refusal).
    error ContributionInvalidSignature(address signer);

    // -----------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------

    /// @notice `contributor` recorded `records` in `agreementId` as one batch committed to by
    /// `batchRoot`; `preHead` is the hash-chain head before this action (part of every leaf).
    /// Relayed records carry the signed `nonce`; direct calls `type(uint256).max`.
    event ContributionsRecorded(
        bytes32 indexed agreementId,
        address indexed contributor,
        bytes32 batchRoot,
        bytes32 preHead,
        uint256 nonce,
        Contribution[] records
    );
    /// @notice `confirmer` confirmed record `recordId`; `confirmations` under agreement
    /// `version`; `status` is Confirmed when the rule was met with this confirmation, and then
    /// the record may be disputed until `challengeEndsAt` (0 while Pending).
    event ContributionConfirmed(
        bytes32 indexed agreementId,
        bytes32 indexed recordId,
        address indexed confirmer,
        uint8 confirmations,
        uint32 version,
        ContributionStatus status,
        uint40 challengeEndsAt
    );
    /// @notice The Confirmed record `recordId` passed its challenge window undisputed: `weight`
    /// now counts for `contributor` (and, in weighted mode, in Revenue).
    event ContributionMatured(
        bytes32 indexed agreementId, bytes32 indexed recordId, address indexed contributor, uint64 weight
    );
    /// @notice `disputer` disputed the record `recordId` (Pending, or Confirmed within its
    /// challenge window); `reasonHash` commits to the reason.
    event ContributionDisputed(
        bytes32 indexed agreementId,
        bytes32 indexed recordId,
        address indexed disputer,
        address contributor,
        uint64 weight,
        bytes32 reasonHash
    );
    /// @notice Governance resolved the disputed record `recordId`: `status` is Confirmed (with
    /// `weight`) or Rejected (`weight` 0).
    event ContributionResolved(
        bytes32 indexed agreementId,
        bytes32 indexed recordId,
        ResolutionOutcome outcome,
        ContributionStatus status,
        uint64 weight
    );

    // -----------------------------------------------------------------------------------
    // Recording
    // -----------------------------------------------------------------------------------

    /// @notice The caller, a party and Active participant, records one contribution in an
    /// Active agreement.
    /// @param agreementId The agreement.
    /// @param record The contribution.
    /// @return recordId The record id (also the batch root of this batch of one).
    function record(bytes32 agreementId, Contribution calldata record) external returns (bytes32 recordId);

    /// @notice The caller records a batch of contributions under one Merkle root.
    /// @param agreementId The agreement.
    /// @param records The contributions, 1..MAX_BATCH.
    /// @return batchRoot The batch's Merkle root.
    function recordBatch(bytes32 agreementId, Contribution[] calldata records)
        external
        returns (bytes32 batchRoot);

    /// @notice Records a batch signed by `contributor` (EIP-712 `RecordContributions`,
    /// docs/contributions.md); anyone may submit it. The nonce is the contributor's nonce in
    /// the agreement (`IAgreements.nonceOf`), consumed here.
    /// @param agreementId The agreement.
    /// @param contributor The signer, a party and Active participant.
    /// @param records The contributions.
    /// @param nonce The signer's current nonce in the agreement.
    /// @param deadline The last second the signature is valid.
    /// @param signature A 65-byte ECDSA signature (low s) or ERC-1271 signature bytes.
    /// @return batchRoot The batch's Merkle root.
    function recordBySignature(
        bytes32 agreementId,
        address contributor,
        Contribution[] calldata records,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 batchRoot);

    // -----------------------------------------------------------------------------------
    // Confirmation and disputes
    // -----------------------------------------------------------------------------------

    /// @notice The caller, a co-party (not the contributor), confirms a pending record. When the
    /// agreement's confirmation rule is met the record is Confirmed and its challenge window
    /// (`challengeWindow` seconds) starts; its weight counts only once it matures.
    /// @param agreementId The agreement (Active).
    /// @param proof The record and its proof.
    /// @return status The record's status after this confirmation.
    function confirm(bytes32 agreementId, RecordProof calldata proof)
        external
        returns (ContributionStatus status);

    /// @notice The caller, a co-party, disputes a Pending record, or a Confirmed one whose
    /// challenge window has not ended; only Governance resolves it (the contributor's vote does
    /// not count there).
    /// @param agreementId The agreement (Active).
    /// @param proof The record and its proof.
    /// @param reasonHash Commitment to the off-chain reason (non-zero).
    function dispute(bytes32 agreementId, RecordProof calldata proof, bytes32 reasonHash) external;

    /// @notice Anyone: the Confirmed records of `proofs`, whose challenge windows have ended,
    /// start to count — each record's weight is added to its contributor's confirmed weight and
    /// (weighted mode) reported to Revenue. Reverts as a whole if one record cannot mature.
    /// @param agreementId The agreement (any status but None; its contributor must be a party).
    /// @param proofs The records and their proofs, 1..MAX_BATCH.
    function mature(bytes32 agreementId, RecordProof[] calldata proofs) external;

    /// @notice Only Governance, on an executed ResolveDispute proposal: accepts the disputed
    /// record (with its own weight, or `newWeight` for AcceptWithWeight) or rejects it.
    /// @param agreementId The agreement.
    /// @param recordId The disputed record's id as uint256 (`uint256(recordId)`; the selector is
    /// fixed in IModuleHooks.sol as `resolveDispute(bytes32,uint256,uint8,uint256)`).
    /// @param outcome A `ResolutionOutcome` as uint8.
    /// @param newWeight The weight for AcceptWithWeight (1..MAX_WEIGHT); ignored otherwise.
    function resolveDispute(bytes32 agreementId, uint256 recordId, uint8 outcome, uint256 newWeight) external;

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @notice The counted weight of `party` in `agreementId`.
    /// @param agreementId The agreement.
    /// @param party The party.
    /// @return weight Σ weights of its Confirmed records that matured or were accepted by Governance.
    function confirmedWeightOf(bytes32 agreementId, address party) external view returns (uint256 weight);

    /// @notice The confirmed weight of every party of `agreementId` together.
    /// @param agreementId The agreement.
    /// @return weight Σ weights of all Confirmed records that count.
    function totalConfirmedWeightOf(bytes32 agreementId) external view returns (uint256 weight);

    /// @notice The stored state of a record (zeros for a Pending record nobody confirmed yet).
    /// @param agreementId The agreement.
    /// @param recordId The record id.
    /// @return state The state.
    function recordStateOf(bytes32 agreementId, bytes32 recordId) external view returns (RecordState memory state);

    /// @notice The weight `contributor` recorded in its current cap period (per-period cap only).
    /// @param agreementId The agreement.
    /// @param contributor The contributor.
    /// @return period The period index (`timestamp / capPeriod`) of the last charged recording.
    /// @return weight The weight recorded in that period.
    function periodWeightOf(bytes32 agreementId, address contributor)
        external
        view
        returns (uint64 period, uint64 weight);

    /// @notice The block a batch root was recorded in and its record count (zeros when unknown).
    /// @param batchRoot The root.
    /// @return blockNumber The recording block.
    /// @return count The number of records in the batch.
    function batchOf(bytes32 batchRoot) external view returns (uint64 blockNumber, uint32 count);

    /// @notice The record id (Merkle leaf) of a record.
    /// @param agreementId The agreement.
    /// @param preHead The head before the recording action.
    /// @param index The record's index in its batch.
    /// @param contributor The contributor.
    /// @param record The contribution.
    /// @return recordId The leaf.
    function recordIdOf(
        bytes32 agreementId,
        bytes32 preHead,
        uint32 index,
        address contributor,
        Contribution calldata record
    ) external pure returns (bytes32 recordId);

    /// @notice The EIP-712 digest `contributor` signs for `recordBySignature`.
    /// @param agreementId The agreement.
    /// @param contributor The signer.
    /// @param records The contributions.
    /// @param nonce The signer's nonce in the agreement.
    /// @param deadline The signature's deadline.
    /// @return digest The digest.
    function recordDigest(
        bytes32 agreementId,
        address contributor,
        Contribution[] calldata records,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32 digest);

    /// @notice The largest weight one record may carry.
    function MAX_WEIGHT() external view returns (uint256);
    /// @notice The largest number of records in one batch.
    function MAX_BATCH() external view returns (uint256);
}
