"""Dependencies shared by the routers, as `Annotated` aliases.

NOTE: these and the routes that only read the index are `async def`: FastAPI runs a plain
`def` in the thread pool, and that hop (one per dependency and per handler, contending for the
GIL) costs more than an index query, which is an indexed sub-millisecond read. Measured with
`make bench` (reads over 100k rows, 2 workers): index routes as `def` 932 req/s, p99 93 ms; as
`async def` 1,159 req/s, p99 44 ms. Routes that talk to the node, the outbox or the evidence
files stay `def`: those calls can wait on I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from api.etag import etag_response
from api.models.audit import AuditCreate
from api.models.evidence import EvidenceCreate, EvidenceRead
from api.routes.params import HASH_PATTERN, MAX_SAFE_INTEGER, AgreementIdPath
from ledger.app.auth import AuthenticationError, Principal, SignInService
from ledger.app.services import ParkServices
from ledger.domain.errors import (
    ForbiddenError,
    NotAPartyError,
    NotFoundError,
    OutboxEntryNotFoundError,
)
from ledger.domain.validation import bytes32
from ledger.evidence import EvidenceStore
from ledger.infra.runtime import ParkRuntime
from ledger.reads.queries import MAX_LIMIT, IndexQueries, Page, TimeRange
from ledger.writes.relayer import OutboxEntry
from ledger.writes.submissions import owner_of

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
class Listing:
    """One request for a page of a list: where the page starts, how long it is, who asks."""

    request: Request
    cursor: str | None
    limit: int

    def page(self, model: type[BaseModel], fetch: Callable[..., Page], **filters: Any) -> Response:
        """`fetch(**filters)` from the cursor, `limit` rows long, served as `model` with an ETag."""
        return etag_response(
            self.request, model, fetch(**filters, cursor=self.cursor, limit=self.limit)
        )

    def empty(self, model: type[BaseModel]) -> Response:
        """An empty last page, served as `model` with an ETag."""
        return etag_response(self.request, model, Page(items=[], next_cursor=None))


async def listing(
    request: Request,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")] = 50,
) -> Listing:
    """The `cursor` and `limit` query parameters every list takes."""
    return Listing(request=request, cursor=cursor, limit=limit)


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


ListingDep = Annotated[Listing, Depends(listing)]
TimeRangeDep = Annotated[TimeRange, Depends(time_range)]


# -- authorisation -----------------------------------------------------------------------------
# NOTE: a dependency that refuses a caller reads its path parameters and body itself and checks
# in its own body, not through a sub-dependency: FastAPI solves sub-dependencies before it
# validates parameters, so that order would turn a malformed request's 422 into a 401.


def signed_in(viewer: Viewer, *, reason: str) -> str:
    """The caller's address; 401 (`sign in first: <reason>`) for an anonymous caller."""
    if viewer.address is None:
        raise AuthenticationError(f"sign in first: {reason}")
    return viewer.address


@dataclass(frozen=True)
class AgreementAccess:
    """The path's agreement id, and whether the caller is an auditor or one of its parties."""

    agreement_id: str
    insider: bool


async def auditor_or_party(
    agreement_id: AgreementIdPath, viewer: ViewerDep, queries: QueriesDep
) -> AgreementAccess:
    """The path's agreement, and whether the caller is an auditor or a party (current or former)
    of it; the route reads the id from here, so the path parameter is validated once."""
    key = "0x" + bytes32(agreement_id, field="agreement_id").hex()
    insider = viewer.auditor or (
        viewer.address is not None and queries.is_party(key, viewer.address)
    )
    return AgreementAccess(agreement_id=agreement_id, insider=insider)


async def audit_scope(body: AuditCreate, viewer: ViewerDep) -> str | None:
    """The agreement to audit, open to anyone; None for every agreement, only for auditors."""
    # NOTE: an audit reads only public chain data, so one agreement's is open to all (the
    # read-only dashboard runs it); the park-wide one costs a pass over every agreement.
    if body.agreement_id is not None:
        return body.agreement_id
    address = signed_in(viewer, reason="auditing every agreement is for auditors")
    if not viewer.auditor:
        raise ForbiddenError(
            f"{address} does not hold the registry's AUDITOR_ROLE: audit one agreement"
        )
    return None


