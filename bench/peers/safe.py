"""Safe 1.4.1 (npm `@safe-global/safe-contracts`), deployed from its shipped build artifacts
(singleton + proxy factory, as Safes are deployed in production): create a Safe with N owners
and `execTransaction` with N owners' signatures (threshold N), against our N-party consent
(`agreements.propose.parties_N`, `agreements.consent_signatures.parties_N`).

The executed transaction is a zero-value call to an account: what is measured is the
N-signature approval itself. Steady state: the Safe has executed once before (nonce ≠ 0).
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3.contract import Contract
from web3.logs import DISCARD

from bench.context import BenchContext
from bench.gas_revenue import PARTY_COUNTS
from bench.park_setup import ZERO_ADDRESS
from bench.peers import shipped_artifact

PACKAGE = "@safe-global/safe-contracts/build/artifacts/contracts"
CALL = 0


def _create(
    ctx: BenchContext, singleton: Contract, factory: Contract, owners: list[LocalAccount]
) -> tuple[Contract, int]:
    """A Safe proxy with `owners` and threshold N; the proxy and the creation's gas."""
    setup = singleton.encode_abi(
        "setup",
        # owners, threshold, no setup call, no fallback handler, no deployment refund
        [
            [o.address for o in owners],
            len(owners),
            ZERO_ADDRESS,
            b"",
            ZERO_ADDRESS,
            ZERO_ADDRESS,
            0,
            ZERO_ADDRESS,
        ],
    )
    create = factory.functions.createProxyWithNonce(singleton.address, setup, len(owners))
    receipt = ctx.transact(create, owners[0].address)
    # the receipt also holds the new Safe's own events, which the factory's ABI does not know
    created = factory.events.ProxyCreation().process_receipt(receipt, errors=DISCARD)
    proxy = created[0]["args"]["proxy"]
    return ctx.w3.eth.contract(address=proxy, abi=singleton.abi), int(receipt["gasUsed"])


def _exec(ctx: BenchContext, safe: Contract, owners: list[LocalAccount]) -> Any:
    """`execTransaction` of a zero-value call, signed by every owner (sorted, as Safe wants)."""
    tx: list[Any] = [ctx.accounts[0].address, 0, b"", CALL, 0, 0, 0, ZERO_ADDRESS, ZERO_ADDRESS]
    nonce = ctx.call(safe.functions.nonce())
    tx_hash = ctx.call(safe.functions.getTransactionHash(*tx, nonce))
    signatures = b""
    for owner in sorted(owners, key=lambda o: int(o.address, 16)):
        signed = Account.unsafe_sign_hash(tx_hash, owner.key)
        signatures += signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big")
        signatures += bytes([signed.v])
    return safe.functions.execTransaction(*tx, signatures)


def measure(ctx: BenchContext, *, signer_counts: tuple[int, ...] = PARTY_COUNTS) -> dict[str, int]:
    """Create and N-signature execution gas per number of owners."""
    singleton_abi, singleton_code = shipped_artifact(f"{PACKAGE}/Safe.sol/Safe.json")
    factory_abi, factory_code = shipped_artifact(
        f"{PACKAGE}/proxies/SafeProxyFactory.sol/SafeProxyFactory.json"
    )
    singleton, _ = ctx.deploy(singleton_abi, singleton_code)
    factory, _ = ctx.deploy(factory_abi, factory_code)
    relayer = ctx.accounts[0].address
    entries: dict[str, int] = {}
    for n in signer_counts:
        owners = list(ctx.accounts[1 : n + 1])
        safe, create_gas = _create(ctx, singleton, factory, owners)
        entries[f"peers.safe.create.owners_{n}"] = create_gas
        ctx.transact(_exec(ctx, safe, owners), relayer)
        entries[f"peers.safe.exec.signatures_{n}"] = ctx.gas(_exec(ctx, safe, owners), relayer)
    return entries
