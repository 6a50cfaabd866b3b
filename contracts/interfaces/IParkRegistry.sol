// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ParticipantKind, ParticipantStatus, Participant, AuditAttestation} from "./ITypes.sol";

/// @title IParkRegistry — the park's participants and roles
/// @notice Who the park's participants are (kind, profile commitment, status, registration
/// time, breach count), the park roles (admin with a two-step handover, registrar, auditor,
/// arbiter), the park culture-fund address, the ERC-20 tokens the park accepts and the
/// auditors' on-chain attestations.
/// @dev Roles: `DEFAULT_ADMIN_ROLE` (OpenZeppelin AccessControlDefaultAdminRules: two-step,
/// delayed handover) grants `REGISTRAR_ROLE`, `AUDITOR_ROLE` and `ARBITER_ROLE`, sets the
/// culture fund and admits tokens.
interface IParkRegistry {
    // -----------------------------------------------------------------------------------
    // Errors
    // -----------------------------------------------------------------------------------

    /// @dev `account` is the zero address where a participant or fund address is required.
    error RegistryZeroAddress();
    /// @dev `account` is already registered (registration happens once per address).
    error ParticipantAlreadyRegistered(address account);
    /// @dev `account` was never registered.
    error ParticipantNotRegistered(address account);
    /// @dev `account` is not Active (it is suspended) where an active participant is required.
    error ParticipantNotActive(address account, ParticipantStatus status);
    /// @dev `account` is not suspended, so it cannot be reinstated.
    error ParticipantNotSuspended(address account, ParticipantStatus status);
    /// @dev The profile hash commits to an off-chain document and cannot be zero.
    error ParticipantEmptyProfileHash(address account);
    /// @dev Only the Commitments contract records breaches.
    error RegistryUnauthorizedBreachRecorder(address caller);
    /// @dev An attestation names a block that is not yet mined (`current` is this block).
    error AuditBlockInFuture(uint256 blockNumber, uint256 current);
    /// @dev An attestation must name a non-zero audited head and report hash.
    error AuditEmptyHash(bytes32 auditedHead, bytes32 reportHash);

    // -----------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------

    /// @notice A registrar registered `account` as an Active participant.
    event ParticipantRegistered(
        address indexed account, address indexed registrar, ParticipantKind kind, bytes32 profileHash
    );
    /// @notice A registrar changed `account`'s kind or profile commitment.
    event ParticipantUpdated(
        address indexed account, address indexed registrar, ParticipantKind kind, bytes32 profileHash
    );
    /// @notice A registrar suspended `account`; `reasonHash` commits to the off-chain reason.
    event ParticipantSuspended(address indexed account, address indexed registrar, bytes32 reasonHash);
    /// @notice A registrar reinstated the suspended `account`.
    event ParticipantReinstated(address indexed account, address indexed registrar);
    /// @notice The admin set the park culture-fund address.
    event CultureFundSet(address indexed previousFund, address indexed newFund);
    /// @notice The admin admitted `token` (Revenue accepts deposits and bonds in it) or, with
    /// `admitted` false, withdrew the admission (new deposits and bonds refused; claims go on).
    event TokenAdmissionSet(address indexed token, address indexed admin, bool admitted);
    /// @notice Commitments recorded a breach by `participant`; `breachCount` is the new total.
    event BreachRecorded(address indexed participant, uint32 breachCount);
    /// @notice An auditor attested that it verified `agreementId` up to `auditedHead` as of
    /// `blockNumber`; `reportHash` commits to the audit report (docs/audit.md).
    event AuditAttested(
        bytes32 indexed agreementId,
        address indexed auditor,
        bytes32 auditedHead,
        uint256 blockNumber,
        bytes32 reportHash
    );

    // -----------------------------------------------------------------------------------
    // Roles and wiring
    // -----------------------------------------------------------------------------------

    /// @notice Role that registers, updates, suspends and reinstates participants.
    function REGISTRAR_ROLE() external view returns (bytes32);

    /// @notice Role that may attest audit results.
    function AUDITOR_ROLE() external view returns (bytes32);

    /// @notice Role that rules on rejected deliverables (`ICommitments.arbitrate`): the park's
    /// arbitration, so that a co-party's rejection alone never takes a committer's bond.
    function ARBITER_ROLE() external view returns (bytes32);

    /// @notice The Commitments contract, the only caller of `recordBreach`.
    function COMMITMENTS() external view returns (address);

