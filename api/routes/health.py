"""Liveness and readiness probes."""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import QueriesDep, RuntimeDep, ServicesDep
from api.problems import problem_responses

router = APIRouter(tags=["health"])

# NOTE: random, not the pid: tells `serve --workers N`'s processes apart without saying more.
WORKER = secrets.token_hex(6)


class Health(BaseModel):
    """The process answers."""

    status: str = Field(examples=["ok"])
    worker: str = Field(
        description="which process answered (one of `serve --workers N`)", examples=["9f2c4e0b6a1d"]
    )


class Readiness(BaseModel):
    """The chain answers and still holds the deployed suite."""

    status: str = Field(examples=["ready"])
    chain_id: int = Field(examples=[31337])
    block: int = Field(examples=[42])
    contracts: dict[str, str] = Field(
        examples=[{"Agreements": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"}]
    )
    indexed_block: int | None = Field(
        description="the last block in the index (reads are as of it)", examples=[42]
    )
    outbox: dict[str, int] = Field(
        description="relayer outbox entries by status", examples=[{"confirmed": 12, "queued": 1}]
    )


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
