"""Helpers for the registry, agreements and governance tests: parameters, EIP-712 signing with
eth-account (never with the contracts' own hashing), participants, and hash-chain folding."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from eth_abi import encode
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from ledger.domain.errors import RevertError

BPS = 10_000
ZERO_ADDRESS = "0x" + "00" * 20
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

PARAMS_TYPE = (
    "(address[],uint16[],uint8,uint16,bytes32,address,uint16,uint8,uint8,uint32,uint16,uint40,"
    "uint32,uint64,uint64,uint32)"
)
"""ABI type of `AgreementParams`; `paramsHash = keccak256(abi.encode(params))`."""

CONSENT_TYPES = [
    {"name": "agreementId", "type": "bytes32"},
    {"name": "version", "type": "uint32"},
    {"name": "paramsHash", "type": "bytes32"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
VOTE_TYPES = [
    {"name": "agreementId", "type": "bytes32"},
    {"name": "proposalId", "type": "uint256"},
    {"name": "support", "type": "uint8"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
DOMAIN_TYPES = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
AGREEMENTS_DOMAIN_NAME = "Park Ledger Agreements"
GOVERNANCE_DOMAIN_NAME = "Park Ledger Governance"

CHALLENGE_WINDOW = 3_600
"""The tests' challenge window: the shortest the contracts accept."""

AGAINST, FOR, ABSTAIN = 0, 1, 2
STATUS_NONE, STATUS_PROPOSED, STATUS_ACTIVE, STATUS_CLOSED, STATUS_EXPIRED = range(5)


@dataclass(frozen=True)
class Params:
    """An `AgreementParams` value with test defaults (unanimous consent, one confirmation)."""

    parties: list[str]
    shares: list[int]
    consent_deadline: int
    revenue_mode: int = 0
    fund_share_bps: int = 0
    terms_hash: bytes = field(default_factory=lambda: keccak(text="terms v1"))
    token: str = ZERO_ADDRESS
    consent_threshold_bps: int = BPS
    confirmations_required: int = 1
    voting_mode: int = 0
    voting_period: int = 3600
    quorum_bps: int = 5_000
    challenge_window: int = CHALLENGE_WINDOW
    max_record_weight: int = 0
    max_period_weight: int = 0
    cap_period: int = 0

    def as_tuple(self) -> tuple[Any, ...]:
        """The struct as web3 and eth-abi take it."""
        return (
            list(self.parties),
            list(self.shares),
            self.revenue_mode,
            self.fund_share_bps,
            self.terms_hash,
            self.token,
            self.consent_threshold_bps,
            self.confirmations_required,
            self.voting_mode,
            self.voting_period,
            self.quorum_bps,
            self.consent_deadline,
            self.challenge_window,
            self.max_record_weight,
            self.max_period_weight,
            self.cap_period,
        )

    def hash(self) -> bytes:
        """`keccak256(abi.encode(params))`, computed independently of the contract."""
        return keccak(encode([PARAMS_TYPE], [self.as_tuple()]))

    def with_(self, **changes: Any) -> Params:
        """A copy with some fields changed."""
        return replace(self, **changes)


def equal_shares(n: int) -> list[int]:
    """n positive shares summing to 10,000 (the remainder goes to the first party)."""
    base = BPS // n
    return [base + BPS - base * n] + [base] * (n - 1)


def agreement_id(proposer: str, salt: bytes) -> bytes:
    """`keccak256(abi.encode(proposer, salt))`."""
    return keccak(encode(["address", "bytes32"], [proposer, salt]))


def domain(name: str, chain_id: int, contract: str) -> dict[str, Any]:
    """An EIP-712 domain of the suite."""
    return {"name": name, "version": "1", "chainId": chain_id, "verifyingContract": contract}


def consent_typed_data(
    *,
    chain_id: int,
    contract: str,
    agreement: bytes,
    version: int,
    params_hash: bytes,
    nonce: int,
    deadline: int,
    name: str = AGREEMENTS_DOMAIN_NAME,
) -> dict[str, Any]:
    """The `eth_signTypedData_v4` payload of a consent."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPES, "Consent": CONSENT_TYPES},
        "primaryType": "Consent",
        "domain": domain(name, chain_id, contract),
        "message": {
            "agreementId": agreement,
            "version": version,
            "paramsHash": params_hash,
            "nonce": nonce,
            "deadline": deadline,
        },
    }


def vote_typed_data(
    *,
    chain_id: int,
    contract: str,
    agreement: bytes,
    proposal_id: int,
    support: int,
    nonce: int,
    deadline: int,
) -> dict[str, Any]:
    """The `eth_signTypedData_v4` payload of a vote."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPES, "Vote": VOTE_TYPES},
        "primaryType": "Vote",
        "domain": domain(GOVERNANCE_DOMAIN_NAME, chain_id, contract),
        "message": {
            "agreementId": agreement,
            "proposalId": proposal_id,
            "support": support,
            "nonce": nonce,
            "deadline": deadline,
        },
    }


