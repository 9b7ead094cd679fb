"""Schemas of the webhooks API (``integrations.api``)."""

import uuid
from datetime import datetime

from ninja import Field, Schema

from zhanggui.core.schemas import Moment
from zhanggui.integrations.models import DeliveryStatus


class WebhookEndpointIn(Schema):
    url: str = Field(..., min_length=1, max_length=500)
    event_types: list[str] = Field([], max_length=200, description="empty: every event type")
    description: str = Field("", max_length=200)


class WebhookEndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    disabled_reason: str
    failure_streak: int
    last_success_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    secret: str = Field(..., description="the signing secret (whsec_…): shown only in this answer")


class WebhookEndpointFilter(Schema):
    is_active: bool | None = None


class WebhookDeliveryFilter(Schema):
    status: DeliveryStatus | None = None
    event_type: str | None = Field(None, max_length=60)


class WebhookAttemptOut(Schema):
    attempt: int
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    response_excerpt: str
    error: str


class WebhookDeliveryOut(Schema):
    id: int
    event_id: uuid.UUID
    event_type: str
    occurred_at: datetime
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    first_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    log: list[WebhookAttemptOut]

    @staticmethod
    def resolve_event_id(obj) -> uuid.UUID:
        return obj.event.event_id

    @staticmethod
    def resolve_event_type(obj) -> str:
        return obj.event.type

    @staticmethod
    def resolve_occurred_at(obj) -> datetime:
        return obj.event.occurred_at

    @staticmethod
    def resolve_log(obj) -> list[dict]:
        return [{"attempt": number, "attempted_at": a.attempted_at, "status_code": a.status_code,
                 "duration_ms": a.duration_ms, "response_excerpt": a.response_excerpt,
                 "error": a.error} for number, a in enumerate(obj.log.all(), start=1)]


class WebhookReplayIn(Schema):
    event_id: uuid.UUID


class WebhookReplayRangeIn(Schema):
    start: Moment
    end: Moment


class WebhookReplayOut(Schema):
    queued: int = Field(..., description="deliveries queued again (pending, sent soon)")
