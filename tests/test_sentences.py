"""Every custom error of the compiled contracts reads as a sentence (CLI and API share them)."""

from __future__ import annotations

import string

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector

from ledger.domain.sentences import SENTENCES
from ledger.domain.structs import AgreementStatus
from ledger.infra.compiler import compile_project
from ledger.infra.revert import ErrorDecoder


def compiled_errors() -> dict[str, set[str]]:
    """Each custom error of the compiled ABIs with its argument names."""
    errors: dict[str, set[str]] = {}
    for artifact in compile_project().artifacts.values():
        for item in artifact.abi:
            if item.get("type") == "error":
                errors[item["name"]] = {str(i["name"]) for i in item["inputs"]}
    return errors


def test_every_custom_error_has_a_sentence_when_the_contracts_are_compiled() -> None:
    missing = sorted(set(compiled_errors()) - set(SENTENCES))
    assert not missing, f"add a sentence to ledger/domain/sentences.py for: {', '.join(missing)}"


def test_sentences_name_only_the_errors_arguments_when_they_have_placeholders() -> None:
    errors = compiled_errors()
    wrong = {
        name: fields
        for name, template in SENTENCES.items()
        if name in errors
        and (fields := {f for _, f, _, _ in string.Formatter().parse(template) if f}) - errors[name]
    }
    assert not wrong, f"placeholders that are not arguments: {wrong}"


def test_revert_reads_in_words_when_the_agreement_is_not_proposed() -> None:
    inputs = [{"name": "agreementId", "type": "bytes32"}, {"name": "status", "type": "uint8"}]
    abi = [{"type": "error", "name": "AgreementNotProposed", "inputs": inputs}]
    data = function_signature_to_4byte_selector("AgreementNotProposed(bytes32,uint8)") + encode(
        ["bytes32", "uint8"], [b"\x11" * 32, AgreementStatus.ACTIVE]
    )
    decoded = ErrorDecoder([abi]).decode(data)
    assert decoded.name == "AgreementNotProposed"
    assert decoded.arguments["status"] == AgreementStatus.ACTIVE
    assert str(decoded) == "the agreement is active, not proposed (AgreementNotProposed)"
