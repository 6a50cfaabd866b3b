"""RFC 9457 problem details: one place maps every error to a status and a stable `type`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import RouteContext, iter_route_contexts
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger.domain.errors import LedgerError, RevertError

log = logging.getLogger("api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "/problems/"


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(examples=["/problems/not-found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no agreement 0x12…"])
    instance: str | None = Field(default=None, examples=["/agreements/0x12…"])
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Field-level errors of a validation problem"
    )
    error: dict[str, Any] | None = Field(
        default=None, description="A decoded contract error: name and arguments"
    )


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response."""
    body = {
        "type": TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem+json errors for `statuses`."""
    descriptions = {
        400: "Malformed request (also: a bad signature; JSON nested deeper than 64)",
        401: "Missing, invalid or expired bearer token",
        403: "Signed in, but not allowed to see or do this",
        404: "No such object",
        409: "Conflicts with the ledger's state (decoded contract error, idempotency conflict, "
        "or another intent pending at the signer's nonce)",
        413: "Request body too large",
        422: "Request failed validation; `errors` names each field",
        429: "Too many requests; retry after `Retry-After` seconds",
        503: "The chain node is unreachable",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions.get(status, "Error"),
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status in statuses
    }


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        else:
            parts.append(str(item))
    return ".".join(parts)


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(LedgerError)
    async def ledger_error(request: Request, exc: LedgerError) -> JSONResponse:
        decoded = (
            {"name": exc.name, "arguments": _jsonable(exc.arguments)}
            if isinstance(exc, RevertError)
            else None
        )
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        if exc.status_code >= 500:
            log.error("ledger error on %s: %s", request.url.path, exc)
        return problem_response(
            request,
            status=exc.status_code,
            slug=exc.type,
            title=type(exc).__name__,
            detail=str(exc),
            error=decoded,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        literal, _ = _routes_at(request)
        if literal and not any(request.method in (route.methods or ()) for route in literal):
            # NOTE: `GET /contributions/typed-data` fits `GET /contributions/{record_id}` but
            # names the typed-data resource, which has no GET: a 405, not a bad record id.
            return problem_response(
                request,
                status=405,
                slug="method-not-allowed",
                title="Method Not Allowed",
                detail="Method Not Allowed",
                headers={"Allow": allowed_methods(request)},
            )
        errors = [
            {"field": _field(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem_response(
            request,
            status=422,
            slug="validation-error",
            title="Validation failed",
            detail=detail,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return problem_response(
            request,
            status=exc.status_code,
            slug=slug,
            title=str(exc.detail) if exc.status_code != 404 else "Not Found",
            detail=str(exc.detail),
            headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, _exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return problem_response(
            request,
            status=500,
            slug="internal-error",
            title="Internal error",
            detail="the server failed to handle this request; it has been logged",
        )


def _routes_at(request: Request) -> tuple[list[RouteContext], list[RouteContext]]:
    """The routes whose path matches the request's: literal ones, then templated ones."""
    path = request.scope["path"]
    matching = [
        route
        for route in iter_route_contexts(request.app.routes)
        if route.methods and route.path_regex.match(path)
    ]
    literal = [route for route in matching if not route.param_convertors]
    return literal, [route for route in matching if route.param_convertors]


def allowed_methods(request: Request) -> str:
    """The `Allow` header of a 405: every method served at the request's path.

    NOTE: Starlette names only the first route whose path matches, but `/contributions` is
    served by two routes (GET and POST); and `/contributions/typed-data` also fits the template
    `/contributions/{record_id}`, so a literal route wins over templated ones.
    """
    literal, templated = _routes_at(request)
    return ", ".join(sorted({m for route in literal or templated for m in route.methods or ()}))


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)
    return value
