"""Reads of webhooks: endpoints (with their last successful delivery), their deliveries with the
attempts log, and the events a replay names."""

import uuid

from django.db.models import Max, Prefetch, QuerySet

from zhanggui.events.models import Event
from zhanggui.integrations import errors
from zhanggui.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def list_endpoints(*, is_active: bool | None = None) -> QuerySet[WebhookEndpoint]:
    """Endpoints by id, each annotated with ``last_success_at``."""
    endpoints = WebhookEndpoint.objects.annotate(last_success_at=Max("deliveries__delivered_at"))
    if is_active is not None:
        endpoints = endpoints.filter(is_active=is_active)
    return endpoints.order_by("id")


def get_endpoint(endpoint_id: int) -> WebhookEndpoint:
    """Raises ``WebhookEndpointNotFound``."""
    endpoint = list_endpoints().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise errors.WebhookEndpointNotFound(id=endpoint_id)
    return endpoint


def list_deliveries(endpoint: WebhookEndpoint, *, status: str | None = None,
                    event_type: str | None = None) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, with their event and attempts."""
    deliveries = (WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event")
                  .prefetch_related(Prefetch("log", queryset=WebhookAttempt.objects.order_by("id"))))
    if status:
        deliveries = deliveries.filter(status=status)
    if event_type:
        deliveries = deliveries.filter(event__type=event_type)
    return deliveries.order_by("-id")


def get_event(event_id: uuid.UUID) -> Event:
    """The event of ``event_id`` (its public id). Raises ``WebhookEventNotFound``."""
    event = Event.objects.filter(event_id=event_id).first()
    if event is None:
        raise errors.WebhookEventNotFound(event_id=event_id)
    return event
