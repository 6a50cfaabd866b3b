"""Decode reverts (custom errors, `Error(string)`, `Panic(uint256)`) into `RevertError`."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_abi.exceptions import DecodingError
from eth_utils import function_signature_to_4byte_selector, to_checksum_address
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from ledger.domain.abi import canonical_type
from ledger.domain.errors import RevertError
from ledger.domain.sentences import sentence

ERROR_STRING_SELECTOR = bytes.fromhex("08c379a0")
PANIC_SELECTOR = bytes.fromhex("4e487b71")
PANIC_REASONS = {
    0x01: "assertion failed",
    0x11: "arithmetic overflow or underflow",
    0x12: "division or modulo by zero",
    0x21: "invalid enum value",
    0x31: "pop on empty array",
    0x32: "array index out of bounds",
    0x41: "out of memory",
    0x51: "call to an uninitialised function",
}
_BYTES_LITERAL = re.compile(r"""execution reverted: (b(?:'.*'|".*"))\s*$""", re.DOTALL)
_HEX_DATA = re.compile(r"0x[0-9a-fA-F]{8,}")


def _checksum(abi_type: str, value: Any) -> Any:
    """Checksum decoded addresses (eth-abi returns them lower-case)."""
    if abi_type == "address":
        return to_checksum_address(value)
    if abi_type == "address[]" or (abi_type.startswith("address[") and abi_type.endswith("]")):
        return [to_checksum_address(v) for v in value]
    return value


class ErrorDecoder:
    """Maps 4-byte error selectors of a set of ABIs to their names and argument types."""

    def __init__(self, abis: Iterable[Iterable[Any]]) -> None:
        self._errors: dict[bytes, tuple[str, list[str], list[str]]] = {}
        for abi in abis:
            for entry in abi:
                item = dict(entry)
                if item.get("type") != "error":
                    continue
                inputs = list(item.get("inputs", []))
                types = [canonical_type(p) for p in inputs]
                names = [str(p.get("name") or f"arg{i}") for i, p in enumerate(inputs)]
                signature = f"{item['name']}({','.join(types)})"
                self._errors[function_signature_to_4byte_selector(signature)] = (
                    str(item["name"]),
                    types,
                    names,
                )

    def decode(self, data: bytes) -> RevertError:
        """Turn raw revert data into a RevertError with the error's name and arguments."""
        selector, payload = data[:4], data[4:]
        try:
            if selector == ERROR_STRING_SELECTOR:
                (reason,) = abi_decode(["string"], payload)
                return RevertError("Error", {"reason": reason}, data=data, message=str(reason))
            if selector == PANIC_SELECTOR:
                (code,) = abi_decode(["uint256"], payload)
                text = PANIC_REASONS.get(code, "panic")
                return RevertError("Panic", {"code": code}, data=data, message=f"Panic: {text}")
            known = self._errors.get(selector)
            if known is not None:
                name, types, names = known
                values = [
                    _checksum(t, v) for t, v in zip(types, abi_decode(types, payload), strict=True)
                ]
                arguments = dict(zip(names, values, strict=True))
                return RevertError(name, arguments, data=data, message=sentence(name, arguments))
        except DecodingError:
            pass
        if not data:
            return RevertError("Reverted", data=data, message="reverted without a reason")
        return RevertError(
            "UnknownError", {"data": data}, data=data, message=f"unknown revert 0x{data.hex()}"
        )

    def from_exception(self, exc: BaseException) -> RevertError | None:
        """The RevertError hidden in a web3 or eth-tester exception, or None if it is no revert."""
        data = revert_data(exc)
        if data is None:
            return None
        return self.decode(data)


def revert_data(exc: BaseException) -> bytes | None:
    """Extract raw revert bytes from the exceptions web3 (JSON-RPC) and eth-tester raise."""
    if isinstance(exc, (ContractCustomError, ContractLogicError, ContractPanicError)):
        data = _web3_revert_data(exc)
        if data is not None:
            return data
    if type(exc).__name__ == "TransactionFailed":
        return _tester_revert_data(str(exc.args[0]) if exc.args else "")
    return None


def _web3_revert_data(exc: ContractLogicError) -> bytes | None:
    """The revert bytes web3 carries in `exc.data` (bytes, hex or a JSON-RPC error object)."""
    raw = exc.data
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str) and raw.startswith("0x"):
        return bytes.fromhex(raw[2:])
    if isinstance(raw, dict) and isinstance(raw.get("data"), str):
        return bytes.fromhex(str(raw["data"])[2:])
    if exc.message and "reverted" in exc.message:
        return b""
    return None


def _tester_revert_data(text: str) -> bytes:
    """The revert bytes in eth-tester's `TransactionFailed` text: a bytes literal or a reason."""
    match = _BYTES_LITERAL.search(text)
    if match:
        literal = ast.literal_eval(match.group(1))
        if isinstance(literal, bytes):
            return literal
    if text.startswith("execution reverted: "):
        reason = text[len("execution reverted: ") :]
        hex_match = _HEX_DATA.fullmatch(reason.strip())
        if hex_match:
            return bytes.fromhex(hex_match.group(0)[2:])
        return ERROR_STRING_SELECTOR + abi_encode(["string"], [reason])
    return b""
