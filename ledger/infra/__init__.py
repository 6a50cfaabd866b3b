"""Infrastructure: how the core reaches a chain and the contracts on it.

- ``config``      settings (``PARK_LEDGER_*``) and the development accounts
- ``files``       durable (atomic) file writes
- ``lifecycle``   closing long-lived objects, the background loop
- ``toolchain``   the pinned external tools (Node, solc-js, anvil)
- ``compiler``    compiling the Solidity sources, cached by content
- ``suite``       the contract suite: deployment order and constructor arguments
- ``deploy``      deploying the suite and its per-chain manifest
- ``runtime``     a running ledger: chain + deployed suite, opened and closed together
- ``tx``          sending a transaction, a revert turned into ``RevertError``
- ``revert``      decoding reverts (custom errors, ``Error``, ``Panic``)
- ``keys``        encrypted keystores for parties who sign from this machine
- ``chain``       chain backends: in-process eth-tester, managed anvil, any JSON-RPC URL
- ``events``      the event catalog, fast log decoding, adaptive log streaming, the hash chain
"""
