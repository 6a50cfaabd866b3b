"""Send a contract transaction and turn a revert into a decoded `RevertError`."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from hexbytes import HexBytes
from web3.contract.contract import ContractFunction
from web3.types import TxParams, TxReceipt

from ledger.domain.errors import RevertError
from ledger.infra.revert import ErrorDecoder

GAS_MARGIN = 1.2


def transact(
    fn: ContractFunction,
    *,
    sender: ChecksumAddress | str | LocalAccount,
    decoder: ErrorDecoder,
    value: int = 0,
    gas: int | None = None,
) -> TxReceipt:
    """Send `fn` from `sender` and wait for its receipt.

    `sender` is an address the node can sign for (dev chains), or a LocalAccount whose key
    signs here (any node). A revert (found while estimating gas, or in a mined failed
    transaction) raises RevertError with the decoded custom error; nothing changed on chain.
    """
    address = sender.address if isinstance(sender, LocalAccount) else sender
    params: dict[str, Any] = {"from": address, "value": value}
    if gas is not None:
        params["gas"] = gas
    w3 = fn.w3
    try:
        if isinstance(sender, LocalAccount):
            tx_hash = _sign_and_send(fn, sender, params)
        else:
            tx_hash = fn.transact(TxParams(**params))  # type: ignore[typeddict-item]
    except Exception as err:
        decoded = decoder.from_exception(err)
        if decoded is None:
            raise
        raise decoded from err
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    if receipt["status"] != 1:
        raise _replay_failure(fn, params, receipt, decoder)
    return receipt


def _sign_and_send(fn: ContractFunction, account: LocalAccount, params: dict[str, Any]) -> HexBytes:
    w3 = fn.w3
    if "gas" not in params:
        params["gas"] = int(fn.estimate_gas(TxParams(**params)) * GAS_MARGIN)  # type: ignore[typeddict-item]
    params["nonce"] = w3.eth.get_transaction_count(account.address, "pending")
    tx = fn.build_transaction(TxParams(**params))  # type: ignore[typeddict-item]
    signed = account.sign_transaction(tx)  # type: ignore[arg-type]
    return HexBytes(w3.eth.send_raw_transaction(signed.raw_transaction))


def call(fn: ContractFunction, *, decoder: ErrorDecoder, sender: str | None = None) -> Any:
    """Call a view (or simulate a transaction) with decoded reverts."""
    try:
        return fn.call({"from": sender} if sender else {})
    except Exception as err:
        decoded = decoder.from_exception(err)
        if decoded is None:
            raise
        raise decoded from err


def _replay_failure(
    fn: ContractFunction, params: dict[str, Any], receipt: TxReceipt, decoder: ErrorDecoder
) -> RevertError:
    """Re-run a mined failed transaction as a call at its block to learn why it failed."""
    block = int(receipt["blockNumber"]) - 1
    try:
        fn.call(TxParams(**params), block_identifier=block)  # type: ignore[typeddict-item]
    except Exception as err:
        decoded = decoder.from_exception(err)
        if decoded is not None:
            return decoded
    return RevertError(
        "Reverted",
        message=f"transaction {bytes(receipt['transactionHash']).hex()} reverted",
    )
