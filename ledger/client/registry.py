"""ParkRegistry: participants, park roles, the culture fund and audit attestations."""

from __future__ import annotations

from eth_typing import ChecksumAddress
from eth_utils import keccak

from ledger.client.base import ContractClient, Sender
from ledger.client.views import Attestation, Participant, TxResult, build
from ledger.domain import validation as v
from ledger.domain.errors import ValidationError
from ledger.domain.structs import ZERO_HASH, ParticipantKind

ROLES = ("registrar", "auditor", "arbiter", "admin")


def role_id(role: str) -> bytes:
    """The AccessControl id of a park role: registrar, auditor, arbiter or admin."""
    if role not in ROLES:
        raise ValidationError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    return ZERO_HASH if role == "admin" else bytes(keccak(text=f"{role.upper()}_ROLE"))


class RegistryClient(ContractClient):
    """Register and manage participants; roles; culture fund; attestations."""

    name = "ParkRegistry"

    def register(
        self,
        *,
        account: str,
        kind: ParticipantKind | int | str,
        profile_hash: bytes | str,
        sender: Sender,
    ) -> TxResult:
        """Register `account` as an Active participant (registrar only)."""
        return self._profile_call("register", account, kind, profile_hash, sender)

    def update(
        self,
        *,
        account: str,
        kind: ParticipantKind | int | str,
        profile_hash: bytes | str,
        sender: Sender,
    ) -> TxResult:
        """Change a participant's kind and profile commitment (registrar only)."""
        return self._profile_call("update", account, kind, profile_hash, sender)

    def _profile_call(
        self,
        function: str,
        account: str,
        kind: ParticipantKind | int | str,
        profile_hash: bytes | str,
        sender: Sender,
    ) -> TxResult:
        fn = self.contract.get_function_by_name(function)(
            v.address(account, field="account"),
            int(v.member(ParticipantKind, kind, field="kind")),
            v.bytes32(profile_hash, field="profile_hash"),
        )
        return self._send(fn, sender)

    def suspend(
        self, *, account: str, sender: Sender, reason_hash: bytes | str = ZERO_HASH
    ) -> TxResult:
        """Suspend an Active participant (registrar only)."""
        fn = self.contract.functions.suspend(
            v.address(account, field="account"), v.bytes32(reason_hash, field="reason_hash")
        )
        return self._send(fn, sender)

    def reinstate(self, *, account: str, sender: Sender) -> TxResult:
        """Reinstate a suspended participant (registrar only)."""
        return self._send(
            self.contract.functions.reinstate(v.address(account, field="account")), sender
        )

    def set_culture_fund(self, *, fund: str, sender: Sender) -> TxResult:
        """Set the park culture-fund address (admin only)."""
        return self._send(
            self.contract.functions.setCultureFund(v.address(fund, field="fund")), sender
        )

    def set_token_admitted(self, *, token: str, admitted: bool = True, sender: Sender) -> TxResult:
        """Admit an ERC-20 for deposits and bonds, or withdraw its admission (admin only)."""
        fn = self.contract.functions.setTokenAdmitted(v.address(token, field="token"), admitted)
        return self._send(fn, sender)

    def grant_role(self, *, role: str, account: str, sender: Sender) -> TxResult:
        """Grant a park role (registrar or auditor) to `account` (admin only)."""
        fn = self.contract.functions.grantRole(role_id(role), v.address(account, field="account"))
        return self._send(fn, sender)

    def attest(
        self,
        *,
        agreement_id: bytes | str,
        audited_head: bytes | str,
        block_number: int,
        report_hash: bytes | str,
        sender: Sender,
    ) -> TxResult:
        """Attest an audit of an agreement up to `audited_head` (auditor only)."""
        fn = self.contract.functions.attest(
            v.bytes32(agreement_id, field="agreement_id"),
            v.bytes32(audited_head, field="audited_head"),
            v.integer(block_number, field="block_number"),
            v.bytes32(report_hash, field="report_hash"),
        )
        return self._send(fn, sender)

    def participant(self, account: str) -> Participant:
        """The registry entry of `account` (status NONE when never registered)."""
        who = v.address(account, field="account")
        return build(Participant, self._call(self.contract.functions.participantOf(who)), who)

    def is_active(self, account: str) -> bool:
        """Whether `account` is a registered, Active participant."""
        who = v.address(account, field="account")
        return bool(self._call(self.contract.functions.isActiveParticipant(who)))

    def has_role(self, *, role: str, account: str) -> bool:
        """Whether `account` holds a park role."""
        who = v.address(account, field="account")
        return bool(self._call(self.contract.functions.hasRole(role_id(role), who)))

    def is_token_admitted(self, token: str) -> bool:
        """Whether Revenue takes deposits and bonds in `token` (always true for ETH)."""
        who = v.address(token, field="token")
        return bool(self._call(self.contract.functions.isTokenAdmitted(who)))

    def culture_fund(self) -> ChecksumAddress:
        """The park culture-fund address (zero until set)."""
        return v.address(self._call(self.contract.functions.cultureFund()))

    def latest_attestation(self, agreement_id: bytes | str) -> Attestation:
        """The latest audit attestation of an agreement (zeros when never attested)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return build(Attestation, self._call(self.contract.functions.latestAttestation(aid)))

    def attestation_count(self, agreement_id: bytes | str) -> int:
        """How many attestations an agreement has."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return int(self._call(self.contract.functions.attestationCount(aid)))
