"""Writes: a party's signed intent, from typed data to a confirmed transaction.

- ``submissions``  the typed data a party signs; its signed intent verified and checked
- ``intents``      encoders that turn a verified intent into relayer work
- ``relayer``      the durable outbox, nonces and fees, reconciliation and confirmation
"""
