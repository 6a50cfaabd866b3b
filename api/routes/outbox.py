"""The outbox: the status of a submitted intent, for its submitter or an auditor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ServicesDep, ViewerDep
from api.models.writes import OutboxEntryRead
from api.problems import problem_responses
from api.routes.params import MAX_SAFE_INTEGER
from api.writes import entry_read
from ledger.app.auth import AuthenticationError
from ledger.domain.errors import OutboxEntryNotFoundError
from ledger.writes.submissions import owner_of

router = APIRouter(prefix="/outbox", tags=["outbox"])


@router.get(
    "/{entry_id}",
    summary="Status of a submitted intent",
    response_model=OutboxEntryRead,
    responses=problem_responses(401, 404, 422, 429),
)
def get_entry(
    entry_id: Annotated[int, Path(ge=1, le=MAX_SAFE_INTEGER)],
    services: ServicesDep,
    viewer: ViewerDep,
) -> OutboxEntryRead:
    """queued → sent → mined → confirmed, or failed with the decoded contract error. Only the
    intent's signer (signed in) or an auditor may read it; to anyone else it does not exist."""
    if viewer.address is None:
        raise AuthenticationError("sign in first: outbox entries are private to their submitter")
    entry = services.outbox.get(entry_id)
    if not viewer.auditor and owner_of(entry) != viewer.address:
        # NOTE: the same 404 as for a missing id: a 403 would tell which ids exist.
        raise OutboxEntryNotFoundError(f"no outbox entry with id {entry_id}")
    return entry_read(entry)
