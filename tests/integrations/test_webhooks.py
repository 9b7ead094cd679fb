"""Webhooks: signed deliveries of the outbox's events, retried until the receiver takes them,
at least once with a stable id, replayed on demand, refused on private addresses in production,
and an endpoint that keeps failing turned off with an alert."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.integrations.receiver import Receiver
from zhanggui.accounts.models import Alert, AlertKind, OperationLog
from zhanggui.customers.models import Customer
from zhanggui.events.models import Event
from zhanggui.integrations import errors, webhooks
from zhanggui.integrations import webhook_rules as rules
from zhanggui.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from zhanggui.orders import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(settings):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1


@pytest.fixture
def sku():
    """A stocked SKU and a buyer; the events of this setup (product listed, customer created)
    are cleared, so a test sees only the events of its own actions."""
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    factories.make_customer()
    Event.objects.all().delete()
    return sku


def _place(sku):
    return actions.place_order(Customer.objects.get(), lines=[actions.LineRequest(sku.pk, 1)],
                               recipient=factories.recipient(), actor=None)


def _endpoint(receiver: Receiver, types=()) -> WebhookEndpoint:
    endpoint = webhooks.create_endpoint(url=receiver.url, event_types=types, actor=None)
    receiver.secret = endpoint.secret
    return endpoint


def _due_now() -> None:
    """Let time pass: every pending delivery's backoff or lease is over."""
    WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def test_a_committed_event_is_delivered_signed(local, sku):
    with Receiver() as receiver:
        endpoint = _endpoint(receiver)
        order = _place(sku)
        outcome = webhooks.deliver_due()

    event = Event.objects.get()
    assert outcome == {"dispatched": 1, "attempted": 1, "delivered": 1}
    assert [a["valid"] for a in receiver.attempts] == [True]
    body = receiver.attempts[0]["body"]
    assert receiver.attempts[0]["id"] == body["id"] == str(event.event_id)
    assert (body["type"], body["version"], body["subject"]) == (
        "order.placed", 1, {"type": "order", "id": str(order.pk)})
    assert body["data"]["number"] == order.number
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    attempt = delivery.log.get()
    assert attempt.status_code == 200 and attempt.response_excerpt == "ok"
    assert OperationLog.objects.filter(action="integrations.create_webhook_endpoint").exists()


def test_an_event_whose_action_rolls_back_is_never_delivered(local, sku):
    with Receiver() as receiver:
        _endpoint(receiver)
        with pytest.raises(RuntimeError), transaction.atomic():
            _place(sku)
            raise RuntimeError("the request failed after the order was written")
        assert webhooks.deliver_due() == {"dispatched": 0, "attempted": 0, "delivered": 0}
    assert receiver.attempts == [] and not WebhookDelivery.objects.exists()


def test_a_sender_that_dies_after_the_commit_still_delivers(local, sku):
    with Receiver() as receiver:
        _endpoint(receiver)
        _place(sku)  # committed; the process that would have sent it died here
        webhooks.dispatch_events()
        leased = webhooks.claim_due()  # a sender leased it and died before sending
        assert len(leased) == 1 and webhooks.claim_due() == []  # nobody else takes it meanwhile
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())  # the lease ran out
        assert webhooks.deliver_due()["delivered"] == 1
    assert len(receiver.unique) == 1


def test_a_receiver_failing_three_times_then_recovering_gets_it_once(local, sku):
    with Receiver(failures=3) as receiver:
        _endpoint(receiver)
        _place(sku)
        delays = []
        for _ in range(5):
            webhooks.deliver_due()
            delivery = WebhookDelivery.objects.get()
            if delivery.next_attempt_at:
                delays.append(delivery.next_attempt_at - delivery.log.last().attempted_at)
            _due_now()

    assert [a["status"] for a in receiver.attempts] == [500, 500, 500, 200]
    assert len({a["id"] for a in receiver.attempts}) == 1 and len(receiver.unique) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 4
    assert [a.status_code for a in delivery.log.all()] == [500, 500, 500, 200]
    assert timedelta(seconds=2.5) <= delays[0] <= timedelta(seconds=5) < delays[2] <= timedelta(seconds=20)
    assert WebhookEndpoint.objects.get().failure_streak == 0


def test_replay_resends_under_the_same_id(local, sku):
    with Receiver() as receiver:
        endpoint = _endpoint(receiver)
        _place(sku)
        webhooks.deliver_due()
        event = Event.objects.get()
        assert webhooks.replay(endpoint, [event], actor=None) == 1
        webhooks.deliver_due()
        start = event.occurred_at - timedelta(minutes=1)
        assert webhooks.replay_range(endpoint, start=start, end=start + timedelta(minutes=2),
                                     actor=None) == 1
        webhooks.deliver_due()
    assert [a["id"] for a in receiver.attempts] == [str(event.event_id)] * 3
    assert len(receiver.unique) == 1
    assert OperationLog.objects.filter(action="integrations.replay_webhooks").count() == 2