def sign_typed(account: LocalAccount, typed_data: dict[str, Any]) -> bytes:
    """A 65-byte r‖s‖v signature by eth-account's EIP-712 encoder."""
    signed = Account.sign_typed_data(account.key, full_message=typed_data)
    return bytes(signed.signature)


def typed_digest(typed_data: dict[str, Any]) -> bytes:
    """The EIP-712 digest eth-account signs."""
    return bytes(_hash_eip191_message(encode_typed_data(full_message=typed_data)))


def high_s(signature: bytes) -> bytes:
    """The malleable twin of a signature: s' = n - s, v flipped (ecrecover still accepts it)."""
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    return r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])


def compact(signature: bytes) -> bytes:
    """The 64-byte EIP-2098 form r‖vs of a signature."""
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    vs = s | ((v - 27) << 255)
    return r + vs.to_bytes(32, "big")


def new_accounts(count: int, seed: str) -> list[LocalAccount]:
    """Deterministic extra accounts (they only sign; they never send transactions)."""
    return [Account.from_key(keccak(text=f"{seed}:{i}")) for i in range(count)]


def grant_registrar(suite: Any) -> None:
    """Give the admin (accounts[0]) the registrar role."""
    registry = suite["ParkRegistry"]
    admin = suite.accounts[0].address
    role = registry.functions.REGISTRAR_ROLE().call()
    if not registry.functions.hasRole(role, admin).call():
        suite.transact(registry.functions.grantRole(role, admin), admin)


def register(suite: Any, accounts: Iterable[Any], kind: int = 0) -> None:
    """Register accounts (or addresses) as Active participants."""
    grant_registrar(suite)
    registry = suite["ParkRegistry"]
    admin = suite.accounts[0].address
    for account in accounts:
        address = getattr(account, "address", account)
        profile = keccak(text=f"profile:{address}")
        suite.transact(registry.functions.register(address, kind, profile), admin)


def default_params(suite: Any, parties: Sequence[Any], **overrides: Any) -> Params:
    """Params for `parties` with equal shares and a consent deadline one day ahead."""
    addresses = [getattr(p, "address", p) for p in parties]
    base = Params(
        parties=[to_checksum_address(a) for a in addresses],
        shares=equal_shares(len(addresses)),
        consent_deadline=suite.chain.timestamp() + 86_400,
    )
    return base.with_(**overrides)


def consent_signature(
    suite: Any,
    signer: LocalAccount,
    agreement: bytes,
    params_hash: bytes,
    *,
    version: int = 1,
    nonce: int | None = None,
    deadline: int | None = None,
    chain_id: int | None = None,
    contract: str | None = None,
) -> tuple[str, int, int, bytes]:
    """A `ConsentSignature` tuple signed by `signer` with eth-account."""
    agreements = suite["Agreements"]
    if nonce is None:
        nonce = agreements.functions.nonceOf(agreement, signer.address).call()
    if deadline is None:
        deadline = suite.chain.timestamp() + 3_600
    typed = consent_typed_data(
        chain_id=chain_id if chain_id is not None else suite.w3.eth.chain_id,
        contract=contract or agreements.address,
        agreement=agreement,
        version=version,
        params_hash=params_hash,
        nonce=nonce,
        deadline=deadline,
    )
    return (signer.address, nonce, deadline, sign_typed(signer, typed))


def vote_signature(
    suite: Any,
    voter: LocalAccount,
    agreement: bytes,
    proposal_id: int,
    support: int,
    *,
    nonce: int | None = None,
    deadline: int | None = None,
) -> tuple[str, int, int, int, bytes]:
    """A `VoteSignature` tuple signed by `voter` with eth-account."""
    if nonce is None:
        nonce = suite["Agreements"].functions.nonceOf(agreement, voter.address).call()
    if deadline is None:
        deadline = suite.chain.timestamp() + 3_600
    typed = vote_typed_data(
        chain_id=suite.w3.eth.chain_id,
        contract=suite["Governance"].address,
        agreement=agreement,
        proposal_id=proposal_id,
        support=support,
        nonce=nonce,
        deadline=deadline,
    )
    return (voter.address, support, nonce, deadline, sign_typed(voter, typed))


def propose(suite: Any, proposer: Any, params: Params, salt: bytes = b"\x01" * 32) -> bytes:
    """Propose `params` from `proposer`; returns the agreement id."""
    address = getattr(proposer, "address", proposer)
    suite.transact(suite["Agreements"].functions.propose(params.as_tuple(), salt), address)
    return agreement_id(address, salt)


