"""The mutant catalogue (tests/mutants/catalogue.toml) is well formed and current: every
non-equivalent mutant's original text occurs exactly once in today's contracts, so a contract
edit that leaves an entry stale fails here, cheaply, before anyone runs `make mutate`."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.mutate import CATALOGUE, ROOT, CatalogueError, Mutant, Outcome, load_catalogue, score

MUTANTS = load_catalogue()


def test_catalogue_covers_every_contract_when_loaded() -> None:
    files = {m.file for m in MUTANTS}
    assert files == {p.relative_to(ROOT).as_posix() for p in (ROOT / "contracts").glob("*.sol")}
    assert len(MUTANTS) >= 38


@pytest.mark.parametrize("mutant", [m for m in MUTANTS if not m.equivalent], ids=lambda m: m.id)
def test_mutant_original_occurs_once_when_not_equivalent(mutant: Mutant) -> None:
    assert mutant.occurrences() == 1, f"{mutant.id} is stale: update {CATALOGUE.name}"
    for selection in mutant.tests:
        path, _, test = selection.partition("::")
        assert (ROOT / path).is_file(), selection
        if test:
            assert f"def {test}(" in (ROOT / path).read_text(), selection


def test_load_catalogue_rejects_entry_when_id_repeats(tmp_path: Path) -> None:
    entry = (
        '[[mutant]]\nid = "X"\nfile = "contracts/Revenue.sol"\noriginal = "a"\n'
        'replacement = "b"\nbreaks = "c"\ntests = ["tests"]\n'
    )
    path = tmp_path / "catalogue.toml"
    path.write_text(entry * 2)
    with pytest.raises(CatalogueError, match="duplicate"):
        load_catalogue(path)


def test_score_leaves_out_equivalent_mutants_when_counting() -> None:
    live, same = MUTANTS[0], next(m for m in MUTANTS if m.equivalent)
    outcomes = [Outcome(live, "KILLED"), Outcome(same, "EQUIVALENT"), Outcome(live, "STALE")]
    assert score(outcomes) == (1, 2)