def test_a_replayed_range_is_queued_in_batches_not_row_by_row(local, sku, monkeypatch):
    """Five events replayed in batches of two: three upserts, each event pending once more,
    the deliveries already made reset and the new ones created."""
    monkeypatch.setattr(webhooks, "REPLAY_BATCH", 2)
    endpoint = webhooks.create_endpoint(url="http://127.0.0.1:9/hook", event_types=(), actor=None)
    for _ in range(5):
        _place(sku)
    WebhookDelivery.objects.filter(event__in=Event.objects.order_by("id")[:2]).update(
        status=DeliveryStatus.SUCCEEDED, first_attempt_at=timezone.now())
    WebhookDelivery.objects.filter(event__in=Event.objects.order_by("id")[2:]).delete()
    start = Event.objects.earliest("occurred_at").occurred_at

    with CaptureQueriesContext(connection) as queries:
        queued = webhooks.replay_range(endpoint, start=start, end=timezone.now() + timedelta(1),
                                       actor=None)

    upserts = [q for q in queries.captured_queries
               if q["sql"].startswith('INSERT INTO "integrations_webhookdelivery"')]
    assert queued == 5 and len(upserts) == 3
    rows = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert rows.count() == 5 and all(
        (row.status, row.first_attempt_at) == (DeliveryStatus.PENDING, None) for row in rows)


def test_an_endpoint_takes_only_its_event_types(local, sku):
    with Receiver() as receiver:
        _endpoint(receiver, types=["order.paid"])
        order = _place(sku)
        actions.record_payment(order, method="alipay", amount=order.total_amount, succeeded=True,
                               actor=None)
        webhooks.deliver_due()
    assert [a["body"]["type"] for a in receiver.attempts] == ["order.paid"]
    with pytest.raises(errors.InvalidWebhookEndpoint):
        webhooks.create_endpoint(url=receiver.url, event_types=["order.teleported"], actor=None)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/hook", "http://10.1.2.3/hook",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/hook",
                                 "http://localhost/hook", "http://192.168.1.20/hook"])
def test_private_targets_are_refused_with_production_settings(settings, url):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(errors.WebhookTargetRefused):
        webhooks.create_endpoint(url=url, actor=None)
    assert not WebhookEndpoint.objects.exists()


def test_a_target_that_became_private_is_not_sent_to(settings, sku):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = True
    with Receiver() as receiver:
        _endpoint(receiver)
        _place(sku)
        settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = False
        assert webhooks.deliver_due()["delivered"] == 0
    assert receiver.attempts == []
    assert "127.0.0.1" in WebhookDelivery.objects.get().log.get().error


def _refused_four_times(sku) -> tuple[WebhookEndpoint, Receiver]:
    """An order placed for an endpoint whose receiver refuses everything; four sending runs."""
    with Receiver(refuse=lambda _n: True) as receiver:
        endpoint = _endpoint(receiver)
        _place(sku)
        for _ in range(4):
            webhooks.deliver_due()
            _due_now()
    endpoint.refresh_from_db()
    return endpoint, receiver


def test_a_burst_of_failures_shorter_than_the_window_leaves_the_endpoint_on(local, settings, sku):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "WEBHOOK_DISABLE_AFTER_FAILURES": 3}
    endpoint, receiver = _refused_four_times(sku)
    assert len(receiver.attempts) == 4 and endpoint.is_active
    assert endpoint.failure_streak == 4 and endpoint.failing_since is not None
    assert not Alert.objects.filter(kind=AlertKind.WEBHOOK_DISABLED).exists()
    with Receiver(secret=endpoint.secret) as recovered:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=recovered.url)
        _due_now()
        assert webhooks.deliver_due()["delivered"] == 1
    endpoint.refresh_from_db()
    assert endpoint.failure_streak == 0 and endpoint.failing_since is None


def test_an_endpoint_failing_in_a_row_is_turned_off_and_the_owner_alerted(local, settings, sku):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "WEBHOOK_DISABLE_AFTER_FAILURES": 3,
                         "WEBHOOK_DISABLE_AFTER_HOURS": 0}
    endpoint, receiver = _refused_four_times(sku)
    assert len(receiver.attempts) == 3 and not endpoint.is_active
    alert = Alert.objects.get(kind=AlertKind.WEBHOOK_DISABLED)
    assert receiver.url in alert.message
    webhooks.set_endpoint_active(endpoint, active=True, actor=None)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failure_streak == 0


def test_a_delivery_is_given_up_after_the_retry_window(local, sku):
    with Receiver(refuse=lambda _n: True) as receiver:
        _endpoint(receiver)
        _place(sku)
        webhooks.deliver_due()
        WebhookDelivery.objects.update(first_attempt_at=timezone.now() - timedelta(hours=73))
        _due_now()
        webhooks.deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert len(receiver.attempts) == 2


def test_the_retry_schedule_grows_and_is_bounded():
    import random

    rng = random.Random(7)
    ceilings = [rules.FIRST_RETRY_SECONDS * 2 ** (n - 1) for n in range(1, 8)]
    for failed, ceiling in enumerate(ceilings, start=1):
        delay = rules.retry_delay(failed, rng=rng).total_seconds()
        assert ceiling / 2 <= delay <= ceiling
    assert rules.retry_delay(50, rng=rng) <= timedelta(hours=6)


def test_forbidden_addresses():
    for address in ["127.0.0.1", "10.0.0.8", "172.16.3.4", "192.168.0.1", "169.254.169.254",
                    "::1", "fc00::1", "::ffff:127.0.0.1", "0.0.0.0", "224.0.0.1"]:
        assert rules.forbidden_address(address), address
    for address in ["8.8.8.8", "203.0.114.1", "2606:4700:4700::1111"]:
        assert not rules.forbidden_address(address), address
