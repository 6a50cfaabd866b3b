"""The event catalog: ABI-driven decoding equal to web3's, JSON-native values, hash-chain hashes."""

from __future__ import annotations

import json

from web3 import Web3
from web3.contract import Contract

from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.events import EventCatalog, LogStreamer, fold
from tests.indexer.conftest import (
    EMITTER,
    EMITTER_RULES,
    agreement,
    deploy_emitter,
    emit_history,
    item,
)


def _catalog(emitter: Contract) -> EventCatalog:
    return EventCatalog.from_abis({EMITTER: (emitter.address, emitter.abi)}, rules=EMITTER_RULES)


def test_decoded_args_equal_web3_decoding_when_events_have_tuples_and_dynamic_fields(
    chain: MemoryChain, emitter_artifacts: CompileResult
) -> None:
    emitter = deploy_emitter(chain, emitter_artifacts)
    sender = chain.accounts[0].address
    tx = emitter.functions.note(agreement(1), 2**200, "héllo", [item(1, sender), item(2, sender)])
    receipt = chain.w3.eth.wait_for_transaction_receipt(tx.transact({"from": sender}))
    expected = emitter.events.Noted().process_receipt(receipt)[0]["args"]

    events = list(
        LogStreamer(w3=chain.w3, catalog=_catalog(emitter)).events(
            from_block=receipt["blockNumber"], to_block=receipt["blockNumber"]
        )
    )

    assert len(events) == 1
    args = events[0].args
    assert args["agreementId"] == "0x" + bytes(expected["agreementId"]).hex()
    assert args["author"] == expected["author"]
    assert args["amount"] == expected["amount"] == 2**200
    assert args["note"] == expected["note"]
    assert [(i["kind"], i["weight"], i["evidence"], i["who"]) for i in args["items"]] == [
        (i["kind"], i["weight"], "0x" + bytes(i["evidence"]).hex(), i["who"])
        for i in expected["items"]
    ]
    assert events[0].agreement_id == args["agreementId"]
    assert json.loads(json.dumps(args)) == args


def test_action_hashes_fold_to_the_onchain_head_when_events_are_journaled(
    chain: MemoryChain, emitter_artifacts: CompileResult
) -> None:
    emitter = deploy_emitter(chain, emitter_artifacts)
    emit_history(emitter, chain.accounts[0].address)

    events = list(
        LogStreamer(w3=chain.w3, catalog=_catalog(emitter)).events(
            from_block=0, to_block=chain.w3.eth.block_number
        )
    )

    for label in range(3):
        aid = "0x" + agreement(label).hex()
        actions = [(e.topic0, e.action_hash) for e in events if e.agreement_id == aid]
        assert len(actions) == 6
        assert all(h is not None for _, h in actions)
        onchain = bytes(emitter.functions.headOf(agreement(label)).call())
        assert fold(actions) == onchain  # type: ignore[arg-type]


def test_event_is_skipped_when_its_contract_is_not_in_the_catalog(
    chain: MemoryChain, emitter_artifacts: CompileResult
) -> None:
    known = deploy_emitter(chain, emitter_artifacts)
    other = deploy_emitter(chain, emitter_artifacts)
    sender = chain.accounts[0].address
    start = chain.w3.eth.block_number + 1
    known.functions.ping(1, 0, True).transact({"from": sender})
    other.functions.ping(2, 0, True).transact({"from": sender})

    events = list(
        LogStreamer(w3=chain.w3, catalog=_catalog(known)).events(
            from_block=start, to_block=chain.w3.eth.block_number
        )
    )

    assert [(e.address, e.args["value"]) for e in events] == [(known.address, 1)]


def test_unjournaled_event_has_no_action_hash_when_it_names_no_agreement(
    chain: MemoryChain, emitter_artifacts: CompileResult
) -> None:
    emitter = deploy_emitter(chain, emitter_artifacts)
    catalog = _catalog(emitter)

    pinged = catalog.find(EMITTER, "Pinged")
    noted = catalog.find(EMITTER, "Noted")

    assert not pinged.journaled
    assert noted.journaled
    assert noted.topic0 == Web3.keccak(text=noted.signature)
