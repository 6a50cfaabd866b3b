"""The security tests reuse the contract tests' helpers (tests/contracts/*_helpers.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "contracts"))
