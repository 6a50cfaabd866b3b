"""Revenue: ETH and ERC-20 deposits (approving the vault first), claims, payout addresses,
balances and the per-agreement conservation totals."""

from __future__ import annotations

from collections.abc import Sequence

from web3.exceptions import Web3Exception

from ledger.client.base import ContractClient, Sender, sender_address
from ledger.client.views import (
    Balance,
    Conservation,
    FundBalance,
    RevenueAccount,
    TxResult,
    build,
)
from ledger.domain import validation as v
from ledger.domain.amounts import ETH, Currency
from ledger.domain.errors import LedgerError
from ledger.domain.structs import ZERO_ADDRESS

ERC20_ABI = [
    {
        "type": "function",
        "name": "approve",
        "stateMutability": "nonpayable",
        "inputs": [{"name": "spender", "type": "address"}, {"name": "amount", "type": "uint256"}],
        "outputs": [{"name": "", "type": "bool"}],
    },
    {
        "type": "function",
        "name": "allowance",
        "stateMutability": "view",
        "inputs": [{"name": "owner", "type": "address"}, {"name": "spender", "type": "address"}],
        "outputs": [{"name": "", "type": "uint256"}],
    },
    *(
        {
            "type": "function",
            "name": name,
            "stateMutability": "view",
            "inputs": [],
            "outputs": [{"name": "", "type": kind}],
        }
        for name, kind in (("decimals", "uint8"), ("symbol", "string"))
    ),
]


class RevenueClient(ContractClient):
    """The vault: deposits, allocation, claims, balances."""

    name = "Revenue"

    def approve_if_needed(self, *, token: str, amount: int, sender: Sender) -> TxResult | None:
        """Approve Revenue to pull `amount` of an ERC-20 from the sender (None for ETH or
        when the allowance already covers it)."""
        coin = v.address(token, field="token")
        if coin == ZERO_ADDRESS or amount == 0:
            return None
        erc20 = self.ledger.w3.eth.contract(address=coin, abi=ERC20_ABI)
        owner = sender_address(sender)
        if int(self._call(erc20.functions.allowance(owner, self.address))) >= amount:
            return None
        return self._send(erc20.functions.approve(self.address, amount), sender)

    def currency(self, agreement_id: bytes | str) -> Currency:
        """What the agreement is paid in: ETH, or its ERC-20's symbol and decimals."""
        token = self.ledger.agreements.terms(agreement_id).token
        if token == ZERO_ADDRESS:
            return ETH
        erc20 = self.ledger.w3.eth.contract(address=token, abi=ERC20_ABI)
        # NOTE: both are optional in ERC-20: without them amounts are counted in base units.
        try:
            decimals = int(self._call(erc20.functions.decimals()))
        except (LedgerError, Web3Exception):
            decimals = 0
        try:
            symbol = str(self._call(erc20.functions.symbol())).strip() or "tokens"
        except (LedgerError, Web3Exception):
            symbol = "tokens"
        return Currency(symbol=symbol, decimals=decimals, token=token)

    def deposit(self, *, agreement_id: bytes | str, amount: int, sender: Sender) -> TxResult:
        """Deposit revenue in the agreement's token (ETH as value; ERC-20 approved first)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        units = v.integer(amount, field="amount", low=1)
        token = self.ledger.agreements.terms(aid).token
        self.approve_if_needed(token=token, amount=units, sender=sender)
        value = units if token == ZERO_ADDRESS else 0
        return self._send(self.contract.functions.deposit(aid, token, units), sender, value=value)

    def allocate_held(self, *, agreement_id: bytes | str, sender: Sender) -> TxResult:
        """Allocate deposits held while the agreement had nobody to allocate to."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return self._send(self.contract.functions.allocateHeld(aid), sender)

    def claim(self, *, agreement_id: bytes | str, sender: Sender) -> TxResult:
        """Pay the sender what it is owed (to its payout address)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return self._send(self.contract.functions.claim(aid), sender)

    def claim_fund(self, *, agreement_id: bytes | str, sender: Sender) -> TxResult:
        """Pay the culture fund its share (anyone may send)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return self._send(self.contract.functions.claimFund(aid), sender)

    def set_payout(self, *, agreement_id: bytes | str, payout: str, sender: Sender) -> TxResult:
        """Send the sender's future claims in this agreement to `payout`."""
        fn = self.contract.functions.setPayoutAddress(
            v.bytes32(agreement_id, field="agreement_id"), v.address(payout, field="payout")
        )
        return self._send(fn, sender)

    # -- views ----------------------------------------------------------------------------

    def balance(self, agreement_id: bytes | str, account: str) -> Balance:
        """What `account` is owed, was allocated and claimed, its payout address and weight."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        who = v.address(account, field="account")
        f = self.contract.functions
        return Balance(
            account=who,
            claimable=int(self._call(f.claimableOf(aid, who))),
            allocated=int(self._call(f.allocatedOf(aid, who))),
            claimed=int(self._call(f.claimedOf(aid, who))),
            payout=v.address(self._call(f.payoutOf(aid, who))),
            weight=int(self._call(f.weightOf(aid, who))),
        )

    def fund_claimable(self, agreement_id: bytes | str) -> int:
        """What the culture fund can claim from the agreement."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return int(self._call(self.contract.functions.fundClaimableOf(aid)))

    def fund_balance(self, agreement_id: bytes | str) -> FundBalance:
        """The culture fund's claimable, allocated and claimed amounts in the agreement."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        f = self.contract.functions
        return FundBalance(
            claimable=int(self._call(f.fundClaimableOf(aid))),
            allocated=int(self._call(f.fundAllocatedOf(aid))),
            # NOTE: the fund's claims are booked under address(0) (docs/revenue.md).
            claimed=int(self._call(f.claimedOf(aid, ZERO_ADDRESS))),
        )

    def account(self, agreement_id: bytes | str) -> RevenueAccount:
        """The agreement's books in Revenue."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        return build(RevenueAccount, self._call(self.contract.functions.accountOf(aid)))

    def conservation(
        self, agreement_id: bytes | str, *, accounts: Sequence[str] | None = None
    ) -> Conservation:
        """Both sides of the conservation equation over `accounts` (default: the current
        parties; pass every account ever credited, e.g. removed parties, for a full audit)."""
        aid = v.bytes32(agreement_id, field="agreement_id")
        who = (
            tuple(v.address(a, field="accounts") for a in accounts)
            if accounts is not None
            else tuple(p.account for p in self.ledger.agreements.parties(aid))
        )
        f = self.contract.functions
        books = self.account(aid)
        allocated = sum(int(self._call(f.allocatedOf(aid, a))) for a in who)
        claimed = sum(int(self._call(f.claimedOf(aid, a))) for a in who)
        # NOTE: the fund's claims are booked under address(0) (docs/revenue.md).
        fund_claimed = int(self._call(f.claimedOf(aid, ZERO_ADDRESS)))
        inflow = books.deposited + books.bonds_locked
        outflow = (
            allocated
            + int(self._call(f.fundAllocatedOf(aid)))
            + books.bonds_held
            + books.held
            + int(self._call(f.carriedOf(aid)))
        )
        return Conservation(inflow, outflow, inflow - claimed - fund_claimed, who)
