"""Dependencies shared by the routers, as `Annotated` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ledger.auth import AuthenticationError, Principal, SignInService
from ledger.runtime import ParkRuntime

_bearer = HTTPBearer(auto_error=False, description="A token from POST /auth/token")


def get_runtime(request: Request) -> ParkRuntime:
    """The running ledger the app was started with."""
    runtime: ParkRuntime = request.app.state.runtime
    return runtime


def get_signin(request: Request) -> SignInService:
    """The sign-in service (challenges and tokens)."""
    signin: SignInService = request.app.state.signin
    return signin


def optional_principal(
    signin: Annotated[SignInService, Depends(get_signin)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The signed-in caller, or None for an anonymous one (an invalid token is still an error)."""
    if credentials is None:
        return None
    return signin.verify_token(credentials.credentials)


def require_principal(
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
