"""A deliberately faulty Revenue and Commitments, built at test time from the current
contracts/Revenue.sol and contracts/Commitments.sol.

A few anchored text edits plant three bugs the auditor must name; every anchor must be found, so
when a contract changes shape these tests fail loudly (adapt the anchors to the new contract)
instead of silently auditing a stale copy.
"""

from __future__ import annotations

from ledger.infra.compiler import CompileResult, compile_sources, project_sources

REVENUE_PATH = "contracts/Revenue.sol"
COMMITMENTS_PATH = "contracts/Commitments.sol"

# (anchor, replacement): each anchor must occur exactly once in contracts/Revenue.sol.
FAULTS: tuple[tuple[str, str], ...] = (
    # Bug 1: every allocating deposit allocates one unit nobody deposited (breaks conservation).
    ("allocated = received;", "allocated = received + 1;"),
)
# Bug 3: `markBreached` breaches a submitted deliverable without an arbiter's ruling (issue #15
# item 5: a co-party that never accepts takes the bond).
COMMITMENT_FAULTS: tuple[tuple[str, str], ...] = (
    (
        "revert CommitmentBreachNeedsRuling(commitmentId, current);\n        }\n"
        "        if (current != CommitmentStatus.Open)",
        "}\n        if (current != CommitmentStatus.Open && current != CommitmentStatus.Submitted)",
    ),
)
# Bug 2: `journalQuietly` advances the hash chain and emits no event (inserted before the
# contract's closing brace, using the journal call Revenue already makes).
JOURNAL_ANCHOR = "AGREEMENTS.journal("
QUIET_JOURNAL = """
    /// @notice TEST ONLY (deliberate bug): journals an action and forgets to emit its event.
    function journalQuietly(bytes32 agreementId) external {
        AGREEMENTS.journal(
            agreementId, msg.sender, CHECK_NOT_NONE, RevenueClaimed.selector, keccak256("ghost")
        );
    }
}
"""


def _planted(source: str, path: str, faults: tuple[tuple[str, str], ...]) -> str:
    """`source` with each anchor replaced; AssertionError when one is not found exactly once."""
    for anchor, replacement in faults:
        count = source.count(anchor)
        assert count == 1, f"anchor {anchor!r} found {count} times in {path}: adapt the faults"
        source = source.replace(anchor, replacement)
    return source


def faulty_revenue_source(revenue: str) -> str:
    """Revenue's source with the two planted bugs; AssertionError when an anchor is missing."""
    revenue = _planted(revenue, REVENUE_PATH, FAULTS)
    assert JOURNAL_ANCHOR in revenue, f"{REVENUE_PATH} no longer calls {JOURNAL_ANCHOR}"
    body = revenue.rstrip()
    assert body.endswith("}"), f"{REVENUE_PATH} does not end with its contract's closing brace"
    return body[:-1].rstrip() + "\n" + QUIET_JOURNAL


def compile_faulty_project() -> CompileResult:
    """The project compiled by the usual pipeline with Revenue and Commitments replaced by their
    faulty variants.

    The variants keep their paths and names, so the standard suite deploys them in place and
    every other contract is wired to them exactly as in production.
    """
    sources = project_sources()
    sources[REVENUE_PATH] = faulty_revenue_source(sources[REVENUE_PATH])
    sources[COMMITMENTS_PATH] = _planted(
        sources[COMMITMENTS_PATH], COMMITMENTS_PATH, COMMITMENT_FAULTS
    )
    return compile_sources(sources)
