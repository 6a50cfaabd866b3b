"""Conditional reads: a strong ETag over the response body, `If-None-Match` → 304."""

from __future__ import annotations

import hashlib
from dataclasses import is_dataclass
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel


def etag_response(request: Request, model: type[BaseModel], data: Any) -> Response:
    """`data` serialised through `model`, with an ETag; 304 when the client's copy is current."""
    if is_dataclass(data) and not isinstance(data, type):
        data = vars(data)
    body = model.model_validate(data).model_dump_json().encode()
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    # NOTE: the body depends on who asks (private fields), so caches must key on the token.
    headers = {"ETag": tag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}
    offered = request.headers.get("if-none-match", "")
    if offered.strip() == "*" or tag in (t.strip().removeprefix("W/") for t in offered.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
