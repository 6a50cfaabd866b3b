"""The contracts' vocabulary as Python restates it (ledger/domain/structs.py, the EIP-712 types of
ledger/domain/signing/typed_data.py) is checked against the compiled contracts: an enum, struct,
constant or typehash changed on one side only fails here."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from enum import IntEnum
from typing import Any

import pytest
from eth_utils import keccak
from web3.contract import Contract

from ledger.domain import structs
from ledger.domain.abi import canonical_type
from ledger.domain.names import solidity_names
from ledger.domain.signing import typed_data
from ledger.infra.chain import MemoryChain
from ledger.infra.compiler import CompileResult, syntax_trees
from ledger.infra.deploy import Deployment
from ledger.writes.intents import REFUSALS

SUITE = ("ParkRegistry", "Agreements", "Contributions", "Revenue", "Commitments", "Governance")
# NOTE: every struct a function of the suite takes, with the ABI tuple Python encodes it with;
# a struct input missing here fails the coverage test below.
STRUCT_ABIS = {
    "AgreementParams": structs.AGREEMENT_PARAMS_ABI,
    "IContributions.Contribution": structs.CONTRIBUTION_ABI,
    "IContributions.RecordProof": structs.RECORD_PROOF_ABI,
    "ConsentSignature": structs.CONSENT_SIGNATURE_ABI,
    "VoteSignature": structs.VOTE_SIGNATURE_ABI,
}
_ADDRESSES = [f"0x{i:040x}" for i in range(1, 4)]
_HASHES = [bytes([i]) * 32 for i in range(1, 4)]
# NOTE: one instance per Python struct, every field a value no other field of it holds, so a
# swapped pair in `as_abi()` shows even between two fields of one ABI type.
STRUCT_SAMPLES: dict[str, Any] = {
    "AgreementParams": structs.AgreementParams(
        parties=_ADDRESSES[:2],
        shares_bps=[6_001, 3_999],
        terms_hash=_HASHES[0],
        consent_deadline=1_700_000_011,
        revenue_mode=structs.RevenueMode.CONTRIBUTION_WEIGHTED,
        fund_share_bps=12,
        token=_ADDRESSES[2],
        consent_threshold_bps=13,
        confirmations_required=14,
        voting_mode=structs.VotingMode.SHARE_WEIGHTED,
        voting_period=15,
        quorum_bps=16,
        challenge_window=17,
        max_record_weight=18,
        max_period_weight=19,
        cap_period=20,
    ),
    "IContributions.Contribution": structs.Contribution(
        structs.ContributionKind.DATA, 21, _HASHES[1], structs.AiProvenance.GENERATED, _ADDRESSES[0]
    ),
    "ConsentSignature": structs.ConsentSignature(_ADDRESSES[1], 22, 23, b"\x24" * 65),
    "VoteSignature": structs.VoteSignature(
        _ADDRESSES[2], structs.VoteSupport.ABSTAIN, 25, 26, b"\x27" * 65
    ),
}
STRUCT_SAMPLES["IContributions.RecordProof"] = structs.RecordProof(
    batch_root=_HASHES[1],
    pre_head=_HASHES[2],
    index=28,
    contributor=structs.ZERO_ADDRESS,
    record=STRUCT_SAMPLES["IContributions.Contribution"],
    proof=(_HASHES[0],),
)
# NOTE: the EIP-712 types Python signs, by the contract and typehash getter that must match them.
TYPEHASHES = {
    ("Agreements", "CONSENT_TYPEHASH"): (
        "Consent",
        {"Consent": typed_data.CONSENT_FIELDS},
    ),
    ("Governance", "VOTE_TYPEHASH"): ("Vote", {"Vote": typed_data.VOTE_FIELDS}),
    ("Contributions", "RECORD_TYPEHASH"): (
        "RecordContributions",
        {
            "RecordContributions": typed_data.RECORD_FIELDS,
            "Contribution": typed_data.CONTRIBUTION_FIELDS,
        },
    ),
    ("Contributions", "CONTRIBUTION_TYPEHASH"): (
        "Contribution",
        {"Contribution": typed_data.CONTRIBUTION_FIELDS},
    ),
}
DOMAINS = {
    "Agreements": typed_data.AGREEMENTS_DOMAIN,
    "Governance": typed_data.GOVERNANCE_DOMAIN,
    "Contributions": typed_data.CONTRIBUTIONS_DOMAIN,
}


def upper_snake(name: str) -> str:
    """`ContentIP` → `CONTENT_IP`: a Solidity member or field name as Python spells a member."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).upper()


