"""Traffic API: batch ingestion of behaviour events and the event list.

``POST /events`` also accepts an ingestion key in the query string (``?key=zg_…``) because
``navigator.sendBeacon`` cannot send headers; only tokens of ingest-only storefront
accounts are accepted there (``queries.is_ingest_only``). CORS for this one path is
handled by ``traffic.cors.IngestCorsMiddleware``.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import APIKeyQuery

from zhanggui.accounts.api_auth import StaffSessionAuth, TokenAuth, require_perm
from zhanggui.accounts.queries import get_staff_for_token
from zhanggui.core.schemas import ERRORS, ID_MAX, BoundedPagination, ErrorOut, Id, Moment
from zhanggui.traffic import actions, queries
from zhanggui.traffic.errors import InvalidEvents
from zhanggui.traffic.models import Device, EventKind, TrafficSource
from zhanggui.traffic.rules import MAX_BATCH_SIZE

router = Router()


class IngestKeyAuth(APIKeyQuery):
    """``?key=zg_…``: a token of a storefront account that may only add events."""

    param_name = "key"

    def authenticate(self, request: HttpRequest, key: str | None):
        staff = get_staff_for_token(key) if key else None
        if staff is None or not queries.is_ingest_only(staff):
            return None
        request.user = staff
        return staff


class BatchIn(Schema):
    events: list[Any] = Field(description=(
        f"up to {MAX_BATCH_SIZE} events; each an object with event_id (UUID), kind, "
        "visitor_id, session_id, device, occurred_at (ISO 8601 with zone), and optionally "
        "source, channel, url, product_id|product_code, customer_id|customer_code, "
        "order_id|order_number, search_term and result_count (search events)"))


class BatchOut(Schema):
    received: int
    accepted: int
    duplicates: int


class ProblemOut(Schema):
    index: int
    field: str
    reason: str


class InvalidEventsOut(ErrorOut):
    errors: list[ProblemOut]


class EventOut(Schema):
    id: int
    event_id: UUID
    kind: EventKind
    visitor_id: str
    session_id: str
    customer_id: int | None
    product_id: int | None
    order_id: int | None
    search_term: str
    result_count: int | None
    source: TrafficSource
    channel: str
    device: Device
    url: str
    occurred_at: datetime
    received_at: datetime


class EventFilter(FilterSchema):
    kind: EventKind | None = None
    source: TrafficSource | None = None
    device: Device | None = None
    channel: str | None = None
    visitor_id: str | None = None
    session_id: str | None = None
    product_id: Id | None = None
    customer_id: Id | None = None
    order_id: Id | None = None
    occurred_from: Moment | None = Field(None, description="inclusive")
    occurred_to: Moment | None = Field(None, description="exclusive")
    after_id: int | None = Field(None, ge=0, le=ID_MAX,
                                 description="only events stored after this id")


@router.post("/events", response={200: BatchOut, **ERRORS, 422: InvalidEventsOut | ErrorOut},
             auth=[IngestKeyAuth(), TokenAuth(), StaffSessionAuth()])
def ingest_events(request, payload: BatchIn):
    """Store a batch of behaviour events; all or nothing, idempotent on ``event_id``."""
    require_perm(request, "traffic.add_event")
    try:
        result = actions.ingest_events(payload.events, actor=request.user)
    except InvalidEvents as exc:
        return Status(422, {"code": exc.code, "message": str(exc), "errors": exc.problems})
    return result


@router.get("/events", response={200: list[EventOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_events(request, filters: Query[EventFilter]):
    require_perm(request, "traffic.view_event")
    return queries.list_events(**filters.model_dump())
