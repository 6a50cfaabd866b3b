"""An agreement's versions (parties, shares, confirmation rule) rebuilt from its events alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi import encode
from eth_hash.auto import keccak

from ledger.domain.structs import AGREEMENT_PARAMS_ABI, ZERO_ADDRESS
from ledger.infra.events import DecodedEvent

# NOTE: the names of `AgreementParams`' fields, in the order of `structs.AGREEMENT_PARAMS_ABI`
# (a flat tuple, so its types are the comma-separated list inside the parentheses).
PARAMS_FIELDS = (
    "parties",
    "sharesBps",
    "revenueMode",
    "fundShareBps",
    "termsHash",
    "token",
    "consentThresholdBps",
    "confirmationsRequired",
    "votingMode",
    "votingPeriod",
    "quorumBps",
    "consentDeadline",
    "challengeWindow",
    "maxRecordWeight",
    "maxPeriodWeight",
    "capPeriod",
)
PARAMS_TYPES = tuple(AGREEMENT_PARAMS_ABI[1:-1].split(","))


@dataclass(frozen=True)
class Version:
    """One agreement version: who the parties are and what it asks."""

    number: int
    parties: tuple[str, ...]
    shares: tuple[int, ...]
    confirmations: int
    params_hash: str

    def share_of(self, party: str) -> int:
        """The party's share in bps (0 when not a party)."""
        try:
            return self.shares[self.parties.index(party)]
        except ValueError:
            return 0


@dataclass
class AgreementModel:
    """Versions and fixed terms of one agreement, from AgreementProposed/AgreementAmended."""

    agreement_id: str
    token: str = ZERO_ADDRESS
    mode: int = 0
    fund_share: int = 0
    versions: dict[int, Version] = field(default_factory=dict)
    params_mismatch: DecodedEvent | None = None

    @property
    def ever_parties(self) -> list[str]:
        """Every address that was a party of some version, in first-seen order."""
        seen: dict[str, None] = {}
        for version in self.versions.values():
            seen.update(dict.fromkeys(version.parties))
        return list(seen)

    def apply(self, event: DecodedEvent) -> None:
        """Follow one event (only proposals and amendments change the model)."""
        args = event.args
        if event.name == "AgreementProposed":
            params = args["params"]
            self.token = params["token"]
            self.mode = int(params["revenueMode"])
            self.fund_share = int(params["fundShareBps"])
            self.versions[1] = Version(
                1,
                tuple(params["parties"]),
                tuple(params["sharesBps"]),
                int(params["confirmationsRequired"]),
                args["paramsHash"],
            )
            if params_hash(params) != args["paramsHash"]:
                self.params_mismatch = event
        elif event.name == "AgreementAmended":
            number = int(args["version"])
            self.versions[number] = Version(
                number,
                tuple(args["parties"]),
                tuple(args["sharesBps"]),
                int(args["confirmationsRequired"]),
                args["paramsHash"],
            )


def params_hash(params: dict[str, Any]) -> str:
    """keccak256(abi.encode(params)) of decoded AgreementParams (docs/eip712.md)."""
    fields = zip(PARAMS_FIELDS, PARAMS_TYPES, strict=True)
    values = [_raw(params[name], kind) for name, kind in fields]
    return "0x" + bytes(keccak(encode([AGREEMENT_PARAMS_ABI], [tuple(values)]))).hex()


def _raw(value: Any, kind: str) -> Any:
    if kind == "bytes32":
        return bytes.fromhex(value[2:])
    return value


def build_model(agreement_id: str, events: Sequence[DecodedEvent]) -> AgreementModel:
    """The model after every event of the agreement."""
    model = AgreementModel(agreement_id)
    for event in events:
        model.apply(event)
    return model


__all__ = ["AgreementModel", "Version", "build_model"]
