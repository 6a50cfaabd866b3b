// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    AgreementStatus,
    AgreementParams,
    AgreementTerms,
    ConsentSignature,
    ContributionRules,
    RevenueMode
} from "./ITypes.sol";

/// @title IAgreements — multi-party agreements signed by every party
/// @notice An agreement is proposed by one of its parties, becomes Active once every party has
/// consented (by a direct call or an EIP-712 signature relayed by anyone), changes only through
/// Governance under the consent rule it defines, and is Closed by a Terminate proposal. Every
/// state change of an agreement — here or in a module — advances its hash chain
/// `head' = keccak256(abi.encode(head, actionType, actionDataHash))` (docs/hash-chain.md).
/// @dev Modules (Contributions, Revenue, Commitments, Governance) are immutables; only they may
/// call `journal`/`journalSigned`; only Governance may amend, add/remove parties and close.
interface IAgreements {
    // -----------------------------------------------------------------------------------
    // Errors
    // -----------------------------------------------------------------------------------

    /// @dev An agreement with this id already exists (ids are `keccak256(abi.encode(proposer, salt))`).
    error AgreementExists(bytes32 agreementId);
    /// @dev No agreement with this id.
    error AgreementNotFound(bytes32 agreementId);
    /// @dev The action needs a Proposed agreement (consent), but it is `status`.
    error AgreementNotProposed(bytes32 agreementId, AgreementStatus status);
    /// @dev The action needs an Active agreement, but it is `status`.
    error AgreementNotActive(bytes32 agreementId, AgreementStatus status);
    /// @dev `markExpired` on an agreement whose consent deadline has not passed.
    error AgreementNotExpired(bytes32 agreementId, uint256 consentDeadline);
    /// @dev The party count is outside 2..64.
    error AgreementPartyCountOutOfRange(uint256 count);
    /// @dev `sharesBps` does not have one entry per party.
    error AgreementSharesLengthMismatch(uint256 parties, uint256 shares);
    /// @dev The shares do not sum to exactly 10,000 bps.
    error AgreementSharesDoNotSumTo(uint256 total);
    /// @dev A party was given a zero share.
    error AgreementZeroShare(address party);
    /// @dev A party at `index` is the zero address.
    error AgreementZeroAddressParty(uint256 index);
    /// @dev `party` appears twice.
    error AgreementDuplicateParty(address party);
    /// @dev `account` is not an Active participant in the registry.
    error AgreementParticipantNotActive(address account);
    /// @dev The proposer must be one of the parties.
    error AgreementProposerNotAParty(address proposer);
    /// @dev The fund share exceeds the maximum.
    error AgreementFundShareTooHigh(uint256 fundShareBps, uint256 maximum);
    /// @dev The consent threshold must be in 1..10,000 bps.
    error AgreementInvalidConsentThreshold(uint256 consentThresholdBps);
    /// @dev The confirmations required must be in 1..partyCount-1.
    error AgreementInvalidConfirmations(uint256 confirmationsRequired, uint256 partyCount);
    /// @dev The quorum must be at most 10,000 bps.
    error AgreementInvalidQuorum(uint256 quorumBps);
    /// @dev The voting period is outside MIN_VOTING_PERIOD..MAX_VOTING_PERIOD.
    error AgreementInvalidVotingPeriod(uint256 votingPeriod);
    /// @dev The consent deadline is in the past or further than MAX_CONSENT_WINDOW ahead.
    error AgreementInvalidConsentDeadline(uint256 consentDeadline);
    /// @dev The challenge window is outside MIN_CHALLENGE_WINDOW..MAX_CHALLENGE_WINDOW.
    error AgreementInvalidChallengeWindow(uint256 challengeWindow);
    /// @dev A per-period cap needs a cap period in MIN_CAP_PERIOD..MAX_CAP_PERIOD, and a cap
    /// period needs a per-period cap.
    error AgreementInvalidWeightCap(uint256 maxPeriodWeight, uint256 capPeriod);
    /// @dev The revenue token is neither address(0) (ETH) nor a contract.
    error AgreementTokenNotContract(address token);
    /// @dev The terms hash commits to the terms document and cannot be zero.
    error AgreementEmptyTermsHash();
    /// @dev `account` is not a current party of the agreement.
    error AgreementNotAParty(bytes32 agreementId, address account);
    /// @dev `account` is already a party (add party).
    error AgreementAlreadyAParty(bytes32 agreementId, address account);
    /// @dev `party` already consented to `version`.
    error AgreementAlreadyConsented(bytes32 agreementId, address party, uint32 version);
    /// @dev The caller named a version that is not the current one.
    error AgreementVersionMismatch(bytes32 agreementId, uint32 expected, uint32 current);
    /// @dev The caller consented to parameters that are not the current ones.
    error AgreementParamsMismatch(bytes32 agreementId, bytes32 expected, bytes32 given);
    /// @dev A signature's deadline has passed.
    error AgreementSignatureExpired(address signer, uint256 deadline);
    /// @dev The signature is not `signer`'s (bad signer, high-s, bad length or v, ERC-1271 refusal).
    error AgreementInvalidSignature(address signer);
    /// @dev A signed action used a nonce other than the signer's current one.
    error AgreementInvalidNonce(bytes32 agreementId, address signer, uint256 expected, uint256 given);
    /// @dev A batch of signatures was empty.
    error AgreementNoSignatures();
    /// @dev Only a module of the suite may call this function.
    error AgreementUnauthorizedModule(address caller);

