#!/usr/bin/env bash
# Slither over contracts/ through the pinned solc-js (scripts/solc-js), offline.
# Settings and the triage of every accepted finding: slither.config.json; the reasons are
# repeated in docs/security.md. Fails on any unresolved medium or high finding.
#
# Slither lives in its own venv (.venv-slither) because slither-analyzer 0.11 pins
# web3<8 while the ledger pins web3==8.0.0: one venv cannot hold both.
set -euo pipefail
cd "$(dirname "$0")/.."
SLITHER_VERSION="0.11.6"
VENV=".venv-slither"
STAMP="$VENV/.installed-$SLITHER_VERSION"
if [[ ! -f "$STAMP" ]]; then
  "${PYTHON:-python3}" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet "slither-analyzer==$SLITHER_VERSION"
  touch "$STAMP"
fi
exec "$VENV/bin/slither" contracts/ --config-file slither.config.json "$@"
