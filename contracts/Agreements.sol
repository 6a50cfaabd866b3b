// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IAgreements} from "./interfaces/IAgreements.sol";
import {IParkRegistry} from "./interfaces/IParkRegistry.sol";
import {IRevenueHooks} from "./interfaces/IModuleHooks.sol";
import {
    AgreementStatus,
    ParticipantStatus,
    RevenueMode,
    VotingMode,
    AgreementParams,
    AgreementTerms,
    ConsentSignature,
    ContributionRules,
    BPS,
    MAX_PARTIES,
    MIN_PARTIES,
    CHECK_ACTIVE,
    CHECK_PARTY,
    CHECK_PARTICIPANT,
    CHECK_VERSION,
    CHECK_VERSION_SHIFT
} from "./interfaces/ITypes.sol";
import {HashChain} from "./libraries/HashChain.sol";
import {PartyList} from "./libraries/PartyList.sol";
import {PartySlot} from "./libraries/PartySlot.sol";
import {SignatureVerifier} from "./libraries/SignatureVerifier.sol";

/// @title Agreements — multi-party agreements signed by every party
/// @notice See {IAgreements}.
contract Agreements is IAgreements, EIP712 {
    using PartySlot for uint256;

    // -----------------------------------------------------------------------------------
    // Structs
    // -----------------------------------------------------------------------------------

    /// @dev One agreement. Slot 0: the rules; slot 1: the lifecycle (everything the consent
    /// path reads and writes); then the hashes.
    struct Agreement {
        // slot 0
        address token;
        uint16 fundShareBps;
        uint16 consentThresholdBps;
        uint16 quorumBps;
        uint8 confirmationsRequired;
        RevenueMode revenueMode;
        VotingMode votingMode;
        uint24 votingPeriod;
        // slot 1
        AgreementStatus status;
        uint8 partyCount;
        uint8 consentCount;
        uint32 version;
        uint40 consentDeadline;
        address partyList;
        // slots 2..4
        bytes32 termsHash;
        bytes32 paramsHash;
        bytes32 head;
        // slot 5: the contribution rules (read by Contributions only)
        ContributionRules contributionRules;
    }

    // -----------------------------------------------------------------------------------
    // Constants and immutables
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IAgreements
    uint256 public constant MAX_FUND_SHARE_BPS = 5_000;
    /// @inheritdoc IAgreements
    uint256 public constant MIN_VOTING_PERIOD = 1 hours;
    /// @inheritdoc IAgreements
    uint256 public constant MAX_VOTING_PERIOD = 180 days;
    /// @inheritdoc IAgreements
    uint256 public constant MAX_CONSENT_WINDOW = 365 days;
    /// @inheritdoc IAgreements
    uint256 public constant MIN_CHALLENGE_WINDOW = 1 hours;
    /// @inheritdoc IAgreements
    uint256 public constant MAX_CHALLENGE_WINDOW = 90 days;
    /// @inheritdoc IAgreements
    uint256 public constant MIN_CAP_PERIOD = 1 hours;
    /// @inheritdoc IAgreements
    uint256 public constant MAX_CAP_PERIOD = 366 days;
    /// @inheritdoc IAgreements
    bytes32 public constant CONSENT_TYPEHASH = keccak256(
        "Consent(bytes32 agreementId,uint32 version,bytes32 paramsHash,uint256 nonce,uint256 deadline)"
    );

    /// @inheritdoc IAgreements
    address public immutable REGISTRY;
    /// @inheritdoc IAgreements
    address public immutable CONTRIBUTIONS;
    /// @inheritdoc IAgreements
    address public immutable REVENUE;
    /// @inheritdoc IAgreements
    address public immutable COMMITMENTS;
    /// @inheritdoc IAgreements
    address public immutable GOVERNANCE;

    // -----------------------------------------------------------------------------------
    // Storage
    // -----------------------------------------------------------------------------------

    /// @dev Agreements by id.
    mapping(bytes32 agreementId => Agreement) private _agreements;

    /// @dev One packed word per (agreement, account): see {PartySlot}.
    mapping(bytes32 agreementId => mapping(address account => uint256 word)) private _partySlots;

    /// @dev The registry's participant statuses as "is Active", pushed by the registry in the
    /// transaction that changes them (`onParticipantStatusChanged`).
    mapping(address account => bool active) private _activeParticipants;

    // -----------------------------------------------------------------------------------
    // Constructor
    // -----------------------------------------------------------------------------------

    /// @param registry The ParkRegistry.
    /// @param contributions The Contributions module (predicted address).
    /// @param revenue The Revenue module (predicted address).
    /// @param commitments The Commitments module (predicted address).
    /// @param governance The Governance module (predicted address).
    constructor(address registry, address contributions, address revenue, address commitments, address governance)
        EIP712("Park Ledger Agreements", "1")
    {
        REGISTRY = registry;
        CONTRIBUTIONS = contributions;
        REVENUE = revenue;
        COMMITMENTS = commitments;
        GOVERNANCE = governance;
    }

    // -----------------------------------------------------------------------------------
    // Parties
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IAgreements
    function propose(AgreementParams calldata params, bytes32 salt) external returns (bytes32 agreementId) {
        agreementId = _propose(params, salt);
    }

    /// @inheritdoc IAgreements
    function proposeWithSignatures(
        AgreementParams calldata params,
        bytes32 salt,
        ConsentSignature[] calldata signatures
    ) external returns (bytes32 agreementId) {
        agreementId = _propose(params, salt);
        if (signatures.length != 0) _consentBySignatures(agreementId, signatures);
    }

    /// @inheritdoc IAgreements
    function consent(bytes32 agreementId, uint32 version, bytes32 paramsHash) external {
        Agreement storage a = _agreements[agreementId];
        _requireProposed(agreementId, a);
        uint32 current = a.version;
        if (version != current) revert AgreementVersionMismatch(agreementId, version, current);
        bytes32 expected = a.paramsHash;
        if (paramsHash != expected) revert AgreementParamsMismatch(agreementId, expected, paramsHash);
        mapping(address account => uint256 word) storage slots = _partySlots[agreementId];
        uint256 word = slots[msg.sender];
        if (!word.isParty()) revert AgreementNotAParty(agreementId, msg.sender);
        if (word.consentVersion() == current) revert AgreementAlreadyConsented(agreementId, msg.sender, current);
        _requireActiveParticipant(msg.sender);

        slots[msg.sender] = word.withConsent(current);
        a.head = _consentGiven(agreementId, a.head, msg.sender, current, 0, 0, msg.data[0:0]);
        _countConsents(agreementId, a, 1);
    }

    /// @inheritdoc IAgreements
    function consentBySignatures(bytes32 agreementId, ConsentSignature[] calldata signatures) external {
        _consentBySignatures(agreementId, signatures);
    }

    /// @inheritdoc IAgreements
    function markExpired(bytes32 agreementId) external {
        Agreement storage a = _agreements[agreementId];
        AgreementStatus status = a.status;
        if (status == AgreementStatus.None) revert AgreementNotFound(agreementId);
        if (status != AgreementStatus.Proposed) revert AgreementNotProposed(agreementId, status);
        uint40 deadline = a.consentDeadline;
        if (block.timestamp <= deadline) revert AgreementNotExpired(agreementId, deadline);

        a.status = AgreementStatus.Expired;
        _append(a, AgreementExpired.selector, keccak256(abi.encode(deadline)));
        emit AgreementExpired(agreementId, deadline);
    }

    /// @inheritdoc IAgreements
    function invalidateNonce(bytes32 agreementId) external returns (uint256 newNonce) {
        Agreement storage a = _agreements[agreementId];
        if (a.status == AgreementStatus.None) revert AgreementNotFound(agreementId);
        mapping(address account => uint256 word) storage slots = _partySlots[agreementId];
        uint256 word = slots[msg.sender];
        // Parties and registered participants (a future joiner, a suspended party) only, so
        // outsiders cannot append to the agreement's chain.
        if (!word.isParty() && IParkRegistry(REGISTRY).participantOf(msg.sender).status == ParticipantStatus.None) {
            revert AgreementParticipantNotActive(msg.sender);
        }
        word = word.withNextNonce();

        slots[msg.sender] = word;
        newNonce = word.nonce();
        _append(a, NonceInvalidated.selector, keccak256(abi.encode(msg.sender, newNonce)));
        emit NonceInvalidated(agreementId, msg.sender, newNonce);
    }

    // -----------------------------------------------------------------------------------
    // Governance
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IAgreements
    function amend(bytes32 agreementId, bytes32 termsHash, uint16[] calldata sharesBps) external {
        _onlyGovernance();
        if (termsHash == bytes32(0)) revert AgreementEmptyTermsHash();
        Agreement storage a = _requireActive(agreementId);
        (address[] memory parties,) = PartyList.read(a.partyList, a.partyCount);

        IRevenueHooks(REVENUE).onMembershipChange(agreementId, new address[](0));
        a.termsHash = termsHash;
        _rewriteParties(agreementId, a, parties, sharesBps);
    }

    /// @inheritdoc IAgreements
    function addParty(bytes32 agreementId, address party, uint16[] calldata sharesBps) external {
        _onlyGovernance();
        Agreement storage a = _requireActive(agreementId);
        uint256 n = a.partyCount;
        if (party == address(0)) revert AgreementZeroAddressParty(n);
        if (n + 1 > MAX_PARTIES) revert AgreementPartyCountOutOfRange(n + 1);
        if (_partySlots[agreementId][party].isParty()) revert AgreementAlreadyAParty(agreementId, party);
        _requireActiveParticipant(party);
        (address[] memory old,) = PartyList.read(a.partyList, n);
        address[] memory parties = new address[](n + 1);
        for (uint256 i; i < n; ++i) {
            parties[i] = old[i];
        }
        parties[n] = party;

        IRevenueHooks(REVENUE).onMembershipChange(agreementId, new address[](0));
        _rewriteParties(agreementId, a, parties, sharesBps);
    }

    /// @inheritdoc IAgreements
    function removeParty(bytes32 agreementId, address party, uint16[] calldata sharesBps) external {
        _onlyGovernance();
        Agreement storage a = _requireActive(agreementId);
        mapping(address account => uint256 word) storage slots = _partySlots[agreementId];
        uint256 word = slots[party];
        if (!word.isParty()) revert AgreementNotAParty(agreementId, party);
        uint256 n = a.partyCount;
        if (n - 1 < MIN_PARTIES) revert AgreementPartyCountOutOfRange(n - 1);
        (address[] memory old,) = PartyList.read(a.partyList, n);
        address[] memory parties = new address[](n - 1);
        uint256 removedIndex = word.index();
        for (uint256 i; i < n; ++i) {
            if (i < removedIndex) parties[i] = old[i];
            else if (i > removedIndex) parties[i - 1] = old[i];
        }
        address[] memory removed = new address[](1);
        removed[0] = party;

        IRevenueHooks(REVENUE).onMembershipChange(agreementId, removed);
        slots[party] = word.asFormerParty();
        if (a.confirmationsRequired > n - 2) {
            // n >= 3 here (checked above), so n - 2 >= 1 is a valid confirmation count.
            a.confirmationsRequired = uint8(n - 2);
        }
        _rewriteParties(agreementId, a, parties, sharesBps);
    }

    /// @inheritdoc IAgreements
    function close(bytes32 agreementId) external {
        _onlyGovernance();
        Agreement storage a = _requireActive(agreementId);
        uint32 version = a.version;

        a.status = AgreementStatus.Closed;
        _append(a, AgreementClosed.selector, keccak256(abi.encode(version)));
        emit AgreementClosed(agreementId, version);
    }

    // -----------------------------------------------------------------------------------
    // Modules
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IAgreements
    function journal(bytes32 agreementId, address actor, uint256 checks, bytes32 actionType, bytes32 dataHash)
        external
        returns (uint8 partyIndex, uint16 shareBps)
    {
        (Agreement storage a, bytes32 head) = _checkAgreement(agreementId, checks);
        uint256 word;
        // NOTE: the party word is a cold slot; read it only when a check or the caller needs it.
        if (checks & CHECK_PARTY != 0) word = _checkParty(agreementId, actor);
        if (checks & CHECK_PARTICIPANT != 0) _requireActiveParticipant(actor);
        a.head = HashChain.advance(head, actionType, dataHash);
        return _partyData(word);
    }

    /// @inheritdoc IAgreements
    function onParticipantStatusChanged(address account, bool active) external {
        if (msg.sender != REGISTRY) revert AgreementUnauthorizedModule(msg.sender);
        _activeParticipants[account] = active;
    }

    /// @inheritdoc IAgreements
    function journalSigned(
        bytes32 agreementId,
        address signer,
        uint256 nonce,
        uint256 checks,
        bytes32 actionType,
        bytes32 dataHash
    ) external returns (uint8 partyIndex, uint16 shareBps) {
        (Agreement storage a, bytes32 head) = _checkAgreement(agreementId, checks);
        uint256 word = _partySlots[agreementId][signer];
        if (checks & CHECK_PARTY != 0 && !word.isParty()) revert AgreementNotAParty(agreementId, signer);
        if (checks & CHECK_PARTICIPANT != 0) _requireActiveParticipant(signer);
        uint256 current = word.nonce();
        if (nonce != current) revert AgreementInvalidNonce(agreementId, signer, current, nonce);
        _partySlots[agreementId][signer] = word.withNextNonce();
        a.head = HashChain.advance(head, actionType, dataHash);
        return _partyData(word);
    }

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IAgreements
    function statusOf(bytes32 agreementId) external view returns (AgreementStatus status) {
        return _statusOf(_agreements[agreementId]);
    }

    /// @inheritdoc IAgreements
    function headOf(bytes32 agreementId) external view returns (bytes32 head) {
        return _agreements[agreementId].head;
    }

    /// @inheritdoc IAgreements
    function partyOf(bytes32 agreementId, address account)
        external
        view
        returns (bool isParty, uint8 index, uint16 shareBps)
    {
        uint256 word = _partySlots[agreementId][account];
        if (word.isParty()) return (true, word.index(), word.shareBps());
    }

    /// @inheritdoc IAgreements
    function partiesOf(bytes32 agreementId)
        external
        view
        returns (address[] memory parties, uint16[] memory sharesBps)
    {
        Agreement storage a = _agreements[agreementId];
        return PartyList.read(a.partyList, a.partyCount);
    }

    /// @inheritdoc IAgreements
    function termsOf(bytes32 agreementId) external view returns (AgreementTerms memory terms) {
        Agreement storage a = _agreements[agreementId];
        terms.token = a.token;
        terms.revenueMode = a.revenueMode;
        terms.fundShareBps = a.fundShareBps;
        terms.confirmationsRequired = a.confirmationsRequired;
        terms.consentThresholdBps = a.consentThresholdBps;
        terms.partyCount = a.partyCount;
        terms.version = a.version;
        terms.termsHash = a.termsHash;
        terms.votingMode = a.votingMode;
        terms.votingPeriod = a.votingPeriod;
        terms.quorumBps = a.quorumBps;
        terms.status = _statusOf(a);
        terms.consentDeadline = a.consentDeadline;
        terms.consentCount = a.consentCount;
        terms.paramsHash = a.paramsHash;
    }

    /// @inheritdoc IAgreements
    function rulesOf(bytes32 agreementId)
        external
        view
        returns (
            address token,
            RevenueMode revenueMode,
            uint16 fundShareBps,
            uint8 confirmationsRequired,
            uint32 version
        )
    {
        Agreement storage a = _agreements[agreementId];
        return (a.token, a.revenueMode, a.fundShareBps, a.confirmationsRequired, a.version);
    }

    /// @inheritdoc IAgreements
    function contributionRulesOf(bytes32 agreementId) external view returns (ContributionRules memory rules) {
        rules = _agreements[agreementId].contributionRules;
    }

    /// @inheritdoc IAgreements
    function nonceOf(bytes32 agreementId, address account) external view returns (uint256 nonce) {
        return _partySlots[agreementId][account].nonce();
    }

    /// @inheritdoc IAgreements
    function consentVersionOf(bytes32 agreementId, address account) external view returns (uint32 version) {
        return _partySlots[agreementId][account].consentVersion();
    }

    /// @inheritdoc IAgreements
    function agreementIdOf(address proposer, bytes32 salt) external pure returns (bytes32 agreementId) {
        return keccak256(abi.encode(proposer, salt));
    }

    /// @inheritdoc IAgreements
    function consentDigest(
        bytes32 agreementId,
        uint32 version,
        bytes32 paramsHash,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32 digest) {
        return _consentDigest(agreementId, version, paramsHash, nonce, deadline);
    }

    // -----------------------------------------------------------------------------------
    // Internal: proposal and consent
    // -----------------------------------------------------------------------------------

    /// @dev Validates and writes a new agreement; the proposer's proposal is its consent.
    function _propose(AgreementParams calldata params, bytes32 salt) private returns (bytes32 agreementId) {
        agreementId = keccak256(abi.encode(msg.sender, salt));
        Agreement storage a = _agreements[agreementId];
        if (a.status != AgreementStatus.None) revert AgreementExists(agreementId);
        uint256 n = params.parties.length;
        _checkRules(params, n);

        address[] memory parties = params.parties;
        uint16[] memory shares = params.sharesBps;
        _writeNewParties(agreementId, parties, shares);
        for (uint256 i; i < n; ++i) {
            _requireActiveParticipant(parties[i]);
        }
        (bytes32 paramsHash, bytes memory proposedData) = _encodeProposal(params);
        bytes32 head = HashChain.advance(0, AgreementProposed.selector, keccak256(abi.encode(msg.sender, paramsHash)));
        _emitProposed(agreementId, proposedData);
        head = _consentGiven(agreementId, head, msg.sender, 1, 0, 0, msg.data[0:0]);

        // One struct write: each packed slot is stored once instead of once per member.
        _agreements[agreementId] = Agreement({
            token: params.token,
            fundShareBps: params.fundShareBps,
            consentThresholdBps: params.consentThresholdBps,
            quorumBps: params.quorumBps,
            confirmationsRequired: params.confirmationsRequired,
            revenueMode: params.revenueMode,
            votingMode: params.votingMode,
            // Bounded by MAX_VOTING_PERIOD (180 days < 2**24 s) in _checkRules.
            votingPeriod: uint24(params.votingPeriod),
            status: AgreementStatus.Proposed,
            // 2..64 parties (checked in _checkRules).
            partyCount: uint8(n),
            consentCount: 1,
            version: 1,
            consentDeadline: params.consentDeadline,
            partyList: PartyList.write(parties, shares),
            termsHash: params.termsHash,
            paramsHash: paramsHash,
            head: head,
            contributionRules: ContributionRules({
                challengeWindow: params.challengeWindow,
                maxRecordWeight: params.maxRecordWeight,
                maxPeriodWeight: params.maxPeriodWeight,
                capPeriod: params.capPeriod
            })
        });
    }

    /// @dev `abi.encode(paramsHash, params)` — the data of `AgreementProposed` — and
    /// `paramsHash = keccak256(abi.encode(params))`, from one encoding: both hold the same tuple
    /// encoding after one head word (its offset, 0x20 in `abi.encode(params)`, 0x40 in the event).
    function _encodeProposal(AgreementParams calldata params)
        private
        pure
        returns (bytes32 paramsHash, bytes memory data)
    {
        data = abi.encode(bytes32(0), params);
        assembly ("memory-safe") {
            let offsetWord := add(data, 0x40)
            mstore(offsetWord, 0x20)
            paramsHash := keccak256(offsetWord, sub(mload(data), 0x20))
            mstore(offsetWord, 0x40)
            mstore(add(data, 0x20), paramsHash)
        }
    }

    /// @dev Emits `AgreementProposed(agreementId, msg.sender, paramsHash, params)` from its
    /// encoded data (see {_encodeProposal}).
    function _emitProposed(bytes32 agreementId, bytes memory data) private {
        bytes32 topic = AgreementProposed.selector;
        assembly ("memory-safe") {
            log3(add(data, 0x20), mload(data), topic, agreementId, caller())
        }
    }

    /// @dev Validates every rule of `params` except the parties themselves.
    function _checkRules(AgreementParams calldata params, uint256 n) private view {
        if (n < MIN_PARTIES || n > MAX_PARTIES) revert AgreementPartyCountOutOfRange(n);
        if (params.sharesBps.length != n) revert AgreementSharesLengthMismatch(n, params.sharesBps.length);
        if (params.termsHash == bytes32(0)) revert AgreementEmptyTermsHash();
        address token = params.token;
        if (token != address(0) && token.code.length == 0) revert AgreementTokenNotContract(token);
        if (params.fundShareBps > MAX_FUND_SHARE_BPS) {
            revert AgreementFundShareTooHigh(params.fundShareBps, MAX_FUND_SHARE_BPS);
        }
        uint256 threshold = params.consentThresholdBps;
        if (threshold == 0 || threshold > BPS) revert AgreementInvalidConsentThreshold(threshold);
        uint256 confirmations = params.confirmationsRequired;
        if (confirmations == 0 || confirmations > n - 1) revert AgreementInvalidConfirmations(confirmations, n);
        if (params.quorumBps > BPS) revert AgreementInvalidQuorum(params.quorumBps);
        uint256 period = params.votingPeriod;
        if (period < MIN_VOTING_PERIOD || period > MAX_VOTING_PERIOD) revert AgreementInvalidVotingPeriod(period);
        uint256 deadline = params.consentDeadline;
        if (deadline <= block.timestamp || deadline > block.timestamp + MAX_CONSENT_WINDOW) {
            revert AgreementInvalidConsentDeadline(deadline);
        }
        uint256 window = params.challengeWindow;
        if (window < MIN_CHALLENGE_WINDOW || window > MAX_CHALLENGE_WINDOW) {
            revert AgreementInvalidChallengeWindow(window);
        }
        uint256 periodCap = params.maxPeriodWeight;
        uint256 capPeriod = params.capPeriod;
        bool capped = periodCap != 0;
        if (capped != (capPeriod != 0) || (capped && (capPeriod < MIN_CAP_PERIOD || capPeriod > MAX_CAP_PERIOD))) {
            revert AgreementInvalidWeightCap(periodCap, capPeriod);
        }
    }

    /// @dev Writes the party words of a new agreement (the proposer's with its consent to
    /// version 1) and checks addresses, duplicates and shares.
    function _writeNewParties(bytes32 agreementId, address[] memory parties, uint16[] memory shares) private {
        mapping(address account => uint256 word) storage slots = _partySlots[agreementId];
        uint256 n = parties.length;
        uint256 total;
        bool proposerFound;
        for (uint256 i; i < n; ++i) {
            address party = parties[i];
            uint256 share = shares[i];
            if (party == address(0)) revert AgreementZeroAddressParty(i);
            if (share == 0) revert AgreementZeroShare(party);
            // A new agreement's words are all zero (nothing writes them before the proposal),
            // so a non-zero word means the party was listed earlier in this loop.
            if (slots[party] != 0) revert AgreementDuplicateParty(party);
            uint256 word = PartySlot.asParty(0, i, share);
            if (party == msg.sender) {
                word = word.withConsent(1);
                proposerFound = true;
            }
            slots[party] = word;
            // At most 64 shares of at most 65,535: no overflow.
            unchecked {
                total += share;
            }
        }
        if (total != BPS) revert AgreementSharesDoNotSumTo(total);
        if (!proposerFound) revert AgreementProposerNotAParty(msg.sender);
    }

    /// @dev Applies relayed consents to the current version of a Proposed agreement.
    function _consentBySignatures(bytes32 agreementId, ConsentSignature[] calldata signatures) private {
        uint256 count = signatures.length;
        if (count == 0) revert AgreementNoSignatures();
        Agreement storage a = _agreements[agreementId];
        _requireProposed(agreementId, a);
        uint32 version = a.version;
        bytes32 paramsHash = a.paramsHash;
        // The head is carried in memory and written once after the loop: a revert anywhere
        // undoes the whole batch, so no partial chain is ever visible.
        bytes32 head = a.head;
        mapping(address account => uint256 word) storage slots = _partySlots[agreementId];
        uint256 applied;
        for (uint256 i; i < count; ++i) {
            ConsentSignature calldata c = signatures[i];
            address signer = c.signer;
            uint256 word = slots[signer];
            if (!word.isParty()) revert AgreementNotAParty(agreementId, signer);
            // NOTE: a consent already given (by a front-runner submitting the same signature,
            // or earlier in this batch) is skipped, so a relayer's batch is never blocked.
            if (word.consentVersion() == version) continue;
            _checkConsentSignature(agreementId, version, paramsHash, signer, word.nonce(), c);
            _requireActiveParticipant(signer);

            slots[signer] = word.withConsent(version).withNextNonce();
            head = _consentGiven(agreementId, head, signer, version, c.nonce, c.deadline, c.signature);
            // At most one application per party per version: applied <= 64.
            unchecked {
                ++applied;
            }
        }
        if (applied == 0) revert AgreementAlreadyConsented(agreementId, signatures[0].signer, version);
        a.head = head;
        _countConsents(agreementId, a, applied);
    }

    /// @dev Reverts unless `c` is a live, unused signature by `signer` of the current `Consent`.
    function _checkConsentSignature(
        bytes32 agreementId,
        uint32 version,
        bytes32 paramsHash,
        address signer,
        uint256 expectedNonce,
        ConsentSignature calldata c
    ) private view {
        uint256 deadline = c.deadline;
        if (block.timestamp > deadline) revert AgreementSignatureExpired(signer, deadline);
        uint256 nonce = c.nonce;
        if (nonce != expectedNonce) revert AgreementInvalidNonce(agreementId, signer, expectedNonce, nonce);
        bytes32 digest = _hashTypedDataV4(_consentStructHash(agreementId, version, paramsHash, nonce, deadline));
        if (!SignatureVerifier.isValid(signer, digest, c.signature)) revert AgreementInvalidSignature(signer);
    }

    /// @dev Emits `ConsentGiven` and returns `head` advanced by it. The action data
    /// `abi.encode(party, version, nonce, deadline, signature)` (docs/hash-chain.md) and the event
    /// data `abi.encode(version, nonce, deadline, signature)` share everything but their first
    /// word and the signature's offset, so both are built once in scratch memory past the free
    /// memory pointer (which is not moved: a batch of 64 consents does not grow memory).
    function _consentGiven(
        bytes32 agreementId,
        bytes32 head,
        address party,
        uint32 version,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private returns (bytes32 next) {
        bytes32 topic = ConsentGiven.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            let length := signature.length
            mstore(m, party)
            mstore(add(m, 0x20), version)
            mstore(add(m, 0x40), nonce)
            mstore(add(m, 0x60), deadline)
            mstore(add(m, 0x80), 0xa0)
            mstore(add(m, 0xa0), length)
            calldatacopy(add(m, 0xc0), signature.offset, length)
            // Zero the padding after the signature up to the next 32-byte boundary.
            mstore(add(add(m, 0xc0), length), 0)
            let size := add(0xc0, and(add(length, 31), not(31)))
            let chain := add(m, size)
            mstore(chain, head)
            mstore(add(chain, 0x20), topic)
            mstore(add(chain, 0x40), keccak256(m, size))
            next := keccak256(chain, 0x60)
            // The event data starts at the version and points at the signature from there.
            mstore(add(m, 0x80), 0x80)
            log3(add(m, 0x20), sub(size, 0x20), topic, agreementId, party)
        }
    }

    /// @dev Adds `applied` consents and activates the agreement when every party consented.
    function _countConsents(bytes32 agreementId, Agreement storage a, uint256 applied) private {
        // consentCount + applied <= partyCount <= 64: each party's consent counts once.
        uint256 consents = a.consentCount + applied;
        a.consentCount = uint8(consents);
        if (consents == a.partyCount) {
            uint32 version = a.version;
            a.status = AgreementStatus.Active;
            _append(a, AgreementActivated.selector, keccak256(abi.encode(version)));
            emit AgreementActivated(agreementId, version);
        }
    }

    /// @dev The EIP-712 digest of a `Consent`.
    function _consentDigest(
        bytes32 agreementId,
        uint32 version,
        bytes32 paramsHash,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        return _hashTypedDataV4(_consentStructHash(agreementId, version, paramsHash, nonce, deadline));
    }

    /// @dev The EIP-712 struct hash of a `Consent`: `keccak256(abi.encode(CONSENT_TYPEHASH, ...))`
    /// hashed in scratch memory, so a batch of signatures does not grow memory.
    function _consentStructHash(
        bytes32 agreementId,
        uint32 version,
        bytes32 paramsHash,
        uint256 nonce,
        uint256 deadline
    ) private pure returns (bytes32 structHash) {
        bytes32 typeHash = CONSENT_TYPEHASH;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), agreementId)
            mstore(add(m, 0x40), version)
            mstore(add(m, 0x60), paramsHash)
            mstore(add(m, 0x80), nonce)
            mstore(add(m, 0xa0), deadline)
            structHash := keccak256(m, 0xc0)
        }
    }

    // -----------------------------------------------------------------------------------
    // Internal: amendments
    // -----------------------------------------------------------------------------------

    /// @dev Writes the new party list and shares of an amended agreement, creates the next
    /// version and emits `AgreementAmended`. Words of parties that stay keep their consent
    /// version and nonce.
    function _rewriteParties(
        bytes32 agreementId,
        Agreement storage a,
        address[] memory parties,
        uint16[] calldata sharesBps
    ) private {
        uint256 n = parties.length;
        if (sharesBps.length != n) revert AgreementSharesLengthMismatch(n, sharesBps.length);
        mapping(address account => uint256 word) storage slots = _partySlots[agreementId];
        uint256 total;
        for (uint256 i; i < n; ++i) {
            address party = parties[i];
            uint256 share = sharesBps[i];
            if (share == 0) revert AgreementZeroShare(party);
            slots[party] = PartySlot.asParty(slots[party], i, share);
            // At most 64 shares of at most 65,535: no overflow.
            unchecked {
                total += share;
            }
        }
        if (total != BPS) revert AgreementSharesDoNotSumTo(total);
        uint16[] memory shares = sharesBps;
        uint32 version = a.version + 1;

        a.partyList = PartyList.write(parties, shares);
        // 2..64 parties (checked by the callers).
        a.partyCount = uint8(n);
        a.consentCount = uint8(n);
        a.version = version;
        bytes32 paramsHash = keccak256(abi.encode(_paramsOf(a, parties, shares)));
        a.paramsHash = paramsHash;
        _append(a, AgreementAmended.selector, keccak256(abi.encode(version, paramsHash)));
        emit AgreementAmended(agreementId, version, paramsHash, a.termsHash, a.confirmationsRequired, parties, shares);
    }

    /// @dev The full parameters of the agreement's current rules with `parties` and `shares`.
    function _paramsOf(Agreement storage a, address[] memory parties, uint16[] memory shares)
        private
        view
        returns (AgreementParams memory params)
    {
        params.parties = parties;
        params.sharesBps = shares;
        params.revenueMode = a.revenueMode;
        params.fundShareBps = a.fundShareBps;
        params.termsHash = a.termsHash;
        params.token = a.token;
        params.consentThresholdBps = a.consentThresholdBps;
        params.confirmationsRequired = a.confirmationsRequired;
        params.votingMode = a.votingMode;
        params.votingPeriod = a.votingPeriod;
        params.quorumBps = a.quorumBps;
        params.consentDeadline = a.consentDeadline;
        ContributionRules memory rules = a.contributionRules;
        params.challengeWindow = rules.challengeWindow;
        params.maxRecordWeight = rules.maxRecordWeight;
        params.maxPeriodWeight = rules.maxPeriodWeight;
        params.capPeriod = rules.capPeriod;
    }

    // -----------------------------------------------------------------------------------
    // Internal: checks and the hash chain
    // -----------------------------------------------------------------------------------

    /// @dev The module check and the agreement checks of journal / journalSigned (CHECK_ACTIVE,
    /// CHECK_VERSION; existence always); returns the agreement and its current head.
    function _checkAgreement(bytes32 agreementId, uint256 checks)
        private
        view
        returns (Agreement storage a, bytes32 head)
    {
        if (
            msg.sender != GOVERNANCE && msg.sender != CONTRIBUTIONS && msg.sender != REVENUE
                && msg.sender != COMMITMENTS
        ) revert AgreementUnauthorizedModule(msg.sender);
        a = _agreements[agreementId];
        head = a.head;
        // NOTE: `_propose` appends to the chain, so an agreement exists exactly when its head is
        // non-zero (a zero keccak256 output is infeasible): the status slot is read only when a
        // check needs the status or the version, both of which live in it.
        if (head == bytes32(0)) revert AgreementNotFound(agreementId);
        if (checks & (CHECK_ACTIVE | CHECK_VERSION) == 0) return (a, head);
        if (checks & CHECK_ACTIVE != 0 && a.status != AgreementStatus.Active) {
            revert AgreementNotActive(agreementId, _statusOf(a));
        }
        if (checks & CHECK_VERSION != 0) {
            uint32 expected = uint32(checks >> CHECK_VERSION_SHIFT);
            uint32 current = a.version;
            if (current != expected) revert AgreementVersionMismatch(agreementId, expected, current);
        }
    }

    /// @dev The actor's party word; reverts unless it belongs to a current party.
    function _checkParty(bytes32 agreementId, address actor) private view returns (uint256 word) {
        word = _partySlots[agreementId][actor];
        if (!word.isParty()) revert AgreementNotAParty(agreementId, actor);
    }

    /// @dev The (index, share) of a party word, zeros for a non-party.
    function _partyData(uint256 word) private pure returns (uint8 partyIndex, uint16 shareBps) {
        if (word.isParty()) return (word.index(), word.shareBps());
    }

    /// @dev Advances the agreement's hash chain by one action.
    function _append(Agreement storage a, bytes32 actionType, bytes32 dataHash) private {
        a.head = HashChain.advance(a.head, actionType, dataHash);
    }

    /// @dev Reverts unless the agreement is Proposed and its consent deadline has not passed.
    function _requireProposed(bytes32 agreementId, Agreement storage a) private view {
        AgreementStatus status = a.status;
        if (status == AgreementStatus.None) revert AgreementNotFound(agreementId);
        if (status != AgreementStatus.Proposed || block.timestamp > a.consentDeadline) {
            revert AgreementNotProposed(agreementId, _statusOf(a));
        }
    }

    /// @dev Reverts unless the agreement is Active; returns it.
    function _requireActive(bytes32 agreementId) private view returns (Agreement storage a) {
        a = _agreements[agreementId];
        AgreementStatus status = a.status;
        if (status == AgreementStatus.None) revert AgreementNotFound(agreementId);
        if (status != AgreementStatus.Active) revert AgreementNotActive(agreementId, _statusOf(a));
    }

    /// @dev Reverts unless `account` is an Active participant.
    function _requireActiveParticipant(address account) private view {
        if (!_activeParticipants[account]) revert AgreementParticipantNotActive(account);
    }

    /// @dev Reverts unless the caller is Governance.
    function _onlyGovernance() private view {
        if (msg.sender != GOVERNANCE) revert AgreementUnauthorizedModule(msg.sender);
    }

    /// @dev The stored status, with Proposed past its consent deadline read as Expired.
    function _statusOf(Agreement storage a) private view returns (AgreementStatus status) {
        status = a.status;
        if (status == AgreementStatus.Proposed && block.timestamp > a.consentDeadline) {
            status = AgreementStatus.Expired;
        }
    }
}
