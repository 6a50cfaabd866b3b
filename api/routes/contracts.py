"""The deployed contracts, for operations a party sends itself (no signed form exists)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import RuntimeDep
from api.etag import etag_response
from api.models.system import ContractsRead
from api.problems import problem_responses

router = APIRouter(prefix="/contracts", tags=["contracts"])


@router.get(
    "",
    summary="Addresses and ABIs of the deployed suite",
    response_model=ContractsRead,
    responses=problem_responses(429),
)
def list_contracts(request: Request, runtime: RuntimeDep) -> Response:
    """Everything a wallet needs to send the operations the contracts accept only from the
    acting party itself."""
    contracts = {
        name: {"address": c.address, "abi": runtime.artifacts[name].abi}
        for name, c in runtime.deployment.contracts.items()
    }
    return etag_response(
        request, ContractsRead, {"chain_id": runtime.deployment.chain_id, "contracts": contracts}
    )
