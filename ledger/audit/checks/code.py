"""The `code` check: the chain runs the code the manifest names."""

from __future__ import annotations

from web3 import Web3

from ledger.audit.report import SUITE, CheckResult, Finding
from ledger.infra.deploy import Deployment, code_hash


def check_code(*, w3: Web3, deployment: Deployment, block: int) -> CheckResult:
    """Each manifest contract's runtime code on chain hashes to the manifest's code hash."""
    findings = []
    chain_id = int(w3.eth.chain_id)
    if chain_id != deployment.chain_id:
        findings.append(
            Finding(
                "the node is another chain than the manifest's",
                expected=str(deployment.chain_id),
                found=str(chain_id),
            )
        )
    for name, contract in deployment.contracts.items():
        found = code_hash(bytes(w3.eth.get_code(contract.address, block_identifier=block)))
        if found != contract.runtime_code_hash:
            findings.append(
                Finding(
                    f"{name} at {contract.address} runs other code than the manifest names",
                    block=block,
                    expected=contract.runtime_code_hash,
                    found=found,
                )
            )
    return CheckResult("code", SUITE, len(deployment.contracts), tuple(findings))


__all__ = ["check_code"]