    /// @notice The Agreements contract, told of every participant status change
    /// (`IAgreements.onParticipantStatusChanged`) so that its per-action participant check is
    /// one storage read instead of a call into the registry.
    function AGREEMENTS() external view returns (address);

    // -----------------------------------------------------------------------------------
    // Registrar
    // -----------------------------------------------------------------------------------

    /// @notice Registers `account` as an Active participant of `kind`.
    /// @param account The participant's address (an EOA or a contract wallet such as a Safe).
    /// @param kind The participant's kind.
    /// @param profileHash Commitment to the off-chain profile document (non-zero).
    function register(address account, ParticipantKind kind, bytes32 profileHash) external;

    /// @notice Updates the kind and profile commitment of a registered participant.
    /// @param account The participant.
    /// @param kind The new kind.
    /// @param profileHash The new profile commitment (non-zero).
    function update(address account, ParticipantKind kind, bytes32 profileHash) external;

    /// @notice Suspends an Active participant: it can no longer join agreements or act, and
    /// what it is already owed stays its own.
    /// @param account The participant.
    /// @param reasonHash Commitment to the off-chain reason (may be zero).
    function suspend(address account, bytes32 reasonHash) external;

    /// @notice Reinstates a suspended participant.
    /// @param account The participant.
    function reinstate(address account) external;

    // -----------------------------------------------------------------------------------
    // Admin, modules, auditors
    // -----------------------------------------------------------------------------------

    /// @notice Sets the address the park culture-fund share of every deposit is paid to.
    /// @param fund The fund's address (non-zero).
    function setCultureFund(address fund) external;

    /// @notice Admits `token` (or withdraws its admission): Revenue takes deposits and bonds only
    /// in admitted tokens. Admit only token classes docs/revenue.md lists as supported (no
    /// rebasing, no hooks on transfer): the vault keeps each agreement's balance apart, but an
    /// unsupported token can still short the agreements that hold it. ETH is always admitted.
    /// @param token The ERC-20 (non-zero).
    /// @param admitted Whether Revenue accepts it from now on.
    function setTokenAdmitted(address token, bool admitted) external;

    /// @notice Increments `participant`'s breach count. Only Commitments.
    /// @param participant The committer whose commitment was breached.
    /// @return breachCount The new breach count.
    function recordBreach(address participant) external returns (uint32 breachCount);

    /// @notice Attests an audit of `agreementId`. Only an auditor. Does not advance the
    /// agreement's hash chain (the attestation is a statement about the chain).
    /// @param agreementId The audited agreement (bytes32(0) for a whole-deployment audit).
    /// @param auditedHead The hash-chain head the auditor recomputed and found equal on chain.
    /// @param blockNumber The block the audit was taken at (not in the future).
    /// @param reportHash keccak256 of the canonical JSON report.
    function attest(bytes32 agreementId, bytes32 auditedHead, uint256 blockNumber, bytes32 reportHash)
        external;

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @notice The stored record of `account` (status None when never registered).
    /// @param account The address to look up.
    /// @return participant The participant record.
    function participantOf(address account) external view returns (Participant memory participant);

    /// @notice Whether `account` is a registered, Active participant.
    /// @param account The address to look up.
    /// @return active True when registered and not suspended.
    function isActiveParticipant(address account) external view returns (bool active);

    /// @notice The index of the first account that is not an Active participant, or
    /// `accounts.length` when all are active (one call instead of N for batch checks).
    /// @param accounts The addresses to check.
    /// @return index The first inactive index, or `accounts.length`.
    function firstInactive(address[] calldata accounts) external view returns (uint256 index);

    /// @notice The park culture-fund address (zero until the admin sets it).
    /// @return fund The fund address.
    function cultureFund() external view returns (address fund);

    /// @notice Whether Revenue accepts deposits and bonds in `token` (always true for ETH,
    /// address(0)).
    /// @param token The token.
    /// @return admitted True when admitted.
    function isTokenAdmitted(address token) external view returns (bool admitted);

    /// @notice The latest attestation of `agreementId` (zeros when never attested).
    /// @param agreementId The agreement.
    /// @return attestation The latest attestation.
    function latestAttestation(bytes32 agreementId)
        external
        view
        returns (AuditAttestation memory attestation);

    /// @notice How many attestations were made for `agreementId`.
    /// @param agreementId The agreement.
    /// @return count The number of attestations.
    function attestationCount(bytes32 agreementId) external view returns (uint256 count);
}
