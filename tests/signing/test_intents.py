"""Signed intents as relayer work: the encoders produce the ABI calldata of the functions that
take the signatures, and the batchers send queued consents of one agreement as one call."""

from __future__ import annotations

from pathlib import Path

from eth_utils import keccak

from ledger.client import SignedRecords
from ledger.domain.structs import ConsentSignature, Contribution, VoteSignature
from ledger.writes.intents import (
    BATCHERS,
    CONSENT_KIND,
    RECORD_KIND,
    VOTE_KIND,
    encode_consent,
    encode_record,
    encode_vote,
)
from ledger.writes.relayer import EntryStatus, Relayer, RelayerConfig
from tests.conftest import Suite
from tests.signing.conftest import Proposed, consent_of


def test_encoders_produce_the_abi_calldata_when_compared_with_web3(suite: Suite) -> None:
    agreement = keccak(text="agreement")
    consent = ConsentSignature(suite.accounts[1].address, 2, 99, b"\x11" * 65)
    vote = VoteSignature(suite.accounts[2].address, 2, 1, 99, b"\x22" * 65)
    records = [Contribution("design", 3, keccak(text="e"))]
    intents = {
        CONSENT_KIND: (
            encode_consent(
                agreements=suite["Agreements"].address, agreement_id=agreement, consent=consent
            ),
            suite["Agreements"].functions.consentBySignatures(agreement, [consent.as_abi()]),
        ),
        VOTE_KIND: (
            encode_vote(governance=suite["Governance"].address, proposal_id=5, vote=vote),
            suite["Governance"].functions.voteBySignatures(5, [vote.as_abi()]),
        ),
        RECORD_KIND: (
            encode_record(
                contributions=suite["Contributions"].address,
                signed=SignedRecords(
                    agreement, suite.accounts[1].address, tuple(records), 4, 99, b"\x33" * 65
                ),
            ),
            suite["Contributions"].functions.recordBySignature(
                agreement,
                suite.accounts[1].address,
                [r.as_abi() for r in records],
                4,
                99,
                b"\x33" * 65,
            ),
        ),
    }
    for kind, (intent, fn) in intents.items():
        assert intent.kind == kind
        assert intent.target == fn.address
        assert intent.data == bytes.fromhex(fn._encode_transaction_data()[2:])
    assert intents[CONSENT_KIND][0].batch_key == "0x" + agreement.hex()
    assert intents[VOTE_KIND][0].batch_key == "5"
    assert intents[RECORD_KIND][0].batch_key is None


def test_queued_consents_go_out_as_one_transaction_when_the_batcher_is_registered(
    proposed: Proposed, tmp_path: Path
) -> None:
    suite, agreements = proposed.suite, proposed.suite["Agreements"]
    deadline = suite.chain.timestamp() + 600
    with Relayer(
        outbox=tmp_path / "outbox.sqlite3",
        w3=suite.w3,
        accounts=[suite.accounts[9]],
        decoder=suite.decoder,
        config=RelayerConfig(confirmations=1),
        batchers=BATCHERS,
    ) as relayer:
        entries = []
        for party in proposed.parties[1:]:
            consent = consent_of(proposed, party, deadline)
            intent = encode_consent(
                agreements=agreements.address,
                agreement_id=proposed.agreement_id,
                consent=consent,
            )
            entries.append(relayer.submit(intent))
        relayer.process_once()
        relayer.process_once()
        done = [relayer.get(e.id) for e in entries]
    assert {e.status for e in done} == {EntryStatus.CONFIRMED}
    assert len({e.tx_hash for e in done}) == 1
    assert agreements.functions.statusOf(proposed.agreement_id).call() == 2
