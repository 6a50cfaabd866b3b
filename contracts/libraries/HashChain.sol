// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title HashChain — the per-agreement tamper-evident action log
/// @notice `head' = keccak256(abi.encode(head, actionType, actionDataHash))`, where `actionType`
/// is the selector (topic 0) of the event the action emits and `actionDataHash` is defined per
/// event in docs/hash-chain.md.
library HashChain {
    /// @notice The head after appending one action to `head`.
    /// @param head The current head (zero for a new agreement).
    /// @param actionType The selector of the action's event.
    /// @param dataHash The action's data hash.
    /// @return next `keccak256(abi.encode(head, actionType, dataHash))`.
    function advance(bytes32 head, bytes32 actionType, bytes32 dataHash) internal pure returns (bytes32 next) {
        assembly ("memory-safe") {
            // abi.encode of three words, hashed in place at the free memory pointer without
            // moving it (the words are scratch: nothing reads them afterwards).
            let m := mload(0x40)
            mstore(m, head)
            mstore(add(m, 0x20), actionType)
            mstore(add(m, 0x40), dataHash)
            next := keccak256(m, 0x60)
        }
    }
}
