"""Sign-in with Ethereum: challenge → signed message → short-lived bearer token."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PrincipalDep, SignInDep
from api.models.auth import ChallengeCreate, ChallengeRead, TokenCreate, TokenRead, WhoAmI
from api.problems import problem_responses

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/challenge",
    summary="Get a Sign-In with Ethereum (EIP-4361) message to sign",
    responses=problem_responses(400, 401, 413, 422, 429),
)
def create_challenge(body: ChallengeCreate, signin: SignInDep) -> ChallengeRead:
    """A fresh, single-use message naming `address`; valid for a few minutes."""
    challenge = signin.challenge(address=body.address)
    return ChallengeRead(
        address=challenge.address,
        message=challenge.message,
        nonce=challenge.nonce,
        expires_at=challenge.expires_at,
    )


@router.post(
    "/token",
    summary="Exchange a signed challenge for a bearer token",
    responses=problem_responses(400, 401, 413, 422, 429),
)
def create_token(body: TokenCreate, signin: SignInDep) -> TokenRead:
    """Verifies the signature against the address in the message and issues a token."""
    issued = signin.sign_in(message=body.message, signature=body.signature)
    return TokenRead(token=issued.token, address=issued.address, expires_at=issued.expires_at)


@router.get("/me", summary="Who the bearer token speaks for", responses=problem_responses(401))
def who_am_i(principal: PrincipalDep) -> WhoAmI:
    """The address and expiry of the caller's token."""
    return WhoAmI(address=principal.address, expires_at=principal.expires_at)
