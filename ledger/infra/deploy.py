"""Deploy the contract suite in dependency order and keep a manifest per chain id."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils import keccak, to_bytes, to_checksum_address
from rlp import encode as rlp_encode
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import Web3Exception

from ledger.domain.errors import ChainMismatchError, ConfigurationError, DeploymentError
from ledger.infra.compiler import COMPILER_SETTINGS, CompileResult
from ledger.infra.files import write_atomically
from ledger.infra.revert import ErrorDecoder
from ledger.infra.suite import PARK_SUITE, ContractSpec

log = logging.getLogger(__name__)

# NOTE: version 2 adds each contract's ABI, so that a third party decodes every event from the
# manifest alone; version 1 manifests still load (without ABIs) and are upgraded when verified.
MANIFEST_VERSION = 2


@dataclass(frozen=True)
class DeployedContract:
    """Where one contract lives and how it got there."""

    address: ChecksumAddress
    tx_hash: str
    block: int
    runtime_code_hash: str
    args: list[Any] = field(default_factory=list)
    abi: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Deployment:
    """The manifest of a deployed suite on one chain."""

    chain_id: int
    deployer: ChecksumAddress
    compiler_version: str
    settings_hash: str
    contracts: dict[str, DeployedContract]
    created_at: str = ""
    version: int = MANIFEST_VERSION

    def address(self, name: str) -> ChecksumAddress:
        """Address of the contract `name`."""
        try:
            return self.contracts[name].address
        except KeyError:
            raise DeploymentError(f"the deployment has no contract named {name!r}") from None

    def contract(self, w3: Web3, artifacts: CompileResult, name: str) -> Contract:
        """A web3 contract object for `name` at its deployed address."""
        return w3.eth.contract(address=self.address(name), abi=artifacts[name].abi)

    def to_json(self) -> dict[str, Any]:
        """The manifest as written to `deployments/<chainId>.json`."""
        return {
            "version": self.version,
            "chainId": self.chain_id,
            "deployer": self.deployer,
            "createdAt": self.created_at,
            "compiler": {
                "version": self.compiler_version,
                "settingsHash": self.settings_hash,
                "evmVersion": COMPILER_SETTINGS["evmVersion"],
            },
            "contracts": {
                name: {
                    "address": c.address,
                    "txHash": c.tx_hash,
                    "block": c.block,
                    "runtimeCodeHash": c.runtime_code_hash,
                    "args": c.args,
                    "abi": c.abi,
                }
                for name, c in self.contracts.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Deployment:
        """Parse a manifest; raises ConfigurationError when a field is missing."""
        try:
            return cls(
                chain_id=int(data["chainId"]),
                deployer=to_checksum_address(data["deployer"]),
                compiler_version=str(data["compiler"]["version"]),
                settings_hash=str(data["compiler"]["settingsHash"]),
                created_at=str(data.get("createdAt", "")),
                version=int(data.get("version", MANIFEST_VERSION)),
                contracts={
                    name: DeployedContract(
                        address=to_checksum_address(c["address"]),
                        tx_hash=str(c["txHash"]),
                        block=int(c["block"]),
                        runtime_code_hash=str(c["runtimeCodeHash"]),
                        args=list(c.get("args", [])),
                        abi=list(c.get("abi", [])),
                    )
                    for name, c in data["contracts"].items()
                },
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ConfigurationError(f"the deployment manifest is malformed: {err!r}") from err


def manifest_path(directory: Path, chain_id: int) -> Path:
    """`<directory>/<chainId>.json`."""
    return directory / f"{chain_id}.json"


def load_manifest(path: Path) -> Deployment:
    """Read a manifest file with a clear error when it is missing or not JSON."""
    try:
        return Deployment.from_json(json.loads(path.read_text()))
    except FileNotFoundError as err:
        raise ConfigurationError(
            f"no deployment manifest at {path}: run `park-ledger deploy` first."
        ) from err
    except json.JSONDecodeError as err:
        raise ConfigurationError(f"the deployment manifest {path} is not valid JSON") from err


def write_manifest(path: Path, deployment: Deployment) -> None:
    """Write a manifest atomically (a crash never leaves half a file)."""
    write_atomically(path, (json.dumps(deployment.to_json(), indent=2) + "\n").encode())


def code_hash(code: bytes) -> str:
    """0x-prefixed keccak256 of runtime code."""
    return "0x" + keccak(code).hex()


def verify_deployment(
    w3: Web3, deployment: Deployment, artifacts: CompileResult | None = None
) -> None:
    """Check that the chain holds the manifest's code (and, given artifacts, today's sources).

    Raises ChainMismatchError naming the first contract whose code differs.
    """
    chain_id = int(w3.eth.chain_id)
    if chain_id != deployment.chain_id:
        raise ChainMismatchError(
            f"the node is chain {chain_id} but the manifest is for chain {deployment.chain_id}."
        )
    for name, deployed in deployment.contracts.items():
        code = bytes(w3.eth.get_code(deployed.address))
        if code_hash(code) != deployed.runtime_code_hash:
            found = "no code" if not code else f"code hashing to {code_hash(code)}"
            raise ChainMismatchError(
                f"{name} at {deployed.address} differs from the manifest: the chain has {found}, "
                f"the manifest expects {deployed.runtime_code_hash}."
            )
        if artifacts is not None and name in artifacts.artifacts:
            artifact = artifacts[name]
            if artifact.masked_runtime(code) != artifact.deployed_bytecode:
                raise ChainMismatchError(
                    f"{name} at {deployed.address} was built from other sources than this tree: "
                    "deploy to a fresh chain (for the local node, move its state file aside)."
                )


def _chain_is_empty_for(w3: Web3, deployment: Deployment) -> bool:
    return all(not w3.eth.get_code(c.address) for c in deployment.contracts.values())


def deploy_suite(
    w3: Web3,
    artifacts: CompileResult,
    *,
    deployer: ChecksumAddress,
    suite: Sequence[ContractSpec] = PARK_SUITE,
    manifest_dir: Path | None = None,
) -> Deployment:
    """Deploy `suite` from `deployer`, or verify the existing deployment in `manifest_dir`.

    With a manifest for this chain whose contracts are on chain, nothing is deployed and the
    code is verified. A manifest none of whose contracts exist on chain (a reset local node) is
    replaced by a fresh deployment.
    """
    chain_id = int(w3.eth.chain_id)
    path = manifest_path(manifest_dir, chain_id) if manifest_dir else None
    if path is not None and path.exists():
        existing = load_manifest(path)
        if set(existing.contracts) == {s.name for s in suite} and not _chain_is_empty_for(
            w3, existing
        ):
            verify_deployment(w3, existing, artifacts)
            log.info("deployment %s verified; nothing deployed", path)
            return _with_abis(path, existing, artifacts)
        log.warning("the chain holds none of the contracts in %s; deploying anew", path)
    deployment = _deploy(w3, artifacts, deployer=deployer, suite=suite, chain_id=chain_id)
    if path is not None:
        write_manifest(path, deployment)
    return deployment


def _with_abis(path: Path, deployment: Deployment, artifacts: CompileResult) -> Deployment:
    """A verified manifest with every contract's ABI, rewritten if it lacked one (version 1)."""
    if all(c.abi for c in deployment.contracts.values()):
        return deployment
    contracts = {
        name: replace(c, abi=artifacts[name].abi) for name, c in deployment.contracts.items()
    }
    upgraded = replace(deployment, contracts=contracts, version=MANIFEST_VERSION)
    write_manifest(path, upgraded)
    log.info("deployment %s verified; its ABIs added (manifest version %d)", path, MANIFEST_VERSION)
    return upgraded


