"""Settings of the Python core, in one place (environment prefix ``PARK_LEDGER_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# NOTE: anvil's well-known development mnemonic; both local backends derive the same
# funded accounts from it, so a script written against one runs on the other.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_HD_PATH = "m/44'/60'/0'/0"
# NOTE: an agreement has at most 64 parties (Agreements.MAX_PARTIES); 16 more evidence readers
# leave room for auditors. An access log holds the upload entries plus grants and revokes.
EVIDENCE_MAX_READERS = 80
EVIDENCE_MAX_LOG_ENTRIES = 256


class LedgerSettings(BaseSettings):
    """Paths and defaults shared by the compiler, the chain backends and deployment."""

    model_config = SettingsConfigDict(env_prefix="PARK_LEDGER_", extra="ignore")

    project_root: Path = PROJECT_ROOT
    contracts_dir: Path = PROJECT_ROOT / "contracts"
    node_modules: Path = PROJECT_ROOT / "node_modules"
    build_dir: Path = PROJECT_ROOT / "build"
    data_dir: Path = PROJECT_ROOT / "data"
    deployments_dir: Path = PROJECT_ROOT / "deployments"
    node_binary: str = "node"
    dev_accounts: int = 20
    evidence_max_readers: int = EVIDENCE_MAX_READERS
    evidence_max_log_entries: int = EVIDENCE_MAX_LOG_ENTRIES


def get_settings() -> LedgerSettings:
    """Read the settings from the environment."""
    return LedgerSettings()