def snake(name: str) -> str:
    """`sharesBps` → `shares_bps`: a Solidity struct field as Python spells an attribute."""
    return upper_snake(name).lower()


def nodes(tree: Mapping[str, Any], node_type: str) -> Iterator[Mapping[str, Any]]:
    """Every AST node of `node_type` under `tree`, depth first."""
    if tree.get("nodeType") == node_type:
        yield tree
    for value in tree.values():
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, dict):
                yield from nodes(child, node_type)


def python_enums() -> dict[str, type[IntEnum]]:
    """The IntEnums of ledger/domain/structs.py by name."""
    return {
        name: value
        for name, value in vars(structs).items()
        if isinstance(value, type) and issubclass(value, IntEnum) and value is not IntEnum
    }


def encode_type(primary: str, types: Mapping[str, list[dict[str, str]]]) -> str:
    """EIP-712 `encodeType`: the primary type, then the types it references, sorted by name."""

    def spell(name: str) -> str:
        fields = ",".join(f"{f['type']} {f['name']}" for f in types[name])
        return f"{name}({fields})"

    referenced = sorted(
        {f["type"].split("[")[0] for fields in types.values() for f in fields}
        & set(types) - {primary}
    )
    return "".join(spell(name) for name in [primary, *referenced])


@pytest.fixture(scope="module")
def units() -> dict[str, dict[str, Any]]:
    """The AST of the project's own sources (contracts/), by path."""
    return {path: unit for path, unit in syntax_trees().items() if path.startswith("contracts/")}


