"""The outbox: the status of a submitted intent, for its submitter or an auditor."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import VisibleOutboxEntryDep
from api.models.writes import OutboxEntryRead
from api.problems import problem_responses
from api.writes import entry_read

router = APIRouter(prefix="/outbox", tags=["outbox"])


@router.get(
    "/{entry_id}",
    summary="Status of a submitted intent",
    response_model=OutboxEntryRead,
    responses=problem_responses(401, 404, 422, 429),
)
def get_entry(entry: VisibleOutboxEntryDep) -> OutboxEntryRead:
    """queued → sent → mined → confirmed, or failed with the decoded contract error. Only the
    intent's signer (signed in) or an auditor may read it; to anyone else it does not exist."""
    return entry_read(entry)