def predict_addresses(
    deployer: ChecksumAddress, nonce: int, suite: Sequence[ContractSpec]
) -> dict[str, ChecksumAddress]:
    """The CREATE addresses the suite will get when deployed from `deployer` starting at `nonce`."""
    return {
        spec.name: to_checksum_address(
            keccak(rlp_encode([to_bytes(hexstr=deployer), nonce + offset]))[12:]
        )
        for offset, spec in enumerate(suite)
    }


def _deploy(
    w3: Web3,
    artifacts: CompileResult,
    *,
    deployer: ChecksumAddress,
    suite: Sequence[ContractSpec],
    chain_id: int,
) -> Deployment:
    missing = [s.name for s in suite if s.name not in artifacts.artifacts]
    if missing:
        raise DeploymentError(f"no compiled artifact for {', '.join(missing)}")
    decoder = ErrorDecoder(artifacts[s.name].abi for s in suite)
    nonce = int(w3.eth.get_transaction_count(deployer, "pending"))
    addresses = predict_addresses(deployer, nonce, suite)
    deployed: dict[str, DeployedContract] = {}
    for spec in suite:
        artifact = artifacts[spec.name]
        args = list(spec.args(addresses, deployer))
        factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        try:
            tx_hash = factory.constructor(*args).transact({"from": deployer})
            receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
        except Exception as err:
            reason = decoder.from_exception(err)
            if reason is None and not isinstance(err, Web3Exception):
                raise
            raise DeploymentError(f"deploying {spec.name} failed: {reason or err}") from err
        if receipt["status"] != 1:
            raise DeploymentError(f"deploying {spec.name} reverted (tx {tx_hash.hex()})")
        address = to_checksum_address(str(receipt["contractAddress"]))
        if address != addresses[spec.name]:
            raise DeploymentError(
                f"{spec.name} landed at {address}, not at the predicted {addresses[spec.name]}: "
                "another transaction from the deployer interleaved; redeploy."
            )
        code = bytes(w3.eth.get_code(address))
        deployed[spec.name] = DeployedContract(
            address=address,
            tx_hash="0x" + bytes(tx_hash).hex(),
            block=int(receipt["blockNumber"]),
            runtime_code_hash=code_hash(code),
            args=[_jsonable(a) for a in args],
            abi=list(artifact.abi),
        )
        log.info("deployed %s at %s", spec.name, address)
    return Deployment(
        chain_id=chain_id,
        deployer=deployer,
        compiler_version=artifacts.compiler_version,
        settings_hash=artifacts.settings_hash,
        contracts=deployed,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


__all__ = [
    "DeployedContract",
    "Deployment",
    "deploy_suite",
    "load_manifest",
    "manifest_path",
    "predict_addresses",
    "verify_deployment",
    "write_manifest",
]
