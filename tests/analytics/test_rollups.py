"""Rollups give the numbers of the facts they sum: every metric of every rollup, by each of
its dimensions and with each filter it applies, computed both ways on a busier store."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from tests import factories
from tests.analytics.conftest import _events, _set_times, at, build_store
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.analytics import engine, reader, rollups, warehouse
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.metrics import ROLLUPS
from zhanggui.analytics.rules import Period
from zhanggui.customers.models import Customer
from zhanggui.orders.models import Order
from zhanggui.traffic.models import Event

WEEK = Period("current", date(2026, 11, 1), date(2026, 11, 8))
PERIODS = [WEEK, Period("previous", date(2026, 10, 25), date(2026, 11, 1)),
           Period("day", date(2026, 11, 3), date(2026, 11, 4)),
           Period("months", date(2026, 10, 1), date(2026, 12, 1))]


def _order(sku, customer, paid: str, *, channel: str = "own", status: str = "paid") -> Order:
    order = factories.make_order(sku=sku, customer=customer, status=status)
    _set_times(order, paid, paid if status != "pending_payment" else None)
    Order.objects.filter(pk=order.pk).update(channel=channel)
    return order


@pytest.fixture
def busy_store(db, warehouse_dir):
    """The hand-made store, plus: a buyer with orders on four dates and two channels (one
    cancelled after payment, one returned and refunded through its request), a guest
    checkout, a visit across midnight on another channel, a visitor coming back for a second
    visit and a bounce on a desktop."""
    store = build_store()
    sku = store["sku"]
    e, guest = factories.make_customer(), factories.make_customer()
    Customer.objects.filter(pk=guest.pk).update(is_guest=True)
    _order(sku, e, "2026-10-20 08:00")
    _order(sku, e, "2026-11-04 21:00", channel="tmall")
    _order(sku, e, "2026-11-06 09:00")
    _order(sku, e, "2026-11-06 10:00", status="cancelled")
    _order(sku, guest, "2026-11-03 11:00")
    _order(sku, guest, "2026-11-05 11:00")
    # A return on the tmall channel, refunded through its request.
    delivered = factories.make_order(sku=sku, customer=e, quantity=2, status="delivered")
    _set_times(delivered, "2026-11-01 10:00", "2026-11-01 10:00")
    Order.objects.filter(pk=delivered.pk).update(channel="tmall")
    request = factories.make_received_return(delivered, reason_code="quality")
    AftersalesRequest.objects.filter(pk=request.pk).update(requested_at=at("2026-11-03 15:00"))
    refund = aftersales_actions.issue_refund(delivered, amount=None, reason="return", actor=None,
                                             request=request)
    type(refund).objects.filter(pk=refund.pk).update(created_at=at("2026-11-04 15:00"))
    product = store["product"]
    Event.objects.bulk_create([
        *_events("v5", ["page_view", "product_view", "add_to_cart"], "2026-11-02 23:57",
                 product=product, source="live"),
        *_events("v5", ["order", "favorite"], "2026-11-03 00:01", source="live"),
        *_events("v1", ["page_view", "product_view"], "2026-11-05 12:00", product=product,
                 source="direct"),
        *_events("v6", ["page_view"], "2026-11-01 07:00", source="campaign"),
    ])
    Event.objects.filter(visitor_id="v5").update(channel="tmall")
    Event.objects.filter(visitor_id="v1", occurred_at__gte=at("2026-11-05 00:00")).update(session_id="v1-s2")
    Event.objects.filter(visitor_id="v6").update(device="desktop")
    warehouse.rebuild()
    return store


def _cases():
    for n, rollup in enumerate(ROLLUPS):
        groupings = [rollup.requires] if rollup.requires else [None, *rollup.dimensions]
        for group_by in groupings:
            yield pytest.param(n, group_by, id=f"{rollup.code}@{rollup.table}-{group_by or 'total'}")


def test_a_rollup_counting_per_group_is_not_read_without_the_groups(busy_store):
    metrics = engine.base_metrics(["cohort_customers"])
    assert engine.rollup_for("cohort_activity", metrics, Filters()) is None
    assert engine.rollup_for("cohort_activity", metrics, Filters(), "cohort") is None


def _both_ways(monkeypatch, codes, group_by, filters, rollups=None) -> tuple[dict, dict]:
    """The numbers with the rollups (``rollups`` only, when given) and from the facts alone;
    a group in which nothing happened (all zero) may be absent from either."""
    with monkeypatch.context() as patch:
        if rollups is not None:
            patch.setattr(engine, "ROLLUPS", rollups)
        summed = engine.compute(codes, PERIODS, filters, group_by)
        patch.setattr(engine, "ROLLUPS", [])
        facts = engine.compute(codes, PERIODS, filters, group_by)
    return _without_empty_groups(summed, group_by), _without_empty_groups(facts, group_by)


def _without_empty_groups(result: dict, group_by) -> dict:
    if not group_by:
        return result
    return {label: {key: values for key, values in groups.items() if any(values.values())}
            for label, groups in result.items()}


@pytest.mark.parametrize(("number", "group_by"), list(_cases()))
def test_a_rollup_gives_the_numbers_of_its_facts(busy_store, monkeypatch, number, group_by):
    rollup = ROLLUPS[number]
    source = rollup.code
    codes = list(rollup.expressions)
    filters = [Filters()] + ([Filters(channel="own"), Filters(channel="tmall")] if rollup.channel else [])
    for chosen in filters:
        with monkeypatch.context() as patch:  # this rollup alone: really summed
            patch.setattr(engine, "ROLLUPS", [rollup])
            assert engine.rollup_for(source, engine.base_metrics(codes), chosen, group_by) is rollup
        summed, facts = _both_ways(monkeypatch, codes, group_by, chosen, rollups=[rollup])
        assert summed == facts
        if chosen == Filters():  # the store has something to count for each
            assert any(any(v for v in _values(period)) for period in summed.values())


def _values(period: dict):
    for value in period.values():
        yield from (value.values() if isinstance(value, dict) else [value])


def test_filters_a_rollup_cannot_apply_read_the_facts(busy_store):
    metrics = engine.base_metrics(["window_buyers"])
    assert engine.rollup_for("buyers_in_window", metrics, Filters(channel="own")) is None
    category, visitors = busy_store["product"].category_id, engine.base_metrics(["visitors"])
    assert engine.rollup_for("events", visitors, Filters(category_id=category)) is None
    assert engine.rollup_for("events", visitors, Filters(), "product_id") is None
    sql = engine.source_sql("events", visitors, [WEEK], Filters(category_id=category))
    assert "FROM events e" in sql and "visit_days" not in sql


def test_appended_events_are_summed_and_added_to_the_rollup(busy_store, monkeypatch):
    """A refresh brings more events of a visit already summed: the rollup gains a second row
    for that visit and day, and every number still equals the facts' and a fresh load's."""
    before = engine.compute(["paying_visitors"], [WEEK], Filters(channel="tmall"))["current"]
    assert before == {"paying_visitors": 0}
    Event.objects.create(event_id=uuid.uuid4(), kind="payment", visitor_id="v5", session_id="v5-s1",
                         source="live", channel="tmall", device="mobile", occurred_at=at("2026-11-03 00:09"))
    warehouse.refresh()
    rows = reader.query("SELECT count(*) FROM visit_days WHERE visitor_id = 'v5' AND day = DATE '2026-11-03'")
    assert rows == [(2,)]  # the day's first events and the new one, not merged
    codes = [c for r in ROLLUPS if r.table == "visit_days" for c in r.expressions]
    summed, facts = _both_ways(monkeypatch, codes, None, Filters(channel="tmall"))
    assert summed == facts
    assert summed["current"]["paying_visitors"] == 1  # v5 paid on tmall now
    reader.forget()
    assert engine.compute(codes, PERIODS, Filters(channel="tmall")) == summed


def test_rollups_read_as_views_or_in_memory_give_the_same_numbers(busy_store, settings):
    codes = ["visitors", "paying_buyers", "repurchase_rate", "retention_rate"]
    settings.ZHANGGUI_WAREHOUSE_IN_MEMORY = False
    reader.forget()
    assert {name for name, d in rollups.DERIVED.items() if d.rollup} <= reader.tables()
    views = engine.compute(codes, PERIODS)
    settings.ZHANGGUI_WAREHOUSE_IN_MEMORY = True
    reader.forget()
    assert engine.compute(codes, PERIODS) == views


def test_sources_one_rollup_answers_share_its_query(busy_store):
    kpis = engine.query(["paying_buyers", "new_buyers", "returning_buyer_gmv"], [WEEK])
    assert [sql.count("paid_order_facts") for sql, _params, _metrics in engine._plan(kpis)["sql"]] == [1]
    # A and B bought first this week; E (first order 10-20) paid 200 + 100 + 100 in it.
    assert engine.compute_many([kpis])[0]["current"] == {
        "paying_buyers": 3, "new_buyers": 2, "returning_buyer_gmv": Decimal("400.00")}
