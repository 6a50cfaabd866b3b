"""The service itself: liveness, readiness, and the deployed suite."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


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


class ContractRead(BaseModel):
    """One deployed contract: where it is and how to call it."""

    address: str = Field(examples=["0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"])
    abi: list[dict[str, Any]]


class ContractsRead(BaseModel):
    """The deployed suite: build calldata for propose, confirm, dispute, deposit, claim, commit
    and governance proposals from these ABIs and send it from your own wallet."""

    chain_id: int = Field(examples=[31337])
    contracts: dict[str, ContractRead]
