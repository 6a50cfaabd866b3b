// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RevenueMode} from "./ITypes.sol";

/// @title IRevenue — the vault: deposits, allocation, claims and commitment bonds
/// @notice Revenue holds every token unit of the suite. A deposit into an Active agreement is
/// allocated at once, in O(1): the park culture-fund share first, the rest to the parties by
/// fixed shares or by confirmed contribution weight, through a cumulative amount-per-unit
/// accumulator (`accPerUnit`, scaled by SCALE) and per-party checkpoints. The scaled remainder
/// of every allocation carries into the next, so no unit is ever lost. Parties pull what they
/// are owed (to themselves or a payout address). Commitment bonds are locked here and either
/// released to the committer or forfeited to the co-parties through the same accounting.
/// @dev Conservation, per agreement, to the wei (docs/revenue.md):
/// `deposited + bondsLocked == Σ allocatedOf(account) + fundAllocatedOf + bondsHeld + held + carriedOf`
/// (Σ over every account ever credited, removed parties included), and per token
/// `balance == Σ over its agreements (deposited + bondsLocked - Σ claimedOf) + forced ETH`.
/// Every state-changing entry point (deposits, claims, the weight and membership hooks, the
/// bond paths, payout addresses) shares one re-entry lock. Each agreement's ERC-20 balance is
/// its own: the agreement holds shares of its token's pool, so a loss of the token (a negative
/// rebase, a shortfall) is borne by the agreements that hold that token, pro rata, and a claim
/// is never paid out of another agreement's balance. Deposits and bonds are taken only in
/// tokens the registry admits (ETH always).
interface IRevenue {
    // -----------------------------------------------------------------------------------
    // Structs
    // -----------------------------------------------------------------------------------

    /// @notice Everything an auditor needs to check one agreement's arithmetic.
    struct AgreementAccount {
        /// The agreement's token (address(0) = ETH); zero until Revenue first saw the agreement.
        address token;
        RevenueMode mode;
        uint16 fundShareBps;
        /// Whether Revenue has cached the agreement's terms.
        bool initialized;
        /// Σ amounts received by deposits.
        uint256 deposited;
        /// Bonds currently locked for unresolved commitments.
        uint256 bondsHeld;
        /// Σ bonds ever locked.
        uint256 bondsLocked;
        /// Weighted deposits waiting for the next allocation point (no confirmed weight yet).
        uint256 held;
        /// Scaled remainder carried into the next allocation (the per-party remainders of
        /// checkpoints are added to it); `carriedOf` converts it to token units.
        uint256 carryScaled;
        /// The cumulative amount per unit, scaled by SCALE.
        uint256 accPerUnit;
        /// Total confirmed weight Revenue allocates by (weighted mode).
        uint256 totalWeight;
        /// Number of membership changes seen.
        uint256 epoch;
    }

    // -----------------------------------------------------------------------------------
    // Errors
    // -----------------------------------------------------------------------------------

    /// @dev A deposit or bond of zero (or a token transfer that delivered nothing).
    error RevenueZeroAmount(bytes32 agreementId);
    /// @dev The deposit names `given`, but the agreement's token is `expected`.
    error RevenueWrongToken(bytes32 agreementId, address expected, address given);
    /// @dev ETH sent does not match the amount (or ETH sent with an ERC-20 deposit/bond).
    error RevenueValueMismatch(uint256 expected, uint256 sent);
    /// @dev `account` has nothing to claim in `agreementId`.
    error RevenueNothingToClaim(bytes32 agreementId, address account);
    /// @dev Sending `amount` ETH to `to` failed (the receiver reverted); nothing changed.
    error RevenueTransferFailed(address to, uint256 amount);
    /// @dev The park culture fund address is not set in the registry.
    error RevenueCultureFundNotSet();
    /// @dev There is nothing held to allocate, or nobody holds units to allocate it to.
    error RevenueNothingToAllocate(bytes32 agreementId);
    /// @dev A bond release or forfeit exceeds the bonds held for the agreement.
    error RevenueBondExceedsHeld(bytes32 agreementId, uint256 amount, uint256 held);
    /// @dev The caller is not the module allowed to call this hook.
    error RevenueUnauthorized(address caller);
    /// @dev The total weight exceeds what Revenue can allocate by (2^56 - 1).
    error RevenueWeightOverflow(bytes32 agreementId, uint256 totalWeight);
    /// @dev The park registry has not admitted `token` (IParkRegistry.isTokenAdmitted): no
    /// deposit or bond is taken in it.
    error RevenueTokenNotAdmitted(bytes32 agreementId, address token);
    /// @dev The deposit (or bond) would take the agreement's deposits (or its bonds ever locked)
    /// to `total`, past `max` = 2^111 - 1: together they must fit the 112-bit balance fields.
    error RevenueInflowOverflow(bytes32 agreementId, uint256 total, uint256 max);
    /// @dev The agreement's own balance of `token` (`available`, after a loss of the token) is
    /// less than the `amount` owed; other agreements' balances are never used to pay it.
    error RevenueAgreementShortfall(bytes32 agreementId, address token, uint256 amount, uint256 available);
    /// @dev The vault holds none of `token` while agreements still hold shares of it (the token
    /// lost everything): new deposits and bonds in it would be worth nothing and are refused.
    error RevenueTokenDepleted(address token);