    // -----------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------

    /// @notice `proposer` proposed `agreementId` (version 1) with `params`;
    /// `paramsHash = keccak256(abi.encode(params))` is what the parties consent to.
    event AgreementProposed(
        bytes32 indexed agreementId, address indexed proposer, bytes32 paramsHash, AgreementParams params
    );
    /// @notice `party` consented to `version`. For a direct call `nonce`, `deadline` are 0 and
    /// `signature` is empty; for a relayed consent they are the signed values.
    event ConsentGiven(
        bytes32 indexed agreementId,
        address indexed party,
        uint32 version,
        uint256 nonce,
        uint256 deadline,
        bytes signature
    );
    /// @notice Every party consented: the agreement is Active.
    event AgreementActivated(bytes32 indexed agreementId, uint32 version);
    /// @notice The consent deadline passed before every party consented.
    event AgreementExpired(bytes32 indexed agreementId, uint40 consentDeadline);
    /// @notice An executed proposal changed the agreement: the new `version`, its full party list,
    /// shares, terms hash and confirmations rule, and `paramsHash` over the new parameters.
    event AgreementAmended(
        bytes32 indexed agreementId,
        uint32 version,
        bytes32 paramsHash,
        bytes32 termsHash,
        uint8 confirmationsRequired,
        address[] parties,
        uint16[] sharesBps
    );
    /// @notice An executed Terminate proposal closed the agreement at `version`.
    event AgreementClosed(bytes32 indexed agreementId, uint32 version);
    /// @notice `account` invalidated its outstanding signatures for `agreementId`.
    event NonceInvalidated(bytes32 indexed agreementId, address indexed account, uint256 newNonce);

    // -----------------------------------------------------------------------------------
    // Parties
    // -----------------------------------------------------------------------------------

    /// @notice Proposes an agreement; the caller must be one of the parties and its proposal
    /// counts as its consent. The id is `keccak256(abi.encode(msg.sender, salt))`.
    /// @param params The agreement's parameters (validated, see the errors).
    /// @param salt Any value chosen by the proposer; makes the id known before mining.
    /// @return agreementId The new agreement's id.
    function propose(AgreementParams calldata params, bytes32 salt) external returns (bytes32 agreementId);

    /// @notice `propose` followed by `consentBySignatures` in one transaction: with every
    /// co-party's signature collected in advance the agreement is Active when this returns.
    /// @param params The agreement's parameters.
    /// @param salt The proposer's salt.
    /// @param signatures Consents of other parties for version 1 (may be empty).
    /// @return agreementId The new agreement's id.
    function proposeWithSignatures(
        AgreementParams calldata params,
        bytes32 salt,
        ConsentSignature[] calldata signatures
    ) external returns (bytes32 agreementId);

    /// @notice The caller, a party, consents to the current version of a Proposed agreement.
    /// @param agreementId The agreement.
    /// @param version The version consented to (must be current).
    /// @param paramsHash The parameters consented to (must be current).
    function consent(bytes32 agreementId, uint32 version, bytes32 paramsHash) external;

    /// @notice Submits relayed EIP-712 consents (docs/eip712.md, `Consent`) for the current
    /// version; anyone may submit. Each signature is recovered once; the parameters are never
    /// re-hashed. Signatures of different parties may come in any order and any batches.
    /// @param agreementId The agreement.
    /// @param signatures The consents.
    function consentBySignatures(bytes32 agreementId, ConsentSignature[] calldata signatures) external;

    /// @notice Writes the derived Expired status of a Proposed agreement whose consent
    /// deadline has passed (anyone; emits `AgreementExpired`, advances the chain).
    /// @param agreementId The agreement.
    function markExpired(bytes32 agreementId) external;

    /// @notice Increments the caller's nonce in `agreementId`, invalidating every signature it
    /// gave there that was not yet used. The caller must be a party or a registered participant
    /// (Active or suspended), else `AgreementParticipantNotActive`.
    /// @param agreementId The agreement (must exist).
    /// @return newNonce The caller's new nonce.
    function invalidateNonce(bytes32 agreementId) external returns (uint256 newNonce);

