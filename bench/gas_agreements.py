"""Gas of the registry, agreements and governance paths (issue #3), from transaction receipts.

Entries: propose for N = 2, 10, 64 parties; consent by call; consent by N - 1 relayed EIP-712
signatures in one transaction (the one that activates the agreement); propose with every
signature in one transaction; governance propose, vote by call and by signature, execute.
"""

from __future__ import annotations

from typing import Any

from eth_abi import encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from bench.context import BenchContext

BPS = 10_000
PARTY_COUNTS = (2, 10, 64)
FOR = 1


def _shares(n: int) -> list[int]:
    base = BPS // n
    return [base + BPS - base * n] + [base] * (n - 1)


def _params(ctx: BenchContext, parties: list[LocalAccount]) -> tuple[Any, ...]:
    """An `AgreementParams` tuple: equal shares, unanimous consent, ETH."""
    return (
        [p.address for p in parties],
        _shares(len(parties)),
        0,
        0,
        keccak(text="bench terms"),
        "0x" + "00" * 20,
        BPS,
        1,
        0,
        3_600,
        5_000,
        ctx.chain.timestamp() + 86_400,
        3_600,
        0,
        0,
        0,
    )


def _params_hash(params: tuple[Any, ...]) -> bytes:
    kind = (
        "(address[],uint16[],uint8,uint16,bytes32,address,uint16,uint8,uint8,uint32,uint16,uint40,"
        "uint32,uint64,uint64,uint32)"
    )
    return keccak(encode([kind], [params]))


def _domain(name: str, ctx: BenchContext, contract: str) -> dict[str, Any]:
    return {
        "name": name,
        "version": "1",
        "chainId": ctx.w3.eth.chain_id,
        "verifyingContract": contract,
    }


def _consent(
    ctx: BenchContext, signer: LocalAccount, aid: bytes, params_hash: bytes
) -> tuple[Any, ...]:
    """A relayed `ConsentSignature` for version 1 with nonce 0, signed by eth-account."""
    deadline = ctx.chain.timestamp() + 3_600
    message = {
        "types": {
            "Consent": [
                {"name": "agreementId", "type": "bytes32"},
                {"name": "version", "type": "uint32"},
                {"name": "paramsHash", "type": "bytes32"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ]
        },
        "primaryType": "Consent",
        "domain": _domain("Park Ledger Agreements", ctx, ctx["Agreements"].address),
        "message": {
            "agreementId": aid,
            "version": 1,
            "paramsHash": params_hash,
            "nonce": 0,
            "deadline": deadline,
        },
    }
    signed = Account.sign_typed_data(signer.key, full_message=message)
    return (signer.address, 0, deadline, bytes(signed.signature))


def _vote(
    ctx: BenchContext, voter: LocalAccount, aid: bytes, proposal_id: int, nonce: int
) -> tuple[Any, ...]:
    """A relayed `VoteSignature` (For), signed by eth-account."""
    deadline = ctx.chain.timestamp() + 3_600
    message = {
        "types": {
            "Vote": [
                {"name": "agreementId", "type": "bytes32"},
                {"name": "proposalId", "type": "uint256"},
                {"name": "support", "type": "uint8"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ]
        },
        "primaryType": "Vote",
        "domain": _domain("Park Ledger Governance", ctx, ctx["Governance"].address),
        "message": {
            "agreementId": aid,
            "proposalId": proposal_id,
            "support": FOR,
            "nonce": nonce,
            "deadline": deadline,
        },
    }
    signed = Account.sign_typed_data(voter.key, full_message=message)
    return (voter.address, FOR, nonce, deadline, bytes(signed.signature))


def _register(ctx: BenchContext, parties: list[LocalAccount]) -> None:
    registry = ctx["ParkRegistry"]
    admin = ctx.accounts[0].address
    ctx.transact(
        registry.functions.grantRole(registry.functions.REGISTRAR_ROLE().call(), admin), admin
    )
    for party in parties:
        profile = keccak(text=f"profile:{party.address}")
        ctx.transact(registry.functions.register(party.address, 0, profile), admin)


def _agreement_id(proposer: str, salt: bytes) -> bytes:
    return keccak(encode(["address", "bytes32"], [proposer, salt]))


def measure(ctx: BenchContext) -> dict[str, int]:
    """Gas used by each path, keyed `contract.action.variant`."""
    agreements, gov = ctx["Agreements"], ctx["Governance"]
    parties = list(ctx.accounts[1 : 1 + max(PARTY_COUNTS)])
    relayer = ctx.accounts[0].address
    _register(ctx, parties)
    entries: dict[str, int] = {}

    for n in PARTY_COUNTS:
        group = parties[:n]
        params = _params(ctx, group)
        salt = n.to_bytes(32, "big")
        aid = _agreement_id(group[0].address, salt)
        entries[f"agreements.propose.parties_{n}"] = ctx.gas(
            agreements.functions.propose(params, salt), group[0].address
        )
        signatures = [_consent(ctx, p, aid, _params_hash(params)) for p in group[1:]]
        entries[f"agreements.consent_signatures.parties_{n}"] = ctx.gas(
            agreements.functions.consentBySignatures(aid, signatures), relayer
        )
        with_sigs_salt = (1000 + n).to_bytes(32, "big")
        with_sigs_id = _agreement_id(group[0].address, with_sigs_salt)
        signatures = [_consent(ctx, p, with_sigs_id, _params_hash(params)) for p in group[1:]]
        entries[f"agreements.propose_with_signatures.parties_{n}"] = ctx.gas(
            agreements.functions.proposeWithSignatures(params, with_sigs_salt, signatures),
            group[0].address,
        )

    # consent by call: the second of three consents, then the last one (which activates)
    group = parties[:3]
    params = _params(ctx, group)
    salt = b"\x33" * 32
    aid = _agreement_id(group[0].address, salt)
    ctx.transact(agreements.functions.propose(params, salt), group[0].address)
    params_hash = _params_hash(params)
    entries["agreements.consent.call"] = ctx.gas(
        agreements.functions.consent(aid, 1, params_hash), group[1].address
    )
    entries["agreements.consent.call_activates"] = ctx.gas(
        agreements.functions.consent(aid, 1, params_hash), group[2].address
    )

    # governance on the 3-party agreement: amend by votes (call and signature), then terminate
    new_shares = [4_000, 3_000, 3_000]
    receipt = ctx.transact(
        gov.functions.proposeAmend(aid, keccak(text="terms v2"), new_shares), group[0].address
    )
    entries["governance.propose.amend"] = int(receipt["gasUsed"])
    pid = gov.functions.proposalCount().call()
    entries["governance.vote.call"] = ctx.gas(gov.functions.vote(pid, FOR), group[0].address)
    nonce = agreements.functions.nonceOf(aid, group[1].address).call()
    entries["governance.vote.signature"] = ctx.gas(
        gov.functions.voteBySignatures(pid, [_vote(ctx, group[1], aid, pid, nonce)]), relayer
    )
    ctx.transact(gov.functions.vote(pid, FOR), group[2].address)
    payload = encode(["bytes32", "uint16[]"], [keccak(text="terms v2"), new_shares])
    entries["governance.execute.amend"] = ctx.gas(gov.functions.execute(pid, payload), relayer)

    ctx.transact(gov.functions.proposeTerminate(aid), group[0].address)
    pid = gov.functions.proposalCount().call()
    for party in group:
        ctx.transact(gov.functions.vote(pid, FOR), party.address)
    entries["governance.execute.terminate"] = ctx.gas(gov.functions.execute(pid, b""), relayer)
    return entries
