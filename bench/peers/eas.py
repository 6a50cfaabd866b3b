"""Ethereum Attestation Service (npm `@ethereum-attestation-service/eas-contracts`), deployed
from its shipped artifacts: `attest` and `multiAttest` of a contribution-shaped attestation
against `contributions.record.single` and `contributions.record_batch.N.per_record`.

The schema carries what our record carries: agreement id, kind, weight, evidence hash, AI
provenance and accountable party. The attester is the contributor (like `msg.sender` in
ours), there is no recipient, and attestations are revocable (ours can be disputed).
"""

from __future__ import annotations

from typing import Any

from eth_abi import encode

from bench.context import BenchContext, per_record_entries
from bench.gas_contributions import contribution
from bench.park_setup import ZERO_ADDRESS
from bench.peers import shipped_artifact

PACKAGE = "@ethereum-attestation-service/eas-contracts/artifacts/contracts"
SCHEMA = (
    "bytes32 agreementId,uint8 kind,uint64 weight,bytes32 evidenceHash,"
    "uint8 aiProvenance,address accountable"
)
SCHEMA_TYPES = ["bytes32", "uint8", "uint64", "bytes32", "uint8", "address"]
AGREEMENT_ID = b"\xa9" * 32
BATCH_SIZES = (10, 100)


def request_data(i: int) -> tuple[Any, ...]:
    """`AttestationRequestData` for our `i`-th contribution record: same fields, same values."""
    data = encode(SCHEMA_TYPES, [AGREEMENT_ID, *contribution(i)])
    # recipient, expirationTime, revocable, refUID, data, value
    return (ZERO_ADDRESS, 0, True, b"\x00" * 32, data, 0)


def measure(ctx: BenchContext, *, batch_sizes: tuple[int, ...] = BATCH_SIZES) -> dict[str, int]:
    """Deploy SchemaRegistry and EAS, register the schema once, then attest one and many."""
    registry_abi, registry_code = shipped_artifact(
        f"{PACKAGE}/SchemaRegistry.sol/SchemaRegistry.json"
    )
    eas_abi, eas_code = shipped_artifact(f"{PACKAGE}/EAS.sol/EAS.json")
    registry, registry_gas = ctx.deploy(registry_abi, registry_code)
    eas, eas_gas = ctx.deploy(eas_abi, eas_code, registry.address)
    attester = ctx.accounts[1].address
    receipt = ctx.transact(registry.functions.register(SCHEMA, ZERO_ADDRESS, True), attester)
    schema = registry.events.Registered().process_receipt(receipt)[0]["args"]["uid"]

    entries = {
        "peers.eas.deploy.schema_registry": registry_gas,
        "peers.eas.deploy.eas": eas_gas,
        "peers.eas.register_schema": int(receipt["gasUsed"]),
    }
    # steady state, as for ours: the attester has attested before
    ctx.transact(eas.functions.attest((schema, request_data(10_000))), attester)
    entries["peers.eas.attest"] = ctx.gas(eas.functions.attest((schema, request_data(1))), attester)
    batch_gas: dict[int, int] = {}
    for size in (1, *batch_sizes):
        batch = [request_data(1_000 * size + i) for i in range(size)]
        batch_gas[size] = ctx.gas(eas.functions.multiAttest([(schema, batch)]), attester)
        entries[f"peers.eas.multi_attest.{size}"] = batch_gas[size]
    entries.update(per_record_entries("peers.eas.multi_attest", batch_gas))
    return entries