def activate(
    suite: Any, parties: Sequence[LocalAccount], salt: bytes = b"\x02" * 32, **overrides: Any
) -> tuple[bytes, Params]:
    """Propose from parties[0] with every other party's signature: Active in one transaction."""
    params = default_params(suite, parties, **overrides)
    aid = agreement_id(parties[0].address, salt)
    signatures = [consent_signature(suite, p, aid, params.hash()) for p in parties[1:]]
    suite.transact(
        suite["Agreements"].functions.proposeWithSignatures(params.as_tuple(), salt, signatures),
        parties[0].address,
    )
    return aid, params


def fold(head: bytes, action_type: bytes, data_hash: bytes) -> bytes:
    """One step of the hash chain."""
    return keccak(encode(["bytes32", "bytes32", "bytes32"], [head, action_type, data_hash]))


def topic0(contract: Contract, event: str) -> bytes:
    """The selector (topic 0) of an event of `contract`."""
    entries: list[dict[str, Any]] = [dict(e) for e in contract.abi]
    abi = next(e for e in entries if e.get("type") == "event" and e["name"] == event)
    types = ",".join(_abi_type(dict(i)) for i in abi["inputs"])
    return keccak(text=f"{event}({types})")


def _abi_type(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in param["components"]) + ")" + kind[5:]
    return kind


def events(contract: Contract, receipt: TxReceipt, name: str) -> list[Any]:
    """Decoded `name` events of `contract` in a receipt."""
    return list(getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD))


# Action data hashes (docs/hash-chain.md), computed from decoded event arguments.
DATA_HASH_TYPES: dict[str, tuple[list[str], list[str]]] = {
    "AgreementProposed": (["address", "bytes32"], ["proposer", "paramsHash"]),
    "ConsentGiven": (
        ["address", "uint32", "uint256", "uint256", "bytes"],
        ["party", "version", "nonce", "deadline", "signature"],
    ),
    "AgreementActivated": (["uint32"], ["version"]),
    "AgreementExpired": (["uint40"], ["consentDeadline"]),
    "AgreementAmended": (["uint32", "bytes32"], ["version", "paramsHash"]),
    "AgreementClosed": (["uint32"], ["version"]),
    "NonceInvalidated": (["address", "uint256"], ["account", "newNonce"]),
    "ProposalCreated": (
        ["uint256", "address", "uint8", "uint32", "uint40", "bytes"],
        ["proposalId", "proposer", "kind", "baseVersion", "voteEnd", "payload"],
    ),
    "VoteCast": (
        ["uint256", "address", "uint8", "uint256", "uint256", "bytes"],
        ["proposalId", "voter", "support", "nonce", "deadline", "signature"],
    ),
    "ProposalExecuted": (["uint256", "address"], ["proposalId", "executor"]),
}


def chain_head(
    contracts: Sequence[Contract], receipts: Iterable[TxReceipt], agreement: bytes
) -> bytes:
    """Fold the hash chain of `agreement` over the events of `contracts` in `receipts`, in log
    order, for the event kinds of issue #3 (docs/hash-chain.md)."""
    by_topic: dict[bytes, tuple[Contract, str]] = {}
    for contract in contracts:
        for name in DATA_HASH_TYPES:
            if any(e.get("name") == name for e in contract.abi if e.get("type") == "event"):
                by_topic[topic0(contract, name)] = (contract, name)
    head = b"\x00" * 32
    for receipt in receipts:
        for log in receipt["logs"]:
            topics = log["topics"]
            if not topics or bytes(topics[0]) not in by_topic:
                continue
            contract, name = by_topic[bytes(topics[0])]
            if log["address"] != contract.address or bytes(topics[1]) != agreement:
                continue
            event = getattr(contract.events, name)().process_log(log)
            types, names = DATA_HASH_TYPES[name]
            data_hash = keccak(encode(types, [event["args"][n] for n in names]))
            head = fold(head, bytes(topics[0]), data_hash)
    return head


def expect_revert(
    suite: Any,
    fn: Any,
    sender: Any,
    name: str,
    arguments: dict[str, Any] | None = None,
    *,
    agreement: bytes | None = None,
) -> RevertError:
    """Send `fn` and assert it reverts with custom error `name` (and `arguments`, if given),
    mining nothing and leaving `agreement`'s hash-chain head unchanged."""
    block = suite.w3.eth.block_number
    head = suite["Agreements"].functions.headOf(agreement).call() if agreement else None
    with pytest.raises(RevertError) as caught:
        suite.transact(fn, sender)
    err = caught.value
    assert err.name == name, f"expected {name}, got {err}"
    if arguments is not None:
        assert err.arguments == arguments, f"{err.arguments} != {arguments}"
    assert suite.w3.eth.block_number == block, "a rejected call must not be mined"
    if agreement is not None:
        assert suite["Agreements"].functions.headOf(agreement).call() == head
    return err
