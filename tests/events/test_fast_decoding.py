"""The catalog's fast path (word slicing, spliced data hash) equals eth-abi decoding bit for bit."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak
from hexbytes import HexBytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.dev.sandbox import Sandbox
from ledger.domain.errors import EventDecodeError
from ledger.infra.compiler import CompileResult
from ledger.infra.events import EventCatalog, EventSpec, fold, log_source
from ledger.infra.events.fastabi import compile_layout

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "contracts"))

from module_helpers import AI_ASSISTED, open_agreement, record, record_batch

ETH = 10**18
ZERO = "0x" + "00" * 20
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _catalog(artifacts: CompileResult, contracts: Mapping[str, str]) -> EventCatalog:
    return EventCatalog.from_abis({n: (a, artifacts[n].abi) for n, a in contracts.items()})


@pytest.fixture(scope="module")
def catalog(artifacts: CompileResult) -> EventCatalog:
    """Every event of the suite (addresses do not matter for decoding)."""
    names = ("ParkRegistry", "Agreements", "Governance", "Contributions", "Revenue", "Commitments")
    return _catalog(artifacts, {n: f"0x{i + 1:040x}" for i, n in enumerate(names)})


def _inputs(artifacts: CompileResult, spec: EventSpec) -> list[dict[str, Any]]:
    abi = artifacts[spec.contract].abi
    return next(e["inputs"] for e in abi if e.get("type") == "event" and e["name"] == spec.name)


# NOTE: one return per ABI type family, read as a table.
def _values(param: Mapping[str, Any], max_items: int) -> st.SearchStrategy[Any]:  # noqa: PLR0911
    """eth-abi encodable values of an ABI parameter."""
    kind = str(param["type"])
    if kind.endswith("[]"):
        return st.lists(_values({**param, "type": kind[:-2]}, max_items), max_size=max_items)
    if kind == "tuple":
        return st.tuples(*(_values(c, max_items) for c in param["components"]))
    if kind == "address":
        return st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex())
    if kind == "bool":
        return st.booleans()
    if kind == "bytes":
        return st.binary(max_size=80)
    if kind == "string":
        return st.text(max_size=20)
    if match := re.fullmatch(r"bytes(\d+)", kind):
        return st.binary(min_size=int(match[1]), max_size=int(match[1]))
    match = re.fullmatch(r"(u?)int(\d+)", kind)
    assert match is not None, kind
    bits = int(match[2])
    if match[1]:
        return st.integers(0, 2**bits - 1)
    return st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)


def _log(spec: EventSpec, values: list[Any]) -> tuple[list[bytes], bytes]:
    """The topics and data a contract emitting `values` produces."""
    indexed = [p.indexed for p in spec.params]
    topics = [spec.topic0] + [
        encode([p.abi_type], [v]) for p, v in zip(spec.params, values, strict=True) if p.indexed
    ]
    data = encode(list(spec.data_types), [v for v, i in zip(values, indexed, strict=True) if not i])
    return topics, data


def _rule_hash(spec: EventSpec, values: list[Any]) -> bytes | None:
    """docs/hash-chain.md: keccak256(abi.encode(the rule's fields in order))."""
    if not spec.journaled:
        return None
    types = [spec.params[i].abi_type for i in spec.hash_fields]
    return bytes(keccak(encode(types, [values[i] for i in spec.hash_fields])))


def _assert_fast_equals_generic(
    artifacts: CompileResult, spec: EventSpec, values: list[Any]
) -> None:
    topics, data = _log(spec, values)
    layout = compile_layout(_inputs(artifacts, spec), spec.hash_fields if spec.journaled else None)
    assert layout is not None

    layout.decode(topics, data)  # the fast path takes it: no fallback hides a difference
    args, action_hash = spec.decode_args(topics, data)

    assert (args, action_hash) == spec.decode_generic(topics, data)
    assert action_hash == _rule_hash(spec, values)


def test_fast_decoding_equals_eth_abi_when_any_suite_event_has_random_values(
    artifacts: CompileResult, catalog: EventCatalog
) -> None:
    specs = [
        s
        for specs in catalog.specs_by_contract.values()
        for s in specs
        if compile_layout(_inputs(artifacts, s), s.hash_fields if s.journaled else None)
    ]
    assert "ContributionsRecorded" in {s.name for s in specs}

    @HYPOTHESIS
    @given(st.sampled_from(specs), st.data())
    def check(spec: EventSpec, data: st.DataObject) -> None:
        inputs = _inputs(artifacts, spec)
        values = [data.draw(_values(p, 4)) for p in inputs]
        _assert_fast_equals_generic(artifacts, spec, values)

    check()


@HYPOTHESIS
@given(st.data())
def test_contributions_recorded_hash_follows_the_rule_when_batches_are_random(
    artifacts: CompileResult, catalog: EventCatalog, data: st.DataObject
) -> None:
    spec = catalog.find("Contributions", "ContributionsRecorded")
    inputs = _inputs(artifacts, spec)
    values = [data.draw(_values(p, 100)) for p in inputs]

    _assert_fast_equals_generic(artifacts, spec, values)


def _recorded(catalog: EventCatalog) -> tuple[EventSpec, list[Any]]:
    spec = catalog.find("Contributions", "ContributionsRecorded")
    rows = [(0, 10, b"\x01" * 32, 1, "0x" + "ab" * 20), (2, 99, b"\x02" * 32, 0, ZERO)]
    return spec, [b"\x07" * 32, "0x" + "cd" * 20, b"\x03" * 32, b"\x04" * 32, 5, rows]


def test_decoding_falls_back_to_eth_abi_when_the_data_is_not_canonical(
    catalog: EventCatalog,
) -> None:
    spec, values = _recorded(catalog)
    topics, data = _log(spec, values)
    # NOTE: a gap word before the records' tail: eth-abi still decodes it, but the data is no
    # longer abi.encode of its values, so the hash must come from re-encoding them.
    gapped = data[:96] + (160).to_bytes(32, "big") + bytes(32) + data[128:]

    args, action_hash = spec.decode_args(topics, gapped)

    assert (args, action_hash) == spec.decode_args(topics, data)
    assert action_hash == _rule_hash(spec, values) != bytes(keccak(gapped))


def test_decoding_raises_event_decode_error_when_a_record_word_has_dirty_padding(
    catalog: EventCatalog,
) -> None:
    spec, values = _recorded(catalog)
    topics, data = _log(spec, values)
    dirty = bytearray(data)
    dirty[160] = 1  # the high byte of the first record's uint8 `kind`

    with pytest.raises(EventDecodeError):
        spec.decode_args(topics, bytes(dirty))


def test_fast_decoding_equals_web3_and_folds_to_the_head_when_logs_come_from_the_suite(
    suite: Sandbox,
) -> None:
    parties = list(suite.accounts[1:4])
    start = suite.w3.eth.block_number + 1
    aid = open_agreement(suite, parties, salt=b"\x31" * 32)
    rows = [record(n, weight=n) for n in range(1, 40)]
    rows.append(record(40, ai=AI_ASSISTED, accountable=parties[0].address))
    batch = record_batch(suite, aid, parties[0], rows)
    contributions, revenue = suite["Contributions"], suite["Revenue"]
    suite.transact(contributions.functions.confirm(aid, batch.proof(0)), parties[1].address)
    suite.transact(
        contributions.functions.dispute(aid, batch.proof(1), keccak(text="why")), parties[2]
    )
    suite.transact(revenue.functions.deposit(aid, ZERO, ETH), parties[2], value=ETH)
    suite.transact(revenue.functions.claim(aid), parties[0])
    addresses = {n: c.address for n, c in suite.deployment.contracts.items()}
    catalog = _catalog(suite.artifacts, addresses)
    logs = log_source(suite.w3).logs(
        addresses=catalog.address_list, from_block=start, to_block=suite.w3.eth.block_number
    )

    actions = []
    recorded = 0
    for log in logs:
        spec = catalog.spec(log.address, log.topics[0])
        assert spec is not None
        args, action_hash = spec.decode_args(log.topics, log.data)
        assert (args, action_hash) == spec.decode_generic(log.topics, log.data)
        if spec.name == "ContributionsRecorded":
            receipt = suite.w3.eth.get_transaction_receipt(HexBytes(log.tx_hash))
            web3_args = contributions.events.ContributionsRecorded().process_receipt(receipt)[0]
            assert args["records"] == [
                {**r, "evidenceHash": "0x" + bytes(r["evidenceHash"]).hex()}
                for r in web3_args["args"]["records"]
            ]
            assert args["contributor"] == web3_args["args"]["contributor"]
            recorded += len(args["records"])
        if action_hash is not None and args.get("agreementId") == "0x" + aid.hex():
            actions.append((spec.topic0, action_hash))

    assert recorded == len(rows)
    assert fold(actions) == bytes(suite["Agreements"].functions.headOf(aid).call())
