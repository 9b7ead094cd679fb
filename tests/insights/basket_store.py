"""A hand-made shop for basket analysis, each figure worked out by hand.

Categories: 饮品 (drinks) > 茶 (tea); 零食 (snacks). Products: A and B in tea, D in drinks,
C in snacks; A has two SKUs (A1 at 60.00, A2 at 50.00), B 40.00, C 30.00, D 20.00.

Paid in the period (2026-11-01 … 2026-11-30), 9 baskets:
- 4 × {A1, B}, 2 × {A1, B, C}, 2 × {C}, 1 × {A1, A2} (one product, A: one item).
Not baskets: a paid {A1, B} later cancelled, a paid {B, D} of 2026-10-15 (before the
period), an unpaid {A1, C}.

Shop-wide counts: A 7, B 6, C 4, AB 6, AC 2, BC 2, ABC 2.
Within 茶 (tea and its sub-tree; D has no paid order in the period): baskets are the orders
with A or B: 7 — {A, B} × 6, {A} × 1.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from tests import factories
from zhanggui.analytics import warehouse
from zhanggui.catalog import actions as catalog_actions
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order, Payment

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _order(skus, paid: str | None, *, cancelled: bool = False) -> Order:
    order = order_actions.place_order(
        factories.make_customer(), lines=[order_actions.LineRequest(s.pk, 1) for s in skus],
        recipient=factories.recipient(), actor=None)
    if paid is None:
        return order
    factories._advance(order, "paid")
    moment = datetime.fromisoformat(paid).replace(tzinfo=SHANGHAI)
    Order.objects.filter(pk=order.pk).update(paid_at=moment, placed_at=moment)
    Payment.objects.filter(order=order).update(created_at=moment)
    if cancelled:
        Order.objects.filter(pk=order.pk).update(status="cancelled")
    return order


def build_basket_store() -> dict:
    drinks = factories.make_category("饮品")
    tea = factories.make_category("茶", parent=drinks)
    snacks = factories.make_category("零食")
    a = factories.make_product(category=tea, listed=False)
    b = factories.make_product(category=tea, listed=False)
    c = factories.make_product(category=snacks, listed=False)
    d = factories.make_product(category=drinks, listed=False)
    a1, a2 = factories.make_sku(a, price="60.00"), factories.make_sku(a, price="50.00")
    b1, c1, d1 = (factories.make_sku(p, price=price)
                  for p, price in ((b, "40.00"), (c, "30.00"), (d, "20.00")))
    for product in (a, b, c, d):
        catalog_actions.set_listing_status(product, status="listed", reason="new", actor=None)
    stock = factories.make_warehouse()
    for sku in (a1, a2, b1, c1, d1):
        factories.stock_up(sku, stock, 100)
    for day in range(4):
        _order([a1, b1], f"2026-11-{day + 2:02d} 10:00")
    for day in range(2):
        _order([a1, b1, c1], f"2026-11-{day + 10:02d} 10:00")
        _order([c1], f"2026-11-{day + 12:02d} 10:00")
    _order([a1, a2], "2026-11-30 23:30")
    _order([a1, b1], "2026-11-20 10:00", cancelled=True)
    _order([b1, d1], "2026-10-15 10:00")
    _order([a1, c1], None)
    warehouse.rebuild()
    return {"drinks": drinks, "tea": tea, "snacks": snacks, "a": a, "b": b, "c": c, "d": d,
            "a1": a1, "a2": a2, "b1": b1, "c1": c1, "d1": d1}
