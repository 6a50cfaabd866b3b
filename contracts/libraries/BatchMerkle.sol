// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

import {IContributions} from "../interfaces/IContributions.sol";

/// @title BatchMerkle — record ids and batch roots of Contributions
/// @notice A record id is the double keccak of its ABI-encoded fields (a 32-byte pre-image,
/// so it can never be confused with an inner node, which hashes 64 bytes). Inner nodes hash
/// sorted pairs (OpenZeppelin `Hashes.commutativeKeccak256`, what `MerkleProof` verifies); at
/// each level an odd last node is carried up unchanged. A batch of one has its record id as root.
library BatchMerkle {
    /// @notice The record id (leaf) of a record.
    /// @param agreementId The agreement.
    /// @param preHead The agreement's head before the recording action.
    /// @param index The record's index in its batch.
    /// @param contributor The contributor.
    /// @param c The contribution.
    /// @return leaf The record id.
    function leaf(
        bytes32 agreementId,
        bytes32 preHead,
        uint256 index,
        address contributor,
        IContributions.Contribution calldata c
    ) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(
                    abi.encode(
                        agreementId,
                        preHead,
                        index,
                        contributor,
                        c.kind,
                        c.weight,
                        c.evidenceHash,
                        c.provenance,
                        c.accountable
                    )
                )
            )
        );
    }

    /// @notice The Merkle root of `leaves` (overwrites `leaves`).
    /// @param leaves The record ids in batch order (non-empty).
    /// @return root The root.
    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 n = leaves.length;
        while (n > 1) {
            uint256 half = n >> 1;
            for (uint256 i; i < half; ++i) {
                leaves[i] = Hashes.commutativeKeccak256(leaves[2 * i], leaves[2 * i + 1]);
            }
            if (n & 1 == 1) leaves[half] = leaves[n - 1];
            n = (n + 1) >> 1;
        }
        return leaves[0];
    }
}
