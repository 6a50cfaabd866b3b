"""API settings, in one place (environment prefix ``PARK_API_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseSettings):
    """How `park-ledger serve` listens and which chain it runs on."""

    model_config = SettingsConfigDict(env_prefix="PARK_API_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, le=64)
    chain: Literal["anvil", "memory"] = "anvil"
    rpc: str | None = None
    index_url: str | None = None
    anvil_port: int = 8545
    public_url: str = ""
    token_ttl_s: int = 900
    max_body_bytes: int = 1_048_576
    max_json_depth: int = Field(default=64, ge=1, le=1_000)
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120
    rate_limit_clients: int = Field(default=100_000, ge=1)
    # NOTE: X-Forwarded-For names the client only when a proxy we run wrote it; trusting it
    # from anyone else lets each request pick its own rate-limit bucket.
    trusted_proxies: str = Field(
        default="",
        description="comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For/-Proto are believed; empty: none",
    )

    @model_validator(mode="after")
    def _public_url_from_listen_address(self) -> ApiSettings:
        """Unless set, the public URL is where the server listens (the sign-in domain must
        name the host the browser talks to, or a wallet flags the message as phishing)."""
        if not self.public_url:
            host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
            self.public_url = f"http://{host}:{self.port}"
        return self

    @property
    def domain(self) -> str:
        """The host part of `public_url`, the EIP-4361 `domain`."""
        return self.public_url.split("://", 1)[-1].split("/", 1)[0]
