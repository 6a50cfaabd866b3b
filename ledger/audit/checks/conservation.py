"""The `conservation` check: per agreement and per token, the vault holds what it owes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from web3 import Web3

from ledger.audit.checks.common import unhex
from ledger.audit.collect import History, ViewCall
from ledger.audit.model import AgreementModel
from ledger.audit.report import SUITE, CheckResult, Finding
from ledger.domain.structs import ZERO_ADDRESS

AGREEMENT_VIEWS = ("accountOf", "fundAllocatedOf", "fundClaimableOf", "carriedOf")
PARTY_VIEWS = ("allocatedOf", "claimableOf")
ERC20_BALANCE_ABI = [
    {
        "type": "function",
        "name": "balanceOf",
        "stateMutability": "view",
        "inputs": [{"name": "account", "type": "address"}],
        "outputs": [{"name": "", "type": "uint256"}],
    }
]


def check_conservation(history: History, models: Mapping[str, AgreementModel]) -> CheckResult:
    """Per agreement and per token: what the vault holds equals what it owes, to the wei."""
    findings: list[Finding] = []
    owed: dict[str, int] = defaultdict(int)
    audited = {aid: model for aid, model in models.items() if model.versions}
    views: list[ViewCall] = []
    for agreement, model in audited.items():
        aid = unhex(agreement)
        views += [("Revenue", name, (aid,)) for name in AGREEMENT_VIEWS]
        views += [("Revenue", name, (aid, a)) for a in model.ever_parties for name in PARTY_VIEWS]
    values = iter(history.call_many(views))
    for agreement, model in audited.items():
        finding, amount = _agreement_balance(history, agreement, model, values)
        findings += finding
        owed[model.token] += amount
    notes = []
    for token, amount in owed.items():
        balance = _vault_balance(history, token)
        surplus = balance - amount
        # NOTE: ETH forced in by SELFDESTRUCT only ever adds to the balance side.
        if surplus < 0 or (surplus > 0 and token != ZERO_ADDRESS):
            findings.append(
                Finding(
                    f"token {token}: the vault's balance is not"
                    " Σ claimable + Σ bonds + held + carried",
                    block=history.block,
                    expected=str(amount),
                    found=str(balance),
                )
            )
        elif surplus:
            notes.append(f"{surplus} wei of forced ETH")
    return CheckResult("conservation", SUITE, len(owed), tuple(findings), "; ".join(notes))


def _agreement_balance(
    history: History, agreement: str, model: AgreementModel, values: Iterator[Any]
) -> tuple[list[Finding], int]:
    """One agreement's inflow against its outflow (read from `values`, in view order), and
    what the vault owes for it."""
    account, fund_allocated, fund_claimable, carried = (next(values) for _ in AGREEMENT_VIEWS)
    deposited, bonds_held, bonds_locked, held = (int(account[i]) for i in (4, 5, 6, 7))
    allocated = claimable = 0
    for _ in model.ever_parties:
        allocated += int(next(values))
        claimable += int(next(values))
    inflow = deposited + bonds_locked
    outflow = allocated + fund_allocated + bonds_held + held + carried
    findings = []
    if inflow != outflow:
        findings.append(
            Finding(
                f"agreement {agreement}: deposited + bondsLocked != Σ allocated + fund"
                " + bondsHeld + held + carried",
                block=history.block,
                expected=str(inflow),
                found=str(outflow),
            )
        )
    return findings, claimable + fund_claimable + bonds_held + held + carried


def _vault_balance(history: History, token: str) -> int:
    """Revenue's balance of `token` (ETH for the zero address) at the audited block."""
    vault = history.deployment.address("Revenue")
    w3 = history.w3
    if token == ZERO_ADDRESS:
        return int(w3.eth.get_balance(vault, block_identifier=history.block))
    erc20 = w3.eth.contract(address=Web3.to_checksum_address(token), abi=ERC20_BALANCE_ABI)
    return int(erc20.functions.balanceOf(vault).call(block_identifier=history.block))


__all__ = ["check_conservation"]
