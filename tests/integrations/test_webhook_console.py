"""The webhooks console: a new endpoint made by the action with its secret shown once, on/off
and a time range replayed from the endpoint's page, the delivery log with its attempts and
"replay" on the selected deliveries; every write in the operation log, and other roles kept
out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.events.models import Event
from zhanggui.integrations import webhooks
from zhanggui.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from zhanggui.orders import actions

pytestmark = pytest.mark.django_db

ENDPOINTS = "/integrations/webhookendpoint/"
DELIVERIES = "/integrations/webhookdelivery/"
PUBLIC_URL = "https://93.184.216.34/hook"  # an IP literal: nothing is resolved or sent


def _order_event() -> Event:
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    actions.place_order(factories.make_customer(), lines=[actions.LineRequest(sku.pk, 1)],
                        recipient=factories.recipient(), actor=None)
    return Event.objects.get(type="order.placed")


def _delivered(endpoint: WebhookEndpoint, event: Event) -> WebhookDelivery:
    webhooks.replay(endpoint, [event], actor=None)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event=event)
    webhooks.record_attempt(delivery, at=timezone.now(), status_code=200, duration_ms=9,
                            excerpt="received")
    return delivery


def test_a_new_endpoint_shows_its_secret_once_on_the_next_page(login):
    client = login("owner")

    response = client.post(f"{ENDPOINTS}add/", {"url": PUBLIC_URL, "event_types": ["order.paid"],
                                                "description": "ERP"}, follow=True)

    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.event_types, endpoint.description) == (["order.paid"], "ERP")
    assert response.redirect_chain[-1][0].endswith(f"{endpoint.pk}/change/")
    assert endpoint.secret in response.content.decode()
    assert endpoint.secret not in client.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in client.get(ENDPOINTS).content.decode()
    assert OperationLog.objects.filter(action="integrations.create_webhook_endpoint",
                                       actor=client.staff).exists()


def test_a_private_target_is_refused_on_the_form(login, settings):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = False
    client = login("owner")

    response = client.post(f"{ENDPOINTS}add/", {"url": "http://127.0.0.1:8000/hook"})

    assert response.status_code == 200 and "127.0.0.1" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_endpoint_page_turns_it_off_and_on_and_lists_recent_deliveries(login):
    client = login("owner")
    endpoint = webhooks.create_endpoint(url=PUBLIC_URL, actor=None)
    event = _order_event()
    _delivered(endpoint, event)

    page = client.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()
    assert str(event.event_id) in page and "order.placed" in page
    for action in ("enable", "disable", "replay-range"):  # the page's actions
        assert f"{ENDPOINTS}{endpoint.pk}/{action}/" in page, action
    assert client.get(f"{ENDPOINTS}{endpoint.pk}/disable/").status_code == 200  # confirmation
    assert WebhookEndpoint.objects.get().is_active
    client.post(f"{ENDPOINTS}{endpoint.pk}/disable/", {"apply": "1"})
    assert not WebhookEndpoint.objects.get().is_active
    client.post(f"{ENDPOINTS}{endpoint.pk}/enable/", {"apply": "1"})
    assert WebhookEndpoint.objects.get().is_active
    assert OperationLog.objects.filter(action="integrations.set_webhook_endpoint_active",
                                       actor=client.staff).count() == 2


def test_a_time_range_is_replayed_from_the_endpoint_page(login):
    client = login("owner")
    event = _order_event()
    endpoint = webhooks.create_endpoint(url=PUBLIC_URL, event_types=["order.placed"], actor=None)
    start = timezone.localtime(event.occurred_at - timedelta(minutes=1))
    end = start + timedelta(minutes=2)

    client.post(f"{ENDPOINTS}{endpoint.pk}/replay-range/", {
        "start": start.strftime("%Y-%m-%dT%H:%M"), "end": end.strftime("%Y-%m-%dT%H:%M")})

    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event_id == event.pk and delivery.status == DeliveryStatus.PENDING
    backwards = client.post(f"{ENDPOINTS}{endpoint.pk}/replay-range/", {
        "start": end.strftime("%Y-%m-%dT%H:%M"), "end": start.strftime("%Y-%m-%dT%H:%M")})
    assert backwards.status_code == 200  # the form again, with the error
    assert OperationLog.objects.filter(action="integrations.replay_webhooks").count() == 1


def test_the_delivery_log_shows_attempts_and_replays_the_selected(login):
    client = login("owner")
    endpoint = webhooks.create_endpoint(url=PUBLIC_URL, actor=None)
    delivery = _delivered(endpoint, _order_event())

    page = client.get(f"{DELIVERIES}{delivery.pk}/change/").content.decode()
    assert "received" in page and "200" in page
    assert client.get(DELIVERIES, {"status": "succeeded"}).status_code == 200
    client.post(DELIVERIES, {"action": "replay_selected", "_selected_action": [delivery.pk]})

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert OperationLog.objects.filter(action="integrations.replay_webhooks",
                                       actor=client.staff).exists()


def test_other_roles_cannot_open_or_act(login):
    endpoint = webhooks.create_endpoint(url=PUBLIC_URL, actor=None)
    client = login("operator")

    assert client.get(ENDPOINTS).status_code == 403
    assert client.post(f"{ENDPOINTS}{endpoint.pk}/disable/", {"apply": "1"}).status_code == 403
    assert client.post(f"{ENDPOINTS}add/", {"url": PUBLIC_URL}).status_code == 403
    assert WebhookEndpoint.objects.get().is_active and WebhookEndpoint.objects.count() == 1
