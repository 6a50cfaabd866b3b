"""docs/vocabulary.md says what the contracts say: enum values, events and their indexed fields."""

from __future__ import annotations

import json
from pathlib import Path

from ledger.infra.compiler import CompileResult
from scripts.vocabulary_doc import DOCUMENT, ROOT, current, render


def test_the_committed_document_is_generated_from_todays_contracts() -> None:
    assert DOCUMENT.read_text() == current(), "run `python scripts/vocabulary_doc.py`"


def test_the_document_names_record_and_commitment_statuses_with_their_values() -> None:
    text = DOCUMENT.read_text()
    record = text[text.index("### `ContributionStatus`") :]
    assert "| 2 | `Disputed` |" in record.split("###")[1]
    commitment = text[text.index("### `CommitmentStatus`") :]
    assert "| 4 | `Breached` |" in commitment.split("###")[1]


def test_an_indexed_field_changed_in_the_abi_changes_the_document(
    artifacts: CompileResult,
) -> None:
    abi = json.loads(json.dumps(artifacts["Counter"].abi))
    before = render(Path(ROOT / "contracts"), {"Counter": abi})
    event = next(item for item in abi if item.get("name") == "CounterIncremented")
    event["inputs"][0]["indexed"] = False
    after = render(Path(ROOT / "contracts"), {"Counter": abi})
    assert "| 0 | `caller` | `address` | indexed (topic) |" in before
    assert "| 0 | `caller` | `address` | data |" in after
