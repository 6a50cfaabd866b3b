// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Module hooks called by Agreements and Governance
/// @notice Only the functions issue #3 calls into the modules, with the signatures fixed in
/// docs/module-interface.md. The full module interfaces (IRevenue, IContributions, ICommitments)
/// declare the same functions; these narrow interfaces keep Agreements and Governance
/// independent of everything else the modules expose.

/// @dev Selector of the Contributions function a ResolveDispute proposal calls. The proposal's
/// payload is the complete ABI-encoded call; its first argument must be the agreement id.
bytes4 constant RESOLVE_DISPUTE_SELECTOR = bytes4(keccak256("resolveDispute(bytes32,uint256,uint8,uint256)"));

/// @title Revenue hooks
interface IRevenueHooks {
    /// @notice Called by Agreements before an amendment that changes shares or parties is
    /// written: checkpoint every current party, drop the units of `removed`.
    /// @param agreementId The agreement.
    /// @param removed The parties the amendment removes (empty unless a party is removed).
    function onMembershipChange(bytes32 agreementId, address[] calldata removed) external;
}

/// @title Commitments hooks
interface ICommitmentsHooks {
    /// @notice Called by Governance on an executed ExtendCommitment proposal.
    /// @param agreementId The agreement.
    /// @param commitmentId The commitment.
    /// @param newDeadline The new deadline.
    function extendDeadline(bytes32 agreementId, uint256 commitmentId, uint64 newDeadline) external;
}
