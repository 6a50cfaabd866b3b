"""Development only, never imported by the core: the demo park and the sandbox harness.

- ``demo``     a realistic example park written through the typed client
- ``sandbox``  a deployed suite on one chain with helpers to send, call and deploy
"""
