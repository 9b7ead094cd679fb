"""The webhooks API (/api/v1/webhooks): the secret shown once, private targets refused in
production, on/off, the delivery log with its attempts, replay of one event or a time range,
and a role without the permissions refused with nothing changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.api.support import ApiClient, assert_error
from zhanggui.accounts.models import OperationLog
from zhanggui.events.models import Event
from zhanggui.integrations import webhooks
from zhanggui.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from zhanggui.orders import actions

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks"
URL = "http://127.0.0.1:9/hook"  # never called: attempts are recorded by hand


@pytest.fixture
def local(settings):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def owner():
    return ApiClient(factories.make_staff("owner"))


def _place_order():
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    return actions.place_order(factories.make_customer(), lines=[actions.LineRequest(sku.pk, 1)],
                               recipient=factories.recipient(), actor=None)


def _endpoint_with_a_delivery() -> tuple[WebhookEndpoint, WebhookDelivery]:
    """An endpoint, an order placed after it, and that event's delivery: failed once (500),
    then delivered."""
    endpoint = webhooks.create_endpoint(url=URL, event_types=["order.placed"], actor=None)
    _place_order()
    webhooks.dispatch_events()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    now = timezone.now()
    webhooks.record_attempt(delivery, at=now, status_code=500, duration_ms=12,
                            excerpt="temporarily down")
    webhooks.record_attempt(delivery, at=now + timedelta(seconds=5), status_code=200,
                            duration_ms=8, excerpt="ok")
    return endpoint, delivery


def test_create_shows_the_secret_once_and_reads_never(local, owner):
    response = owner.post(BASE, {"url": URL, "event_types": ["order.paid", "order.placed"],
                                 "description": "ERP"})

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["event_types"] == ["order.paid", "order.placed"] and created["is_active"]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == created["secret"]
    one = owner.get(f"{BASE}/{endpoint.pk}").json()
    listed = owner.get(BASE).json()
    assert "secret" not in one and one["url"] == URL and one["description"] == "ERP"
    assert listed["count"] == 1 and "secret" not in listed["items"][0]
    assert endpoint.secret not in str(owner.get(BASE).content)
    assert OperationLog.objects.filter(action="integrations.create_webhook_endpoint",
                                       actor=owner.staff).exists()


def test_unknown_event_types_are_refused(local, owner):
    response = owner.post(BASE, {"url": URL, "event_types": ["order.teleported"]})

    assert_error(response, 422, "invalid_webhook_endpoint")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/hook", "http://10.0.0.5/hook",
                                 "http://169.254.169.254/latest/meta-data"])
def test_private_and_loopback_targets_are_refused_in_production(settings, owner, url):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = False

    assert_error(owner.post(BASE, {"url": url}), 422, "webhook_target_refused")
    assert not WebhookEndpoint.objects.exists()


def test_disable_and_enable(local, owner):
    endpoint = webhooks.create_endpoint(url=URL, actor=None)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failure_streak=7)

    off = owner.post(f"{BASE}/{endpoint.pk}/disable")
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert owner.get(BASE, is_active="false").json()["count"] == 1
    on = owner.post(f"{BASE}/{endpoint.pk}/enable")
    assert on.status_code == 200
    assert (on.json()["is_active"], on.json()["failure_streak"]) == (True, 0)
    assert OperationLog.objects.filter(action="integrations.set_webhook_endpoint_active",
                                       actor=owner.staff).count() == 2
    assert_error(owner.post(f"{BASE}/987654/enable"), 404, "webhook_endpoint_not_found")


def test_deliveries_are_listed_with_their_attempts(local, owner):
    endpoint, delivery = _endpoint_with_a_delivery()
    event = Event.objects.get(type="order.placed")

    data = owner.get(f"{BASE}/{endpoint.pk}/deliveries").json()

    assert data["count"] == 1
    item = data["items"][0]
    assert (item["id"], item["event_id"], item["event_type"]) == (
        delivery.pk, str(event.event_id), "order.placed")
    assert (item["status"], item["attempts"]) == ("succeeded", 2)
    assert [(a["attempt"], a["status_code"], a["duration_ms"], a["response_excerpt"])
            for a in item["log"]] == [(1, 500, 12, "temporarily down"), (2, 200, 8, "ok")]
    assert owner.get(f"{BASE}/{endpoint.pk}/deliveries", status="failed").json()["count"] == 0
    assert owner.get(f"{BASE}/{endpoint.pk}/deliveries",
                     event_type="order.paid").json()["count"] == 0
    assert owner.get(f"{BASE}/{endpoint.pk}/deliveries",
                     event_type="order.placed", status="succeeded").json()["count"] == 1
    assert owner.get(BASE).json()["items"][0]["last_success_at"] is not None


def test_replay_one_event_queues_it_again_under_the_same_id(local, owner):
    endpoint, delivery = _endpoint_with_a_delivery()
    event = Event.objects.get(type="order.placed")

    response = owner.post(f"{BASE}/{endpoint.pk}/replay", {"event_id": str(event.event_id)})

    assert response.status_code == 200 and response.json() == {"queued": 1}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.event_id == event.pk
    listed = owner.get(f"{BASE}/{endpoint.pk}/deliveries", status="pending").json()["items"]
    assert [d["event_id"] for d in listed] == [str(event.event_id)]
    assert OperationLog.objects.filter(action="integrations.replay_webhooks",
                                       actor=owner.staff).exists()
    missing = owner.post(f"{BASE}/{endpoint.pk}/replay",
                         {"event_id": "00000000-0000-4000-8000-000000000000"})
    assert_error(missing, 404, "webhook_event_not_found")


def test_replay_of_an_event_the_endpoint_does_not_take_is_refused(local, owner):
    endpoint = webhooks.create_endpoint(url=URL, event_types=["order.paid"], actor=None)
    _place_order()
    event = Event.objects.get(type="order.placed")

    response = owner.post(f"{BASE}/{endpoint.pk}/replay", {"event_id": str(event.event_id)})

    assert_error(response, 422, "event_type_not_subscribed")
    assert not WebhookDelivery.objects.exists()


def test_replay_a_time_range_creates_pending_deliveries_with_the_events_ids(local, owner):
    _place_order()
    event = Event.objects.get(type="order.placed")
    later = webhooks.create_endpoint(url=URL, event_types=["order.placed"], actor=None)
    webhooks.dispatch_events()
    assert not WebhookDelivery.objects.filter(endpoint=later).exists()  # it came after the event
    start = event.occurred_at - timedelta(minutes=1)
    body = {"start": start.isoformat(), "end": (start + timedelta(minutes=2)).isoformat()}

    response = owner.post(f"{BASE}/{later.pk}/replay-range", body)

    assert response.status_code == 200 and response.json() == {"queued": 1}
    delivery = WebhookDelivery.objects.get(endpoint=later)
    assert delivery.status == DeliveryStatus.PENDING and delivery.event.event_id == event.event_id
    empty = {"start": body["end"], "end": (start + timedelta(minutes=3)).isoformat()}
    assert owner.post(f"{BASE}/{later.pk}/replay-range", empty).json() == {"queued": 0}
    backwards = {"start": body["end"], "end": body["start"]}
    assert_error(owner.post(f"{BASE}/{later.pk}/replay-range", backwards), 422,
                 "invalid_replay_range")


def test_a_role_without_the_permissions_gets_403_and_nothing_changes(local):
    endpoint, delivery = _endpoint_with_a_delivery()
    event = Event.objects.get(type="order.placed")
    operator = ApiClient(factories.make_staff("operator"))
    logged = OperationLog.objects.count()

    calls = [
        operator.get(BASE), operator.get(f"{BASE}/{endpoint.pk}"),
        operator.get(f"{BASE}/{endpoint.pk}/deliveries"),
        operator.post(BASE, {"url": URL}),
        operator.post(f"{BASE}/{endpoint.pk}/disable"),
        operator.post(f"{BASE}/{endpoint.pk}/replay", {"event_id": str(event.event_id)}),
        operator.post(f"{BASE}/{endpoint.pk}/replay-range",
                      {"start": "2026-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"}),
    ]

    assert [r.status_code for r in calls] == [403] * len(calls)
    assert all(r.json()["code"] == "permission_denied" for r in calls)
    assert WebhookEndpoint.objects.count() == 1
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert endpoint.is_active and delivery.status == DeliveryStatus.SUCCEEDED
    assert OperationLog.objects.count() == logged


def test_a_replayed_delivery_that_had_given_up_gets_a_new_retry_window(local, owner):
    endpoint, delivery = _endpoint_with_a_delivery()
    long_ago = timezone.now() - timedelta(days=4)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, first_attempt_at=long_ago, next_attempt_at=None)
    event = Event.objects.get(type="order.placed")

    owner.post(f"{BASE}/{endpoint.pk}/replay", {"event_id": str(event.event_id)})
    webhooks.record_attempt(WebhookDelivery.objects.get(pk=delivery.pk), at=timezone.now(),
                            status_code=502, duration_ms=5)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    assert delivery.attempts == 3  # the log keeps every attempt
