"""The fault scenarios' chain and work: a park suite set up once on anvil and saved as a state
file, and the signed intents every scenario relays through the outbox — contribution records
(one and several per signed batch), revenue deposits and culture-fund claims, and consents that
the relayer batches — with what each must leave on chain exactly once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_bytes

from ledger.client import Ledger
from ledger.domain.structs import ZERO_ADDRESS, AgreementParams, Contribution, ContributionKind
from ledger.infra.chain import AnvilChain
from ledger.infra.compiler import CompileResult, compile_project
from ledger.infra.deploy import Deployment, deploy_suite, manifest_path
from ledger.writes import intents
from ledger.writes.relayer import Intent
from tests.client.conftest import open_park

DAY = 86_400
FUND_SHARE_BPS = 500
WAVES = 5
CONSENT_WAVES = (0, 2)  # each brings every co-party's consent to one more proposed agreement
RECORD_SIZES = (1, 3, 2, 1, 4)  # records per signed batch, cycled: single and batched records
DEPOSIT_KIND = "revenue.deposit"
CLAIM_KIND = "revenue.claim-fund"
FINNEY = 10**15


@dataclass(frozen=True)
class Job:
    """One intent of the workload and the idempotency key it is journaled under."""

    key: str
    intent: Intent

    def to_json(self) -> dict[str, Any]:
        """The JSON form a child process reads."""
        intent = self.intent
        return {
            "key": self.key,
            "kind": intent.kind,
            "target": intent.target,
            "data": "0x" + intent.data.hex(),
            "value": intent.value,
            "batch_key": intent.batch_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        """The job `to_json` wrote."""
        key = data.pop("key")
        return cls(key, Intent(**{**data, "data": to_bytes(hexstr=data["data"])}))


@dataclass(frozen=True)
class Expected:
    """What the workload must leave on chain, each exactly once."""

    agreement: str  # the Active agreement records, deposits and claims go to
    evidence: frozenset[str]  # one per record
    batches: frozenset[tuple[str, int]]  # (contributor, nonce) per signed batch
    deposits: tuple[int, ...]  # wei, all different
    claims: int
    consents: frozenset[tuple[str, str]]  # (agreement, party)


@dataclass(frozen=True)
class Base:
    """The set-up chain (a pristine anvil state file) and the work to relay on it."""

    state_file: Path
    manifest_dir: Path
    deployment: Deployment
    artifacts: CompileResult
    relayer: LocalAccount
    waves: tuple[tuple[Job, ...], ...]
    expected: Expected
    block: int  # the last block of the set-up

    @property
    def jobs(self) -> list[Job]:
        """Every job in journal order."""
        return [job for wave in self.waves for job in wave]

    @property
    def transactions(self) -> int:
        """Transactions the workload takes when nothing goes wrong (consents go in batches)."""
        batched = {job.intent.batch_key for job in self.jobs if job.intent.batch_key}
        return sum(1 for job in self.jobs if not job.intent.batch_key) + len(batched)

    @property
    def manifest_path(self) -> Path:
        """The deployment manifest."""
        return manifest_path(self.manifest_dir, self.deployment.chain_id)


def build_base(directory: Path) -> Base:
    """Deploy and set up the suite on a fresh anvil, sign the workload, save the state file."""
    artifacts = compile_project()
    state_file = directory / "base-state.json"
    with AnvilChain(state_file=state_file, log_file=directory / "anvil.log") as node:
        deployment = deploy_suite(
            node.w3, artifacts, deployer=node.accounts[0].address, manifest_dir=directory
        )
        ledger = Ledger(w3=node.w3, deployment=deployment, artifacts=artifacts)
        admin, parties, fund = node.accounts[0], list(node.accounts[1:4]), node.accounts[4]
        agreement = open_park(ledger, admin, parties, fund_share_bps=FUND_SHARE_BPS)
        ledger.registry.set_culture_fund(fund=fund.address, sender=admin)
        proposed = [_propose(ledger, parties, salt) for salt in range(len(CONSENT_WAVES))]
        waves, expected = _workload(ledger, agreement, parties, proposed)
        block = int(node.w3.eth.block_number)
    return Base(
        state_file=state_file,
        manifest_dir=directory,
        deployment=deployment,
        artifacts=artifacts,
        relayer=node.accounts[-1],
        waves=waves,
        expected=expected,
        block=block,
    )


def _propose(ledger: Ledger, parties: list[LocalAccount], salt: int) -> bytes:
    """An agreement the first party proposes; the others' consents come through the relayer."""
    params = AgreementParams(
        parties=[p.address for p in parties],
        shares_bps=[4000, 3500, 2500],
        terms_hash=keccak(text=f"fault scenario terms {salt}"),
        consent_deadline=ledger.timestamp() + 30 * DAY,
    )
    salt_bytes = keccak(text=f"fault scenario salt {salt}")
    ledger.agreements.propose(params=params, salt=salt_bytes, sender=parties[0])
    return ledger.agreements.agreement_id_of(proposer=parties[0].address, salt=salt_bytes)


