// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PartySlot — one packed storage word per (agreement, account)
/// @notice Layout of the word (low bits first):
/// | bits    | field          | meaning                                               |
/// |---------|----------------|-------------------------------------------------------|
/// | 0..7    | index          | position in the party list                            |
/// | 8..23   | shareBps       | share in basis points (> 0 for every party)           |
/// | 24..55  | consentVersion | last version the account consented to                 |
/// | 56..119 | nonce          | the account's signature nonce in this agreement       |
/// | 120     | isParty        | set while the account is a current party              |
/// The nonce survives removal (a removed and re-added party never reuses a nonce), so a
/// consent, a vote and a membership check each touch this single word.
library PartySlot {
    uint256 private constant SHARE_SHIFT = 8;
    uint256 private constant CONSENT_SHIFT = 24;
    uint256 private constant NONCE_SHIFT = 56;
    uint256 private constant PARTY_BIT = 1 << 120;
    uint256 private constant NONCE_MASK = ((1 << 64) - 1) << NONCE_SHIFT;
    uint256 private constant CONSENT_MASK = ((1 << 32) - 1) << CONSENT_SHIFT;

    /// @notice Whether the word belongs to a current party.
    /// @param word The packed word.
    /// @return True for a current party.
    function isParty(uint256 word) internal pure returns (bool) {
        return word & PARTY_BIT != 0;
    }

    /// @notice The party's index.
    /// @param word The packed word.
    /// @return The index.
    function index(uint256 word) internal pure returns (uint8) {
        return uint8(word);
    }

    /// @notice The party's share in basis points.
    /// @param word The packed word.
    /// @return The share.
    function shareBps(uint256 word) internal pure returns (uint16) {
        return uint16(word >> SHARE_SHIFT);
    }

    /// @notice The last version the account consented to.
    /// @param word The packed word.
    /// @return The version.
    function consentVersion(uint256 word) internal pure returns (uint32) {
        return uint32(word >> CONSENT_SHIFT);
    }

    /// @notice The account's nonce.
    /// @param word The packed word.
    /// @return The nonce.
    function nonce(uint256 word) internal pure returns (uint64) {
        return uint64(word >> NONCE_SHIFT);
    }

    /// @notice The word of a current party, keeping `previous`' consent version and nonce.
    /// @param previous The account's previous word (zero for a new account).
    /// @param idx The party's index.
    /// @param share The party's share.
    /// @return The new word.
    function asParty(uint256 previous, uint256 idx, uint256 share) internal pure returns (uint256) {
        return (previous & (NONCE_MASK | CONSENT_MASK)) | PARTY_BIT | (share << SHARE_SHIFT) | idx;
    }

    /// @notice The word of an account that is no longer a party: only its nonce survives.
    /// @param previous The account's previous word.
    /// @return The new word.
    function asFormerParty(uint256 previous) internal pure returns (uint256) {
        return previous & NONCE_MASK;
    }

    /// @notice The word with `version` as the consent version.
    /// @param word The packed word.
    /// @param version The version consented to.
    /// @return The new word.
    function withConsent(uint256 word, uint32 version) internal pure returns (uint256) {
        return (word & ~CONSENT_MASK) | (uint256(version) << CONSENT_SHIFT);
    }

    /// @notice The word with its nonce incremented.
    /// @param word The packed word.
    /// @return The new word.
    function withNextNonce(uint256 word) internal pure returns (uint256) {
        // Checked: a nonce incremented once per signed action never reaches 2**64, and if it
        // did the addition would revert instead of carrying into the party bit.
        uint64 next = nonce(word) + 1;
        return (word & ~NONCE_MASK) | (uint256(next) << NONCE_SHIFT);
    }
}
