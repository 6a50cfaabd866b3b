"""The domain: what the contracts mean, as plain Python data and pure functions (no I/O).

- ``structs``     the contracts' enums and input structs, ABI tuples
- ``names``       the contracts' spelling of enum members (``ContentIP``), for index, API and docs
- ``errors``      the exception tree (``LedgerError`` and its kinds)
- ``sentences``   every custom error of the contracts as a sentence in the user's words
- ``validation``  parsing at the boundary: addresses, hashes, bounded integers, amounts
- ``abi``         canonical ABI types
- ``encoding``    bytes as ``0x``-hex text, the one spelling of hashes, ids and calldata
- ``hashing``     keccak256
- ``merkle``      record ids, batch roots and proofs, as ``Contributions`` computes them
- ``signing``     EIP-712 typed data, digests, signatures and recovery (docs/eip712.md)
"""
