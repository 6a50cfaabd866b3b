"""Fail early, in one sentence, when the interpreter is older than the project needs."""

import sys

if sys.version_info < (3, 11):
    sys.exit(
        f"Park Ledger needs Python 3.11 or newer, found {sys.version.split()[0]}: "
        "run `make PYTHON=python3.11 ...`."
    )
