"""Attest an audit on chain: `ParkRegistry.attest(agreementId, auditedHead, block, reportHash)`."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from web3 import Web3

from ledger.audit.report import AuditReport
from ledger.domain.errors import AuditError
from ledger.infra.deploy import Deployment
from ledger.infra.revert import ErrorDecoder
from ledger.infra.tx import transact

ATTEST_ABI = [
    {
        "type": "function",
        "name": "attest",
        "stateMutability": "nonpayable",
        "inputs": [
            {"name": "agreementId", "type": "bytes32"},
            {"name": "auditedHead", "type": "bytes32"},
            {"name": "blockNumber", "type": "uint256"},
            {"name": "reportHash", "type": "bytes32"},
        ],
        "outputs": [],
    }
]


def attest(
    *,
    w3: Web3,
    deployment: Deployment,
    report: AuditReport,
    auditor: LocalAccount,
    decoder: ErrorDecoder,
) -> list[str]:
    """Attest each audited agreement's head; returns the transaction hashes.

    The auditor's account must hold the registry's AUDITOR_ROLE (the contract enforces it).
    """
    if not report.agreements:
        raise AuditError("the report audited no agreement, so there is nothing to attest.")
    registry = w3.eth.contract(address=deployment.address("ParkRegistry"), abi=ATTEST_ABI)
    report_hash = bytes.fromhex(report.report_hash()[2:])
    hashes = []
    for summary in report.agreements:
        receipt = transact(
            registry.functions.attest(
                bytes.fromhex(summary.agreement_id[2:]),
                bytes.fromhex(summary.onchain_head[2:]),
                report.block,
                report_hash,
            ),
            sender=auditor,
            decoder=decoder,
        )
        hashes.append("0x" + bytes(receipt["transactionHash"]).hex())
    return hashes


__all__ = ["attest"]
