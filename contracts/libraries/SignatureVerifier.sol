// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title SignatureVerifier — EOA (ECDSA) and contract-wallet (ERC-1271) signatures
/// @notice Accepts exactly one encoding per ECDSA signature: 65 bytes `r ‖ s ‖ v` with
/// `s <= secp256k1n / 2` and `v ∈ {27, 28}` (OpenZeppelin ECDSA rules). 64-byte EIP-2098
/// compact signatures and high-s signatures are rejected, so the signature bytes an auditor
/// finds in an event are canonical. When ECDSA does not yield `signer` and `signer` has code
/// (a Safe, any ERC-1271 wallet, or an EIP-7702 delegated account), the signature is checked
/// with ERC-1271 `isValidSignature` instead; any bytes the wallet accepts are valid.
/// @dev ECDSA is tried first so that plain EOAs never pay for an EXTCODESIZE.
library SignatureVerifier {
    /// @dev secp256k1n / 2: the largest `s` of a canonical (low-s) signature.
    uint256 private constant MAX_S = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @notice Whether `signature` is `signer`'s signature of `digest`.
    /// @param signer The claimed signer.
    /// @param digest The EIP-712 digest.
    /// @param signature The signature bytes.
    /// @return valid True when valid.
    function isValid(address signer, bytes32 digest, bytes calldata signature) internal view returns (bool valid) {
        if (signature.length == 65) {
            address recovered;
            uint256 maxS = MAX_S;
            assembly ("memory-safe") {
                let s := calldataload(add(signature.offset, 0x20))
                let v := byte(0, calldataload(add(signature.offset, 0x40)))
                // NOTE: OpenZeppelin ECDSA's rules inline (its tryRecover costs ~800 gas more a
                // signature in a consent or vote batch): only s <= secp256k1n / 2 and v in {27, 28}
                // reach the precompile; anything else recovers nothing.
                if and(iszero(gt(s, maxS)), or(eq(v, 27), eq(v, 28))) {
                    let m := mload(0x40)
                    mstore(m, digest)
                    mstore(add(m, 0x20), v)
                    mstore(add(m, 0x40), calldataload(signature.offset))
                    mstore(add(m, 0x60), s)
                    // The precompile returns no data when recovery fails, leaving this zero.
                    mstore(0x00, 0)
                    pop(staticcall(gas(), 1, m, 0x80, 0x00, 0x20))
                    recovered := mload(0x00)
                }
            }
            if (recovered != address(0) && recovered == signer) return true;
        }
        if (signer.code.length == 0) return false;
        return SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }
}
