"""A hand-made store whose every number is worked out by hand in the tests.

Period under test: 2026-11-01 ≤ day < 2026-11-08 (shop time, Asia/Shanghai).

- Customer A: order 1 paid 11-02 10:00, 1 × 100.00 + 10.00 shipping = 110.00;
              order 2 paid 11-05 20:00, 2 × 100.00 = 200.00.
- Customer B: order 3 paid 11-03 09:00, 1 × 100.00 = 100.00;
              30.00 of it refunded on 11-07 (partly, so it stays paid).
- Customer C: order 4 placed 11-04, never paid.
- Customer D: order 5 paid 10-28 12:00 (the previous period), 1 × 100.00 = 100.00.
- Visitors: v1 (A) and v2 (B) view the home page and the product, add it to the cart, order
  and pay; v3 views one page and leaves (a bounce); v4 views a page and the product.
  v2 also searches "羽绒服" (3 results) and "不存在的词" (0 results).
"""

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.analytics import warehouse
from zhanggui.orders.models import Order, Payment
from zhanggui.traffic.models import Event

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _set_times(order: Order, placed: str, paid: str | None) -> None:
    Order.objects.filter(pk=order.pk).update(placed_at=at(placed), paid_at=at(paid) if paid else None)
    if paid:
        Payment.objects.filter(order=order).update(created_at=at(paid))


def _events(visitor: str, kinds: list[str], start: str, *, product=None, order=None,
            customer=None, source="search", terms=()) -> list[Event]:
    events = []
    moment = at(start)
    for n, kind in enumerate(kinds):
        events.append(Event(event_id=uuid.uuid4(), kind=kind, visitor_id=visitor,
                            session_id=f"{visitor}-s1", customer=customer,
                            product=product if kind in ("product_view", "add_to_cart") else None,
                            order=order if kind in ("order", "payment") else None,
                            source=source, channel="own", device="mobile",
                            occurred_at=moment.replace(minute=n)))
    for n, (term, results) in enumerate(terms):
        events.append(Event(event_id=uuid.uuid4(), kind="search", visitor_id=visitor,
                            session_id=f"{visitor}-s1", search_term=term, result_count=results,
                            source=source, channel="own", device="mobile",
                            occurred_at=moment.replace(minute=30 + n)))
    return events


BUY = ["page_view", "product_view", "add_to_cart", "order", "payment"]


@pytest.fixture
def store(db, warehouse_dir):
    return build_store()


def build_store() -> dict:
    """Write the store of the module docstring and build the warehouse from it."""
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    a, b, c, d = (factories.make_customer() for _ in range(4))
    o1 = factories.make_order(sku=sku, customer=a, status="paid", shipping="10.00")
    o2 = factories.make_order(sku=sku, customer=a, quantity=2, status="paid")
    o3 = factories.make_order(sku=sku, customer=b, status="paid")
    o4 = factories.make_order(sku=sku, customer=c)
    o5 = factories.make_order(sku=sku, customer=d, status="paid")
    _set_times(o1, "2026-11-02 09:55", "2026-11-02 10:00")
    _set_times(o2, "2026-11-05 19:50", "2026-11-05 20:00")
    _set_times(o3, "2026-11-03 08:50", "2026-11-03 09:00")
    _set_times(o4, "2026-11-04 12:00", None)
    _set_times(o5, "2026-10-28 11:50", "2026-10-28 12:00")
    refund = aftersales_actions.issue_refund(o3, amount=Decimal("30.00"), reason="test", actor=None)
    type(refund).objects.filter(pk=refund.pk).update(created_at=at("2026-11-07 15:00"))
    product = sku.product
    Event.objects.bulk_create([
        *_events("v1", BUY, "2026-11-02 09:40", product=product, order=o1, customer=a),
        *_events("v2", BUY, "2026-11-03 08:40", product=product, order=o3, customer=b,
                 source="ads", terms=[("羽绒服", 3), ("不存在的词", 0)]),
        *_events("v3", ["page_view"], "2026-11-04 10:00", source="social"),
        *_events("v4", ["page_view", "product_view"], "2026-11-06 10:00", product=product),
    ])
    warehouse.rebuild()
    return {"sku": sku, "product": product, "orders": [o1, o2, o3, o4, o5]}
