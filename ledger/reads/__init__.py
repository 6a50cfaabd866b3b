"""Reads: the chain's events projected into SQL, and the queries the API and CLI serve.

- ``indexer``  events → SQL: resumable, confirmation-depth aware, reorg-safe, rebuildable
- ``queries``  filters, sorts and keyset cursors over the index
"""
