"""The application: what a serving ledger runs on top of the layers below.

- ``services``  the indexer, the relayer outbox and the signed-intent submissions of one ledger
- ``auth``      sign-in with Ethereum (EIP-4361) and short-lived bearer tokens
"""
