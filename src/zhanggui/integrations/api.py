"""Webhooks API, mounted at ``/api/v1/webhooks``: endpoints (list, create — the only answer
with the signing secret —, read, enable, disable), an endpoint's delivery log, and replay of
one event or of a time range (docs/integrations.md).

Thin: ``require_perm`` first, then one query or action of ``integrations.webhooks``, which
writes the operation log. The integrations permissions are the owner's.
"""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.integrations import errors, queries, webhooks
from zhanggui.integrations.api_schemas import (
    WebhookDeliveryFilter,
    WebhookDeliveryOut,
    WebhookEndpointCreatedOut,
    WebhookEndpointFilter,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookReplayIn,
    WebhookReplayOut,
    WebhookReplayRangeIn,
)

router = Router()


@router.get("", response={200: list[WebhookEndpointOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_endpoints(request, filters: Query[WebhookEndpointFilter]):
    """Webhook endpoints by id (filter: active); the secret is never shown here."""
    require_perm(request, "integrations.view_webhookendpoint")
    return queries.list_endpoints(is_active=filters.is_active)


@router.post("", response={201: WebhookEndpointCreatedOut, **ERRORS})
def create_endpoint(request, payload: WebhookEndpointIn):
    """A new endpoint: it receives the events of its types (none: every type) from now on.
    The answer holds its signing secret, shown this once; 422 ``webhook_target_refused`` for a
    loopback, private or reserved address in production."""
    require_perm(request, "integrations.add_webhookendpoint")
    endpoint = webhooks.create_endpoint(url=payload.url, event_types=payload.event_types,
                                        description=payload.description, actor=request.user)
    created = queries.get_endpoint(endpoint.pk)
    created.secret = endpoint.secret
    return Status(201, created)


@router.get("/{endpoint_id}", response={200: WebhookEndpointOut, **ERRORS})
def get_endpoint(request, endpoint_id: Id):
    require_perm(request, "integrations.view_webhookendpoint")
    return queries.get_endpoint(endpoint_id)


@router.post("/{endpoint_id}/enable", response={200: WebhookEndpointOut, **ERRORS})
def enable_endpoint(request, endpoint_id: Id):
    """Turn an endpoint on: its count of failures in a row starts over, and the deliveries
    that waited are sent until their retry window ends."""
    require_perm(request, "integrations.change_webhookendpoint")
    webhooks.set_endpoint_active(queries.get_endpoint(endpoint_id), active=True,
                                 actor=request.user)
    return queries.get_endpoint(endpoint_id)


@router.post("/{endpoint_id}/disable", response={200: WebhookEndpointOut, **ERRORS})
def disable_endpoint(request, endpoint_id: Id):
    """Turn an endpoint off: nothing is sent to it, and no new deliveries are made for it."""
    require_perm(request, "integrations.change_webhookendpoint")
    webhooks.set_endpoint_active(queries.get_endpoint(endpoint_id), active=False,
                                 actor=request.user)
    return queries.get_endpoint(endpoint_id)


@router.get("/{endpoint_id}/deliveries", response={200: list[WebhookDeliveryOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_deliveries(request, endpoint_id: Id, filters: Query[WebhookDeliveryFilter]):
    """The endpoint's deliveries, newest first, each with its attempts (filters: status, event
    type)."""
    require_perm(request, "integrations.view_webhookdelivery")
    return queries.list_deliveries(queries.get_endpoint(endpoint_id), status=filters.status,
                                   event_type=filters.event_type)


@router.post("/{endpoint_id}/replay", response={200: WebhookReplayOut, **ERRORS})
def replay_event(request, endpoint_id: Id, payload: WebhookReplayIn):
    """Send one event again under its own id; 422 ``event_type_not_subscribed`` when the
    endpoint does not take its type."""
    require_perm(request, "integrations.change_webhookendpoint")
    endpoint = queries.get_endpoint(endpoint_id)
    event = queries.get_event(payload.event_id)
    if not endpoint.takes(event.type):
        raise errors.EventTypeNotSubscribed(type=event.type)
    return {"queued": webhooks.replay(endpoint, [event], actor=request.user)}


@router.post("/{endpoint_id}/replay-range", response={200: WebhookReplayOut, **ERRORS})
def replay_range(request, endpoint_id: Id, payload: WebhookReplayRangeIn):
    """Send again the events of the endpoint's types that happened in [start, end)."""
    require_perm(request, "integrations.change_webhookendpoint")
    endpoint = queries.get_endpoint(endpoint_id)
    if payload.start >= payload.end:
        raise errors.InvalidReplayRange()
    return {"queued": webhooks.replay_range(endpoint, start=payload.start, end=payload.end,
                                            actor=request.user)}
