"""Nonce and fee manager: which relayer account signs, with which nonce, at which fees."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3

from ledger.domain.errors import ConfigurationError
from ledger.writes.relayer.models import Call, RelayerConfig, TxPurpose
from ledger.writes.relayer.outbox import Outbox, SignedTx

TRANSFER_GAS = 21_000


@dataclass(frozen=True)
class Fees:
    """EIP-1559 fees per gas, in wei."""

    max_fee: int
    tip: int


def quote_fees(*, base_fee: int, config: RelayerConfig) -> Fees | None:
    """`base fee * multiplier + tip`, capped; None when the cap is below the base fee."""
    max_fee = min(base_fee * config.base_fee_multiplier + config.priority_fee, config.max_fee_cap)
    if max_fee < base_fee:
        # NOTE: such a transaction could not be included now; better to keep the intent
        # queued (no nonce spent) than to park a signed transaction in the pool.
        return None
    return Fees(max_fee=max_fee, tip=min(config.priority_fee, max_fee))


class NonceManager:
    """Hands out gapless nonces per relayer account and signs EIP-1559 transactions.

    The next nonce is the larger of what the outbox has handed out and what the node
    counts (pending): the outbox wins after a node lost our transactions (they are
    re-broadcast with their own nonces), the node wins if the key was used elsewhere.
    The nonce is persisted only with the signed transaction (`Outbox.record_signed`).
    """

    def __init__(
        self,
        *,
        w3: Web3,
        outbox: Outbox,
        accounts: Sequence[LocalAccount],
        config: RelayerConfig,
    ) -> None:
        if not accounts:
            raise ConfigurationError("the relayer needs at least one account to sign with")
        self.w3 = w3
        self.outbox = outbox
        self.accounts = {str(account.address): account for account in accounts}
        self.config = config
        self._chain_id: int | None = None

    @property
    def chain_id(self) -> int:
        """The chain id signed into every transaction (read from the node once)."""
        if self._chain_id is None:
            self._chain_id = int(self.w3.eth.chain_id)
        return self._chain_id

    def pick_sender(self) -> str:
        """The relayer account with the fewest transactions waiting to be mined."""
        return min(self.accounts, key=self.outbox.pending_count)

    def next_nonce(self, sender: str) -> int:
        """The nonce the next transaction from `sender` must carry."""
        stored = self.outbox.next_nonce(sender) or 0
        on_chain = int(self.w3.eth.get_transaction_count(sender, "pending"))  # type: ignore[arg-type]
        return max(stored, on_chain)

    def current_fees(self) -> Fees | None:
        """Fees for a transaction sent now, or None when the cap forbids sending."""
        block = self.w3.eth.get_block("latest")
        base_fee = block.get("baseFeePerGas")
        if base_fee is None:
            raise ConfigurationError("the node does not support EIP-1559 fees (no base fee)")
        return quote_fees(base_fee=int(base_fee), config=self.config)

    def block_gas_limit(self) -> int:
        """The latest block's gas limit: no transaction may ask for more."""
        return int(self.w3.eth.get_block("latest")["gasLimit"])

    def sign(
        self,
        *,
        sender: str,
        nonce: int,
        call: Call,
        gas: int,
        fees: Fees,
        purpose: TxPurpose,
    ) -> SignedTx:
        """Sign `call` from `sender` with `nonce` locally (works on any RPC node)."""
        tx: dict[str, Any] = {
            "type": 2,
            "chainId": self.chain_id,
            "nonce": nonce,
            "to": call.target,
            "value": call.value,
            "data": call.data,
            "gas": gas,
            "maxFeePerGas": fees.max_fee,
            "maxPriorityFeePerGas": fees.tip,
        }
        signed = self.accounts[sender].sign_transaction(tx)
        return SignedTx(
            sender=sender,
            nonce=nonce,
            tx_hash=Web3.to_hex(signed.hash),
            raw=bytes(signed.raw_transaction),
            purpose=purpose,
            gas=gas,
            max_fee=fees.max_fee,
            tip=fees.tip,
        )

    def sign_filler(self, *, sender: str, nonce: int) -> SignedTx:
        """A 0-value self-transfer that spends `nonce` so later nonces are not stuck behind it."""
        fees = self.current_fees() or Fees(
            max_fee=self.config.max_fee_cap,
            tip=min(self.config.priority_fee, self.config.max_fee_cap),
        )
        return self.sign(
            sender=sender,
            nonce=nonce,
            call=Call(sender, b"", 0),
            gas=TRANSFER_GAS,
            fees=fees,
            purpose=TxPurpose.FILLER,
        )
