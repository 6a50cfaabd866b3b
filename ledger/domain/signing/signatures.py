"""Sign, digest and recover EIP-712 payloads with the contracts' own acceptance rules:
65-byte `r ‖ s ‖ v`, `v ∈ {27, 28}`, low `s` (no malleable twins, no EIP-2098 compact form)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import Signature
from eth_keys.exceptions import BadSignature
from eth_typing import ChecksumAddress, Hash32
from eth_utils import keccak
from web3 import Web3

from ledger.domain import validation as v
from ledger.domain.errors import SignatureError

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
ERC1271_MAGIC = bytes.fromhex("1626ba7e")
# NOTE: a wallet's check runs on the node at the caller's request; uncapped, eth_call gets the
# node's whole gas cap (tens of millions: 23.6 s of py-evm for a wallet that spins). A Safe's
# check costs tens of thousands; a wallet needing more than this is refused before relaying.
ERC1271_GAS_CAP = 1_000_000
ERC1271_ABI = [
    {
        "type": "function",
        "name": "isValidSignature",
        "stateMutability": "view",
        "inputs": [{"name": "hash", "type": "bytes32"}, {"name": "signature", "type": "bytes"}],
        "outputs": [{"name": "magic", "type": "bytes4"}],
    }
]


def digest(typed_data: Mapping[str, Any]) -> bytes:
    """The EIP-712 digest `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`."""
    try:
        message = encode_typed_data(full_message=dict(typed_data))
    except Exception as err:
        raise SignatureError(f"not a valid EIP-712 payload: {err}") from err
    return bytes(keccak(b"\x19" + message.version + message.header + message.body))


def sign(typed_data: Mapping[str, Any], account: LocalAccount) -> bytes:
    """`account`'s 65-byte signature of the payload (what `eth_signTypedData_v4` returns)."""
    signed = account.unsafe_sign_hash(Hash32(digest(typed_data)))
    return bytes(signed.signature)


def check_encoding(signature: bytes) -> tuple[int, int, int]:
    """(v, r, s) of a canonical 65-byte signature; SignatureError for anything else."""
    if len(signature) != 65:
        hint = " (expand an EIP-2098 compact signature to 65 bytes)" if len(signature) == 64 else ""
        raise SignatureError(f"a signature is 65 bytes r‖s‖v, got {len(signature)}{hint}")
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    v_byte = signature[64]
    if v_byte not in (27, 28):
        raise SignatureError(f"signature v must be 27 or 28, got {v_byte}")
    if not 0 < r < SECP256K1_N or not 0 < s <= SECP256K1_N // 2:
        raise SignatureError("signature r/s out of range (high-s signatures are malleable)")
    return v_byte, r, s


def recover(typed_data: Mapping[str, Any], signature: bytes) -> ChecksumAddress:
    """The address whose key signed the payload; SignatureError for a non-canonical signature."""
    v_byte, r, s = check_encoding(signature)
    try:
        key = Signature(vrs=(v_byte - 27, r, s)).recover_public_key_from_msg_hash(
            digest(typed_data)
        )
    except BadSignature as err:
        raise SignatureError(f"signature does not recover: {err}") from err
    return v.address(key.to_checksum_address())


def verify(
    typed_data: Mapping[str, Any], signature: bytes, *, signer: str, w3: Web3 | None = None
) -> None:
    """Raise SignatureError unless `signer` signed the payload, as the contracts decide it:
    a canonical ECDSA signature by `signer`, or — for a contract wallet (a Safe, ERC-1271) —
    `isValidSignature(digest, signature)` returning the magic value within `ERC1271_GAS_CAP`
    gas (needs `w3`)."""
    expected = v.address(signer, field="signer")
    failure: SignatureError | None = None
    try:
        if recover(typed_data, signature) == expected:
            return
    except SignatureError as err:
        failure = err
    if w3 is not None and w3.eth.get_code(expected):
        wallet = w3.eth.contract(address=expected, abi=ERC1271_ABI)
        try:
            magic = wallet.functions.isValidSignature(digest(typed_data), signature).call(
                {"gas": ERC1271_GAS_CAP}
            )
        except Exception as err:  # any revert or bad return is a refusal, as on chain
            raise SignatureError(f"{expected} (a contract wallet) refused the signature") from err
        if bytes(magic) == ERC1271_MAGIC:
            return
        raise SignatureError(f"{expected} (a contract wallet) refused the signature")
    raise failure or SignatureError(f"the signature is not {expected}'s")


def expand_compact(signature: bytes) -> bytes:
    """The 65-byte `r ‖ s ‖ v` form of a 64-byte EIP-2098 `r ‖ vs` signature."""
    if len(signature) != 64:
        raise SignatureError(f"a compact signature is 64 bytes, got {len(signature)}")
    vs = int.from_bytes(signature[32:], "big")
    s = vs & ((1 << 255) - 1)
    return signature[:32] + s.to_bytes(32, "big") + bytes([27 + (vs >> 255)])
