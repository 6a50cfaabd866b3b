"""Sign-in with Ethereum: the challenge, the token, the signed-in caller."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.routes.params import ADDRESS_PATTERN, ADDRESS_SCHEMA, EXAMPLE_ADDRESS


class ChallengeCreate(BaseModel):
    """Who wants to sign in."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"address": EXAMPLE_ADDRESS}]}
    )
    address: str = Field(
        pattern=ADDRESS_PATTERN, examples=[EXAMPLE_ADDRESS], json_schema_extra=ADDRESS_SCHEMA
    )


class ChallengeRead(BaseModel):
    """The EIP-4361 message to sign with `personal_sign`, single use."""

    address: str = Field(examples=[EXAMPLE_ADDRESS])
    message: str = Field(
        examples=["127.0.0.1:8000 wants you to sign in with your Ethereum account:\n0x7099…"]
    )
    nonce: str = Field(examples=["9f2c4e0b6a1d4c3f8e7a6b5c4d3e2f10"])
    expires_at: int = Field(description="Unix time", examples=[1795622292])


class TokenCreate(BaseModel):
    """The challenge message exactly as issued, and the wallet's signature of it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "message": "127.0.0.1:8000 wants you to sign in with your Ethereum "
                    "account:\n0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n…",
                    "signature": "0x" + "ab" * 65,
                }
            ]
        },
    )
    message: str = Field(max_length=2048)
    signature: str = Field(pattern=r"^0x[0-9a-fA-F]{130}$", examples=["0x" + "ab" * 65])


class TokenRead(BaseModel):
    """A bearer token for the `Authorization` header."""

    token: str
    token_type: str = Field(default="Bearer", examples=["Bearer"])
    address: str = Field(examples=[EXAMPLE_ADDRESS])
    expires_at: int = Field(description="Unix time", examples=[1795623192])


class WhoAmI(BaseModel):
    """The signed-in caller."""

    address: str = Field(examples=[EXAMPLE_ADDRESS])
    expires_at: int = Field(examples=[1795623192])
