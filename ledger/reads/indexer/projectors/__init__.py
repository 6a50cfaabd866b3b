"""The park suite's events projected into the read models: one module per contract, one small
function per event (``@projectors.register("EventName")``).

- ``registry``       ParkRegistry: participants, park settings, audit attestations
- ``agreements``     Agreements: proposals, consents, status, amendments
- ``contributions``  Contributions: records, confirmations, maturity, disputes
- ``revenue``        Revenue: deposits, allocations, claims, payouts; balances read from state
- ``commitments``    Commitments: commitments, deliverables, rulings, breaches
- ``governance``     Governance: proposals and votes
- ``common``         the enum names the index stores and the rows several contracts touch
"""

from __future__ import annotations

from web3.contract import Contract

from ledger.reads.indexer.models import AGREEMENT_TABLES, ParkSetting, Participant
from ledger.reads.indexer.projection import Projector, ProjectorSet
from ledger.reads.indexer.projectors import (
    agreements,
    commitments,
    contributions,
    governance,
    registry,
    revenue,
)
from ledger.reads.indexer.projectors.common import AI_PROVENANCE, CONTRIBUTION_KIND, enum_name
from ledger.reads.indexer.projectors.revenue import RevenueRefresher

# NOTE: the modules name disjoint events; the table keeps their order (registry first).
PARK_PROJECTORS: dict[str, Projector] = {
    name: projector
    for module in (registry, agreements, contributions, revenue, commitments, governance)
    for name, projector in module.projectors.projectors.items()
}


def park_projectors(*, revenue: Contract | None = None) -> ProjectorSet:
    """The park projector set, with balance refreshes when the Revenue contract is given."""
    projectors = ProjectorSet(
        projectors=dict(PARK_PROJECTORS),
        agreement_tables=AGREEMENT_TABLES,
        account_tables=((Participant, "account"),),
        park_tables=(ParkSetting,),
    )
    if revenue is not None:
        projectors.refreshers.append(RevenueRefresher(revenue))
    return projectors


__all__ = [
    "AI_PROVENANCE",
    "CONTRIBUTION_KIND",
    "PARK_PROJECTORS",
    "RevenueRefresher",
    "enum_name",
    "park_projectors",
]