    // -----------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------

    /// @notice `depositor` deposited `amount` (the amount actually received) of `token`.
    /// `allocated` is what this allocation point split (the deposit plus any held amount; 0 when
    /// the deposit is held because no party has confirmed weight); `accPerUnit` is the
    /// accumulator after it and `carryScaled` the scaled remainder carried on.
    event RevenueDeposited(
        bytes32 indexed agreementId,
        address indexed depositor,
        address token,
        uint256 amount,
        uint256 allocated,
        uint256 accPerUnit,
        uint256 carryScaled
    );
    /// @notice `caller` allocated the held amount `allocated` (an allocation point without a deposit).
    event RevenueAllocated(
        bytes32 indexed agreementId, address indexed caller, uint256 allocated, uint256 accPerUnit, uint256 carryScaled
    );
    /// @notice `account` claimed `amount`, paid to `to`.
    event RevenueClaimed(bytes32 indexed agreementId, address indexed account, address to, uint256 amount);
    /// @notice The culture fund's share `amount` was paid to `fund`; `caller` triggered it.
    event RevenueFundClaimed(bytes32 indexed agreementId, address indexed fund, address caller, uint256 amount);
    /// @notice `account` set where its claims in `agreementId` are paid (address(0) = itself).
    event PayoutAddressSet(bytes32 indexed agreementId, address indexed account, address payout);

    // -----------------------------------------------------------------------------------
    // Deposits and claims
    // -----------------------------------------------------------------------------------

    /// @notice Deposits revenue into an Active agreement and allocates it. Anyone may deposit.
    /// ETH: `token` is address(0) and `msg.value == amount`. ERC-20: `msg.value == 0`, the token
    /// is admitted by the registry, the caller approved this contract, and the amount actually
    /// received is what counts. The agreement's deposits stay at most 2^111 - 1 units.
    /// @param agreementId The agreement.
    /// @param token The agreement's token.
    /// @param amount The amount sent.
    /// @return received The amount credited.
    function deposit(bytes32 agreementId, address token, uint256 amount)
        external
        payable
        returns (uint256 received);

    /// @notice Allocates the held weighted deposits once some party holds confirmed weight.
    /// Anyone may call; the next deposit does it too.
    /// @param agreementId The agreement.
    function allocateHeld(bytes32 agreementId) external;

    /// @notice Pays the caller's claimable balance in `agreementId` to its payout address (or to
    /// itself). Works after the agreement is Closed, for removed and suspended parties alike.
    /// Paid only out of the agreement's own balance of its ERC-20 (`RevenueAgreementShortfall`
    /// when the token lost value and that balance cannot cover it).
    /// @param agreementId The agreement.
    /// @return amount The amount paid.
    function claim(bytes32 agreementId) external returns (uint256 amount);

    /// @notice Pays the culture fund's share of `agreementId` to the registry's fund address.
    /// Anyone may trigger it; the money only ever goes to the fund.
    /// @param agreementId The agreement.
    /// @return amount The amount paid.
    function claimFund(bytes32 agreementId) external returns (uint256 amount);

    /// @notice Sets where the caller's claims in `agreementId` are paid; address(0) = itself.
    /// Only a current party of the agreement, for itself (`IAgreements.AgreementNotAParty`).
    /// @param agreementId The agreement.
    /// @param payout The payout address.
    function setPayoutAddress(bytes32 agreementId, address payout) external;

    // -----------------------------------------------------------------------------------
    // Hooks
    // -----------------------------------------------------------------------------------

    /// @notice Only Agreements, before an amendment that changes shares or parties is written:
    /// checkpoints every current party (and the fund) and drops the weight of `removed`.
    /// @param agreementId The agreement.
    /// @param removed Parties leaving with this amendment.
    function onMembershipChange(bytes32 agreementId, address[] calldata removed) external;

