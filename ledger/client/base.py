"""What every sub-client shares: sending through `ledger.infra.tx` (decoded reverts), calling views,
and turning a receipt into a typed `TxResult`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from ledger.client.views import TxResult
from ledger.domain import validation as v
from ledger.infra.tx import call, transact

if TYPE_CHECKING:
    from ledger.client.facade import Ledger

Sender = LocalAccount | str
"""Who sends a write: a LocalAccount (signed here, any node) or an address the node unlocks."""


def sender_address(sender: Sender) -> ChecksumAddress:
    """The address of a sender, validated."""
    if isinstance(sender, LocalAccount):
        return v.address(sender.address, field="sender")
    return v.address(sender, field="sender")


class ContractClient:
    """A sub-client bound to one deployed contract of the suite."""

    name = ""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.contract: Contract = ledger.contract(self.name)

    @property
    def address(self) -> ChecksumAddress:
        """The contract's address."""
        return v.address(self.contract.address)

    def _send(self, fn: ContractFunction, sender: Sender, *, value: int = 0) -> TxResult:
        signer = sender if isinstance(sender, LocalAccount) else sender_address(sender)
        receipt = transact(fn, sender=signer, decoder=self.ledger.decoder, value=value)
        return self.ledger.result(receipt)

    def _call(self, fn: ContractFunction) -> Any:
        return call(fn, decoder=self.ledger.decoder)
