// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PartyList — an agreement's party list stored as contract code (SSTORE2)
/// @notice The list of (party, share) of one agreement version is written once, as the runtime
/// code of a data contract (22 bytes a party: 20-byte address, 2-byte share, behind a STOP byte
/// so the data contract cannot be called meaningfully), and read with EXTCODECOPY. Writing 64
/// parties costs ~0.3M gas instead of ~1.4M for 64 fresh storage slots; reading costs
/// ~2.6k + 3 gas a word. A new version writes a new data contract.
library PartyList {
    /// @dev Bytes per entry: a 20-byte address followed by a 2-byte share.
    uint256 internal constant ENTRY_SIZE = 22;

    /// @dev Offset of the data inside the data contract's code (after the STOP byte).
    uint256 internal constant DATA_OFFSET = 1;

    /// @dev Writing the data contract failed (out of gas, or code size limit).
    error PartyListWriteFailed();

    /// @notice Writes `parties` and `shares` (same length, checked by the caller) to a new data
    /// contract.
    /// @param parties The parties, in index order.
    /// @param shares The shares, in the same order.
    /// @return pointer The data contract's address.
    function write(address[] memory parties, uint16[] memory shares) internal returns (address pointer) {
        uint256 n = parties.length;
        // At most 64 entries (checked by the caller): 22 * 64 + 1 fits easily in 16 bits.
        uint256 codeSize = n * ENTRY_SIZE + DATA_OFFSET;
        // 32 spare bytes: each entry is written with a 32-byte mstore whose last 10 bytes spill
        // into the next entry (overwritten by it) or, after the last entry, into the spare.
        bytes memory initCode = new bytes(codeSize + 10 + 32);
        assembly ("memory-safe") {
            mstore(initCode, add(codeSize, 10))
            let p := add(initCode, 0x20)
            // Init code (10 bytes): PUSH2 codeSize, DUP1, PUSH1 0x0a, RETURNDATASIZE(0),
            // CODECOPY, RETURNDATASIZE(0), RETURN — returns the code after itself, which
            // starts with a STOP byte (byte 10, left zero).
            mstore(p, or(or(shl(248, 0x61), shl(232, codeSize)), shl(176, 0x80600a3d393df3)))
            let d := add(p, 11)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let party := mload(add(add(parties, 0x20), shl(5, i)))
                let share := mload(add(add(shares, 0x20), shl(5, i)))
                mstore(add(d, mul(i, 22)), or(shl(96, party), shl(80, and(share, 0xffff))))
            }
            pointer := create(0, p, add(codeSize, 10))
        }
        if (pointer == address(0)) revert PartyListWriteFailed();
    }

    /// @notice Reads the first `n` entries of the list at `pointer`.
    /// @param pointer The data contract.
    /// @param n The number of entries.
    /// @return parties The parties.
    /// @return shares The shares.
    function read(address pointer, uint256 n)
        internal
        view
        returns (address[] memory parties, uint16[] memory shares)
    {
        parties = new address[](n);
        shares = new uint16[](n);
        bytes memory data = new bytes(n * ENTRY_SIZE + 32);
        assembly ("memory-safe") {
            let d := add(data, 0x20)
            extcodecopy(pointer, d, DATA_OFFSET, mul(n, 22))
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let word := mload(add(d, mul(i, 22)))
                mstore(add(add(parties, 0x20), shl(5, i)), shr(96, word))
                mstore(add(add(shares, 0x20), shl(5, i)), and(shr(80, word), 0xffff))
            }
        }
    }
}