    // -----------------------------------------------------------------------------------
    // Governance
    // -----------------------------------------------------------------------------------

    /// @notice Only Governance, on an executed Amend proposal: new terms hash and shares for
    /// the current parties (same order). Creates version + 1.
    /// @param agreementId The agreement (Active).
    /// @param termsHash The new terms hash (non-zero).
    /// @param sharesBps The new shares, one per current party.
    function amend(bytes32 agreementId, bytes32 termsHash, uint16[] calldata sharesBps) external;

    /// @notice Only Governance, on an executed AddParty proposal: appends `party` (an Active
    /// participant that accepted) with new shares for all parties. Creates version + 1.
    /// @param agreementId The agreement (Active).
    /// @param party The joining party.
    /// @param sharesBps The new shares: current parties in order, then `party`.
    function addParty(bytes32 agreementId, address party, uint16[] calldata sharesBps) external;

    /// @notice Only Governance, on an executed RemoveParty proposal: removes `party`; the others
    /// keep their relative order; confirmationsRequired is clamped to the new count - 1.
    /// What `party` is already owed stays its own (Revenue is told first). Creates version + 1.
    /// @param agreementId The agreement (Active).
    /// @param party The leaving party.
    /// @param sharesBps The new shares of the remaining parties, in order.
    function removeParty(bytes32 agreementId, address party, uint16[] calldata sharesBps) external;

    /// @notice Only Governance, on an executed Terminate proposal: the agreement becomes Closed.
    /// @param agreementId The agreement (Active).
    function close(bytes32 agreementId) external;

    // -----------------------------------------------------------------------------------
    // Modules
    // -----------------------------------------------------------------------------------

    /// @notice Only modules. Performs `checks` (CHECK_* bits in ITypes.sol) for `actor`,
    /// advances the hash chain with (`actionType`, `dataHash`) and returns the actor's party
    /// data (zeros when `actor` is not a party). Reads only what the requested checks need: the
    /// actor's party word only with CHECK_PARTY (without it the party data returned is zeros),
    /// the status slot only with CHECK_ACTIVE or CHECK_VERSION (existence is proven by the
    /// agreement's non-zero head).
    /// @param agreementId The agreement.
    /// @param actor The account acting (caller or signer).
    /// @param checks The CHECK_* bits, with the expected version above CHECK_VERSION_SHIFT.
    /// @param actionType The selector (topic 0) of the event the module emits.
    /// @param dataHash The event's action data hash (docs/hash-chain.md).
    /// @return partyIndex The actor's index (0 when not a party or without CHECK_PARTY).
    /// @return shareBps The actor's share (0 when not a party or without CHECK_PARTY).
    function journal(bytes32 agreementId, address actor, uint256 checks, bytes32 actionType, bytes32 dataHash)
        external
        returns (uint8 partyIndex, uint16 shareBps);

    /// @notice Only the registry: mirrors a participant's status (register, suspend, reinstate)
    /// in the same transaction, so the CHECK_PARTICIPANT of every action and the consent and
    /// proposal checks read one local slot instead of calling the registry. The registry stays
    /// the authority; the mirror is never written by anything else.
    /// @param account The participant.
    /// @param active Whether it is now an Active participant.
    function onParticipantStatusChanged(address account, bool active) external;

    /// @notice Only modules. `journal` for a signed action: additionally requires `nonce` to be
    /// `signer`'s current nonce in the agreement and increments it. The module verifies the
    /// signature itself before calling. Always reads the signer's party word (it holds the nonce).
    /// @param agreementId The agreement.
    /// @param signer The signer (the actor).
    /// @param nonce The nonce the signer signed.
    /// @param checks The CHECK_* bits.
    /// @param actionType The selector of the event the module emits.
    /// @param dataHash The event's action data hash.
    /// @return partyIndex The signer's index (0 when not a party).
    /// @return shareBps The signer's share (0 when not a party).
    function journalSigned(
        bytes32 agreementId,
        address signer,
        uint256 nonce,
        uint256 checks,
        bytes32 actionType,
        bytes32 dataHash
    ) external returns (uint8 partyIndex, uint16 shareBps);

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @notice The agreement's status (Expired is derived from the consent deadline).
    /// @param agreementId The agreement.
    /// @return status The status.
    function statusOf(bytes32 agreementId) external view returns (AgreementStatus status);

    /// @notice The agreement's hash-chain head (zero before the first action).
    /// @param agreementId The agreement.
    /// @return head The head.
    function headOf(bytes32 agreementId) external view returns (bytes32 head);

    /// @notice Whether `account` is a current party, and its index and share.
    /// @param agreementId The agreement.
    /// @param account The account.
    /// @return isParty True for a current party.
    /// @return index The party's index in `partiesOf` (0 when not a party).
    /// @return shareBps The party's share (0 when not a party).
    function partyOf(bytes32 agreementId, address account)
        external
        view
        returns (bool isParty, uint8 index, uint16 shareBps);

