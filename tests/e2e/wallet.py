"""An EIP-1193 wallet injected into the page: `eth_requestAccounts` answers the account and
`personal_sign` is signed in Python by eth-account with its key (the server verifies it)."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from playwright.sync_api import BrowserContext

PROVIDER_JS = """
(() => {
  const address = "%s";
  window.ethereum = {
    isTestWallet: true,
    async request({ method, params }) {
      if (method === "eth_requestAccounts" || method === "eth_accounts") return [address];
      if (method === "personal_sign") return window.__walletPersonalSign(params[0], params[1]);
      const error = new Error(`unsupported method ${method}`);
      error.code = 4200;
      throw error;
    },
  };
})();
"""


def install_wallet(context: BrowserContext, account: LocalAccount) -> None:
    """Give every page of `context` a window.ethereum that signs as `account`."""

    def personal_sign(_source: Any, message_hex: str, address: str) -> str:
        if address.lower() != account.address.lower():
            raise ValueError(f"this wallet holds {account.address}, not {address}")
        signed = Account.sign_message(encode_defunct(hexstr=message_hex), account.key)
        return "0x" + bytes(signed.signature).hex()

    context.expose_binding("__walletPersonalSign", personal_sign)
    context.add_init_script(PROVIDER_JS % account.address)
