"""Batch ingestion: all or nothing, every bad event reported, idempotent on event id,
references resolved by id or business key, one operation-log entry per batch."""

import uuid

import pytest

from tests import factories
from tests.traffic.support import BAD_VALUES, raw_event
from zhanggui.accounts.models import OperationLog
from zhanggui.traffic.actions import create_ingest_key, ingest_events
from zhanggui.traffic.errors import BatchTooLarge, EmptyBatch, InvalidEvents
from zhanggui.traffic.models import Event
from zhanggui.traffic.queries import is_ingest_only
from zhanggui.traffic.rules import MAX_BATCH_SIZE

pytestmark = pytest.mark.django_db


def test_ingest_stores_every_event_and_logs_the_batch_once():
    batch = [raw_event(), raw_event(kind="search", search_term="无结果的词", result_count=0),
             raw_event(visitor_id="v-2", device="desktop")]
    result = ingest_events(batch, actor=None)
    assert (result.received, result.accepted, result.duplicates) == (3, 3, 0)
    assert Event.objects.count() == 3
    stored = Event.objects.get(kind="search")
    assert stored.search_term == "无结果的词" and stored.result_count == 0
    assert str(stored.event_id) == batch[1]["event_id"] and stored.received_at is not None
    log = OperationLog.objects.get(action="traffic.ingest_events")
    assert log.after["accepted"] == 3 and log.after["first_id"] == result.first_id
    assert (result.last_id - result.first_id) == 2


def test_resending_a_batch_changes_nothing():
    batch = [raw_event(), raw_event()]
    ingest_events(batch, actor=None)
    before = list(Event.objects.values_list("id", "event_id", "received_at"))
    logs = OperationLog.objects.count()
    again = ingest_events(batch, actor=None)
    assert (again.accepted, again.duplicates) == (0, 2)
    assert list(Event.objects.values_list("id", "event_id", "received_at")) == before
    assert OperationLog.objects.count() == logs


def test_a_partly_new_batch_stores_only_the_new_events_and_counts_repeats_in_it():
    old = raw_event()
    ingest_events([old], actor=None)
    new = raw_event()
    result = ingest_events([old, new, dict(new)], actor=None)
    assert (result.accepted, result.duplicates) == (1, 2)
    assert Event.objects.count() == 2


def test_one_bad_event_stores_nothing_and_every_problem_is_reported_with_its_index():
    batch = [raw_event(), raw_event(kind="search"), raw_event(), raw_event(device="fax")]
    with pytest.raises(InvalidEvents) as raised:
        ingest_events(batch, actor=None)
    problems = raised.value.problems
    assert {(p["index"], p["field"]) for p in problems} == {
        (1, "search_term"), (1, "result_count"), (3, "device")}
    assert raised.value.params["count"] == 2 and raised.value.http_status == 422
    assert Event.objects.count() == 0 and not OperationLog.objects.exists()


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_each_rule_refuses_the_whole_batch_and_stores_nothing(field, value):
    batch = [raw_event(), raw_event(**{field: value})]
    with pytest.raises(InvalidEvents) as raised:
        ingest_events(batch, actor=None)
    assert [(p["index"], p["field"]) for p in raised.value.problems] == [(1, field)]
    assert not Event.objects.exists() and not OperationLog.objects.exists()


def test_references_resolve_by_id_or_business_key():
    order = factories.make_order(status="paid")
    product = order.lines.get().sku.product
    customer = order.customer
    batch = [raw_event(kind="product_view", product_code=product.code),
             raw_event(kind="add_to_cart", product_id=product.pk, customer_code=customer.code),
             raw_event(kind="order", order_number=order.number, customer_id=customer.pk),
             raw_event(kind="payment", order_id=order.pk)]
    ingest_events(batch, actor=None)
    rows = {e.kind: e for e in Event.objects.all()}
    assert rows["product_view"].product == product and rows["add_to_cart"].product == product
    assert rows["add_to_cart"].customer == customer and rows["order"].customer == customer
    assert rows["order"].order == order and rows["payment"].order == order


def test_unknown_references_store_nothing_and_are_reported():
    product = factories.make_product()
    batch = [raw_event(kind="product_view", product_code=product.code),
             raw_event(kind="product_view", product_code="NO-SUCH"),
             raw_event(kind="order", order_id=987654), raw_event(customer_code="C-NONE")]
    with pytest.raises(InvalidEvents) as raised:
        ingest_events(batch, actor=None)
    assert {(p["index"], p["field"]) for p in raised.value.problems} == {
        (1, "product"), (2, "order"), (3, "customer")}
    assert Event.objects.count() == 0


def test_empty_and_oversized_batches_are_refused():
    with pytest.raises(EmptyBatch):
        ingest_events([], actor=None)
    with pytest.raises(BatchTooLarge):
        ingest_events([raw_event() for _ in range(MAX_BATCH_SIZE + 1)], actor=None)
    assert Event.objects.count() == 0


def test_a_full_batch_is_accepted():
    result = ingest_events([raw_event() for _ in range(MAX_BATCH_SIZE)], actor=None)
    assert result.accepted == MAX_BATCH_SIZE == Event.objects.count()


def test_the_actor_is_recorded_on_the_batch_log(owner):
    ingest_events([raw_event(event_id=str(uuid.uuid4()))], actor=owner)
    assert OperationLog.objects.get(action="traffic.ingest_events").actor == owner


def test_an_ingest_key_belongs_to_an_account_that_may_only_add_events(owner):
    token, secret = create_ingest_key("myshop", actor=owner)
    staff = token.staff
    assert staff.username == "storefront-myshop" and not staff.is_staff
    assert is_ingest_only(staff) and secret.startswith("zg_")
    assert staff.get_all_permissions() == {"traffic.add_event"}
    again, _secret = create_ingest_key("myshop", actor=owner)
    assert again.staff == staff and again.pk != token.pk
    assert OperationLog.objects.filter(action="traffic.create_ingest_key").count() == 2
    assert not is_ingest_only(owner)


@pytest.mark.parametrize("name", ["", "my shop", "x" * 41])
def test_an_ingest_key_name_must_be_a_short_slug(name):
    with pytest.raises(ValueError):
        create_ingest_key(name, actor=None)