@pytest.fixture(scope="module")
def solidity_enums(units: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Every enum the contracts define: name → member names in declaration order."""
    found: dict[str, list[str]] = {}
    for unit in units.values():
        for enum in nodes(unit, "EnumDefinition"):
            assert enum["name"] not in found, f"two Solidity enums named {enum['name']}"
            found[enum["name"]] = [member["name"] for member in enum["members"]]
    return found


def structs_in(artifacts: CompileResult, sides: tuple[str, ...]) -> dict[str, Mapping[str, Any]]:
    """Every struct in the `sides` ("inputs", "outputs") of the suite's ABIs: name → parameter."""
    found: dict[str, Mapping[str, Any]] = {}

    def visit(param: Mapping[str, Any]) -> None:
        internal = str(param.get("internalType", ""))
        if internal.startswith("struct "):
            found[internal[len("struct ") :].split("[", maxsplit=1)[0]] = param
        for component in param.get("components", []):
            visit(component)

    for name in SUITE:
        for item in artifacts[name].abi:
            if item.get("type") == "function":
                for side in sides:
                    for param in item[side]:
                        visit(param)
    return found


@pytest.fixture(scope="module")
def struct_inputs(artifacts: CompileResult) -> dict[str, str]:
    """Every struct a function of the suite takes: Solidity name → canonical ABI tuple."""
    return {
        name: canonical_type({**param, "type": "tuple"})
        for name, param in structs_in(artifacts, ("inputs",)).items()
    }


@pytest.fixture(scope="module")
def components(artifacts: CompileResult) -> dict[str, list[str]]:
    """The field names of every struct in the suite's ABIs, in declaration order."""
    return {
        name: [str(c["name"]) for c in param["components"]]
        for name, param in structs_in(artifacts, ("inputs", "outputs")).items()
    }


def deployed(
    memory_chain: MemoryChain, artifacts: CompileResult, deployment: Deployment
) -> dict[str, Contract]:
    """The suite's contracts on the session chain, by name."""
    return {name: deployment.contract(memory_chain.w3, artifacts, name) for name in SUITE}


def test_every_solidity_enum_has_a_python_twin_with_its_members_in_order(
    solidity_enums: dict[str, list[str]],
) -> None:
    python = python_enums()
    assert sorted(solidity_enums) == sorted(python), "enums on one side only"
    for name, members in solidity_enums.items():
        expected = [(upper_snake(member), index) for index, member in enumerate(members)]
        assert [(m.name, m.value) for m in python[name]] == expected, name
        # The spelling the index, the API and the docs serve is the contract's, letter for letter.
        assert list(solidity_names(python[name])) == members, name


def test_every_struct_input_has_a_python_abi_tuple_equal_to_the_compiled_one(
    struct_inputs: dict[str, str],
) -> None:
    assert sorted(struct_inputs) == sorted(STRUCT_ABIS), "struct inputs without a Python tuple"
    for name, abi in STRUCT_ABIS.items():
        assert abi == struct_inputs[name], name


def test_python_structs_encode_their_fields_in_the_solidity_order(
    components: dict[str, list[str]],
) -> None:
    for name, sample in STRUCT_SAMPLES.items():
        fields = {f.name for f in dataclasses.fields(sample)}
        order = [snake(field) for field in components[name]]
        assert sorted(order) == sorted(fields), name
        encoded = sample.as_abi()
        for index, field in enumerate(order):
            value = getattr(sample, field)
            expected = (
                value.as_abi()
                if hasattr(value, "as_abi")
                else list(value)
                if isinstance(value, tuple)
                else value
            )
            assert encoded[index] == expected, f"{name}.{field}"


def test_python_constants_equal_the_contracts_public_and_file_level_constants(
    memory_chain: MemoryChain,
    artifacts: CompileResult,
    deployment: Deployment,
    units: dict[str, dict[str, Any]],
) -> None:
    checked: set[str] = set()
    for unit in units.values():
        for node in unit["nodes"]:
            if node["nodeType"] == "VariableDeclaration" and hasattr(structs, node["name"]):
                literal = node["value"]
                assert literal["nodeType"] == "Literal", node["name"]
                assert getattr(structs, node["name"]) == int(literal["value"].replace("_", ""))
                checked.add(node["name"])
    for name, contract in deployed(memory_chain, artifacts, deployment).items():
        for item in contract.abi:
            getter = str(item.get("name", ""))
            constant = item.get("type") == "function" and not item["inputs"]
            if constant and getter.isupper() and hasattr(structs, getter):
                value = contract.functions[getter]().call()
                assert getattr(structs, getter) == value, f"{name}.{getter}"
                checked.add(getter)
    # NOTE: the names this test must have found, so that a renamed constant cannot pass unseen.
    assert checked >= {
        "BPS",
        "MIN_PARTIES",
        "MAX_PARTIES",
        "MAX_WEIGHT",
        "MAX_BATCH",
        "MIN_CHALLENGE_WINDOW",
    }


def test_eip712_types_hash_to_the_contracts_typehashes_and_domains_match(
    memory_chain: MemoryChain, artifacts: CompileResult, deployment: Deployment
) -> None:
    contracts = deployed(memory_chain, artifacts, deployment)
    for (name, getter), (primary, types) in TYPEHASHES.items():
        expected = bytes(contracts[name].functions[getter]().call())
        assert bytes(keccak(text=encode_type(primary, types))) == expected, f"{name}.{getter}"
    declared = [f["name"] for f in typed_data.DOMAIN_FIELDS]
    for name, domain_name in DOMAINS.items():
        fields, spelled, version, *_ = contracts[name].functions.eip712Domain().call()
        # NOTE: ERC-5267 `fields` bits: name, version, chainId, verifyingContract, salt.
        used = [f for bit, f in enumerate(declared) if bytes(fields)[0] >> bit & 1]
        assert (spelled, version, used) == (domain_name, typed_data.DOMAIN_VERSION, declared)


def test_every_typehash_of_the_suite_is_checked(
    memory_chain: MemoryChain, artifacts: CompileResult, deployment: Deployment
) -> None:
    getters = {
        (name, str(item["name"]))
        for name, contract in deployed(memory_chain, artifacts, deployment).items()
        for item in contract.abi
        if str(item.get("name", "")).endswith("_TYPEHASH")
    }
    assert getters == set(TYPEHASHES)


def test_every_refusal_the_pre_flight_maps_is_a_custom_error_of_the_suite(
    artifacts: CompileResult,
) -> None:
    errors = {
        str(item["name"])
        for name in SUITE
        for item in artifacts[name].abi
        if item.get("type") == "error"
    }
    assert set(REFUSALS) <= errors, sorted(set(REFUSALS) - errors)
