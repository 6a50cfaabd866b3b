// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// The benchmark peer: OpenZeppelin 4.9's PaymentSplitter (removed in 5.x), from the npm alias
// `@openzeppelin/contracts-v4` pinned in package-lock.json, compiled by bench/peers/
// payment_splitter.py with the project's own solc-js settings so both sides share a compiler.
import {PaymentSplitter} from "@openzeppelin/contracts-v4/finance/PaymentSplitter.sol";
