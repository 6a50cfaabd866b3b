"""Dependencies shared by the routers, as `Annotated` aliases.

NOTE: these and the routes that only read the index are `async def`: FastAPI runs a plain
`def` in the thread pool, and that hop (one per dependency and per handler, contending for the
GIL) costs more than an index query, which is an indexed sub-millisecond read. Measured with
`make bench` (reads over 100k rows, 2 workers): index routes as `def` 932 req/s, p99 93 ms; as
`async def` 1,159 req/s, p99 44 ms. Routes that talk to the node, the outbox or the evidence
files stay `def`: those calls can wait on I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.routes.params import MAX_SAFE_INTEGER
from ledger.app.auth import AuthenticationError, Principal, SignInService
from ledger.app.services import ParkServices
from ledger.infra.runtime import ParkRuntime
from ledger.reads.queries import MAX_LIMIT, IndexQueries, TimeRange

_bearer = HTTPBearer(auto_error=False, description="A token from POST /auth/token")
# NOTE: FastAPI declares the bearer as required wherever it is a dependency; a route that also
# answers anonymous callers (with less) adds the empty requirement: "no token" is an option.
SIGN_IN_OPTIONAL: dict[str, Any] = {"security": [{}]}


async def get_runtime(request: Request) -> ParkRuntime:
    """The running ledger the app was started with."""
    runtime: ParkRuntime = request.app.state.runtime
    return runtime


async def get_signin(request: Request) -> SignInService:
    """The sign-in service (challenges and tokens)."""
    signin: SignInService = request.app.state.signin
    return signin


async def optional_principal(
    signin: Annotated[SignInService, Depends(get_signin)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The signed-in caller, or None for an anonymous one (an invalid token is still an error)."""
    if credentials is None:
        return None
    return signin.verify_token(credentials.credentials)


async def require_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    """The signed-in caller; 401 for anonymous callers."""
    if principal is None:
        raise AuthenticationError("sign in first: this needs a bearer token from POST /auth/token")
    return principal


RuntimeDep = Annotated[ParkRuntime, Depends(get_runtime)]
SignInDep = Annotated[SignInService, Depends(get_signin)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]
PrincipalDep = Annotated[Principal, Depends(require_principal)]


async def get_services(request: Request) -> ParkServices:
    """The runtime's indexer and relayer."""
    services: ParkServices = request.app.state.services
    return services


async def get_queries(request: Request) -> IndexQueries:
    """The read side over the index."""
    queries: IndexQueries = request.app.state.queries
    return queries


@dataclass(frozen=True)
class Viewer:
    """Who is reading: an anonymous caller, a signed-in participant, or an auditor."""

    principal: Principal | None
    auditor: bool

    @property
    def address(self) -> str | None:
        """The caller's address, None when anonymous."""
        return None if self.principal is None else self.principal.address


async def get_viewer(
    principal: Annotated[Principal | None, Depends(optional_principal)],
    queries: Annotated[IndexQueries, Depends(get_queries)],
) -> Viewer:
    """The caller and whether the registry made it an auditor (one index query per request)."""
    auditor = principal is not None and queries.is_auditor(principal.address)
    return Viewer(principal=principal, auditor=auditor)


ServicesDep = Annotated[ParkServices, Depends(get_services)]
QueriesDep = Annotated[IndexQueries, Depends(get_queries)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]


@dataclass(frozen=True)
class PageParams:
    """Where a page starts and how long it is."""

    cursor: str | None
    limit: int


async def page_params(
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")] = 50,
) -> PageParams:
    """The `cursor` and `limit` query parameters of every list."""
    return PageParams(cursor=cursor, limit=limit)


async def time_range(
    since: Annotated[
        int | None, Query(ge=0, le=MAX_SAFE_INTEGER, description="unix seconds, inclusive")
    ] = None,
    until: Annotated[
        int | None, Query(ge=0, le=MAX_SAFE_INTEGER, description="unix seconds, inclusive")
    ] = None,
) -> TimeRange:
    """The `since`/`until` query parameters of lists filterable by time."""
    return TimeRange(since=since, until=until)


PageDep = Annotated[PageParams, Depends(page_params)]
TimeRangeDep = Annotated[TimeRange, Depends(time_range)]
