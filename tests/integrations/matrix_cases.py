"""Setups of the permission matrix's rows for the webhooks API (``/api/v1/webhooks``): an
endpoint on a public address (an IP literal: nothing is resolved or sent), an order placed
after it and that event's delivery with one failed attempt."""

from datetime import timedelta

from django.utils import timezone

from tests import factories
from tests.api.case import Case
from zhanggui.events.models import Event
from zhanggui.integrations import webhooks
from zhanggui.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from zhanggui.orders import actions

PUBLIC_URL = "https://93.184.216.34/hook"


def _endpoint(*, active: bool = True) -> WebhookEndpoint:
    endpoint = webhooks.create_endpoint(url=PUBLIC_URL, event_types=["order.placed"],
                                        description="ERP", actor=None)
    if not active:
        webhooks.set_endpoint_active(endpoint, active=False, actor=None)
    return endpoint


def _with_delivery() -> tuple[WebhookEndpoint, Event]:
    endpoint = _endpoint()
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    actions.place_order(factories.make_customer(), lines=[actions.LineRequest(sku.pk, 1)],
                        recipient=factories.recipient(), actor=None)
    webhooks.dispatch_events()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    webhooks.record_attempt(delivery, at=timezone.now(), status_code=503, duration_ms=20,
                            excerpt="busy")
    return endpoint, Event.objects.get(type="order.placed")


def list_endpoints() -> Case:
    endpoint = _endpoint()
    return Case(check=lambda data, staff: [e["id"] for e in data["items"]] == [endpoint.pk]
                and "secret" not in data["items"][0])


def create_endpoint() -> Case:
    def check(data, staff):
        endpoint = WebhookEndpoint.objects.get(pk=data["id"])
        return data["secret"].startswith("whsec_") and endpoint.secret == data["secret"]
    return Case(body={"url": PUBLIC_URL, "event_types": ["order.paid"]}, check=check)


def get_endpoint() -> Case:
    endpoint = _endpoint()
    return Case(path={"endpoint_id": endpoint.pk}, target=endpoint,
                check=lambda data, staff: data["url"] == PUBLIC_URL and "secret" not in data)


def enable_endpoint() -> Case:
    endpoint = _endpoint(active=False)
    return Case(path={"endpoint_id": endpoint.pk}, target=endpoint,
                check=lambda data, staff: WebhookEndpoint.objects.get(pk=endpoint.pk).is_active)


def disable_endpoint() -> Case:
    endpoint = _endpoint()
    return Case(path={"endpoint_id": endpoint.pk}, target=endpoint,
                check=lambda data, staff: not WebhookEndpoint.objects.get(pk=endpoint.pk).is_active)


def list_deliveries() -> Case:
    endpoint, event = _with_delivery()
    return Case(path={"endpoint_id": endpoint.pk}, check=lambda data, staff: (
        [d["event_id"] for d in data["items"]] == [str(event.event_id)]
        and [a["status_code"] for a in data["items"][0]["log"]] == [503]))


def replay_event() -> Case:
    endpoint, event = _with_delivery()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED,
                                                          next_attempt_at=None)
    return Case(path={"endpoint_id": endpoint.pk}, body={"event_id": str(event.event_id)},
                target=delivery, check=lambda data, staff: data == {"queued": 1} and (
                    WebhookDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PENDING))


def replay_range() -> Case:
    _endpoint_first, event = _with_delivery()
    later = _endpoint()  # created after the event: only a replay sends it there
    start = event.occurred_at - timedelta(minutes=1)
    return Case(path={"endpoint_id": later.pk}, target=later,
                body={"start": start.isoformat(), "end": (start + timedelta(minutes=2)).isoformat()},
                check=lambda data, staff: data == {"queued": 1} and WebhookDelivery.objects.get(
                    endpoint=later).event_id == event.pk)
