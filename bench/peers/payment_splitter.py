"""OpenZeppelin 4.9.6 PaymentSplitter (npm alias `@openzeppelin/contracts-v4`), compiled through
our pinned solc-js pipeline: deploy with N payees, receive ETH, `release` to one payee —
against our agreement creation, `revenue.deposit.fixed.parties_N` and `revenue.claim.fixed.*`.

Like ours, receive and release are steady state: the splitter has received before and the
payee has released before; the first-ever release is reported once as `release.first`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from web3.contract import Contract
from web3.types import Wei

from bench.context import BenchContext
from bench.gas_revenue import DEPOSIT, PARTY_COUNTS
from bench.park_setup import even_shares
from ledger.infra.compiler import compile_sources
from ledger.infra.config import PROJECT_ROOT

WRAPPER = Path(__file__).with_name("PaymentSplitterPeer.sol")


def _send_value(ctx: BenchContext, sender: str, to: str, value: int) -> int:
    """Gas of a plain ETH transfer (the splitter's `receive`)."""
    tx_hash = ctx.w3.eth.send_transaction({"from": sender, "to": to, "value": Wei(value)})
    return int(ctx.w3.eth.wait_for_transaction_receipt(tx_hash)["gasUsed"])


def _deploy(ctx: BenchContext, payees: Sequence[str]) -> tuple[Contract, int]:
    sources = {WRAPPER.relative_to(PROJECT_ROOT).as_posix(): WRAPPER.read_text()}
    artifact = compile_sources(sources)["PaymentSplitter"]
    shares = even_shares(len(payees))
    return ctx.deploy(artifact.abi, artifact.bytecode, list(payees), shares)


def measure(ctx: BenchContext, *, party_counts: tuple[int, ...] = PARTY_COUNTS) -> dict[str, int]:
    """Deploy, receive and release gas per number of payees."""
    depositor = ctx.accounts[-1].address
    entries: dict[str, int] = {}
    for n in party_counts:
        payees = [a.address for a in ctx.accounts[1 : n + 1]]
        splitter, deploy_gas = _deploy(ctx, payees)
        entries[f"peers.payment_splitter.deploy.parties_{n}"] = deploy_gas
        _send_value(ctx, depositor, splitter.address, DEPOSIT)
        receive = _send_value(ctx, depositor, splitter.address, DEPOSIT)
        entries[f"peers.payment_splitter.receive.parties_{n}"] = receive
        # `release` is overloaded (ETH and ERC-20): pick the ETH one by its signature
        release = splitter.get_function_by_signature("release(address)")(payees[1])
        first = ctx.gas(release, payees[1])
        if n == party_counts[0]:
            entries[f"peers.payment_splitter.release.first.parties_{n}"] = first
        _send_value(ctx, depositor, splitter.address, DEPOSIT)
        entries[f"peers.payment_splitter.release.parties_{n}"] = ctx.gas(release, payees[1])
    return entries
