"""The compile pipeline: pinned solc-js through py-solc-x, cache, determinism, diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest
import solcx

from ledger.domain.errors import CompileError, ToolchainError
from ledger.infra.compiler import (
    COMPILER_SETTINGS,
    MAX_RUNTIME_SIZE,
    compile_project,
    compile_sources,
    size_report,
)
from ledger.infra.config import LedgerSettings

COUNTER = (Path(__file__).parent / "contracts" / "fixtures" / "Counter.sol").read_text()
BROKEN = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

contract Broken {
    function f() external pure returns (uint256) {
        return "text";
    }
    function g() external {
        bool flag = 5;
    }
}
"""
WARNS = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

contract Warns {
    function f(uint256 unused) external pure returns (uint256) {
        return 1;
    }
}
"""


@pytest.fixture
def settings(tmp_path: Path) -> LedgerSettings:
    """Settings whose build cache lives in a temporary directory."""
    return LedgerSettings(build_dir=tmp_path / "build")


def test_compile_is_deterministic_when_sources_are_unchanged(settings: LedgerSettings) -> None:
    first = compile_sources({"fixtures/Counter.sol": COUNTER}, settings=settings, use_cache=False)
    second = compile_sources({"fixtures/Counter.sol": COUNTER}, settings=settings, use_cache=False)
    assert first["Counter"].bytecode == second["Counter"].bytecode
    assert first["Counter"].deployed_bytecode == second["Counter"].deployed_bytecode
    assert first["Counter"].metadata == second["Counter"].metadata
    assert first.key == second.key


def test_compile_uses_cache_without_running_solc_when_tree_is_unchanged(
    settings: LedgerSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = compile_sources({"fixtures/Counter.sol": COUNTER}, settings=settings)
    assert not fresh.cached

    def no_solc(*args: object, **kwargs: object) -> None:
        raise AssertionError("solc ran although the sources were unchanged")

    monkeypatch.setattr(solcx, "compile_standard", no_solc)
    cached = compile_sources({"fixtures/Counter.sol": COUNTER}, settings=settings)
    assert cached.cached
    assert cached["Counter"].bytecode == fresh["Counter"].bytecode


def test_compile_recompiles_when_a_source_changes(settings: LedgerSettings) -> None:
    first = compile_sources({"fixtures/Counter.sol": COUNTER}, settings=settings)
    changed = COUNTER.replace("_count += by;", "_count += by * 1;")
    second = compile_sources({"fixtures/Counter.sol": changed}, settings=settings)
    assert second.key != first.key
    assert not second.cached


def test_compile_error_lists_every_error_as_path_line_col_when_source_is_broken(
    settings: LedgerSettings,
) -> None:
    with pytest.raises(CompileError) as raised:
        compile_sources({"contracts/Broken.sol": BROKEN}, settings=settings)
    errors = raised.value.errors
    assert len(errors) == 2
    assert errors[0].startswith("contracts/Broken.sol:6:16: ")
    assert "literal_string" in errors[0]
    assert errors[1].startswith("contracts/Broken.sol:9:9: ")
    assert "contracts/Broken.sol:6:16" in str(raised.value)


def test_compile_reports_warnings_when_code_compiles_with_them(settings: LedgerSettings) -> None:
    result = compile_sources({"contracts/Warns.sol": WARNS}, settings=settings)
    assert any(
        w.startswith("contracts/Warns.sol:5:16: warning: ") and "Unused" in w
        for w in result.warnings
    )


def test_compile_targets_prague_with_optimizer() -> None:
    assert COMPILER_SETTINGS["evmVersion"] == "prague"
    assert COMPILER_SETTINGS["optimizer"]["enabled"] is True


def test_compile_resolves_openzeppelin_imports_from_node_modules(
    settings: LedgerSettings,
) -> None:
    result = compile_sources({"fixtures/Counter.sol": COUNTER}, settings=settings)
    assert "Ownable" in result.artifacts
    assert result["Counter"].runtime_size > 0
    assert result["Counter"].immutable_references


def test_size_report_warns_when_contract_is_near_the_limit(settings: LedgerSettings) -> None:
    result = compile_sources({"fixtures/Counter.sol": COUNTER}, settings=settings)
    (line,) = [line for line in size_report(result) if line.startswith("Counter ")]
    assert f"{result['Counter'].runtime_size} bytes" in line
    assert "WARNING" not in line
    big = result["Counter"]
    object.__setattr__(big, "deployed_bytecode", bytes(int(MAX_RUNTIME_SIZE * 0.95)))
    (line,) = [line for line in size_report(result) if line.startswith("Counter ")]
    assert "WARNING: within 10%" in line


def test_compile_says_what_to_run_when_node_modules_is_missing(tmp_path: Path) -> None:
    settings = LedgerSettings(node_modules=tmp_path / "node_modules", build_dir=tmp_path)
    with pytest.raises(ToolchainError, match="npm ci"):
        compile_sources({"fixtures/Counter.sol": COUNTER}, settings=settings)
    assert not any(tmp_path.iterdir())


def test_compile_project_includes_extra_directories(tmp_path: Path) -> None:
    settings = LedgerSettings(build_dir=tmp_path / "build", contracts_dir=tmp_path / "none")
    fixtures = Path(__file__).parent / "contracts" / "fixtures"
    result = compile_project(extra_dirs=[fixtures], settings=settings)
    assert {"Counter", "Linked"} <= set(result.artifacts)
