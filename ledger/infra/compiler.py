"""Compile the Solidity sources with the pinned solc-js through py-solc-x, cached by content."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from ledger.domain.errors import CompileError, ToolchainError
from ledger.infra.config import LedgerSettings, get_settings
from ledger.infra.files import write_atomically
from ledger.infra.toolchain import solc_command, solc_version

log = logging.getLogger(__name__)

EVM_VERSION = "prague"
OPTIMIZER_RUNS = 200
MAX_RUNTIME_SIZE = 24_576
SIZE_WARNING_RATIO = 0.9

# NOTE: one settings object for every build, so that the cache key, the deployment
# manifest's settings hash and the bytecode all describe the same compilation.
COMPILER_SETTINGS: dict[str, Any] = {
    "evmVersion": EVM_VERSION,
    "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
    "viaIR": False,
    "metadata": {"bytecodeHash": "ipfs"},
    "outputSelection": {
        "*": {
            "*": [
                "abi",
                "metadata",
                "storageLayout",
                "devdoc",
                "userdoc",
                "evm.bytecode.object",
                "evm.deployedBytecode.object",
                "evm.deployedBytecode.immutableReferences",
            ]
        }
    },
}


@dataclass(frozen=True)
class Artifact:
    """One compiled contract."""

    name: str
    source: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    deployed_bytecode: bytes
    immutable_references: dict[str, list[dict[str, int]]]
    metadata: str
    storage_layout: dict[str, Any]
    devdoc: dict[str, Any]
    userdoc: dict[str, Any]

    @property
    def runtime_size(self) -> int:
        """Runtime bytecode size in bytes (what EIP-170 limits)."""
        return len(self.deployed_bytecode)

    @property
    def is_deployable(self) -> bool:
        """True for concrete contracts (interfaces and abstract contracts have no bytecode)."""
        return bool(self.bytecode)

    def masked_runtime(self, code: bytes) -> bytes:
        """Zero the immutables in on-chain runtime code so it compares to `deployed_bytecode`."""
        masked = bytearray(code)
        for refs in self.immutable_references.values():
            for ref in refs:
                start, length = ref["start"], ref["length"]
                masked[start : start + length] = bytes(length)
        return bytes(masked)


@dataclass(frozen=True)
class CompileResult:
    """Every artifact of one build, its cache key and the compiler's warnings."""

    artifacts: dict[str, Artifact]
    key: str
    compiler_version: str
    settings_hash: str
    warnings: list[str] = field(default_factory=list)
    cached: bool = False

    def __getitem__(self, name: str) -> Artifact:
        """The artifact named `name` (a contract name, or `path:Name` when names collide)."""
        try:
            return self.artifacts[name]
        except KeyError:
            raise KeyError(f"no compiled contract named {name!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.artifacts)

    def deployable(self) -> Iterator[Artifact]:
        """The concrete contracts, by name."""
        seen: set[str] = set()
        for artifact in self.artifacts.values():
            qualified = f"{artifact.source}:{artifact.name}"
            if artifact.is_deployable and qualified not in seen:
                seen.add(qualified)
                yield artifact


def settings_hash() -> str:
    """Hash of the compiler settings, recorded in deployment manifests."""
    return _sha256(json.dumps(COMPILER_SETTINGS, sort_keys=True).encode())


def compile_project(
    *,
    extra_dirs: Iterable[Path] = (),
    settings: LedgerSettings | None = None,
    use_cache: bool = True,
) -> CompileResult:
    """Compile every `.sol` under `contracts/` (plus `extra_dirs`), from cache when unchanged."""
    settings = settings or get_settings()
    sources = project_sources(extra_dirs=extra_dirs, settings=settings)
    return compile_sources(sources, settings=settings, use_cache=use_cache)


def project_sources(
    *, extra_dirs: Iterable[Path] = (), settings: LedgerSettings | None = None
) -> dict[str, str]:
    """`{path: content}` of every `.sol` under `contracts/` (plus `extra_dirs`), root-relative."""
    settings = settings or get_settings()
    return _collect_sources([settings.contracts_dir, *extra_dirs], settings.project_root)


def compile_sources(
    sources: Mapping[str, str],
    *,
    settings: LedgerSettings | None = None,
    use_cache: bool = True,
) -> CompileResult:
    """Compile the given `{path: content}` sources (paths relative to the project root)."""
    settings = settings or get_settings()
    if not sources:
        raise CompileError(["no Solidity sources to compile"])
    version = solc_version(settings)
    key = _cache_key(sources, version, settings)
    cache_file = settings.build_dir / f"solc-{key[:24]}.json"
    if use_cache and cache_file.is_file():
        try:
            output = json.loads(cache_file.read_text())
        except (OSError, json.JSONDecodeError):
            log.warning("ignoring unreadable compiler cache %s", cache_file)
        else:
            return _result(output, sources, key, version, settings, cached=True)
    output = _run_solc(sources, settings)
    write_atomically(cache_file, json.dumps(output, sort_keys=True).encode())
    return _result(output, sources, key, version, settings, cached=False)


def syntax_trees(
    sources: Mapping[str, str] | None = None, *, settings: LedgerSettings | None = None
) -> dict[str, dict[str, Any]]:
    """`{path: SourceUnit}`: the compiler's AST of the project's sources (or `sources`) and their
    imports, analysed but not compiled (no cache: it takes a fraction of a full build)."""
    settings = settings or get_settings()
    # NOTE: AST only, outside COMPILER_SETTINGS: asking for it in every build would change the
    # settings hash that deployment manifests record, for an output no deployment needs.
    selection = {**COMPILER_SETTINGS, "outputSelection": {"*": {"": ["ast"]}}}
    output = _run_solc(sources or project_sources(settings=settings), settings, selection)
    return {path: unit["ast"] for path, unit in output.get("sources", {}).items()}


def _collect_sources(directories: Iterable[Path], root: Path) -> dict[str, str]:
    sources: dict[str, str] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*.sol")):
            sources[path.resolve().relative_to(root).as_posix()] = path.read_text()
    return sources


def _cache_key(sources: Mapping[str, str], version: str, settings: LedgerSettings) -> str:
    digest = hashlib.sha256()
    digest.update(version.encode())
    digest.update(json.dumps(COMPILER_SETTINGS, sort_keys=True).encode())
    lock = settings.project_root / "package-lock.json"
    # NOTE: imported libraries come from node_modules pinned by the lock file, so the
    # lock file stands for their content in the key.
    digest.update(lock.read_bytes() if lock.is_file() else b"")
    for path in sorted(sources):
        digest.update(path.encode() + b"\0" + sources[path].encode() + b"\0")
    return digest.hexdigest()


def _run_solc(
    sources: Mapping[str, str],
    settings: LedgerSettings,
    compiler_settings: Mapping[str, Any] = COMPILER_SETTINGS,
) -> dict[str, Any]:
    command = solc_command(settings)
    standard_input = {
        "language": "Solidity",
        "sources": {path: {"content": content} for path, content in sorted(sources.items())},
        "settings": dict(compiler_settings),
    }
    try:
        output: dict[str, Any] = solcx.compile_standard(
            standard_input,
            solc_binary=command,
            base_path=str(settings.project_root),
            allow_empty=True,
        )
    except SolcError as err:
        errors: list[dict[str, Any]] = list(err.error_dict or [])
        if errors:
            raise CompileError(_format_diagnostics(errors, sources, settings)) from err
        raise ToolchainError(f"the Solidity compiler failed to run: {err}") from err
    except OSError as err:
        raise ToolchainError(f"cannot run {command}: {err}; run `make setup`.") from err
    return output


def _result(
    output: Mapping[str, Any],
    sources: Mapping[str, str],
    key: str,
    version: str,
    settings: LedgerSettings,
    *,
    cached: bool,
) -> CompileResult:
    diagnostics = output.get("errors", [])
    warnings = _format_diagnostics(
        [d for d in diagnostics if d.get("severity") != "error"], sources, settings
    )
    artifacts: dict[str, Artifact] = {}
    names: dict[str, int] = {}
    for contracts in output.get("contracts", {}).values():
        for name in contracts:
            names[name] = names.get(name, 0) + 1
    for source, contracts in sorted(output.get("contracts", {}).items()):
        for name, data in sorted(contracts.items()):
            evm = data.get("evm", {})
            artifact = Artifact(
                name=name,
                source=source,
                abi=data.get("abi", []),
                bytecode=bytes.fromhex(evm.get("bytecode", {}).get("object", "")),
                deployed_bytecode=bytes.fromhex(evm.get("deployedBytecode", {}).get("object", "")),
                immutable_references=evm.get("deployedBytecode", {}).get("immutableReferences", {}),
                metadata=data.get("metadata", ""),
                storage_layout=data.get("storageLayout", {}),
                devdoc=data.get("devdoc", {}),
                userdoc=data.get("userdoc", {}),
            )
            artifacts[f"{source}:{name}"] = artifact
            if names[name] == 1:
                artifacts[name] = artifact
    return CompileResult(
        artifacts=artifacts,
        key=key,
        compiler_version=version,
        settings_hash=settings_hash(),
        warnings=warnings,
        cached=cached,
    )


def _format_diagnostics(
    diagnostics: Iterable[Mapping[str, Any]], sources: Mapping[str, str], settings: LedgerSettings
) -> list[str]:
    lines = []
    for diag in diagnostics:
        message = str(diag.get("message", "")).strip()
        severity = str(diag.get("severity", "error"))
        location = diag.get("sourceLocation") or {}
        path = location.get("file")
        prefix = f"{severity}: " if severity != "error" else ""
        if path and location.get("start", -1) >= 0:
            line, col = _line_col(path, int(location["start"]), sources, settings)
            lines.append(f"{path}:{line}:{col}: {prefix}{message}")
        else:
            lines.append(f"{prefix}{diag.get('type', 'Error')}: {message}")
    return lines


def _line_col(
    path: str, offset: int, sources: Mapping[str, str], settings: LedgerSettings
) -> tuple[int, int]:
    text = sources.get(path)
    if text is None:
        for base in (settings.project_root, settings.node_modules):
            candidate = base / path
            if candidate.is_file():
                text = candidate.read_text()
                break
    if text is None:
        return 0, 0
    # NOTE: solc offsets count bytes, not characters.
    prefix = text.encode()[:offset].decode(errors="replace")
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def size_report(result: CompileResult) -> list[str]:
    """One line per deployable contract: name, runtime size, a warning near the size limit."""
    lines = []
    for artifact in sorted(result.deployable(), key=lambda a: (a.source, a.name)):
        size = artifact.runtime_size
        line = f"{artifact.name:<28} {size:>6} bytes  ({artifact.source})"
        if size > MAX_RUNTIME_SIZE:
            line += f"  ERROR: over the {MAX_RUNTIME_SIZE}-byte limit"
        elif size >= MAX_RUNTIME_SIZE * SIZE_WARNING_RATIO:
            line += f"  WARNING: within 10% of the {MAX_RUNTIME_SIZE}-byte limit"
        lines.append(line)
    return lines
