"""Builders of the EIP-712 payloads the suite accepts, exactly as `eth_signTypedData_v4` takes
them (docs/eip712.md): `{types (with EIP712Domain), primaryType, domain, message}`, JSON-safe
(addresses checksummed, bytes as 0x-hex, integers as JSON numbers), so a browser wallet,
ethers.js, a Safe or eth-account signs the very same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ledger.domain import validation as v
from ledger.domain.encoding import prefixed_hex
from ledger.domain.structs import UINT32, Contribution, VoteSupport

TypedData = dict[str, Any]

AGREEMENTS_DOMAIN = "Park Ledger Agreements"
GOVERNANCE_DOMAIN = "Park Ledger Governance"
CONTRIBUTIONS_DOMAIN = "Park Ledger Contributions"
DOMAIN_VERSION = "1"

DOMAIN_FIELDS = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
CONSENT_FIELDS = [
    {"name": "agreementId", "type": "bytes32"},
    {"name": "version", "type": "uint32"},
    {"name": "paramsHash", "type": "bytes32"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
VOTE_FIELDS = [
    {"name": "agreementId", "type": "bytes32"},
    {"name": "proposalId", "type": "uint256"},
    {"name": "support", "type": "uint8"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
RECORD_FIELDS = [
    {"name": "agreementId", "type": "bytes32"},
    {"name": "contributor", "type": "address"},
    {"name": "records", "type": "Contribution[]"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
CONTRIBUTION_FIELDS = [
    {"name": "kind", "type": "uint8"},
    {"name": "weight", "type": "uint64"},
    {"name": "evidenceHash", "type": "bytes32"},
    {"name": "provenance", "type": "uint8"},
    {"name": "accountable", "type": "address"},
]


def domain(*, name: str, chain_id: int, verifying_contract: str) -> dict[str, Any]:
    """A four-field EIP-712 domain of the suite (version "1")."""
    return {
        "name": name,
        "version": DOMAIN_VERSION,
        "chainId": v.integer(chain_id, field="chain_id"),
        "verifyingContract": v.address(verifying_contract, field="verifying_contract"),
    }


def _hex32(value: bytes | str, field: str) -> str:
    return prefixed_hex(v.bytes32(value, field=field))


def consent_typed_data(
    *,
    chain_id: int,
    agreements: str,
    agreement_id: bytes | str,
    version: int,
    params_hash: bytes | str,
    nonce: int,
    deadline: int,
) -> TypedData:
    """`Consent` to `version` (with `params_hash`) of an agreement, signed for Agreements."""
    return {
        "types": {"EIP712Domain": DOMAIN_FIELDS, "Consent": CONSENT_FIELDS},
        "primaryType": "Consent",
        "domain": domain(name=AGREEMENTS_DOMAIN, chain_id=chain_id, verifying_contract=agreements),
        "message": {
            "agreementId": _hex32(agreement_id, "agreement_id"),
            "version": v.integer(version, field="version", high=UINT32),
            "paramsHash": _hex32(params_hash, "params_hash"),
            "nonce": v.integer(nonce, field="nonce"),
            "deadline": v.integer(deadline, field="deadline"),
        },
    }


def vote_typed_data(
    *,
    chain_id: int,
    governance: str,
    agreement_id: bytes | str,
    proposal_id: int,
    support: VoteSupport | int | str,
    nonce: int,
    deadline: int,
) -> TypedData:
    """`Vote` on a proposal, signed for Governance (the nonce is the agreement's)."""
    return {
        "types": {"EIP712Domain": DOMAIN_FIELDS, "Vote": VOTE_FIELDS},
        "primaryType": "Vote",
        "domain": domain(name=GOVERNANCE_DOMAIN, chain_id=chain_id, verifying_contract=governance),
        "message": {
            "agreementId": _hex32(agreement_id, "agreement_id"),
            "proposalId": v.integer(proposal_id, field="proposal_id"),
            "support": int(v.member(VoteSupport, support, field="support")),
            "nonce": v.integer(nonce, field="nonce"),
            "deadline": v.integer(deadline, field="deadline"),
        },
    }


def record_typed_data(
    *,
    chain_id: int,
    contributions: str,
    agreement_id: bytes | str,
    contributor: str,
    records: Sequence[Contribution],
    nonce: int,
    deadline: int,
) -> TypedData:
    """`RecordContributions`: a batch `contributor` signs for anyone to relay to Contributions."""
    return {
        "types": {
            "EIP712Domain": DOMAIN_FIELDS,
            "RecordContributions": RECORD_FIELDS,
            "Contribution": CONTRIBUTION_FIELDS,
        },
        "primaryType": "RecordContributions",
        "domain": domain(
            name=CONTRIBUTIONS_DOMAIN, chain_id=chain_id, verifying_contract=contributions
        ),
        "message": {
            "agreementId": _hex32(agreement_id, "agreement_id"),
            "contributor": v.address(contributor, field="contributor"),
            "records": [r.as_eip712() for r in records],
            "nonce": v.integer(nonce, field="nonce"),
            "deadline": v.integer(deadline, field="deadline"),
        },
    }
