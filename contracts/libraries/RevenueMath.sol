// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RevenueMode, BPS} from "../interfaces/ITypes.sol";

/// @title RevenueMath — units and accumulator arithmetic of the Revenue vault
/// @notice Every holder of an agreement (each party, and the culture fund) holds *units*; an
/// allocation of `amount` raises the cumulative amount-per-unit `acc` by
/// `(amount * SCALE + carry) / totalUnits` and keeps the exact remainder as the new `carry`, so
/// `SCALE * amount + carry == delta * totalUnits + carry'` holds to the unit. A holder's pending
/// allocation is `units * (acc - checkpoint)`, scaled; a checkpoint credits its whole-token part
/// and hands the sub-unit part back to `carry`. Nothing is ever rounded away.
/// @dev Units, with `f` the fund share in bps:
/// - FixedShares: party `shareBps * (BPS - f)`, fund `BPS * f`, total `BPS * BPS` (constant).
/// - ContributionWeighted: party `weight * (BPS - f)`, fund `totalWeight * f`, total
///   `totalWeight * BPS` (zero until some weight is confirmed).
/// SCALE (1e18) is a multiple of BPS * BPS, so in FixedShares mode every allocation divides
/// exactly and `carry` only ever holds checkpoint remainders.
library RevenueMath {
    /// @dev The accumulator scale.
    uint256 internal constant SCALE = 1e18;
    /// @dev Total units in FixedShares mode.
    uint256 internal constant FIXED_TOTAL_UNITS = BPS * BPS;

    /// @notice Units of a party.
    /// @param mode The revenue mode.
    /// @param fundShareBps The fund share.
    /// @param shareBps The party's share (FixedShares).
    /// @param weight The party's confirmed weight (ContributionWeighted).
    /// @return units The party's units.
    function partyUnits(RevenueMode mode, uint256 fundShareBps, uint256 shareBps, uint256 weight)
        internal
        pure
        returns (uint256 units)
    {
        units = (mode == RevenueMode.FixedShares ? shareBps : weight) * (BPS - fundShareBps);
    }

    /// @notice Units of the culture fund.
    /// @param mode The revenue mode.
    /// @param fundShareBps The fund share.
    /// @param totalWeight The total confirmed weight (ContributionWeighted).
    /// @return units The fund's units.
    function fundUnits(RevenueMode mode, uint256 fundShareBps, uint256 totalWeight)
        internal
        pure
        returns (uint256 units)
    {
        units = (mode == RevenueMode.FixedShares ? BPS : totalWeight) * fundShareBps;
    }

    /// @notice Units of every holder together.
    /// @param mode The revenue mode.
    /// @param totalWeight The total confirmed weight (ContributionWeighted).
    /// @return units The total units.
    function totalUnits(RevenueMode mode, uint256 totalWeight) internal pure returns (uint256 units) {
        units = mode == RevenueMode.FixedShares ? FIXED_TOTAL_UNITS : totalWeight * BPS;
    }

    /// @notice Allocates `amount` over `units` units.
    /// @param acc The accumulator before.
    /// @param carry The scaled remainder before.
    /// @param amount The amount to allocate, in token units.
    /// @param units The units sharing it (> 0).
    /// @return newAcc The accumulator after.
    /// @return newCarry The scaled remainder after (< units).
    function allocate(uint256 acc, uint256 carry, uint256 amount, uint256 units)
        internal
        pure
        returns (uint256 newAcc, uint256 newCarry)
    {
        uint256 scaled = amount * SCALE + carry;
        uint256 delta = scaled / units;
        newAcc = acc + delta;
        unchecked {
            // delta * units <= scaled by the definition of integer division.
            // A remainder, not a precision loss: the carry keeps what the division dropped.
            // slither-disable-next-line divide-before-multiply
            newCarry = scaled - delta * units;
        }
    }

    /// @notice Splits a holder's pending allocation into whole token units and the scaled rest.
    /// @param units The holder's units.
    /// @param acc The current accumulator.
    /// @param checkpoint The holder's effective checkpoint (<= acc).
    /// @return whole The whole token units pending.
    /// @return fraction The scaled remainder (< SCALE).
    function pending(uint256 units, uint256 acc, uint256 checkpoint)
        internal
        pure
        returns (uint256 whole, uint256 fraction)
    {
        uint256 scaled = units * (acc - checkpoint);
        whole = scaled / SCALE;
        fraction = scaled % SCALE;
    }
}
