"""keccak256, the hash of the contracts, at the fastest speed this Python offers."""

from __future__ import annotations

from eth_hash.auto import keccak

try:
    # NOTE: safe-pysha3 comes with eth-tester[py-evm] → eth-hash[pysha3] on CPython; called
    # directly it is ~4x faster than eth-hash's auto-selected pycryptodome backend, which
    # matters for the per-log data hashes and the auditor's two hashes per record.
    from sha3 import keccak_256 as _keccak_256

    def keccak256(data: bytes) -> bytes:
        """keccak256 of `data` (32 bytes)."""
        return bytes(_keccak_256(data).digest())

except ImportError:  # another Python implementation: eth-hash's own choice

    def keccak256(data: bytes) -> bytes:
        """keccak256 of `data` (32 bytes)."""
        return bytes(keccak(data))
