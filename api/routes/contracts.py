"""The deployed contracts, for operations a party sends itself (no signed form exists)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.deps import RuntimeDep
from api.etag import etag_response
from api.problems import problem_responses

router = APIRouter(prefix="/contracts", tags=["contracts"])


class ContractRead(BaseModel):
    """One deployed contract: where it is and how to call it."""

    address: str = Field(examples=["0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"])
    abi: list[dict[str, Any]]


class ContractsRead(BaseModel):
    """The deployed suite: build calldata for propose, confirm, dispute, deposit, claim, commit
    and governance proposals from these ABIs and send it from your own wallet."""

    chain_id: int = Field(examples=[31337])
    contracts: dict[str, ContractRead]


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
