// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IRevenue} from "./interfaces/IRevenue.sol";
import {IAgreements} from "./interfaces/IAgreements.sol";
import {IParkRegistry} from "./interfaces/IParkRegistry.sol";
import {RevenueMode, BPS, CHECK_ACTIVE, CHECK_PARTY, CHECK_NOT_NONE} from "./interfaces/ITypes.sol";
import {RevenueMath} from "./libraries/RevenueMath.sol";

/// @title Revenue — the Park Ledger vault
/// @notice See {IRevenue}. O(1) deposits and claims through a cumulative amount-per-unit
/// accumulator; exact remainders; pull payments; bonds held for Commitments.
/// @dev The agreement's token, revenue mode and fund share never change after the proposal
/// (amendments change terms hash, shares and parties only), so Revenue caches them on first use.
/// Every state-changing entry point takes the one `nonReentrant` lock and reads its state only
/// after any token pull (no memory copy of storage lives across a call that hands control to a
/// token or a receiver); payouts go out last.
contract Revenue is IRevenue, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    // -----------------------------------------------------------------------------------
    // Structs
    // -----------------------------------------------------------------------------------

    /// @dev Cached terms, the weighted total, the carried remainder, the membership epoch and
    /// the high part of the deposit counter — one slot, read by every deposit and claim. A
    /// FixedShares deposit leaves it unchanged (every allocation divides exactly, so the carry
    /// stays put), and rewriting an unchanged slot costs 100 gas instead of 2,900. The token is
    /// kept as a small id (0 = ETH).
    struct Config {
        uint32 tokenId;
        RevenueMode mode;
        uint16 fundShareBps;
        bool initialized;
        bool hasHeld;
        uint16 epoch;
        uint56 totalWeight;
        uint80 carry;
        uint32 depositedHigh;
    }

    /// @dev The accumulator and the low 96 bits of the deposit counter: the one slot every
    /// deposit changes. `deposited = depositedHigh << 96 | depositedLow` (uint128 in all).
    struct Accumulator {
        uint160 accPerUnit;
        uint96 depositedLow;
    }

    /// @dev The in-memory working view of an agreement's allocation state, loaded from the two
    /// slots above by `_pool` and written back by `_save`.
    struct Pool {
        uint256 accPerUnit;
        uint256 carry;
        uint16 epoch;
    }

    /// @dev A holder's units state: checkpoint of the accumulator, membership epoch, weight,
    /// and whether it set a payout address (so a claim reads that slot only when needed).
    struct Holder {
        uint160 checkpoint;
        uint16 epoch;
        uint56 weight;
        bool hasPayout;
    }

    /// @dev A holder's whole-unit balance: credited at checkpoints and bond releases; claimed;
    /// and the party's FixedShares share cached by its claims, valid while `shareEpoch` equals
    /// the agreement's epoch (every share change bumps the epoch first, see
    /// `onMembershipChange`), so a steady claim does not call Agreements for it. A share is
    /// never 0 for a party, so 0 means "not cached".
    struct Balance {
        uint112 credited;
        uint112 claimed;
        uint16 shareBps;
        uint16 shareEpoch;
    }

    /// @dev Per-agreement vault slot: what waits for the next allocation point (weighted mode,
    /// no confirmed weight yet), and the agreement's shares of its ERC-20 token's pool.
    struct Vault {
        uint112 held;
        uint144 shares;
    }

    /// @dev Per-agreement bond counters.
    struct Bonds {
        uint128 held;
        uint128 locked;
    }

    // -----------------------------------------------------------------------------------
    // Constants and immutables
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IRevenue
    uint256 public constant SCALE = RevenueMath.SCALE;
    /// @dev The culture fund's holder key (never a party: the zero address cannot act).
    address private constant FUND = address(0);
    /// @dev Width of `Accumulator.depositedLow`.
    uint256 private constant DEPOSITED_LOW_BITS = 96;
    /// @dev Cap on an agreement's deposits and, separately, on its bonds ever locked: together
    /// at most 2^112 - 2, so every credit and claim fits the 112-bit `Balance` fields.
    uint256 private constant MAX_INFLOW = 2 ** 111 - 1;

    /// @notice The ParkRegistry (culture-fund address).
    IParkRegistry public immutable REGISTRY;
    /// @notice The Agreements contract (terms, parties, hash chain).
    IAgreements public immutable AGREEMENTS;
    /// @notice The only caller of `onWeightConfirmed`.
    address public immutable CONTRIBUTIONS;
    /// @notice The only caller of the bond hooks.
    address public immutable COMMITMENTS;

    // -----------------------------------------------------------------------------------
    // Storage
    // -----------------------------------------------------------------------------------

    mapping(bytes32 agreementId => Config) private _configs;
    mapping(bytes32 agreementId => Accumulator) private _accumulators;
    mapping(bytes32 agreementId => Bonds) private _bonds;
    mapping(bytes32 agreementId => Vault) private _vaults;
    /// @dev The accumulator at the latest membership change: the checkpoint of a party that
    /// was not a party then (it joined with that change).
    mapping(bytes32 agreementId => uint256 acc) private _epochAcc;
    mapping(bytes32 agreementId => mapping(address account => Holder)) private _holders;
    mapping(bytes32 agreementId => mapping(address account => Balance)) private _balances;
    mapping(bytes32 agreementId => mapping(address account => address payout)) private _payouts;
    /// @dev ERC-20 tokens by id (ids from 1; 0 is ETH) and ids by token.
    mapping(uint32 tokenId => address token) private _tokens;
    mapping(address token => uint32 tokenId) private _tokenIds;
    uint32 private _tokenCount;
    /// @dev Σ shares of every agreement in each ERC-20 token's pool.
    mapping(uint32 tokenId => uint256 shares) private _totalShares;

    // -----------------------------------------------------------------------------------
    // Constructor
    // -----------------------------------------------------------------------------------

    /// @param registry The ParkRegistry.
    /// @param agreements The Agreements contract.
    /// @param contributions The Contributions contract.
    /// @param commitments The Commitments contract.
    constructor(address registry, address agreements, address contributions, address commitments) {
        REGISTRY = IParkRegistry(registry);
        AGREEMENTS = IAgreements(agreements);
        CONTRIBUTIONS = contributions;
        COMMITMENTS = commitments;
    }

    // -----------------------------------------------------------------------------------
    // Deposits and claims
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IRevenue
    function deposit(bytes32 agreementId, address token, uint256 amount)
        external
        payable
        nonReentrant
        returns (uint256 received)
    {
        {
            Config memory terms = _config(agreementId);
            address expected = _tokenOf(terms);
            if (token != expected) revert RevenueWrongToken(agreementId, expected, token);
            // NOTE: the pull comes first because what counts is what arrived; the allocation
            // state is read only after it (a copy taken before would be stale had anything
            // re-entered).
            received = _pull(agreementId, terms.tokenId, token, msg.sender, amount);
        }
        Config memory cfg = _configs[agreementId];
        Pool memory pool;
        uint256 deposited;
        {
            Accumulator memory accumulator = _accumulators[agreementId];
            deposited = ((uint256(cfg.depositedHigh) << DEPOSITED_LOW_BITS) | accumulator.depositedLow) + received;
            if (deposited > MAX_INFLOW) revert RevenueInflowOverflow(agreementId, deposited, MAX_INFLOW);
            pool = Pool(accumulator.accPerUnit, cfg.carry, cfg.epoch);
        }
        uint256 units = RevenueMath.totalUnits(cfg.mode, cfg.totalWeight);
        uint256 allocated;
        if (units == 0) {
            // NOTE: weighted mode and nobody holds confirmed weight: hold until the next
            // allocation point (a deposit or `allocateHeld` once some weight is confirmed).
            // held <= deposited + bonds locked <= 2 * MAX_INFLOW < 2^112.
            _vaults[agreementId].held += uint112(received);
            cfg.hasHeld = true;
        } else {
            allocated = received;
            if (cfg.hasHeld) {
                Vault storage v = _vaults[agreementId];
                allocated += v.held;
                v.held = 0;
                cfg.hasHeld = false;
            }
            _allocate(pool, allocated, units);
        }
        // Split counter: the low part shares the accumulator's slot (written anyway); the high
        // part (deposited <= MAX_INFLOW < 2^111, so it fits 32 bits) changes the config slot
        // only when the low part overflows.
        cfg.depositedHigh = uint32(deposited >> DEPOSITED_LOW_BITS);
        _save(agreementId, cfg, pool, uint96(deposited));
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_ACTIVE,
            RevenueDeposited.selector,
            keccak256(abi.encode(msg.sender, token, received, allocated, pool.accPerUnit, pool.carry))
        );
        emit RevenueDeposited(agreementId, msg.sender, token, received, allocated, pool.accPerUnit, pool.carry);
    }

    /// @inheritdoc IRevenue
    function allocateHeld(bytes32 agreementId) external nonReentrant {
        Config memory cfg = _configs[agreementId];
        uint256 units = RevenueMath.totalUnits(cfg.mode, cfg.totalWeight);
        uint256 amount = _vaults[agreementId].held;
        if (!cfg.initialized || units == 0 || amount == 0) revert RevenueNothingToAllocate(agreementId);
        Pool memory pool = _pool(agreementId, cfg);
        _allocate(pool, amount, units);
        _vaults[agreementId].held = 0;
        cfg.hasHeld = false;
        _save(agreementId, cfg, pool);
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE,
            RevenueAllocated.selector,
            keccak256(abi.encode(msg.sender, amount, pool.accPerUnit, pool.carry))
        );
        emit RevenueAllocated(agreementId, msg.sender, amount, pool.accPerUnit, pool.carry);
    }

    /// @inheritdoc IRevenue
    function claim(bytes32 agreementId) external nonReentrant returns (uint256 amount) {
        Config memory cfg = _configs[agreementId];
        Balance memory bal = _balances[agreementId][msg.sender];
        uint256 shareBps;
        if (cfg.mode == RevenueMode.FixedShares) {
            if (bal.shareBps != 0 && bal.shareEpoch == cfg.epoch) {
                shareBps = bal.shareBps;
            } else {
                (,, shareBps) = AGREEMENTS.partyOf(agreementId, msg.sender);
                // A share is at most BPS, so the cast is exact.
                bal.shareBps = uint16(shareBps);
                bal.shareEpoch = cfg.epoch;
            }
        }
        amount = _allocatedTo(agreementId, cfg, msg.sender, shareBps, bal) - bal.claimed;
        if (amount == 0) revert RevenueNothingToClaim(agreementId, msg.sender);
        address to = msg.sender;
        if (_holders[agreementId][msg.sender].hasPayout) to = _payouts[agreementId][msg.sender];

        bal.claimed = (amount + bal.claimed).toUint112();
        _balances[agreementId][msg.sender] = bal;
        address token = _tokenOf(cfg);
        if (token != address(0)) _burnShares(agreementId, cfg.tokenId, token, amount);
        AGREEMENTS.journal(
            agreementId, msg.sender, CHECK_NOT_NONE, RevenueClaimed.selector, keccak256(abi.encode(msg.sender, to, amount))
        );
        emit RevenueClaimed(agreementId, msg.sender, to, amount);
        _send(token, to, amount);
    }

    /// @inheritdoc IRevenue
    function claimFund(bytes32 agreementId) external nonReentrant returns (uint256 amount) {
        Config memory cfg = _configs[agreementId];
        Balance memory bal = _balances[agreementId][FUND];
        amount = _allocatedTo(agreementId, cfg, FUND, 0, bal) - bal.claimed;
        if (amount == 0) revert RevenueNothingToClaim(agreementId, FUND);
        address fund = REGISTRY.cultureFund();
        if (fund == address(0)) revert RevenueCultureFundNotSet();

        _balances[agreementId][FUND].claimed = (amount + bal.claimed).toUint112();
        address token = _tokenOf(cfg);
        if (token != address(0)) _burnShares(agreementId, cfg.tokenId, token, amount);
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE,
            RevenueFundClaimed.selector,
            keccak256(abi.encode(fund, msg.sender, amount))
        );
        emit RevenueFundClaimed(agreementId, fund, msg.sender, amount);
        _send(token, fund, amount);
    }

    /// @inheritdoc IRevenue
    function setPayoutAddress(bytes32 agreementId, address payout) external nonReentrant {
        _payouts[agreementId][msg.sender] = payout;
        _holders[agreementId][msg.sender].hasPayout = payout != address(0);
        // CHECK_PARTY: only a current party redirects (its own) claims; the journal reverts
        // (AgreementNotAParty) for anyone else, so nothing above survives.
        AGREEMENTS.journal(
            agreementId,
            msg.sender,
            CHECK_NOT_NONE | CHECK_PARTY,
            PayoutAddressSet.selector,
            keccak256(abi.encode(msg.sender, payout))
        );
        emit PayoutAddressSet(agreementId, msg.sender, payout);
    }

    // -----------------------------------------------------------------------------------
    // Hooks
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IRevenue
    function onMembershipChange(bytes32 agreementId, address[] calldata removed) external nonReentrant {
        if (msg.sender != address(AGREEMENTS)) revert RevenueUnauthorized(msg.sender);
        Config memory cfg = _config(agreementId);
        Pool memory pool = _pool(agreementId, cfg);
        uint16 newEpoch = pool.epoch + 1;

        // NOTE: while nothing was ever allocated (acc == 0) every checkpoint is zero and nothing
        // is pending, which is exactly what a holder of an older epoch gets (its checkpoint is
        // the accumulator at this change, 0): the O(N) checkpoint writes would change nothing.
        if (pool.accPerUnit != 0) {
            (address[] memory parties, uint16[] memory shares) = AGREEMENTS.partiesOf(agreementId);
            for (uint256 i; i < parties.length; ++i) {
                Holder storage h = _holders[agreementId][parties[i]];
                uint256 units = RevenueMath.partyUnits(cfg.mode, cfg.fundShareBps, shares[i], h.weight);
                _checkpointParty(agreementId, parties[i], h, units, pool);
                h.epoch = newEpoch;
            }
        }
        if (cfg.mode == RevenueMode.ContributionWeighted && removed.length != 0) {
            if (cfg.fundShareBps != 0) {
                Holder storage fh = _holders[agreementId][FUND];
                uint256 fUnits = RevenueMath.fundUnits(cfg.mode, cfg.fundShareBps, cfg.totalWeight);
                _checkpoint(agreementId, FUND, fh, fUnits, pool, fh.checkpoint);
            }
            uint256 total = cfg.totalWeight;
            for (uint256 i; i < removed.length; ++i) {
                Holder storage h = _holders[agreementId][removed[i]];
                if (h.weight == 0) continue;
                if (h.epoch != newEpoch) {
                    // Not a current party (defensive): checkpoint it with its weight first.
                    _checkpointParty(
                        agreementId, removed[i], h, RevenueMath.partyUnits(cfg.mode, cfg.fundShareBps, 0, h.weight), pool
                    );
                    h.epoch = newEpoch;
                }
                total -= h.weight;
                h.weight = 0;
            }
            // Only ever decreases here.
            cfg.totalWeight = uint56(total);
        }
        pool.epoch = newEpoch;
        _save(agreementId, cfg, pool);
        _epochAcc[agreementId] = pool.accPerUnit;
    }

    /// @inheritdoc IRevenue
    function onWeightConfirmed(bytes32 agreementId, address party, uint256 oldWeight, uint256 newWeight)
        external
        nonReentrant
    {
        if (msg.sender != CONTRIBUTIONS) revert RevenueUnauthorized(msg.sender);
        Config memory cfg = _config(agreementId);
        if (cfg.mode != RevenueMode.ContributionWeighted || newWeight == oldWeight) return;
        Pool memory pool = _pool(agreementId, cfg);
        if (cfg.fundShareBps != 0) {
            Holder storage fh = _holders[agreementId][FUND];
            uint256 fUnits = RevenueMath.fundUnits(cfg.mode, cfg.fundShareBps, cfg.totalWeight);
            _checkpoint(agreementId, FUND, fh, fUnits, pool, fh.checkpoint);
        }
        Holder storage h = _holders[agreementId][party];
        uint256 weight = h.weight;
        _checkpointParty(agreementId, party, h, RevenueMath.partyUnits(cfg.mode, cfg.fundShareBps, 0, weight), pool);
        uint256 total = cfg.totalWeight;
        if (newWeight > oldWeight) {
            weight += newWeight - oldWeight;
            total += newWeight - oldWeight;
        } else {
            uint256 drop = oldWeight - newWeight;
            if (drop > weight) drop = weight;
            weight -= drop;
            total -= drop;
        }
        if (total > type(uint56).max) revert RevenueWeightOverflow(agreementId, total);
        // weight <= total <= type(uint56).max, checked above.
        h.weight = uint56(weight);
        cfg.totalWeight = uint56(total);
        _save(agreementId, cfg, pool);
    }

    /// @inheritdoc IRevenue
    function lockBond(bytes32 agreementId, address from, uint256 amount)
        external
        payable
        nonReentrant
        returns (uint256 received)
    {
        if (msg.sender != COMMITMENTS) revert RevenueUnauthorized(msg.sender);
        Config memory terms = _config(agreementId);
        received = _pull(agreementId, terms.tokenId, _tokenOf(terms), from, amount);
        Bonds storage b = _bonds[agreementId];
        uint256 locked = b.locked + received;
        if (locked > MAX_INFLOW) revert RevenueInflowOverflow(agreementId, locked, MAX_INFLOW);
        // held <= locked <= MAX_INFLOW < 2^128, checked above.
        b.held += uint128(received);
        b.locked = uint128(locked);
    }

    /// @inheritdoc IRevenue
    function releaseBond(bytes32 agreementId, address to, uint256 amount) external nonReentrant {
        if (msg.sender != COMMITMENTS) revert RevenueUnauthorized(msg.sender);
        _takeBond(agreementId, amount);
        _balances[agreementId][to].credited += amount.toUint112();
    }

    /// @inheritdoc IRevenue
    function forfeitBond(bytes32 agreementId, address committer, uint256 amount) external nonReentrant {
        if (msg.sender != COMMITMENTS) revert RevenueUnauthorized(msg.sender);
        _takeBond(agreementId, amount);
        Config memory cfg = _configs[agreementId];
        (uint256 cUnits, uint256 fUnits, uint256 coUnits) = _forfeitUnits(agreementId, cfg, committer);
        if (coUnits == 0) {
            // NOTE: no co-party holds units (weighted mode, only the committer has weight):
            // the bond waits for the next allocation point like a held deposit.
            // amount <= bonds held <= MAX_INFLOW, and held <= deposits + bonds < 2^112.
            _vaults[agreementId].held += uint112(amount);
            if (!cfg.hasHeld) _configs[agreementId].hasHeld = true;
            return;
        }
        // Bring the committer and the fund up to date, allocate over the co-parties only, then
        // move their checkpoints past this allocation so they take no part in it.
        Pool memory pool = _pool(agreementId, cfg);
        Holder storage fh = _holders[agreementId][FUND];
        Holder storage ch = _holders[agreementId][committer];
        if (fUnits != 0) _checkpoint(agreementId, FUND, fh, fUnits, pool, fh.checkpoint);
        if (cUnits != 0) _checkpointParty(agreementId, committer, ch, cUnits, pool);
        _allocate(pool, amount, coUnits);
        // `_save` below checks that the accumulator fits 160 bits.
        if (fUnits != 0) fh.checkpoint = uint160(pool.accPerUnit);
        if (cUnits != 0) ch.checkpoint = uint160(pool.accPerUnit);
        _save(agreementId, cfg, pool);
    }

    // -----------------------------------------------------------------------------------
    // Views
    // -----------------------------------------------------------------------------------

    /// @inheritdoc IRevenue
    function claimableOf(bytes32 agreementId, address account) external view returns (uint256 amount) {
        (uint256 allocated, uint256 claimed) = _accountTotals(agreementId, account);
        amount = allocated - claimed;
    }

    /// @inheritdoc IRevenue
    function allocatedOf(bytes32 agreementId, address account) external view returns (uint256 amount) {
        (amount,) = _accountTotals(agreementId, account);
    }

    /// @inheritdoc IRevenue
    function claimedOf(bytes32 agreementId, address account) external view returns (uint256 amount) {
        amount = _balances[agreementId][account].claimed;
    }

    /// @inheritdoc IRevenue
    function fundClaimableOf(bytes32 agreementId) external view returns (uint256 amount) {
        Config memory cfg = _configs[agreementId];
        Balance memory bal = _balances[agreementId][FUND];
        amount = _allocatedTo(agreementId, cfg, FUND, 0, bal) - bal.claimed;
    }

    /// @inheritdoc IRevenue
    function fundAllocatedOf(bytes32 agreementId) external view returns (uint256 amount) {
        Config memory cfg = _configs[agreementId];
        amount = _allocatedTo(agreementId, cfg, FUND, 0, _balances[agreementId][FUND]);
    }

    /// @inheritdoc IRevenue
    function carriedOf(bytes32 agreementId) external view returns (uint256 amount) {
        Config memory cfg = _configs[agreementId];
        if (!cfg.initialized) return 0;
        Pool memory pool = _pool(agreementId, cfg);
        uint256 scaled = pool.carry;
        (address[] memory parties, uint16[] memory shares) = AGREEMENTS.partiesOf(agreementId);
        for (uint256 i; i < parties.length; ++i) {
            Holder memory h = _holders[agreementId][parties[i]];
            uint256 units = RevenueMath.partyUnits(cfg.mode, cfg.fundShareBps, shares[i], h.weight);
            (, uint256 fraction) = RevenueMath.pending(units, pool.accPerUnit, _effectiveCheckpoint(agreementId, h, pool));
            scaled += fraction;
        }
        uint256 fUnits = RevenueMath.fundUnits(cfg.mode, cfg.fundShareBps, cfg.totalWeight);
        (, uint256 fundFraction) = RevenueMath.pending(fUnits, pool.accPerUnit, _holders[agreementId][FUND].checkpoint);
        amount = (scaled + fundFraction) / SCALE;
    }

    /// @inheritdoc IRevenue
    function accountOf(bytes32 agreementId) external view returns (AgreementAccount memory account) {
        Config memory cfg = _configs[agreementId];
        Accumulator memory accumulator = _accumulators[agreementId];
        Bonds memory bonds = _bonds[agreementId];
        account = AgreementAccount({
            token: _tokenOf(cfg),
            mode: cfg.mode,
            fundShareBps: cfg.fundShareBps,
            initialized: cfg.initialized,
            deposited: (uint256(cfg.depositedHigh) << DEPOSITED_LOW_BITS) | accumulator.depositedLow,
            bondsHeld: bonds.held,
            bondsLocked: bonds.locked,
            held: _vaults[agreementId].held,
            carryScaled: cfg.carry,
            accPerUnit: accumulator.accPerUnit,
            totalWeight: cfg.totalWeight,
            epoch: cfg.epoch
        });
    }

    /// @inheritdoc IRevenue
    function weightOf(bytes32 agreementId, address party) external view returns (uint256 weight) {
        weight = _holders[agreementId][party].weight;
    }

    /// @inheritdoc IRevenue
    function tokenSharesOf(bytes32 agreementId) external view returns (uint256 shares, uint256 totalShares) {
        Config memory cfg = _configs[agreementId];
        if (cfg.tokenId == 0) return (0, 0);
        return (_vaults[agreementId].shares, _totalShares[cfg.tokenId]);
    }

    /// @inheritdoc IRevenue
    function payoutOf(bytes32 agreementId, address account) external view returns (address payout) {
        payout = _payouts[agreementId][account];
        if (payout == address(0)) payout = account;
    }

    // -----------------------------------------------------------------------------------
    // Internal
    // -----------------------------------------------------------------------------------

    /// @dev The cached terms of `agreementId`, fetched from Agreements on first use.
    function _config(bytes32 agreementId) private returns (Config memory cfg) {
        cfg = _configs[agreementId];
        if (cfg.initialized) return cfg;
        (address token, RevenueMode mode, uint16 fundShareBps,,) = AGREEMENTS.rulesOf(agreementId);
        uint32 tokenId;
        if (token != address(0)) {
            tokenId = _tokenIds[token];
            if (tokenId == 0) {
                tokenId = ++_tokenCount;
                _tokenIds[token] = tokenId;
                _tokens[tokenId] = token;
            }
        }
        cfg = Config({
            tokenId: tokenId,
            mode: mode,
            fundShareBps: fundShareBps,
            initialized: true,
            hasHeld: false,
            epoch: 0,
            totalWeight: 0,
            carry: 0,
            depositedHigh: 0
        });
        _configs[agreementId] = cfg;
    }

    /// @dev The working allocation state of `agreementId` (`cfg` is its config).
    function _pool(bytes32 agreementId, Config memory cfg) private view returns (Pool memory pool) {
        pool = Pool(_accumulators[agreementId].accPerUnit, cfg.carry, cfg.epoch);
    }

    /// @dev Writes `cfg` and `pool` back, keeping the deposit counter.
    function _save(bytes32 agreementId, Config memory cfg, Pool memory pool) private {
        _save(agreementId, cfg, pool, _accumulators[agreementId].depositedLow);
    }

    /// @dev Writes `cfg` and `pool` back with `depositedLow` (< 2^96) as the counter's low part;
    /// reverts (never wraps) when the accumulator or the carry outgrows its field.
    function _save(bytes32 agreementId, Config memory cfg, Pool memory pool, uint256 depositedLow) private {
        cfg.carry = pool.carry.toUint80();
        cfg.epoch = pool.epoch;
        _configs[agreementId] = cfg;
        // The callers pass the counter's low 96 bits (deposit masks it; the others re-read it).
        _accumulators[agreementId] = Accumulator(pool.accPerUnit.toUint160(), uint96(depositedLow));
    }

    /// @dev The agreement's token (address(0) for ETH, read without a storage access).
    function _tokenOf(Config memory cfg) private view returns (address) {
        return cfg.tokenId == 0 ? address(0) : _tokens[cfg.tokenId];
    }

    /// @dev Receives `amount` of `token` from `from` (ETH: as msg.value) into the agreement's
    /// own balance; returns what arrived. ERC-20s only when the registry admits them.
    function _pull(bytes32 agreementId, uint32 tokenId, address token, address from, uint256 amount)
        private
        returns (uint256 received)
    {
        if (token == address(0)) {
            if (msg.value != amount) revert RevenueValueMismatch(amount, msg.value);
            received = amount;
        } else {
            if (msg.value != 0) revert RevenueValueMismatch(0, msg.value);
            if (!REGISTRY.isTokenAdmitted(token)) revert RevenueTokenNotAdmitted(agreementId, token);
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(from, address(this), amount);
            // A balance that shrank on a transfer in is a broken token: the subtraction reverts.
            received = IERC20(token).balanceOf(address(this)) - before;
            if (received != 0) _mintShares(agreementId, tokenId, received, before);
        }
        if (received == 0) revert RevenueZeroAmount(agreementId);
    }

    /// @dev Credits the agreement with shares of its token's pool worth `received`, priced by
    /// the pool's balance `before` the transfer in. A share is one unit while the balance covers
    /// every share (surplus — a donation, a positive rebase — is never handed out); below that
    /// the token lost value, the loss stays with the agreements that held it then, and a new
    /// deposit gets the shares its units are worth.
    function _mintShares(bytes32 agreementId, uint32 tokenId, uint256 received, uint256 before) private {
        uint256 total = _totalShares[tokenId];
        uint256 minted = received;
        if (before < total) {
            if (before == 0) revert RevenueTokenDepleted(_tokens[tokenId]);
            minted = Math.mulDiv(received, total, before);
        }
        _totalShares[tokenId] = total + minted;
        _vaults[agreementId].shares += minted.toUint144();
    }

    /// @dev Takes the shares worth `amount` (rounded up: the pool never pays for the rounding)
    /// out of the agreement's balance; reverts when the agreement's own balance falls short.
    function _burnShares(bytes32 agreementId, uint32 tokenId, address token, uint256 amount) private {
        uint256 total = _totalShares[tokenId];
        Vault storage v = _vaults[agreementId];
        uint256 shares = v.shares;
        uint256 burned = amount;
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < total) {
            uint256 available = Math.mulDiv(shares, balance, total);
            if (amount > available) revert RevenueAgreementShortfall(agreementId, token, amount, available);
            // amount <= available implies balance != 0 and ceil(amount * total / balance) <= shares.
            burned = Math.mulDiv(amount, total, balance, Math.Rounding.Ceil);
        } else if (amount > shares) {
            revert RevenueAgreementShortfall(agreementId, token, amount, shares);
        }
        unchecked {
            // burned <= shares <= total, checked above.
            v.shares = uint144(shares - burned);
            _totalShares[tokenId] = total - burned;
        }
    }

    /// @dev Pays `amount` of `token` to `to`; a reverting ETH receiver reverts the whole call.
    function _send(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            // `to` is the claimer (or the payout address it chose) or the registry's culture fund,
            // and `amount` is exactly what the ledger owes it (docs/security.md, Slither triage).
            // slither-disable-next-line arbitrary-send-eth
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert RevenueTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    /// @dev Moves `amount` out of the agreement's held bonds.
    function _takeBond(bytes32 agreementId, uint256 amount) private {
        Bonds storage b = _bonds[agreementId];
        uint256 held = b.held;
        if (amount > held) revert RevenueBondExceedsHeld(agreementId, amount, held);
        unchecked {
            // amount <= held, checked above.
            b.held = uint128(held - amount);
        }
    }

    /// @dev Allocates `amount` over `units` in the in-memory pool.
    function _allocate(Pool memory pool, uint256 amount, uint256 units) private pure {
        (pool.accPerUnit, pool.carry) = RevenueMath.allocate(pool.accPerUnit, pool.carry, amount, units);
    }

    /// @dev Credits a holder's pending whole units, returns the sub-unit rest to the pool's
    /// carry and moves its checkpoint to the current accumulator.
    function _checkpoint(
        bytes32 agreementId,
        address account,
        Holder storage h,
        uint256 units,
        Pool memory pool,
        uint256 checkpoint
    ) private {
        if (units != 0) {
            (uint256 whole, uint256 fraction) = RevenueMath.pending(units, pool.accPerUnit, checkpoint);
            if (whole != 0) _balances[agreementId][account].credited += whole.toUint112();
            pool.carry += fraction;
        }
        h.checkpoint = pool.accPerUnit.toUint160();
    }

    /// @dev `_checkpoint` for a party: from its effective checkpoint, and marks it current.
    function _checkpointParty(bytes32 agreementId, address account, Holder storage h, uint256 units, Pool memory pool)
        private
    {
        uint256 checkpoint = h.epoch == pool.epoch ? h.checkpoint : _epochAcc[agreementId];
        _checkpoint(agreementId, account, h, units, pool, checkpoint);
        h.epoch = pool.epoch;
    }

    /// @dev Units of the committer, of the fund, and of the committer's co-parties.
    function _forfeitUnits(bytes32 agreementId, Config memory cfg, address committer)
        private
        view
        returns (uint256 cUnits, uint256 fUnits, uint256 coUnits)
    {
        uint256 shareBps;
        if (cfg.mode == RevenueMode.FixedShares) (,, shareBps) = AGREEMENTS.partyOf(agreementId, committer);
        cUnits = RevenueMath.partyUnits(cfg.mode, cfg.fundShareBps, shareBps, _holders[agreementId][committer].weight);
        fUnits = RevenueMath.fundUnits(cfg.mode, cfg.fundShareBps, cfg.totalWeight);
        coUnits = RevenueMath.totalUnits(cfg.mode, cfg.totalWeight) - cUnits - fUnits;
    }

    /// @dev A holder's checkpoint: its own when it was checkpointed in the current epoch, else
    /// the accumulator at the latest membership change (it joined with that change). The fund
    /// always uses its own.
    function _effectiveCheckpoint(bytes32 agreementId, Holder memory h, Pool memory pool)
        private
        view
        returns (uint256)
    {
        return h.epoch == pool.epoch ? h.checkpoint : _epochAcc[agreementId];
    }

    /// @dev Σ allocated or credited to `account` (whole units): credited + pending whole part.
    function _allocatedTo(bytes32 agreementId, Config memory cfg, address account, uint256 shareBps, Balance memory bal)
        private
        view
        returns (uint256 allocated)
    {
        allocated = bal.credited;
        if (!cfg.initialized) return allocated;
        Pool memory pool = _pool(agreementId, cfg);
        Holder memory h = _holders[agreementId][account];
        uint256 units;
        uint256 checkpoint;
        if (account == FUND) {
            units = RevenueMath.fundUnits(cfg.mode, cfg.fundShareBps, cfg.totalWeight);
            checkpoint = h.checkpoint;
        } else {
            units = RevenueMath.partyUnits(cfg.mode, cfg.fundShareBps, shareBps, h.weight);
            checkpoint = _effectiveCheckpoint(agreementId, h, pool);
        }
        if (units != 0) {
            (uint256 whole,) = RevenueMath.pending(units, pool.accPerUnit, checkpoint);
            allocated += whole;
        }
    }

    /// @dev (allocated, claimed) of `account`, reading its share from Agreements in fixed mode.
    function _accountTotals(bytes32 agreementId, address account)
        private
        view
        returns (uint256 allocated, uint256 claimed)
    {
        Config memory cfg = _configs[agreementId];
        uint256 shareBps;
        if (account != FUND && cfg.initialized && cfg.mode == RevenueMode.FixedShares) {
            (,, shareBps) = AGREEMENTS.partyOf(agreementId, account);
        }
        Balance memory bal = _balances[agreementId][account];
        allocated = _allocatedTo(agreementId, cfg, account, shareBps, bal);
        claimed = bal.claimed;
    }
}
