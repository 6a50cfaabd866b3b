"""The FastAPI application: routers, problem handlers, middleware, lifespan."""

from __future__ import annotations

from fastapi import FastAPI

from api.middleware import BodySizeLimitMiddleware, RateLimitMiddleware, RequestContextMiddleware
from api.problems import install_problem_handlers
from api.routes import auth, health
from api.settings import ApiSettings
from ledger.auth import SignInService, load_or_create_signing_key
from ledger.runtime import ParkRuntime

DESCRIPTION = """
Park Ledger records the multi-party agreements of a creative-industry park's members, their
contributions, revenue splits and responsibility commitments on an EVM chain.

* **Reads** come from the event index; anonymous callers see what is public on chain anyway.
* **Writes** are EIP-712 intents signed by the acting party's own key and relayed.
* **Sign in** (`/auth/challenge` → `/auth/token`) to read private fields.
* Errors are RFC 9457 `application/problem+json` with a stable `type`.
"""


def create_app(runtime: ParkRuntime, settings: ApiSettings | None = None) -> FastAPI:
    """The app serving `runtime`; the caller owns the runtime's lifetime."""
    settings = settings or ApiSettings()
    signing_key = load_or_create_signing_key(runtime.data_dir / "api-signing-key.pem")

    app = FastAPI(
        title="Park Ledger API",
        version="0.1.0",
        description=DESCRIPTION,
    )
    app.state.runtime = runtime
    app.state.signin = SignInService(
        domain=settings.domain,
        uri=settings.public_url,
        chain_id=runtime.deployment.chain_id,
        signing_key=signing_key,
        token_ttl_s=settings.token_ttl_s,
    )
    install_problem_handlers(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    # NOTE: added last = outermost: the request id wraps everything, then limits apply.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RateLimitMiddleware,
        per_minute=settings.rate_limit_per_minute,
        burst=settings.rate_limit_burst,
    )
    app.add_middleware(RequestContextMiddleware)
    return app
