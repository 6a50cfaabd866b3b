// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";

import {IAgreements} from "./interfaces/IAgreements.sol";
import {IParkRegistry} from "./interfaces/IParkRegistry.sol";
import {
    ParticipantKind, ParticipantStatus, Participant, AuditAttestation
} from "./interfaces/ITypes.sol";

/// @title ParkRegistry — the park's participants, roles, culture fund and audit attestations
/// @notice See {IParkRegistry}.
/// @dev The admin role uses OpenZeppelin's AccessControlDefaultAdminRules: handing it over is
/// two-step (begin, then accept after the delay) and there is only ever one admin.
contract ParkRegistry is AccessControlDefaultAdminRules, IParkRegistry {
    // -----------------------------------------------------------------------------------
    // Constants and immutables
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IParkRegistry
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @inheritdoc IParkRegistry
    bytes32 public constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");

    /// @inheritdoc IParkRegistry
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    /// @inheritdoc IParkRegistry
    address public immutable COMMITMENTS;

    /// @inheritdoc IParkRegistry
    address public immutable AGREEMENTS;

    // -----------------------------------------------------------------------------------
    // Storage
    // -----------------------------------------------------------------------------------

    /// @dev Participant records; `kind`, `status`, times and breach count share one slot.
    mapping(address account => Participant) private _participants;

    /// @dev The park culture-fund address.
    address private _cultureFund;

    /// @dev The ERC-20 tokens the park admits (ETH, address(0), is always admitted).
    mapping(address token => bool admitted) private _admittedTokens;

    /// @dev The latest attestation per agreement.
    mapping(bytes32 agreementId => AuditAttestation) private _latestAttestations;

    /// @dev The number of attestations per agreement.
    mapping(bytes32 agreementId => uint256) private _attestationCounts;

    // -----------------------------------------------------------------------------------
    // Constructor
    // -----------------------------------------------------------------------------------

    /// @param initialDelay Delay (seconds) of the two-step admin handover.
    /// @param initialAdmin The first park admin.
    /// @param commitments The Commitments contract (predicted address), sole breach recorder.
    /// @param agreements The Agreements contract (predicted address), mirror of the statuses.
    constructor(uint48 initialDelay, address initialAdmin, address commitments, address agreements)
        AccessControlDefaultAdminRules(initialDelay, initialAdmin)
    {
        if (commitments == address(0) || agreements == address(0)) revert RegistryZeroAddress();
        COMMITMENTS = commitments;
        AGREEMENTS = agreements;
    }

    // -----------------------------------------------------------------------------------
    // Registrar
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IParkRegistry
    function register(address account, ParticipantKind kind, bytes32 profileHash)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        if (account == address(0)) revert RegistryZeroAddress();
        if (profileHash == bytes32(0)) revert ParticipantEmptyProfileHash(account);
        Participant storage p = _participants[account];
        if (p.status != ParticipantStatus.None) revert ParticipantAlreadyRegistered(account);
        p.kind = kind;
        p.status = ParticipantStatus.Active;
        p.registeredAt = uint40(block.timestamp);
        p.updatedAt = uint40(block.timestamp);
        p.profileHash = profileHash;
        IAgreements(AGREEMENTS).onParticipantStatusChanged(account, true);
        emit ParticipantRegistered(account, msg.sender, kind, profileHash);
    }

    /// @inheritdoc IParkRegistry
    function update(address account, ParticipantKind kind, bytes32 profileHash)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        if (profileHash == bytes32(0)) revert ParticipantEmptyProfileHash(account);
        Participant storage p = _participants[account];
        if (p.status == ParticipantStatus.None) revert ParticipantNotRegistered(account);
        p.kind = kind;
        p.updatedAt = uint40(block.timestamp);
        p.profileHash = profileHash;
        emit ParticipantUpdated(account, msg.sender, kind, profileHash);
    }

    /// @inheritdoc IParkRegistry
    function suspend(address account, bytes32 reasonHash) external onlyRole(REGISTRAR_ROLE) {
        Participant storage p = _participants[account];
        ParticipantStatus status = p.status;
        if (status == ParticipantStatus.None) revert ParticipantNotRegistered(account);
        if (status != ParticipantStatus.Active) revert ParticipantNotActive(account, status);
        p.status = ParticipantStatus.Suspended;
        p.updatedAt = uint40(block.timestamp);
        IAgreements(AGREEMENTS).onParticipantStatusChanged(account, false);
        emit ParticipantSuspended(account, msg.sender, reasonHash);
    }

    /// @inheritdoc IParkRegistry
    function reinstate(address account) external onlyRole(REGISTRAR_ROLE) {
        Participant storage p = _participants[account];
        ParticipantStatus status = p.status;
        if (status == ParticipantStatus.None) revert ParticipantNotRegistered(account);
        if (status != ParticipantStatus.Suspended) revert ParticipantNotSuspended(account, status);
        p.status = ParticipantStatus.Active;
        p.updatedAt = uint40(block.timestamp);
        IAgreements(AGREEMENTS).onParticipantStatusChanged(account, true);
        emit ParticipantReinstated(account, msg.sender);
    }

    // -----------------------------------------------------------------------------------
    // Admin, modules, auditors
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IParkRegistry
    function setCultureFund(address fund) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (fund == address(0)) revert RegistryZeroAddress();
        address previous = _cultureFund;
        _cultureFund = fund;
        emit CultureFundSet(previous, fund);
    }

    /// @inheritdoc IParkRegistry
    function setTokenAdmitted(address token, bool admitted) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert RegistryZeroAddress();
        _admittedTokens[token] = admitted;
        emit TokenAdmissionSet(token, msg.sender, admitted);
    }

    /// @inheritdoc IParkRegistry
    function recordBreach(address participant) external returns (uint32 breachCount) {
        if (msg.sender != COMMITMENTS) revert RegistryUnauthorizedBreachRecorder(msg.sender);
        Participant storage p = _participants[participant];
        if (p.status == ParticipantStatus.None) revert ParticipantNotRegistered(participant);
        breachCount = p.breachCount + 1;
        p.breachCount = breachCount;
        emit BreachRecorded(participant, breachCount);
    }

    /// @inheritdoc IParkRegistry
    function attest(bytes32 agreementId, bytes32 auditedHead, uint256 blockNumber, bytes32 reportHash)
        external
        onlyRole(AUDITOR_ROLE)
    {
        if (blockNumber > block.number) revert AuditBlockInFuture(blockNumber, block.number);
        if (auditedHead == bytes32(0) || reportHash == bytes32(0)) {
            revert AuditEmptyHash(auditedHead, reportHash);
        }
        _latestAttestations[agreementId] = AuditAttestation({
            auditor: msg.sender,
            // The block number is at most block.number (checked above), far below 2**64.
            blockNumber: uint64(blockNumber),
            attestedAt: uint40(block.timestamp),
            auditedHead: auditedHead,
            reportHash: reportHash
        });
        _attestationCounts[agreementId] += 1;
        emit AuditAttested(agreementId, msg.sender, auditedHead, blockNumber, reportHash);
    }

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IParkRegistry
    function participantOf(address account) external view returns (Participant memory participant) {
        return _participants[account];
    }

    /// @inheritdoc IParkRegistry
    function isActiveParticipant(address account) external view returns (bool active) {
        return _participants[account].status == ParticipantStatus.Active;
    }

    /// @inheritdoc IParkRegistry
    function firstInactive(address[] calldata accounts) external view returns (uint256 index) {
        uint256 n = accounts.length;
        for (; index < n; ++index) {
            if (_participants[accounts[index]].status != ParticipantStatus.Active) return index;
        }
    }

    /// @inheritdoc IParkRegistry
    function cultureFund() external view returns (address fund) {
        return _cultureFund;
    }

    /// @inheritdoc IParkRegistry
    function isTokenAdmitted(address token) external view returns (bool admitted) {
        return token == address(0) || _admittedTokens[token];
    }

    /// @inheritdoc IParkRegistry
    function latestAttestation(bytes32 agreementId)
        external
        view
        returns (AuditAttestation memory attestation)
    {
        return _latestAttestations[agreementId];
    }

    /// @inheritdoc IParkRegistry
    function attestationCount(bytes32 agreementId) external view returns (uint256 count) {
        return _attestationCounts[agreementId];
    }
}
