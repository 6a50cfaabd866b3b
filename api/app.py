"""The FastAPI application: routers, problem handlers, middleware, lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import docs
from api.dashboard import routes as dashboard
from api.middleware import BodySizeLimitMiddleware, RateLimitMiddleware, RequestContextMiddleware
from api.problems import install_problem_handlers
from api.routes import (
    agreements,
    audit,
    auth,
    commitments,
    contracts,
    contributions,
    events,
    evidence,
    health,
    outbox,
    participants,
    proposals,
    revenue,
)
from api.settings import ApiSettings
from ledger.app.auth import PendingChallenges, SignInService, load_or_create_signing_key
from ledger.app.services import ParkServices
from ledger.infra.lifecycle import Closing
from ledger.infra.runtime import ParkRuntime
from ledger.reads.queries import IndexQueries

# NOTE: in the data directory, beside the token key: every worker process of one server
# redeems the challenges any of them issued.
SIGNING_KEY_FILE = "api-signing-key.pem"
SIGNIN_FILE = "signin.sqlite3"

DESCRIPTION = """
Park Ledger records the multi-party agreements of a creative-industry park's members, their
contributions, revenue splits and responsibility commitments on an EVM chain.

* **Reads** come from the event index; anonymous callers see what is public on chain anyway.
* **Writes** are EIP-712 intents signed by the acting party's own key and relayed.
* **Sign in** (`/auth/challenge` → `/auth/token`) to read private fields.
* Errors are RFC 9457 `application/problem+json` with a stable `type`.
"""


def create_app(
    runtime: ParkRuntime,
    settings: ApiSettings | None = None,
    services: ParkServices | None = None,
    *,
    closes: Sequence[Closing] = (),
) -> FastAPI:
    """The app serving `runtime`; the caller owns the runtime's and the services' lifetime,
    except what it hands over in `closes` (closed in order at shutdown).

    Without `services` the app opens them on the runtime's data directory, runs them in the
    background while it serves, and closes them at shutdown.
    """
    settings = settings or ApiSettings()
    signing_key = load_or_create_signing_key(runtime.data_dir / SIGNING_KEY_FILE)
    owned = services is None
    services = services or ParkServices(runtime=runtime)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if owned:
            services.start()
        try:
            yield
        finally:
            if owned:
                services.close()
            for held in closes:
                held.close()

    app = FastAPI(
        title="Park Ledger API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # NOTE: FastAPI's own /docs and /redoc load from a CDN; api.docs serves Swagger UI
        # from the installed package instead.
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.services = services
    app.state.queries = IndexQueries(services.engine)
    app.state.signin = SignInService(
        domain=settings.domain,
        uri=settings.public_url,
        chain_id=runtime.deployment.chain_id,
        signing_key=signing_key,
        token_ttl_s=settings.token_ttl_s,
        pending=PendingChallenges(runtime.data_dir / SIGNIN_FILE),
    )
    install_problem_handlers(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    for resource in (
        participants,
        agreements,
        contributions,
        revenue,
        commitments,
        proposals,
        outbox,
        audit,
        evidence,
        contracts,
        events,
    ):
        app.include_router(resource.router)
    docs.mount(app)
    dashboard.mount(app)
    # NOTE: added last = outermost: the request id and the security headers wrap everything
    # (refusals included), then the limits apply.
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
    )
    app.add_middleware(
        RateLimitMiddleware,
        per_minute=settings.rate_limit_per_minute,
        burst=settings.rate_limit_burst,
        max_clients=settings.rate_limit_clients,
    )
    app.add_middleware(RequestContextMiddleware)
    return app
