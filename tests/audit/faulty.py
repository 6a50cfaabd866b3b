"""A deliberately faulty Revenue, built at test time from the current contracts/Revenue.sol.

A few anchored text edits plant two bugs the auditor must name; every anchor must be found, so
when Revenue changes shape these tests fail loudly (adapt the anchors to the new Revenue)
instead of silently auditing a stale copy.
"""

from __future__ import annotations

from ledger.compiler import CompileResult, compile_sources, project_sources

REVENUE_PATH = "contracts/Revenue.sol"

# (anchor, replacement): each anchor must occur exactly once in contracts/Revenue.sol.
FAULTS: tuple[tuple[str, str], ...] = (
    # Bug 1: every allocating deposit allocates one unit nobody deposited (breaks conservation).
    ("allocated = received;", "allocated = received + 1;"),
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


def faulty_revenue_source(revenue: str) -> str:
    """Revenue's source with the two planted bugs; AssertionError when an anchor is missing."""
    for anchor, replacement in FAULTS:
        count = revenue.count(anchor)
        assert count == 1, f"anchor {anchor!r} found {count} times in {REVENUE_PATH}: adapt FAULTS"
        revenue = revenue.replace(anchor, replacement)
    assert JOURNAL_ANCHOR in revenue, f"{REVENUE_PATH} no longer calls {JOURNAL_ANCHOR}"
    body = revenue.rstrip()
    assert body.endswith("}"), f"{REVENUE_PATH} does not end with its contract's closing brace"
    return body[:-1].rstrip() + "\n" + QUIET_JOURNAL


def compile_faulty_project() -> CompileResult:
    """The project compiled by the usual pipeline with Revenue replaced by its faulty variant.

    The variant keeps Revenue's path and name, so the standard suite deploys it in Revenue's
    place and every other contract is wired to it exactly as in production.
    """
    sources = project_sources()
    sources[REVENUE_PATH] = faulty_revenue_source(sources[REVENUE_PATH])
    return compile_sources(sources)