    /// @notice The current parties and their shares, in index order.
    /// @param agreementId The agreement.
    /// @return parties The parties.
    /// @return sharesBps Their shares.
    function partiesOf(bytes32 agreementId)
        external
        view
        returns (address[] memory parties, uint16[] memory sharesBps);

    /// @notice The current version's terms and state.
    /// @param agreementId The agreement.
    /// @return terms The terms.
    function termsOf(bytes32 agreementId) external view returns (AgreementTerms memory terms);

    /// @notice The rules modules read on their hot paths, from two storage slots instead of the
    /// whole {termsOf} (the second slot, with the version, is the one `journal` reads next).
    /// @param agreementId The agreement.
    /// @return token The revenue token (address(0) = ETH; fixed for the agreement's life).
    /// @return revenueMode The revenue mode (fixed for the agreement's life).
    /// @return fundShareBps The culture-fund share (fixed for the agreement's life).
    /// @return confirmationsRequired Co-party confirmations a contribution or deliverable needs.
    /// @return version The current version (0 for an unknown agreement).
    function rulesOf(bytes32 agreementId)
        external
        view
        returns (
            address token,
            RevenueMode revenueMode,
            uint16 fundShareBps,
            uint8 confirmationsRequired,
            uint32 version
        );

    /// @notice The contribution rules of `agreementId` (zeros for an unknown agreement).
    /// @param agreementId The agreement.
    /// @return rules The challenge window and the weight caps (docs/contributions.md).
    function contributionRulesOf(bytes32 agreementId) external view returns (ContributionRules memory rules);

    /// @notice `account`'s current nonce in `agreementId` (signed actions must use it).
    /// @param agreementId The agreement (need not exist yet: nonces start at 0).
    /// @param account The signer.
    /// @return nonce The nonce.
    function nonceOf(bytes32 agreementId, address account) external view returns (uint256 nonce);

    /// @notice The last version `account` consented to by call or signature (0 if none).
    /// @param agreementId The agreement.
    /// @param account The account.
    /// @return version The version.
    function consentVersionOf(bytes32 agreementId, address account) external view returns (uint32 version);

    /// @notice The id `propose` gives when `proposer` uses `salt`.
    /// @param proposer The proposer.
    /// @param salt The salt.
    /// @return agreementId `keccak256(abi.encode(proposer, salt))`.
    function agreementIdOf(address proposer, bytes32 salt) external pure returns (bytes32 agreementId);

    /// @notice The EIP-712 digest a party signs to consent (for clients to cross-check).
    /// @param agreementId The agreement.
    /// @param version The version.
    /// @param paramsHash The parameters hash.
    /// @param nonce The signer's nonce.
    /// @param deadline The signature's deadline.
    /// @return digest The EIP-712 digest.
    function consentDigest(
        bytes32 agreementId,
        uint32 version,
        bytes32 paramsHash,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32 digest);

    /// @notice Maximum park culture-fund share of an agreement, in bps (5,000: the parties
    /// always keep at least half of what comes in).
    function MAX_FUND_SHARE_BPS() external view returns (uint256);
    /// @notice Shortest governance voting period, in seconds (1 hour).
    function MIN_VOTING_PERIOD() external view returns (uint256);
    /// @notice Longest governance voting period, in seconds (180 days).
    function MAX_VOTING_PERIOD() external view returns (uint256);
    /// @notice Longest time from proposal to consent deadline, in seconds (365 days).
    function MAX_CONSENT_WINDOW() external view returns (uint256);
    /// @notice Shortest challenge window, in seconds (1 hour).
    function MIN_CHALLENGE_WINDOW() external view returns (uint256);
    /// @notice Longest challenge window, in seconds (90 days).
    function MAX_CHALLENGE_WINDOW() external view returns (uint256);
    /// @notice Shortest per-period cap window, in seconds (1 hour).
    function MIN_CAP_PERIOD() external view returns (uint256);
    /// @notice Longest per-period cap window, in seconds (366 days).
    function MAX_CAP_PERIOD() external view returns (uint256);
    /// @notice keccak256 of the EIP-712 `Consent` type string (docs/eip712.md).
    function CONSENT_TYPEHASH() external view returns (bytes32);
    /// @notice The ParkRegistry.
    function REGISTRY() external view returns (address);
    /// @notice The Contributions module.
    function CONTRIBUTIONS() external view returns (address);
    /// @notice The Revenue module.
    function REVENUE() external view returns (address);
    /// @notice The Commitments module.
    function COMMITMENTS() external view returns (address);
    /// @notice The Governance module.
    function GOVERNANCE() external view returns (address);
}
