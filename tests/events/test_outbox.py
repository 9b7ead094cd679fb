"""The outbox: each order change writes its catalogued event in its own transaction, a change
that rolls back leaves none, and the catalogue's documentation is current."""

import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pydantic
import pytest
from django.db import transaction

from tests import factories
from zhanggui.events import actions as events
from zhanggui.events.catalogue import CATALOGUE
from zhanggui.events.models import Event
from zhanggui.events.queries import events_after
from zhanggui.inventory.errors import InsufficientStock
from zhanggui.orders import actions, review
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sku():
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    return sku


def _place(sku, quantity=1, customer=None) -> Order:
    return actions.place_order(customer or factories.make_customer(),
                               lines=[actions.LineRequest(sku.pk, quantity)],
                               recipient=factories.recipient(), actor=None)


def _orders_events():
    """The orders' events (the fixtures' customers and products write their own)."""
    return Event.objects.filter(subject_type="order")


def _pay(order: Order) -> Order:
    actions.record_payment(order, method="alipay", amount=order.total_amount, succeeded=True, actor=None)
    return Order.objects.get(pk=order.pk)


def test_placing_an_order_writes_order_placed_with_its_lines(sku):
    order = _place(sku, 2)
    event = _orders_events().get()
    assert (event.type, event.version, event.subject_type, event.subject_id) == (
        "order.placed", 1, "order", str(order.pk))
    assert isinstance(event.event_id, uuid.UUID) and event.occurred_at == order.placed_at
    assert event.data["number"] == order.number and event.data["status"] == "pending_payment"
    assert event.data["total_amount"] == str(order.total_amount)
    assert event.data["lines"] == [{"sku_id": sku.pk, "sku_code": sku.code, "quantity": 2,
                                    "unit_price_amount": "99.00", "total_amount": "198.00"}]
    assert not {"name", "phone", "recipient_name", "recipient_phone"} & set(event.data)


def test_each_status_change_writes_its_event(sku):
    order = _pay(_place(sku))
    actions.review_order(order, actor=None)
    cancelled = actions.cancel_order(_place(sku), reason="buyer changed mind", actor=None)
    closed = actions.close_unpaid_order(_place(sku))

    by_subject = [(e.type, e.subject_id, e.data["status"]) for e in events_after(0)
                  if e.subject_type == "order" and e.type != "order.placed"]
    assert by_subject == [("order.paid", str(order.pk), "paid"),
                          ("order.reviewed", str(order.pk), "reviewed"),
                          ("order.cancelled", str(cancelled.pk), "cancelled"),
                          ("order.cancelled", str(closed.pk), "closed")]
    assert Event.objects.get(type="order.paid").data["paid_amount"] == "99.00"
    reasons = list(Event.objects.filter(type="order.cancelled").values_list("data__reason", flat=True))
    assert reasons == ["buyer changed mind", "payment timeout"]


def test_the_automatic_review_writes_reviewed_and_held_events_in_bulk(sku):
    plain = _pay(_place(sku, 1))
    noted = _pay(actions.place_order(factories.make_customer(), lines=[actions.LineRequest(sku.pk, 1)],
                                     recipient=factories.recipient(), actor=None,
                                     buyer_note="请发顺丰"))  # the buyer-note rule holds it
    Event.objects.all().delete()

    summary = review.auto_review_orders([plain.pk, noted.pk])

    assert summary == review.ReviewSummary(1, 1)
    written = {e.subject_id: e for e in _orders_events()}
    assert written[str(plain.pk)].type == "order.reviewed"
    assert written[str(plain.pk)].data["status"] == "reviewed"
    assert written[str(noted.pk)].type == "order.held"
    assert written[str(noted.pk)].data["holds"] == ["buyer_note"]


def test_a_refused_placement_writes_no_event(sku):
    with pytest.raises(InsufficientStock):
        _place(sku, 11)
    assert not _orders_events().exists() and not Order.objects.exists()


def test_an_event_rolls_back_with_its_change(sku):
    with pytest.raises(RuntimeError, match="later failure"), transaction.atomic():
        _place(sku)
        assert _orders_events().count() == 1
        raise RuntimeError("a later failure in the same transaction")
    assert not _orders_events().exists() and not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        events.record("order.paid", subject_id=1, data={})
    assert not Event.objects.exists()


def test_data_off_its_schema_or_an_unknown_type_is_refused():
    with transaction.atomic():
        with pytest.raises(pydantic.ValidationError):
            events.record("order.paid", subject_id=1, data={"order_id": 1, "surprise": True})
        with pytest.raises(KeyError):
            events.record("order.teleported", subject_id=1, data={})
    assert not Event.objects.exists()


def test_amounts_stay_exact_decimal_strings(sku):
    factories.make_promotion("item_percent", discount_rate=Decimal("0.15"), scope="skus",
                             scope_ids=[sku.pk])
    order = _place(sku, 3)
    data = _orders_events().get().data
    assert Decimal(data["total_amount"]) == order.total_amount
    assert isinstance(data["discount_amount"], str)


def test_every_catalogued_type_has_a_serialisable_schema_and_the_doc_is_current():
    for event_type in CATALOGUE.values():
        schema = event_type.json_schema()
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert event_type.name.startswith(event_type.subject_type + ".")
    check = subprocess.run([sys.executable, str(ROOT / "tools" / "events_doc.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
