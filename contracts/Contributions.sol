// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IContributions} from "./interfaces/IContributions.sol";
import {IAgreements} from "./interfaces/IAgreements.sol";
import {IRevenue} from "./interfaces/IRevenue.sol";
import {
    ContributionRules,
    RevenueMode,
    CHECK_ACTIVE,
    CHECK_PARTY,
    CHECK_PARTICIPANT,
    CHECK_NOT_NONE
} from "./interfaces/ITypes.sol";
import {BatchMerkle} from "./libraries/BatchMerkle.sol";
import {SignatureVerifier} from "./libraries/SignatureVerifier.sol";

/// @title Contributions — contribution records, confirmations and disputes
/// @notice See {IContributions}. One Merkle root per batch in storage, the records in the
/// event; a record's state is written only when it is confirmed or disputed.
contract Contributions is IContributions, EIP712 {
    // -----------------------------------------------------------------------------------
    // Structs
    // -----------------------------------------------------------------------------------

    /// @dev A recorded batch (one slot, written once).
    struct Batch {
        uint64 blockNumber;
        uint32 count;
    }

    /// @dev The weight a contributor recorded in one cap period (one slot per contributor).
    struct PeriodUse {
        uint64 period;
        uint64 weight;
    }

    // -----------------------------------------------------------------------------------
    // Constants and immutables
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IContributions
    uint256 public constant MAX_WEIGHT = 1_000_000_000;
    /// @inheritdoc IContributions
    uint256 public constant MAX_BATCH = 256;
    /// @dev Checks for every party action: Active agreement, current party, Active participant.
    uint256 private constant PARTY_CHECKS = CHECK_ACTIVE | CHECK_PARTY | CHECK_PARTICIPANT;
    /// @dev The `nonce` field of a directly recorded batch's event.
    uint256 private constant DIRECT_NONCE = type(uint256).max;
    /// @notice EIP-712 type of one contribution.
    bytes32 public constant CONTRIBUTION_TYPEHASH = keccak256(
        "Contribution(uint8 kind,uint64 weight,bytes32 evidenceHash,uint8 provenance,address accountable)"
    );
    /// @notice EIP-712 type of a relayed batch.
    bytes32 public constant RECORD_TYPEHASH = keccak256(
        "RecordContributions(bytes32 agreementId,address contributor,Contribution[] records,uint256 nonce,uint256 deadline)"
        "Contribution(uint8 kind,uint64 weight,bytes32 evidenceHash,uint8 provenance,address accountable)"
    );

    /// @notice The Agreements contract (terms, parties, hash chain, nonces).
    IAgreements public immutable AGREEMENTS;
    /// @notice Revenue, told about every confirmed-weight change in weighted agreements.
    IRevenue public immutable REVENUE;
    /// @notice The only caller of `resolveDispute`.
    address public immutable GOVERNANCE;

    // -----------------------------------------------------------------------------------
    // Storage
    // -----------------------------------------------------------------------------------

    mapping(bytes32 batchRoot => Batch) private _batches;
    /// @dev Keyed by `keccak256(abi.encode(agreementId, recordId))`.
    mapping(bytes32 key => RecordState) private _states;
    mapping(bytes32 agreementId => mapping(address party => uint256 weight)) private _weights;
    mapping(bytes32 agreementId => uint256 weight) private _totalWeights;
    /// @dev Written only in agreements with a per-period cap.
    mapping(bytes32 agreementId => mapping(address contributor => PeriodUse)) private _periodUse;

    // -----------------------------------------------------------------------------------
    // Constructor
    // -----------------------------------------------------------------------------------

    /// @param agreements The Agreements contract.
    /// @param revenue The Revenue contract.
    /// @param governance The Governance contract.
    constructor(address agreements, address revenue, address governance) EIP712("Park Ledger Contributions", "1") {
        AGREEMENTS = IAgreements(agreements);
        REVENUE = IRevenue(revenue);
        GOVERNANCE = governance;
    }

    // -----------------------------------------------------------------------------------
    // Recording
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IContributions
    function record(bytes32 agreementId, Contribution calldata c) external returns (bytes32 recordId) {
        bytes32 preHead = AGREEMENTS.headOf(agreementId);
        ContributionRules memory rules = AGREEMENTS.contributionRulesOf(agreementId);
        _validate(agreementId, msg.sender, c, 0, rules.maxRecordWeight);
        if (rules.maxPeriodWeight != 0) _chargePeriod(agreementId, msg.sender, c.weight, rules);
        recordId = BatchMerkle.leaf(agreementId, preHead, 0, msg.sender, c);
        Contribution[] memory records = new Contribution[](1);
        records[0] = c;
        _store(agreementId, msg.sender, recordId, preHead, DIRECT_NONCE, records, 1);
    }

    /// @inheritdoc IContributions
    function recordBatch(bytes32 agreementId, Contribution[] calldata records)
        external
        returns (bytes32 batchRoot)
    {
        batchRoot = _recordBatch(agreementId, msg.sender, records, DIRECT_NONCE);
    }

    /// @inheritdoc IContributions
    function recordBySignature(
        bytes32 agreementId,
        address contributor,
        Contribution[] calldata records,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 batchRoot) {
        if (block.timestamp > deadline) revert ContributionSignatureExpired(contributor, deadline);
        bytes32 digest = _recordDigest(agreementId, contributor, records, nonce, deadline);
        if (!SignatureVerifier.isValid(contributor, digest, signature)) revert ContributionInvalidSignature(contributor);
        batchRoot = _recordBatch(agreementId, contributor, records, nonce);
    }

    // -----------------------------------------------------------------------------------
    // Confirmation and disputes
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IContributions
    function confirm(bytes32 agreementId, RecordProof calldata p) external returns (ContributionStatus status) {
        bytes32 recordId = _verify(agreementId, p);
        if (msg.sender == p.contributor) revert ContributionSelfConfirmation(recordId, msg.sender);
        bytes32 key = _key(agreementId, recordId);
        RecordState memory s = _states[key];
        if (s.status != ContributionStatus.Pending) {
            revert ContributionWrongStatus(recordId, s.status, ContributionStatus.Pending);
        }
        status = _countConfirmation(agreementId, s);
        if (status == ContributionStatus.Confirmed) {
            s.status = status;
            s.weight = p.record.weight;
            // challengeWindow <= MAX_CHALLENGE_WINDOW (90 days): the sum fits uint40 for millennia.
            s.challengeEndsAt =
                uint40(block.timestamp + AGREEMENTS.contributionRulesOf(agreementId).challengeWindow);
        }

        (uint8 index,) = AGREEMENTS.journal(
            agreementId,
            msg.sender,
            PARTY_CHECKS,
            ContributionConfirmed.selector,
            keccak256(abi.encode(recordId, msg.sender, s.confirmations, s.version, status, s.challengeEndsAt))
        );
        uint64 bit = uint64(1) << index;
        if (s.confirmers & bit != 0) revert ContributionAlreadyConfirmed(recordId, msg.sender);
        s.confirmers |= bit;
        _states[key] = s;
        emit ContributionConfirmed(
            agreementId, recordId, msg.sender, s.confirmations, s.version, status, s.challengeEndsAt
        );
    }

    /// @inheritdoc IContributions
    function dispute(bytes32 agreementId, RecordProof calldata p, bytes32 reasonHash) external {
        if (reasonHash == bytes32(0)) revert ContributionEmptyReason();
        bytes32 recordId = _verify(agreementId, p);
        if (msg.sender == p.contributor) revert ContributionSelfConfirmation(recordId, msg.sender);
        bytes32 key = _key(agreementId, recordId);
        RecordState storage s = _states[key];
        ContributionStatus current = s.status;
        if (current == ContributionStatus.Confirmed) {
            // NOTE: a Confirmed record stays disputable until its window ends; one that already
            // counts (challengeEndsAt 0) or whose window ended is final.
            uint256 endsAt = s.challengeEndsAt;
            if (endsAt == 0 || block.timestamp >= endsAt) revert ContributionChallengeClosed(recordId, endsAt);
        } else if (current != ContributionStatus.Pending) {
            revert ContributionWrongStatus(recordId, current, ContributionStatus.Pending);
        }
        uint64 weight = p.record.weight;
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            PARTY_CHECKS,
            ContributionDisputed.selector,
            keccak256(abi.encode(recordId, msg.sender, p.contributor, weight, reasonHash))
        );
        s.status = ContributionStatus.Disputed;
        s.weight = weight;
        s.challengeEndsAt = 0;
        s.contributor = p.contributor;
        emit ContributionDisputed(agreementId, recordId, msg.sender, p.contributor, weight, reasonHash);
    }

    /// @inheritdoc IContributions
    function mature(bytes32 agreementId, RecordProof[] calldata proofs) external {
        uint256 n = proofs.length;
        if (n == 0) revert ContributionEmptyBatch();
        if (n > MAX_BATCH) revert ContributionBatchTooLarge(n, MAX_BATCH);
        (, RevenueMode mode,,,) = AGREEMENTS.rulesOf(agreementId);
        for (uint256 i; i < n; ++i) {
            RecordProof calldata p = proofs[i];
            bytes32 recordId = _verify(agreementId, p);
            RecordState storage s = _states[_key(agreementId, recordId)];
            ContributionStatus status = s.status;
            if (status != ContributionStatus.Confirmed) {
                revert ContributionWrongStatus(recordId, status, ContributionStatus.Confirmed);
            }
            uint256 endsAt = s.challengeEndsAt;
            if (endsAt == 0) revert ContributionAlreadyMatured(recordId);
            if (block.timestamp < endsAt) revert ContributionChallengeOpen(recordId, endsAt);
            uint64 weight = s.weight;
            address contributor = p.contributor;
            AGREEMENTS.journal(
                agreementId,
                msg.sender,
                CHECK_NOT_NONE,
                ContributionMatured.selector,
                keccak256(abi.encode(recordId, contributor, weight))
            );
            s.challengeEndsAt = 0;
            emit ContributionMatured(agreementId, recordId, contributor, weight);
            _credit(agreementId, contributor, weight, mode);
        }
    }

    /// @inheritdoc IContributions
    function resolveDispute(bytes32 agreementId, uint256 recordNumber, uint8 outcome, uint256 newWeight) external {
        if (msg.sender != GOVERNANCE) revert ContributionUnauthorized(msg.sender);
        bytes32 recordId = bytes32(recordNumber);
        RecordState storage s = _states[_key(agreementId, recordId)];
        if (s.status != ContributionStatus.Disputed) {
            revert ContributionWrongStatus(recordId, s.status, ContributionStatus.Disputed);
        }
        (ContributionStatus status, uint64 weight) = _resolution(s.weight, outcome, newWeight);
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE,
            ContributionResolved.selector,
            keccak256(abi.encode(recordId, ResolutionOutcome(outcome), status, weight))
        );
        s.status = status;
        s.weight = weight;
        emit ContributionResolved(agreementId, recordId, ResolutionOutcome(outcome), status, weight);
        if (status == ContributionStatus.Confirmed) {
            (, RevenueMode mode,,,) = AGREEMENTS.rulesOf(agreementId);
            _credit(agreementId, s.contributor, weight, mode);
        }
    }

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IContributions
    function confirmedWeightOf(bytes32 agreementId, address party) external view returns (uint256 weight) {
        weight = _weights[agreementId][party];
    }

    /// @inheritdoc IContributions
    function totalConfirmedWeightOf(bytes32 agreementId) external view returns (uint256 weight) {
        weight = _totalWeights[agreementId];
    }

    /// @inheritdoc IContributions
    function periodWeightOf(bytes32 agreementId, address contributor)
        external
        view
        returns (uint64 period, uint64 weight)
    {
        PeriodUse memory use = _periodUse[agreementId][contributor];
        (period, weight) = (use.period, use.weight);
    }

    /// @inheritdoc IContributions
    function recordStateOf(bytes32 agreementId, bytes32 recordId) external view returns (RecordState memory state) {
        state = _states[_key(agreementId, recordId)];
    }

    /// @inheritdoc IContributions
    function batchOf(bytes32 batchRoot) external view returns (uint64 blockNumber, uint32 count) {
        Batch memory b = _batches[batchRoot];
        (blockNumber, count) = (b.blockNumber, b.count);
    }

    /// @inheritdoc IContributions
    function recordIdOf(
        bytes32 agreementId,
        bytes32 preHead,
        uint32 index,
        address contributor,
        Contribution calldata c
    ) external pure returns (bytes32 recordId) {
        recordId = BatchMerkle.leaf(agreementId, preHead, index, contributor, c);
    }

    /// @inheritdoc IContributions
    function recordDigest(
        bytes32 agreementId,
        address contributor,
        Contribution[] calldata records,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32 digest) {
        digest = _recordDigest(agreementId, contributor, records, nonce, deadline);
    }

    /// @notice The EIP-712 domain separator (name "Park Ledger Contributions", version "1").
    /// @return separator The domain separator.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32 separator) {
        separator = _domainSeparatorV4();
    }

    // -----------------------------------------------------------------------------------
    // Internal
    // -----------------------------------------------------------------------------------

    /// @dev Validates, hashes and stores a batch recorded by `contributor`.
    function _recordBatch(bytes32 agreementId, address contributor, Contribution[] calldata records, uint256 nonce)
        private
        returns (bytes32 batchRoot)
    {
        uint256 n = records.length;
        if (n == 0) revert ContributionEmptyBatch();
        if (n > MAX_BATCH) revert ContributionBatchTooLarge(n, MAX_BATCH);
        bytes32 preHead = AGREEMENTS.headOf(agreementId);
        ContributionRules memory rules = AGREEMENTS.contributionRulesOf(agreementId);
        bytes32[] memory leaves = new bytes32[](n);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            Contribution calldata c = records[i];
            _validate(agreementId, contributor, c, i, rules.maxRecordWeight);
            leaves[i] = BatchMerkle.leaf(agreementId, preHead, i, contributor, c);
            // At most MAX_BATCH weights of at most MAX_WEIGHT each: far below 2^256.
            unchecked {
                total += c.weight;
            }
        }
        if (rules.maxPeriodWeight != 0) _chargePeriod(agreementId, contributor, total, rules);
        batchRoot = BatchMerkle.root(leaves);
        _store(agreementId, contributor, batchRoot, preHead, nonce, records, n);
    }

    /// @dev Journals the recording action, stores the root and emits the records.
    function _store(
        bytes32 agreementId,
        address contributor,
        bytes32 batchRoot,
        bytes32 preHead,
        uint256 nonce,
        Contribution[] memory records,
        uint256 count
    ) private {
        if (_batches[batchRoot].count != 0) revert ContributionBatchExists(batchRoot);
        bytes32 dataHash = keccak256(abi.encode(contributor, batchRoot, preHead, nonce, records));
        if (nonce == DIRECT_NONCE) {
            AGREEMENTS.journal(agreementId, contributor, PARTY_CHECKS, ContributionsRecorded.selector, dataHash);
        } else {
            AGREEMENTS.journalSigned(
                agreementId, contributor, nonce, PARTY_CHECKS, ContributionsRecorded.selector, dataHash
            );
        }
        // block.number < 2^64 and count <= MAX_BATCH: both casts are exact.
        _batches[batchRoot] = Batch({blockNumber: uint64(block.number), count: uint32(count)});
        emit ContributionsRecorded(agreementId, contributor, batchRoot, preHead, nonce, records);
    }

    /// @dev Rejects a malformed record (index `i` in its batch) or one above the per-record cap
    /// `maxRecordWeight` (0 = no cap below MAX_WEIGHT).
    function _validate(
        bytes32 agreementId,
        address contributor,
        Contribution calldata c,
        uint256 i,
        uint256 maxRecordWeight
    ) private view {
        uint256 weight = c.weight;
        if (weight == 0 || weight > MAX_WEIGHT) revert ContributionInvalidWeight(i, weight);
        if (maxRecordWeight != 0 && weight > maxRecordWeight) {
            revert ContributionWeightAboveCap(i, weight, maxRecordWeight);
        }
        if (c.evidenceHash == bytes32(0)) revert ContributionEmptyEvidence(i);
        address accountable = c.accountable;
        if (c.provenance == AiProvenance.None) {
            if (accountable != address(0)) revert ContributionInvalidAccountable(i, accountable);
        } else {
            if (accountable == address(0)) revert ContributionInvalidAccountable(i, accountable);
            // The contributor's own party status is checked by the journal.
            if (accountable != contributor) {
                (bool isParty,,) = AGREEMENTS.partyOf(agreementId, accountable);
                if (!isParty) revert ContributionAccountableNotAParty(agreementId, accountable);
            }
        }
    }

    /// @dev Checks a record and its proof against a recorded batch; returns the record id.
    function _verify(bytes32 agreementId, RecordProof calldata p) private view returns (bytes32 recordId) {
        recordId = BatchMerkle.leaf(agreementId, p.preHead, p.index, p.contributor, p.record);
        Batch memory b = _batches[p.batchRoot];
        if (p.index >= b.count || !MerkleProof.verifyCalldata(p.proof, p.batchRoot, recordId)) {
            revert ContributionUnknownRecord(agreementId, recordId);
        }
    }

    /// @dev Adds `weight` to the contributor's recorded weight in the current cap period; reverts
    /// when it would exceed the agreement's per-period cap.
    function _chargePeriod(bytes32 agreementId, address contributor, uint256 weight, ContributionRules memory rules)
        private
    {
        // capPeriod >= MIN_CAP_PERIOD whenever a per-period cap is set (Agreements' rule), and
        // block.timestamp / capPeriod < 2^64.
        uint64 period = uint64(block.timestamp / rules.capPeriod);
        PeriodUse memory use = _periodUse[agreementId][contributor];
        uint256 used = use.period == period ? use.weight : 0;
        uint256 cap = rules.maxPeriodWeight;
        if (used + weight > cap) revert ContributionPeriodCapExceeded(contributor, period, used, weight, cap);
        // used + weight <= cap < 2^64: the cast is exact.
        _periodUse[agreementId][contributor] = PeriodUse({period: period, weight: uint64(used + weight)});
    }

    /// @dev Counts one more confirmation into `s` under the agreement's current version and
    /// rule; returns the record's status after it.
    function _countConfirmation(bytes32 agreementId, RecordState memory s)
        private
        view
        returns (ContributionStatus status)
    {
        uint32 version;
        uint8 required;
        (,,, required, version) = AGREEMENTS.rulesOf(agreementId);
        if (s.version != version) {
            // NOTE: confirmations never carry over to a new agreement version: party indices
            // (the bitmap's keys) may have changed with it.
            s.confirmers = 0;
            s.confirmations = 0;
            s.version = version;
        }
        unchecked {
            // At most MAX_PARTIES (64) distinct bits can be set, so the count stays below 2^8.
            s.confirmations += 1;
        }
        status = s.confirmations >= required ? ContributionStatus.Confirmed : ContributionStatus.Pending;
    }

    /// @dev Adds `weight` to the contributor's confirmed weight and tells Revenue (weighted mode).
    function _credit(bytes32 agreementId, address contributor, uint256 weight, RevenueMode mode) private {
        (bool isParty,,) = AGREEMENTS.partyOf(agreementId, contributor);
        if (!isParty) revert ContributionContributorNotAParty(agreementId, contributor);
        uint256 old = _weights[agreementId][contributor];
        uint256 updated = old + weight;
        _weights[agreementId][contributor] = updated;
        _totalWeights[agreementId] += weight;
        if (mode == RevenueMode.ContributionWeighted) REVENUE.onWeightConfirmed(agreementId, contributor, old, updated);
    }

    /// @dev The status and counting weight a resolution gives a disputed record of `recorded` weight.
    function _resolution(uint64 recorded, uint8 outcome, uint256 newWeight)
        private
        pure
        returns (ContributionStatus status, uint64 weight)
    {
        if (outcome > uint8(ResolutionOutcome.AcceptWithWeight)) revert ContributionInvalidOutcome(outcome);
        if (outcome == uint8(ResolutionOutcome.Reject)) return (ContributionStatus.Rejected, 0);
        if (outcome == uint8(ResolutionOutcome.AcceptWithWeight)) {
            if (newWeight == 0 || newWeight > MAX_WEIGHT) revert ContributionInvalidWeight(0, newWeight);
            // newWeight <= MAX_WEIGHT < 2^64: the cast is exact.
            return (ContributionStatus.Confirmed, uint64(newWeight));
        }
        return (ContributionStatus.Confirmed, recorded);
    }

    /// @dev The storage key of a record's state.
    function _key(bytes32 agreementId, bytes32 recordId) private pure returns (bytes32) {
        return keccak256(abi.encode(agreementId, recordId));
    }

    /// @dev The EIP-712 digest of a relayed batch.
    function _recordDigest(
        bytes32 agreementId,
        address contributor,
        Contribution[] calldata records,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        uint256 n = records.length;
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            Contribution calldata c = records[i];
            hashes[i] = keccak256(
                abi.encode(CONTRIBUTION_TYPEHASH, c.kind, c.weight, c.evidenceHash, c.provenance, c.accountable)
            );
        }
        bytes32 recordsHash = keccak256(abi.encodePacked(hashes));
        return _hashTypedDataV4(
            keccak256(abi.encode(RECORD_TYPEHASH, agreementId, contributor, recordsHash, nonce, deadline))
        );
    }
}
