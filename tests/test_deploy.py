"""Deployment: dependency order with predicted addresses, manifest, idempotence, code checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_utils import keccak

from ledger.domain.errors import ChainMismatchError, ConfigurationError
from ledger.infra.chain import AnvilChain, MemoryChain
from ledger.infra.compiler import CompileResult
from ledger.infra.deploy import deploy_suite, load_manifest, manifest_path, verify_deployment
from ledger.infra.suite import ContractSpec

# A suite whose first contract points at one deployed after it, like the park suite does.
FIXTURE_SUITE = (
    ContractSpec("Linked", lambda a, _: [a["Counter"]]),
    ContractSpec("Counter", lambda _a, _d: [7]),
)


def test_deploy_wires_predicted_addresses_and_writes_the_manifest(
    chain: MemoryChain, artifacts: CompileResult, tmp_path: Path
) -> None:
    deployer = chain.accounts[0].address
    deployment = deploy_suite(
        chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path
    )
    linked = deployment.contract(chain.w3, artifacts, "Linked")
    assert linked.functions.PEER().call() == deployment.address("Counter")
    assert linked.functions.peerHasCode().call()

    manifest = json.loads(manifest_path(tmp_path, chain.chain_id).read_text())
    assert manifest["chainId"] == chain.chain_id
    assert manifest["deployer"] == deployer
    assert manifest["compiler"]["version"] == artifacts.compiler_version
    assert manifest["compiler"]["evmVersion"] == "prague"
    assert manifest["compiler"]["settingsHash"] == artifacts.settings_hash
    counter = manifest["contracts"]["Counter"]
    assert counter["address"] == deployment.address("Counter")
    assert counter["args"] == [7]
    receipt = chain.w3.eth.get_transaction_receipt(counter["txHash"])
    assert receipt["blockNumber"] == counter["block"]
    code = chain.w3.eth.get_code(counter["address"])
    assert counter["runtimeCodeHash"] == "0x" + keccak(code).hex()
    assert manifest["version"] == 2
    assert counter["abi"] == artifacts["Counter"].abi


def test_an_event_decodes_from_the_manifest_alone(
    chain: MemoryChain, artifacts: CompileResult, tmp_path: Path
) -> None:
    deployer = chain.accounts[0].address
    deploy_suite(chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path)
    counter = json.loads(manifest_path(tmp_path, chain.chain_id).read_text())["contracts"][
        "Counter"
    ]
    # NOTE: a third party holds only the manifest: address and ABI come from it, nothing else.
    contract = chain.w3.eth.contract(address=counter["address"], abi=counter["abi"])
    tx = contract.functions.increment(5).transact({"from": deployer})
    receipt = chain.w3.eth.wait_for_transaction_receipt(tx)
    (event,) = contract.events.CounterIncremented().process_receipt(receipt)
    assert (event.args.caller, event.args.by, event.args.count) == (deployer, 5, 12)


def test_a_version_1_manifest_gains_its_abis_when_verified(
    chain: MemoryChain, artifacts: CompileResult, tmp_path: Path
) -> None:
    deployer = chain.accounts[0].address
    deploy_suite(chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path)
    path = manifest_path(tmp_path, chain.chain_id)
    old = json.loads(path.read_text())
    old["version"] = 1
    for entry in old["contracts"].values():
        del entry["abi"]
    path.write_text(json.dumps(old))

    again = deploy_suite(
        chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path
    )
    upgraded = json.loads(path.read_text())
    assert upgraded["version"] == 2
    assert upgraded["contracts"]["Linked"]["abi"] == artifacts["Linked"].abi
    assert again.address("Counter") == old["contracts"]["Counter"]["address"]


def test_deploy_deploys_nothing_when_the_chain_holds_the_manifest(
    chain: MemoryChain, artifacts: CompileResult, tmp_path: Path
) -> None:
    deployer = chain.accounts[0].address
    first = deploy_suite(
        chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path
    )
    nonce = chain.w3.eth.get_transaction_count(deployer)
    block = chain.w3.eth.block_number
    second = deploy_suite(
        chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path
    )
    assert second == first
    assert chain.w3.eth.get_transaction_count(deployer) == nonce
    assert chain.w3.eth.block_number == block


def test_deploy_names_the_contract_whose_code_differs_from_the_manifest(
    chain: MemoryChain, artifacts: CompileResult, tmp_path: Path
) -> None:
    deployer = chain.accounts[0].address
    deploy_suite(chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path)
    path = manifest_path(tmp_path, chain.chain_id)
    manifest = json.loads(path.read_text())
    # Point the manifest's Counter at the Linked contract: code that is not the manifest's.
    manifest["contracts"]["Counter"]["address"] = manifest["contracts"]["Linked"]["address"]
    path.write_text(json.dumps(manifest))
    before = path.read_text()
    with pytest.raises(ChainMismatchError, match=r"Counter at 0x[0-9a-fA-F]{40} differs"):
        deploy_suite(
            chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path
        )
    assert path.read_text() == before


def test_verify_detects_code_built_from_other_sources(
    chain: MemoryChain, artifacts: CompileResult, tmp_path: Path
) -> None:
    deployer = chain.accounts[0].address
    deployment = deploy_suite(
        chain.w3, artifacts, deployer=deployer, suite=FIXTURE_SUITE, manifest_dir=tmp_path
    )
    verify_deployment(chain.w3, deployment, artifacts)
    counter = artifacts["Counter"]
    tampered = bytearray(counter.deployed_bytecode)
    tampered[-40] ^= 0xFF
    object.__setattr__(counter, "deployed_bytecode", bytes(tampered))
    try:
        with pytest.raises(ChainMismatchError, match=r"Counter .* other sources"):
            verify_deployment(chain.w3, deployment, artifacts)
    finally:
        tampered[-40] ^= 0xFF
        object.__setattr__(counter, "deployed_bytecode", bytes(tampered))


def test_deploy_on_anvil_is_idempotent_across_a_node_restart(
    artifacts: CompileResult, tmp_path: Path
) -> None:
    state, manifests = tmp_path / "state.json", tmp_path / "deployments"
    with AnvilChain(state_file=state) as node:
        first = deploy_suite(
            node.w3,
            artifacts,
            deployer=node.accounts[0].address,
            suite=FIXTURE_SUITE,
            manifest_dir=manifests,
        )
    with AnvilChain(state_file=state) as node:
        block = node.w3.eth.block_number
        second = deploy_suite(
            node.w3,
            artifacts,
            deployer=node.accounts[0].address,
            suite=FIXTURE_SUITE,
            manifest_dir=manifests,
        )
        assert node.w3.eth.block_number == block
    assert second == first == load_manifest(manifest_path(manifests, 31337))


def test_deploy_redeploys_when_the_local_chain_was_reset(
    artifacts: CompileResult, tmp_path: Path
) -> None:
    manifests = tmp_path / "deployments"
    with AnvilChain(state_file=tmp_path / "a.json") as node:
        deploy_suite(
            node.w3,
            artifacts,
            deployer=node.accounts[0].address,
            suite=FIXTURE_SUITE,
            manifest_dir=manifests,
        )
    with AnvilChain(state_file=tmp_path / "b.json") as node:
        node.mine(5)
        fresh = deploy_suite(
            node.w3,
            artifacts,
            deployer=node.accounts[0].address,
            suite=FIXTURE_SUITE,
            manifest_dir=manifests,
        )
        assert node.w3.eth.get_code(fresh.address("Counter"))
        assert load_manifest(manifest_path(manifests, 31337)) == fresh


def test_load_manifest_explains_a_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="run `park-ledger deploy` first"):
        load_manifest(tmp_path / "1.json")
    (tmp_path / "2.json").write_text("{not json")
    with pytest.raises(ConfigurationError, match="not valid JSON"):
        load_manifest(tmp_path / "2.json")