def _workload(
    ledger: Ledger, agreement: bytes, parties: list[LocalAccount], proposed: list[bytes]
) -> tuple[tuple[tuple[Job, ...], ...], Expected]:
    """`WAVES` waves of signed intents, signed now against the set-up chain."""
    deadline = ledger.timestamp() + 30 * DAY
    revenue = ledger.revenue.contract
    nonces = {p.address: ledger.agreements.nonce(agreement, p.address) for p in parties}
    evidence: set[str] = set()
    batches: set[tuple[str, int]] = set()
    deposits: list[int] = []
    consents: set[tuple[str, str]] = set()
    waves: list[tuple[Job, ...]] = []
    batch_number = 0
    for wave in range(WAVES):
        jobs: list[Job] = []
        if wave in CONSENT_WAVES:
            target = proposed[CONSENT_WAVES.index(wave)]
            for party in parties[1:]:
                consent = ledger.agreements.sign_consent(
                    agreement_id=target, account=party, deadline=deadline
                )
                intent = intents.encode_consent(
                    agreements=ledger.agreements.address, agreement_id=target, consent=consent
                )
                jobs.append(Job(f"consent-{target.hex()}-{party.address}", intent))
                consents.add(("0x" + target.hex(), party.address))
        for _ in range(2):
            party = parties[batch_number % len(parties)]
            size = RECORD_SIZES[batch_number % len(RECORD_SIZES)]
            records = [
                Contribution(
                    ContributionKind.DESIGN, 10 + i, keccak(text=f"evidence {batch_number}.{i}")
                )
                for i in range(size)
            ]
            signed = ledger.contributions.sign_records(
                agreement_id=agreement,
                account=party,
                records=records,
                deadline=deadline,
                nonce=nonces[party.address],  # ahead of the chain: earlier ones are unsent
            )
            jobs.append(
                Job(
                    f"records-{batch_number}",
                    intents.encode_record(
                        contributions=ledger.contributions.address, signed=signed
                    ),
                )
            )
            batches.add((party.address, nonces[party.address]))
            evidence.update("0x" + bytes(r.evidence_hash).hex() for r in records)
            nonces[party.address] += 1
            batch_number += 1
        amount = (wave + 1) * FINNEY + wave  # all different, so each deposit is recognisable
        deposit = revenue.encode_abi("deposit", [agreement, ZERO_ADDRESS, amount])
        jobs.append(
            Job(
                f"deposit-{wave}",
                Intent(
                    kind=DEPOSIT_KIND,
                    target=revenue.address,
                    data=to_bytes(hexstr=deposit),
                    value=amount,
                ),
            )
        )
        claim = revenue.encode_abi("claimFund", [agreement])
        jobs.append(
            Job(
                f"claim-{wave}",
                Intent(kind=CLAIM_KIND, target=revenue.address, data=to_bytes(hexstr=claim)),
            )
        )
        deposits.append(amount)
        waves.append(tuple(jobs))
    expected = Expected(
        agreement="0x" + agreement.hex(),
        evidence=frozenset(evidence),
        batches=frozenset(batches),
        deposits=tuple(deposits),
        claims=WAVES,
        consents=frozenset(consents),
    )
    return tuple(waves), expected


def write_jobs(path: Path, waves: tuple[tuple[Job, ...], ...]) -> None:
    """The waves as JSON, for a child process."""
    path.write_text(json.dumps([[job.to_json() for job in wave] for wave in waves]))


def read_jobs(path: Path) -> list[list[Job]]:
    """The waves `write_jobs` wrote."""
    return [[Job.from_json(job) for job in wave] for wave in json.loads(path.read_text())]
