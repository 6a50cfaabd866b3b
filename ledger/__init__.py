"""Park Ledger's Python core, in layers; a layer imports only from the layers below it.

From the top down (docs/architecture.md, "The Python side"; tests/test_layers.py keeps the order):

- ``ledger.cli``      the ``park-ledger`` command (the API plugs ``serve`` in from ``api``)
- ``ledger.dev``      development-only helpers: the demo park and the sandbox harness
- ``ledger.app``      a running ledger's services (indexer + relayer + intents) and sign-in
- ``ledger.audit``    the independent auditor: recompute everything from the chain alone
- ``ledger.reads``    the index of events in SQL and the queries over it
- ``ledger.writes``   signed intents, their submission and the relayer that sends them
- ``ledger.evidence`` the encrypted evidence vault and its signed access log
- ``ledger.client``   the typed Python client of each contract
- ``ledger.infra``    chains, compiler, deployment, transactions, reverts, logs, keys, settings
- ``ledger.domain``   the contracts' vocabulary and rules as data: enums, structs, errors,
  validation, sentences, hashing, Merkle proofs, EIP-712 signing
"""