    /// @notice Only Contributions, when `party`'s confirmed weight changes from `oldWeight` to
    /// `newWeight`: checkpoints the party (and the fund) and updates the weighted units.
    /// @param agreementId The agreement.
    /// @param party The party.
    /// @param oldWeight The previous confirmed weight.
    /// @param newWeight The new confirmed weight.
    function onWeightConfirmed(bytes32 agreementId, address party, uint256 oldWeight, uint256 newWeight) external;

    /// @notice Only Commitments: locks a bond of `amount` from `from` (ETH as `msg.value`, or an
    /// ERC-20 pulled from `from`, which approved this contract).
    /// @param agreementId The agreement.
    /// @param from The committer.
    /// @param amount The bond.
    /// @return received The amount actually received and locked.
    function lockBond(bytes32 agreementId, address from, uint256 amount)
        external
        payable
        returns (uint256 received);

    /// @notice Only Commitments: returns `amount` of locked bond to `to` as claimable.
    /// @param agreementId The agreement.
    /// @param to The committer.
    /// @param amount The bond.
    function releaseBond(bytes32 agreementId, address to, uint256 amount) external;

    /// @notice Only Commitments: allocates a forfeited bond to the co-parties of `committer` by
    /// their units (fixed shares or confirmed weight; the committer and the fund excluded), O(1).
    /// When no co-party holds units the bond is held for the next allocation point.
    /// @param agreementId The agreement.
    /// @param committer The committer who breached.
    /// @param amount The bond.
    function forfeitBond(bytes32 agreementId, address committer, uint256 amount) external;

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @notice What `account` can claim now in `agreementId`.
    /// @param agreementId The agreement.
    /// @param account The account.
    /// @return amount The claimable amount.
    function claimableOf(bytes32 agreementId, address account) external view returns (uint256 amount);

    /// @notice Σ ever allocated or credited to `account` in `agreementId` (claimable + claimed).
    /// @param agreementId The agreement.
    /// @param account The account.
    /// @return amount The allocated amount.
    function allocatedOf(bytes32 agreementId, address account) external view returns (uint256 amount);

    /// @notice Σ claimed by `account` in `agreementId`.
    /// @param agreementId The agreement.
    /// @param account The account.
    /// @return amount The claimed amount.
    function claimedOf(bytes32 agreementId, address account) external view returns (uint256 amount);

    /// @notice The culture fund's claimable share of `agreementId`.
    /// @param agreementId The agreement.
    /// @return amount The claimable amount.
    function fundClaimableOf(bytes32 agreementId) external view returns (uint256 amount);

    /// @notice Σ allocated to the culture fund from `agreementId` (claimable + claimed).
    /// @param agreementId The agreement.
    /// @return amount The allocated amount.
    function fundAllocatedOf(bytes32 agreementId) external view returns (uint256 amount);

    /// @notice The carried remainder of `agreementId` in token units: the scaled carry plus the
    /// sub-unit parts of every current party's and the fund's pending allocation (O(parties)).
    /// @param agreementId The agreement.
    /// @return amount The carried amount (exact, an integer by construction).
    function carriedOf(bytes32 agreementId) external view returns (uint256 amount);

    /// @notice The agreement's accounting in one read.
    /// @param agreementId The agreement.
    /// @return account The account.
    function accountOf(bytes32 agreementId) external view returns (AgreementAccount memory account);

    /// @notice The confirmed weight Revenue allocates `party`'s share by (weighted mode).
    /// @param agreementId The agreement.
    /// @param party The party.
    /// @return weight The weight.
    function weightOf(bytes32 agreementId, address party) external view returns (uint256 weight);

    /// @notice Where `account`'s claims in `agreementId` are paid (itself when unset).
    /// @param agreementId The agreement.
    /// @param account The account.
    /// @return payout The payout address.
    function payoutOf(bytes32 agreementId, address account) external view returns (address payout);

    /// @notice The agreement's shares of its ERC-20 token's pool in the vault, and every
    /// agreement's shares of that token together (both 0 for ETH). While the token has never
    /// lost value one share is one unit and `shares == deposited + bondsLocked - Σ claimed`;
    /// after a loss the agreement's balance is `shares * balanceOf(vault) / totalShares`.
    /// @param agreementId The agreement.
    /// @return shares The agreement's shares.
    /// @return totalShares Σ shares of the token over every agreement.
    function tokenSharesOf(bytes32 agreementId) external view returns (uint256 shares, uint256 totalShares);

    /// @notice The accumulator scale.
    function SCALE() external view returns (uint256);
}