def visible_outbox_entry(
    entry_id: Annotated[int, Path(ge=1, le=MAX_SAFE_INTEGER)],
    services: ServicesDep,
    viewer: ViewerDep,
) -> OutboxEntry:
    """The entry, for its signer (signed in) or an auditor; 404 for anyone else."""
    address = signed_in(viewer, reason="outbox entries are private to their submitter")
    entry = services.outbox.get(entry_id)
    if not viewer.auditor and owner_of(entry) != address:
        # NOTE: the same 404 as for a missing id: a 403 would tell which ids exist.
        raise OutboxEntryNotFoundError(f"no outbox entry with id {entry_id}")
    return entry


AuditorOrPartyDep = Annotated[AgreementAccess, Depends(auditor_or_party)]
AuditScopeDep = Annotated[str | None, Depends(audit_scope)]
VisibleOutboxEntryDep = Annotated[OutboxEntry, Depends(visible_outbox_entry)]

# -- evidence ----------------------------------------------------------------------------------

EVIDENCE_IS_PRIVATE = "evidence metadata is private to its parties"


async def get_evidence_store(runtime: RuntimeDep) -> EvidenceStore:
    """The runtime's evidence store (`<data dir>/evidence`)."""
    return _evidence_store_at(runtime.data_dir / "evidence")


@lru_cache(maxsize=8)
def _evidence_store_at(root: FilePath) -> EvidenceStore:
    # NOTE: one store a process: the limits are read from the settings once, not per request.
    return EvidenceStore.default(root=root)


EvidenceStoreDep = Annotated[EvidenceStore, Depends(get_evidence_store)]


@dataclass(frozen=True)
class EvidenceReader:
    """A signed-in caller reading evidence metadata."""

    address: str
    auditor: bool

    def may_see(self, item: EvidenceRead) -> bool:
        """Auditors see every document; others those they uploaded, were sealed for or read."""
        return (
            self.auditor
            or self.address == item.uploader
            or self.address in item.parties
            or self.address in item.readers
        )

    @classmethod
    def of(cls, viewer: Viewer) -> EvidenceReader:
        """The signed-in caller; 401 for anonymous callers."""
        return cls(address=signed_in(viewer, reason=EVIDENCE_IS_PRIVATE), auditor=viewer.auditor)


async def evidence_reader(viewer: ViewerDep) -> EvidenceReader:
    """The signed-in caller reading evidence metadata; 401 for anonymous callers (for a route
    with no parameters of its own to validate first)."""
    return EvidenceReader.of(viewer)


def visible_evidence(
    document_id: Annotated[str, Path(pattern=HASH_PATTERN, description="document id")],
    store: EvidenceStoreDep,
    viewer: ViewerDep,
) -> EvidenceRead:
    """The document's metadata, for its parties, current readers and auditors; 404 for anyone
    else, as for an unknown id (the answer never tells whether the document exists)."""
    reader = EvidenceReader.of(viewer)
    unknown = NotFoundError(f"no evidence document {document_id}")
    try:
        item = EvidenceRead.of(store.load_envelope(bytes.fromhex(document_id[2:])))
    except NotFoundError:
        raise unknown from None
    if not reader.may_see(item):
        raise unknown
    return item


@dataclass(frozen=True)
class PartyUpload:
    """A sealed document uploaded by a current party of the agreement it belongs to."""

    envelope: dict[str, Any]
    ciphertext: bytes
    uploader: str
    parties: frozenset[str]


def party_upload(body: EvidenceCreate, queries: QueriesDep, principal: PrincipalDep) -> PartyUpload:
    """The upload, once its ciphertext decodes (else 400) and the caller is a current party of
    `agreement_id` (404 for an unknown agreement, 403 for a caller who is not a party)."""
    ciphertext = body.ciphertext_bytes()
    # NOTE: the party check is an indexed query; it comes before any signature is recovered.
    detail = queries.agreement(body.agreement_id)
    parties = frozenset(row["party"] for row in detail["parties"] if row["is_current"])
    if principal.address not in parties:
        raise NotAPartyError(f"{principal.address} is not a party of {body.agreement_id}")
    return PartyUpload(
        envelope=body.envelope, ciphertext=ciphertext, uploader=principal.address, parties=parties
    )


EvidenceReaderDep = Annotated[EvidenceReader, Depends(evidence_reader)]
VisibleEvidenceDep = Annotated[EvidenceRead, Depends(visible_evidence)]
PartyUploadDep = Annotated[PartyUpload, Depends(party_upload)]
