// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
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
    /// @notice Whether `signature` is `signer`'s signature of `digest`.
    /// @param signer The claimed signer.
    /// @param digest The EIP-712 digest.
    /// @param signature The signature bytes.
    /// @return valid True when valid.
    function isValid(address signer, bytes32 digest, bytes calldata signature) internal view returns (bool valid) {
        if (signature.length == 65) {
            bytes32 r;
            bytes32 s;
            uint8 v;
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                s := calldataload(add(signature.offset, 0x20))
                v := byte(0, calldataload(add(signature.offset, 0x40)))
            }
            (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
            if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        }
        if (signer.code.length == 0) return false;
        return SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }
}
