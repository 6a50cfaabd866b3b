"""The contract suite: deployment order and constructor arguments, in one place.

Every contract receives the addresses it talks to as immutable constructor arguments.
Addresses of contracts deployed later are predicted from the deployer's nonce
(`ledger.infra.deploy` checks the prediction after each deployment).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_typing import ChecksumAddress

Addresses = Mapping[str, ChecksumAddress]

# NOTE: two days for the two-step admin handover (AccessControlDefaultAdminRules).
ADMIN_TRANSFER_DELAY_S = 2 * 24 * 3600


@dataclass(frozen=True)
class ContractSpec:
    """One contract of a suite: its artifact name and how to build its constructor arguments."""

    name: str
    args: Callable[[Addresses, ChecksumAddress], Sequence[Any]]


PARK_SUITE: tuple[ContractSpec, ...] = (
    ContractSpec(
        "ParkRegistry",
        lambda a, deployer: [ADMIN_TRANSFER_DELAY_S, deployer, a["Commitments"], a["Agreements"]],
    ),
    ContractSpec(
        "Agreements",
        lambda a, _: [
            a["ParkRegistry"],
            a["Contributions"],
            a["Revenue"],
            a["Commitments"],
            a["Governance"],
        ],
    ),
    ContractSpec(
        "Contributions",
        lambda a, _: [a["Agreements"], a["Revenue"], a["Governance"]],
    ),
    ContractSpec(
        "Revenue",
        lambda a, _: [a["ParkRegistry"], a["Agreements"], a["Contributions"], a["Commitments"]],
    ),
    ContractSpec(
        "Commitments",
        lambda a, _: [a["ParkRegistry"], a["Agreements"], a["Revenue"], a["Governance"]],
    ),
    ContractSpec(
        "Governance",
        lambda a, _: [a["Agreements"], a["Contributions"], a["Commitments"]],
    ),
)
