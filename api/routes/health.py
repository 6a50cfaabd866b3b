"""Liveness and readiness probes."""

from __future__ import annotations

import secrets

from fastapi import APIRouter

from api.deps import QueriesDep, RuntimeDep, ServicesDep
from api.models.system import Health, Readiness
from api.problems import problem_responses

router = APIRouter(tags=["health"])

# NOTE: random, not the pid: tells `serve --workers N`'s processes apart without saying more.
WORKER = secrets.token_hex(6)


@router.get("/health", summary="Liveness: the API process answers")
def health() -> Health:
    """Always `ok` while the process serves requests."""
    return Health(status="ok", worker=WORKER)


@router.get(
    "/ready",
    summary="Readiness: the chain answers and holds the deployed contracts",
    responses=problem_responses(409, 503),
)
def ready(runtime: RuntimeDep, services: ServicesDep, queries: QueriesDep) -> Readiness:
    """Checks the node and the deployment's code; 503/409 problem when not ready. Also says
    how far the index and the outbox are."""
    with services.chain_guard:
        runtime.ready()
        block = int(runtime.w3.eth.block_number)
    return Readiness(
        status="ready",
        chain_id=runtime.deployment.chain_id,
        block=block,
        contracts={name: c.address for name, c in runtime.deployment.contracts.items()},
        indexed_block=queries.last_block(),
        outbox={s.value: n for s, n in services.outbox.counts().items()},
    )
